"""docs/rules.md, generated from the packs (`ccclint rules doc`): one reference page lawyers can read, which can
never drift from the YAML because a test regenerates it. Pure: a RuleSet in, Markdown text out, deterministic."""

from __future__ import annotations

import json
import re
import string
from typing import Any

from ccclint.packs.model import Pack, Rule, RuleSet, Signal

REGENERATE = "ccclint rules doc --output docs/rules.md"
KINDS = ("dpa", "services", "call-centre", "sla", "other")
BUILTIN_SIGNALS = {"negated": {"fr": "l'obligation est écartée ou rendue facultative",
                               "en": "the obligation is negated or made optional"}}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md(text: str) -> str:
    """Escape Markdown so contract wording shows verbatim (asterisks, brackets, pipes)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def anchor(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", name.lower())


def _code(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return f"`{text.replace('`', '')}`"


def formula(node: Any) -> str:
    """A formula node in one readable line (for applicability conditions and weak-signal triggers)."""
    if not isinstance(node, dict) or len(node) != 1:
        return _code(node)
    (key, arg), = node.items()
    if key in ("all", "any"):
        return f"{key} of ({'; '.join(formula(n) for n in arg)})"
    if key == "not":
        return f"not ({formula(arg)})"
    if key == "near":
        return f"within {arg['within']} words: ({'; '.join(formula(n) for n in arg['of'])})"
    if key == "term":
        return "term " + ", ".join(f"`{t}`" for t in (arg if isinstance(arg, list) else [arg]))
    if key == "always":
        return "always"
    if key == "regex":  # an escape hatch: the start is enough to recognise it
        text = arg if isinstance(arg, str) else json.dumps(arg, ensure_ascii=False, sort_keys=True)
        return f"regex {_code(text if len(text) <= 80 else text[:77] + '...')}"
    if isinstance(arg, dict) and all(isinstance(v, (int, float, str, bool)) for v in arg.values()):
        return f"{key} " + ", ".join(_code(k if v is True else f"{k}={v}") for k, v in sorted(arg.items()))
    return f"{key} {_code(arg)}"


def reason(signal: Signal | None, sid: str, lang: str) -> str:
    """A signal's reason with its thresholds filled in (`{max_hours}` → 48); run-time values shown as `…`."""
    texts = signal.reason if signal else BUILTIN_SIGNALS.get(sid, {})
    template = texts.get(lang) or texts.get("en") or ""
    limits: dict[str, Any] = {}
    if signal:
        (_, arg), = signal.formula.items()
        limits = arg if isinstance(arg, dict) else {}
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
        return template.format(**{f: limits.get(f, "…") for f in fields})
    except (IndexError, ValueError, KeyError):
        return template


def applicability(pack: Pack) -> list[str]:
    lines = ["| document kind | applies |", "|---|---|"]
    for kind in KINDS:
        value = pack.applies_to.get(kind, False)
        shown = "yes" if value is True else "no" if value is False else f"when {formula(value)}"
        lines.append(f"| {kind} | {shown.replace('|', chr(92) + '|')} |")  # a pipe would split the cell
    return lines


def _cite(ref: dict[str, str]) -> str:
    return f"[{md(ref['cite'])}]({ref['url']})" if ref.get("url") else md(ref["cite"])


def _bilingual(texts: dict[str, str]) -> list[str]:
    return [f"- {lang}: {md(texts[lang])}" for lang in ("fr", "en") if texts.get(lang)]


def rule_section(rule: Rule) -> list[str]:
    out = [f'<a id="{anchor(rule.id)}"></a>', "", f"### {rule.id} — {md(rule.title['en'])}", "",
           f"*{md(rule.title['fr'])}*", "",
           f"- **Severity:** missing → {rule.severity['missing']} · weak → {rule.severity['weak']}",
           f"- **Scope:** {rule.scope}",
           f"- **Legal basis:** {' ; '.join(_cite(r) for r in rule.references)}"]
    if rule.applies_if is not None:
        out.append(f"- **Applies only when:** {formula(rule.applies_if)}")
    if rule.why:
        out += ["", "**What it requires and why**", ""] + _bilingual(rule.why)
    present = rule.examples.get("present") or []
    if present:
        out += ["", "**Compliant wording**", ""] + [f"- ({e['lang']}) {md(e['text'])}" for e in present]
    if rule.evidence is not None:
        out += ["", f"**Quoted first when present:** {formula(rule.evidence)}"]
    signals = {s.id: s for s in rule.weak}
    if rule.weak:
        out += ["", "**Weak when**", ""]
        out += [f"- `{s.id}` ({formula(s.formula)}, looked for in the {s.within}): {md(reason(s, s.id, 'en'))}"
                f" / *{md(reason(s, s.id, 'fr'))}*" for s in rule.weak]
    weak = rule.examples.get("weak") or []
    if weak:
        out += ["", "**Weak wording**", ""]
        for e in weak:
            sid = e.get("signal")
            why = f" → `{sid}`: {md(reason(signals.get(sid), sid, e['lang']))}" if sid else ""
            out.append(f"- ({e['lang']}) {md(e['text'])}{why}")
    out += ["", "**Model clause**", ""] + _bilingual(rule.fix)
    return out + [""]


def pack_section(pack: Pack) -> list[str]:
    rules = sorted(pack.rules, key=lambda r: r.id)
    out = [f'<a id="{anchor(pack.name)}"></a>', "", f"## {pack.name} — {md(pack.title['en'])}", "",
           f"*{md(pack.title['fr'])}* · version {pack.version} · {len(rules)} rules", ""]
    if pack.description:
        out += [md(pack.description), ""]
    out += applicability(pack) + [""]
    out += [" · ".join(f"[{r.id}](#{anchor(r.id)})" for r in rules), ""]
    for rule in rules:
        out += rule_section(rule)
    return out


def render(ruleset: RuleSet) -> str:
    """The whole page: contents, then one section per pack and one per rule, sorted by name."""
    packs = sorted(ruleset.packs, key=lambda p: p.name)
    out = ["# Rule reference", "",
           f"<!-- Generated from the rule packs by `{REGENERATE}`: do not edit by hand. -->", "",
           f"{sum(len(p.rules) for p in packs)} rules in {len(packs)} pack{'s' if len(packs) != 1 else ''}. For each rule: its severity when the "
           "clause is missing or weak, what it requires and why, its legal basis, wording that satisfies it, wording "
           "it reports as weak (with the reason shown to the user) and the model clause it proposes. How packs are "
           "written and extended: [rule-packs.md](rule-packs.md).", "", "## Packs", ""]
    out += [f"- [{p.name}](#{anchor(p.name)}) — {md(p.title['en'])} ({len(p.rules)} rules)" for p in packs]
    out.append("")
    for pack in packs:
        out += pack_section(pack)
    return "\n".join(out).rstrip("\n") + "\n"
