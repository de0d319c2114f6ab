"""Rule formulas evaluated on a document's units. Pure: (rule, indexed document) -> RuleResult.

A formula node returns the spans (start, end) of folded text that satisfy it inside a unit; an
empty list is false. Zero-width spans are truths without evidence (`not`, `inside`, `always`...).
Where the phrases are found (and where they cannot be) is the business of context.Context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ccclint.annexes import missing_annexes
from ccclint.context import Context, Span  # noqa: F401 (Context is part of this module's interface)
from ccclint.docindex import DocIndex, Unit
from ccclint.packs.model import Rule, Signal
from ccclint.phrases import _compiled, compile_phrase  # noqa: F401 (re-export)

def evaluate(node: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    (key, arg), = node.items()
    return _NODES[key](arg, unit, ctx)


def _phrase(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    pattern = ctx.node_pattern("phrase", arg)
    return ctx.within(unit, pattern) if pattern else []


def _term(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    pattern = ctx.node_pattern("term", arg)
    return ctx.within(unit, pattern) if pattern else []


def _regex(arg: Any, unit: Unit, ctx: Context) -> list[Span]:
    pattern = ctx.node_pattern("regex", arg)
    return ctx.within(unit, pattern) if pattern else []


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
    if pattern and _compiled(pattern).search(heading):
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


def _annexes(arg: dict[str, Any], unit: Unit, ctx: Context) -> list[Span]:
    out = missing_annexes(ctx.index, unit)
    if out:
        ctx.values["annexes"] = ", ".join(ctx.index.text[s:e] for s, e in out)
    return out if arg.get("missing") else ([] if out else [(unit.start, unit.start)])


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
          "mentions": _mentions, "annexes": _annexes}


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
    other_spans: list[Span] = field(default_factory=list)  # further evidence of a weak verdict

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
    ctx.local = True  # signals are tested on the few units a rule matches: phrases are searched there only
    try:
        for signal in rule.weak:
            ctx.values = {}
            spans = evaluate(signal.formula, _region(signal, unit, ctx.index), ctx)
            if spans:
                fired.append(Fired(signal, spans, dict(ctx.values)))
    finally:
        ctx.local = False
    return fired


def _evidence_spans(rule: Rule, unit: Unit, ctx: Context) -> list[Span]:
    """What a present verdict quotes first: the rule's `evidence` formula, which names what makes the clause
    adequate (a survival period, a non-exclusive remedy...). Whole-document rules evaluate it on the document;
    the others on the paragraphs of the matched clause, then of the whole document: the first that holds
    (for an `any`, its alternatives in order of preference)."""
    index = ctx.index
    if rule.scope == "document":
        return [s for s in evaluate(rule.evidence, index.document_unit, ctx) if s[1] > s[0]]  # type: ignore[arg-type]
    clause = index.clause_of(unit)
    paragraphs = index.paragraph_units  # in text order: the clause's paragraphs are one slice of them
    first = index.paragraph_at(clause.start)
    last = first
    while last < len(paragraphs) and paragraphs[last].end <= clause.end:
        last += 1
    ordered = paragraphs[first:last] + paragraphs[:first] + paragraphs[last:]
    (key, arg), = rule.evidence.items()  # type: ignore[union-attr]
    for formula in (arg if key == "any" else [rule.evidence]):  # `any`: the first alternative found wins
        for candidate in ctx.candidates(formula, ordered):
            got = [s for s in evaluate(formula, candidate, ctx) if s[1] > s[0]]
            if got:
                return got
    return []


def evaluate_rule(rule: Rule, ctx: Context, applicable: bool = True) -> RuleResult:
    """present / weak / missing / not_applicable for one rule on one document."""
    index = ctx.index
    if not applicable or (rule.applies_if and not evaluate(rule.applies_if, index.document_unit, ctx)):
        return RuleResult(rule, "not_applicable")
    units, fallback = index.ranked_units(rule.scope)
    units = ctx.candidates(rule.match, units)  # pre-check only: the other units cannot satisfy `match`
    best: tuple[int, int, int, Unit, list[Span], list[Fired]] | None = None
    weak_units: list[tuple[int, int, int, Unit, list[Span], list[Fired]]] = []
    clean_units: list[tuple[int, int, int, Unit, list[Span], list[Fired]]] = []
    for order, unit in enumerate(units):
        if best is not None and unit in fallback:
            break
        spans = evaluate(rule.match, unit, ctx)
        if not spans:
            continue
        fired = _signals(rule, unit, ctx)
        # fewest weak signals first; then the richest match (most distinct hits) as the clause that
        # deals with the subject, rather than a passing mention (a list of annexes, a definition)
        richness = -len({s for s in spans if s[1] > s[0]})
        candidate = (len(fired), richness, order, unit, spans, fired)
        (weak_units if fired else clean_units).append(candidate)
        if best is None or candidate[:3] < best[:3]:
            best = candidate
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
    _, _, _, unit, spans, fired = best
    if not fired and rule.evidence:
        spans = _evidence_spans(rule, unit, ctx) + [s for s in spans if s[1] > s[0]] or spans
    values: dict[str, Any] = {}
    for f in fired:
        values.update(f.values)
    # a weak verdict also points at the other places that show the weakness (most signals first); a
    # present one at the other clauses that satisfy the rule (richest first)
    if fired:
        ranked = sorted(weak_units, key=lambda c: (-c[0], c[2]))
    else:
        ranked = sorted(clean_units, key=lambda c: (c[1], c[2]))
    others = [s for c in ranked if c is not best for s in [x for f in c[5] for x in f.spans] + c[4] if s[1] > s[0]]
    return RuleResult(rule, "weak" if fired else "present", unit, spans, fired, values, others)
