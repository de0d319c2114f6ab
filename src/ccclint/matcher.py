"""Rule formulas evaluated on a document's units. Pure: (rule, indexed document) -> RuleResult.

A formula node returns the spans (start, end) of folded text that satisfy it inside a unit; an
empty list is false. Zero-width spans are truths without evidence (`not`, `inside`, `always`...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ccclint.docindex import DocIndex, Unit
from ccclint.extractors import NUMBER
from ccclint.normalize import fold_char
from ccclint.packs.model import Rule, Signal

Span = tuple[int, int]

# Negations that release a party from the duty the phrase names ("n'est pas tenu de notifier").
_RELEASE = re.compile(
    r"(?:n'(?:est|sont|a|ont)|ne (?:sera|seront|saurait|sauraient|peut|pourra)(?: etre)?|n'(?:etre|etant))\s+"
    r"(?:pas|nullement|aucunement|en aucun cas|jamais)\s+(?:tenue?s?|obligee?s?|contraint(?:e|s)?|a)\b"
    r"|aucune obligation (?:de|d')|sans (?:etre tenue?s? de|obligation de)|ne s'engage (?:pas|aucunement) a"
    r"|(?:is|are|shall|will|be|being)\s+(?:not|never|under no obligation)\s+(?:be\s+)?(?:required|obliged|obligated|bound)\s+to"
    r"|(?:has|have|shall have|will have|bears?)\s+no\s+(?:obligation|duty)\s+to|under no obligation to"
    r"|need not|not (?:required|obliged|obligated) to|does not (?:undertake|agree|commit) to|no obligation to",
)
_RELEASE_WINDOW = 60  # characters before the phrase
_SPACE = r"[^\S\n]+"  # spaces inside a paragraph: a phrase never runs across two paragraphs


def compile_phrase(phrase: str, parties: dict[str, str]) -> str:
    """Lawyer-readable phrase -> regex on folded text.

    Literal words (accents, case and apostrophes ignored); `*` continues a word (notifi* = notifie,
    notification); `...` a gap of up to 8 words; `(a|b)` alternatives, `(x)?` optional; `[N]` a
    number in digits or words; `{provider}` / `{client}` any name of that party.
    """
    out: list[str] = []
    i = 0
    text = phrase.strip()
    lead_space = _optional_groups_after_space(text)
    close_at = -1
    while i < len(text):
        ch = text[i]
        if ch == " " and i + 1 in lead_space:  # "word (x|y)?" at the end: the space belongs to the optional part
            out.append(r"(?:[^\S\n]+(?:")
            close_at = lead_space[i + 1]
            i += 2
            continue
        if ch == ")" and i == close_at:
            out.append("))")
            i += 1
            continue
        if text.startswith("...", i) or ch == "…":
            while out and out[-1] == _SPACE:
                out.pop()
            out.append(r"(?:[^\w\n]+\w+){0,8}?[^\w\n]+")
            i += 3 if ch == "." else 1
            while i < len(text) and text[i] == " ":
                i += 1
            continue
        if text.startswith("[N]", i):
            out.append(NUMBER)
            i += 3
            continue
        m = re.match(r"\{(provider|client)\}", text[i:])
        if m:
            out.append(parties[m.group(1)])
            i += m.end()
            continue
        if ch == "\\" and i + 1 < len(text):  # \( \) \? \* ... : the next character literally
            out.append(re.escape(fold_char(text[i + 1])))
            i += 2
            continue
        if ch == "?" and out and out[-1] == _SPACE:  # "a ?b": an optional space, not a lazy one
            out[-1] = r"[^\S\n]*"
        elif ch == "*":
            out.append(r"\w*")
        elif ch == " ":
            if not out or out[-1] != _SPACE:
                out.append(_SPACE)
        elif ch == "'":
            out.append(r"'[^\S\n]?")
        elif ch == "-":
            out.append(r"[^\S\n-]?-?[^\S\n]?")
        elif ch == "(":
            out.append("(?:")
        elif ch in ")|?":
            out.append(ch)
        else:
            out.append(re.escape(fold_char(ch)))
        i += 1
    body = "".join(out)
    start = r"(?<!\w)" if re.match(r"[\w(\[{]", text) else ""
    end = r"(?!\w)" if text[-1:].isalnum() or text.endswith((")", "?", "]", "}")) else ""
    return start + body + end


def _optional_groups_after_space(text: str) -> dict[int, int]:
    """'(' index -> ')' index of an optional group between spaces: 'finalites (du traitement)?', 'a (b)? c'.
    The space before the group belongs to it, so the phrase matches with or without the group."""
    out: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(" and (i == 0 or text[i - 1] != "\\"):
            stack.append(i)
        elif ch == ")" and stack and text[i - 1] != "\\":
            start = stack.pop()
            follows = text[i + 1:i + 3]
            if start > 0 and text[start - 1] == " " and text[i - 1] != " " and follows in ("?", "? "):
                out[start] = i
    return out


@dataclass
class Context:
    """Per-document, per-rule evaluation state: compiled patterns and their hits are cached."""

    index: DocIndex
    lexicon: dict[str, dict[str, list[str]]]
    party_regex: dict[str, str]
    allow_negated: bool = False
    values: dict[str, Any] = field(default_factory=dict)
    _hits: dict[str, list[tuple[int, int, bool]]] = field(default_factory=dict)

    def hits(self, pattern: str) -> list[tuple[int, int, bool]]:
        """All matches of `pattern` in the document, each flagged when a release negation precedes it."""
        cached = self._hits.get(pattern)
        if cached is None:
            text = self.index.text
            cached = []
            for m in re.finditer(pattern, text):
                if m.end() == m.start():
                    continue
                s = self.index.sentence_at(m.start())
                window = text[max(s.start, m.start() - _RELEASE_WINDOW):m.start()]
                window = re.split(r"[;:]", window)[-1]  # a negation before ';' governs another clause
                cached.append((m.start(), m.end(), bool(_RELEASE.search(window))))
            self._hits[pattern] = cached
        return cached

    def phrases(self, value: Any) -> list[str]:
        lang = self.index.lang
        if isinstance(value, dict):
            value = value.get(lang) or []
        return [value] if isinstance(value, str) else list(value)

    def pattern_for(self, phrases: list[str]) -> str | None:
        if not phrases:
            return None
        return "|".join(f"(?:{compile_phrase(p, self.party_regex)})" for p in phrases)


def _in(unit: Unit, spans: list[tuple[int, int, bool]], allow_negated: bool) -> list[Span]:
    return [(s, e) for s, e, neg in spans if s >= unit.start and e <= unit.end and (allow_negated or not neg)]


def evaluate(node: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    (key, arg), = node.items()
    return _NODES[key](arg, unit, ctx)


def _phrase(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    pattern = ctx.pattern_for(ctx.phrases(arg))
    return _in(unit, ctx.hits(pattern), ctx.allow_negated) if pattern else []


def _term(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    names = [arg] if isinstance(arg, str) else arg
    phrases: list[str] = []
    for name in names:
        phrases += ctx.lexicon.get(name, {}).get(ctx.index.lang, [])
    pattern = ctx.pattern_for(phrases)
    return _in(unit, ctx.hits(pattern), ctx.allow_negated) if pattern else []


def _regex(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    pattern = arg.get(ctx.index.lang) if isinstance(arg, dict) else arg
    return _in(unit, ctx.hits(pattern), ctx.allow_negated) if pattern else []


def _all(arg: list[dict[str, Any]], unit: Unit, ctx: Context) -> list[Span]:
    spans: list[Span] = []
    for child in arg:
        got = evaluate(child, unit, ctx)
        if not got:
            return []
        spans += got
    return spans


def _any(arg: list[dict[str, Any]], unit: Unit, ctx: Context) -> list[Span]:
    spans: list[Span] = []
    for child in arg:
        spans += evaluate(child, unit, ctx)
    return spans


def _not(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    saved = ctx.allow_negated
    ctx.allow_negated = False  # a negated mention still counts as a mention for `not`
    try:
        inner = evaluate(arg, unit, ctx) or _any_negated(arg, unit, ctx)
    finally:
        ctx.allow_negated = saved
    return [] if inner else [(unit.start, unit.start)]


def _any_negated(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    ctx.allow_negated = True
    return evaluate(arg, unit, ctx)


def _near(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    within = arg["within"]
    groups = [evaluate(child, unit, ctx) for child in arg["of"]]
    if any(not g for g in groups):
        return []
    idx = ctx.index
    words = [[(idx.word_index(s), idx.word_index(max(s, e - 1)), (s, e)) for s, e in g] for g in groups]
    for ws, we, span in words[0]:
        chosen = [span]
        lo, hi = ws, we
        ok = True
        for other in words[1:]:
            best = min(other, key=lambda w: max(hi, w[1]) - min(lo, w[0]))
            if max(hi, best[1]) - min(lo, best[0]) > within:
                ok = False
                break
            lo, hi = min(lo, best[0]), max(hi, best[1])
            chosen.append(best[2])
        if ok:
            return chosen
    return []


def _inside(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    heading = ctx.index.heading_text(unit.paragraph)
    pattern = ctx.pattern_for(ctx.phrases(arg["heading"]))
    if pattern and re.search(pattern, heading):
        return [(unit.start, unit.start)]
    return []


def _deadline(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    found = [d for d in ctx.index.durations if d.start >= unit.start and d.end <= unit.end]
    if arg.get("none"):
        vague = [s for s in ctx.index.immediacy if s[0] >= unit.start and s[1] <= unit.end]
        return [] if found or vague else [(unit.start, unit.start)]
    if arg.get("vague"):
        vague = [s for s in ctx.index.immediacy if s[0] >= unit.start and s[1] <= unit.end]
        return vague if vague and not found else []
    if arg.get("absent"):
        return [] if found else [(unit.start, unit.start)]
    if not found:
        return []
    if arg.get("present"):
        return [(d.start, d.end) for d in found]
    if arg.get("business"):
        return [(d.start, d.end) for d in found if d.business]
    shortest = min(found, key=lambda d: d.worst_hours)
    if "max_hours" in arg and shortest.worst_hours > arg["max_hours"]:
        ctx.values["hours"] = _number(shortest.worst_hours)
        return [(shortest.start, shortest.end)]
    if "min_hours" in arg and shortest.worst_hours < arg["min_hours"]:
        ctx.values["hours"] = _number(shortest.worst_hours)
        return [(shortest.start, shortest.end)]
    return []


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def _percent(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    found = [p for p in ctx.index.percents if p[0] >= unit.start and p[1] <= unit.end]
    if arg.get("absent"):
        return [] if found else [(unit.start, unit.start)]
    if arg.get("present"):
        return [(s, e) for s, e, _ in found]
    out = []
    for s, e, v in found:
        if ("min" in arg and v < arg["min"]) or ("max" in arg and v > arg["max"]):
            ctx.values["percent"] = _number(v)
            out.append((s, e))
    return out


def _always(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    return [(unit.start, unit.start)]


def _kind(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    kinds = [arg] if isinstance(arg, str) else arg
    return [(unit.start, unit.start)] if ctx.index.kind in kinds else []


def _mentions(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    from ccclint.countries import find_countries

    want = arg.get("country", {})
    out = []
    for s, e, country in find_countries(ctx.index, unit):
        if all(country.get(k) == v for k, v in want.items()):
            out.append((s, e))
    return out


_NODES = {"phrase": _phrase, "term": _term, "regex": _regex, "all": _all, "any": _any, "not": _not, "near": _near,
          "inside": _inside, "deadline": _deadline, "percent": _percent, "always": _always, "kind": _kind,
          "mentions": _mentions}


# ---- rule evaluation ----------------------------------------------------------------------------

@dataclass
class Fired:
    signal: Signal
    spans: list[Span]
    values: dict[str, Any]


@dataclass
class RuleResult:
    rule: Rule
    status: str
    unit: Unit | None = None
    spans: list[Span] = field(default_factory=list)
    fired: list[Fired] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def signals(self) -> list[str]:
        return [f.signal.id for f in self.fired]


def _region(signal: Signal, unit: Unit, index: DocIndex) -> Unit:
    if signal.within == "clause":
        return index.clause_of(unit)
    if signal.within == "document":
        return index.document_unit
    return unit


def _signals(rule: Rule, unit: Unit, ctx: Context) -> list[Fired]:
    fired = []
    for signal in rule.weak:
        ctx.values = {}
        spans = evaluate(signal.formula, _region(signal, unit, ctx.index), ctx)
        if spans:
            fired.append(Fired(signal, spans, dict(ctx.values)))
    return fired


def evaluate_rule(rule: Rule, ctx: Context, applicable: bool = True) -> RuleResult:
    """present / weak / missing / not_applicable for one rule on one document."""
    index = ctx.index
    if not applicable or (rule.applies_if and not evaluate(rule.applies_if, index.document_unit, ctx)):
        return RuleResult(rule, "not_applicable")
    units = index.units(rule.scope)
    if rule.scope in ("sentence", "paragraph"):  # a title counts only when no body text matches
        units = [u for u in units if not index.is_heading(u.paragraph)] + \
                [u for u in units if index.is_heading(u.paragraph)]
    best: tuple[int, int, Unit, list[Span], list[Fired]] | None = None
    for order, unit in enumerate(units):
        if best is not None and index.is_heading(unit.paragraph) and rule.scope in ("sentence", "paragraph"):
            break
        spans = evaluate(rule.match, unit, ctx)
        if not spans:
            continue
        fired = _signals(rule, unit, ctx)
        candidate = (len(fired), order, unit, spans, fired)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
        if not fired:
            break
    if best is None:
        ctx.allow_negated = True
        try:
            negated = next(((u, s) for u in units if (s := evaluate(rule.match, u, ctx))), None)
        finally:
            ctx.allow_negated = False
        if negated:
            unit, spans = negated
            neg = Signal("negated", {"fr": "l'obligation est écartée ou rendue facultative",
                                      "en": "the obligation is negated or made optional"}, "unit", {"always": True})
            return RuleResult(rule, "weak", unit, spans, [Fired(neg, spans, {})])
        return RuleResult(rule, "missing")
    _, _, unit, spans, fired = best
    values: dict[str, Any] = {}
    for f in fired:
        values.update(f.values)
    return RuleResult(rule, "weak" if fired else "present", unit, spans, fired, values)
