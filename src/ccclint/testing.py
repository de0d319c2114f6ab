"""Run the examples every rule carries (present, missing, one per weak signal, both languages).
Used by `ccclint rules test` and by pytest (one test per example)."""

from __future__ import annotations

from dataclasses import dataclass

from ccclint.docindex import DocIndex
from ccclint.engine import context, document_parties, pack_applies
from ccclint.findings import to_finding
from ccclint.matcher import evaluate_rule
from ccclint.normalize import fold_text
from ccclint.packs.model import Rule, RuleSet
from ccclint.parsers.text import parse_string
from ccclint.segment import structure


@dataclass
class Outcome:
    case_id: str
    expected: str
    got: str
    signals: list[str]
    ok: bool


def example_cases(ruleset: RuleSet):
    """(case_id, rule, status, example) for every example, ids like ART33-BREACH-NOTIFY/weak/1."""
    for rule in ruleset.rules:
        for status in ("present", "weak", "missing", "not_applicable"):
            for i, ex in enumerate(rule.examples.get(status) or [], start=1):
                yield f"{rule.id}/{status}/{i}", rule, status, ex


def default_kind(ruleset: RuleSet, rule: Rule) -> str:
    applies = ruleset.pack(rule.pack).applies_to
    for kind in ("call-centre", "dpa", "services", "sla", "other"):
        if applies.get(kind) is True:
            return kind
    return next(iter(applies), "other")


def run_example(ruleset: RuleSet, rule: Rule, status: str, example: dict) -> tuple[str, list[str]]:
    doc = parse_string(example["text"], path=f"<{rule.id}>")
    index = DocIndex.build(doc, structure(doc))
    index.lang = example["lang"]
    index.kind = example.get("kind") or default_kind(ruleset, rule)
    lexicon = ruleset.lexicon_for(rule.pack)
    index.parties = document_parties(index, ruleset)
    ctx = context(index, lexicon)

    applicable = pack_applies(ruleset.pack(rule.pack), ctx)
    result = evaluate_rule(rule, ctx, applicable)
    return result.status, result.signals, [e.text for e in to_finding(result, index).evidence]


def run_examples(ruleset: RuleSet) -> list[Outcome]:
    out = []
    for case_id, rule, status, ex in example_cases(ruleset):
        got, signals, quotes = run_example(ruleset, rule, status, ex)
        ok = got == status and (status != "weak" or not ex.get("signal") or ex["signal"] in signals)
        if ex.get("evidence"):  # the first quote must show what the example says it shows
            ok = ok and bool(quotes) and fold_text(ex["evidence"]) in fold_text(quotes[0])
            if not ok and quotes:
                got += f" quoting «{quotes[0][:80]}»"
        expected = status + (f"[{ex['signal']}]" if ex.get("signal") else "")
        expected += f" quoting «{ex['evidence']}»" if ex.get("evidence") else ""
        out.append(Outcome(case_id, expected, got, signals, ok))
    return out


def coverage_gaps(rule: Rule) -> list[str]:
    """What a rule's examples fail to cover: each status in both languages, each weak signal."""
    gaps = []
    ex = rule.examples
    always = rule.match == {"always": True}  # document-level checks can never be missing
    for status in ("present",) if always else ("present", "missing"):
        langs = {e["lang"] for e in ex.get(status) or []}
        for lang in ("fr", "en"):
            if lang not in langs:
                gaps.append(f"no {status} example in {lang}")
    if rule.evidence is not None and not any(e.get("evidence") for e in ex.get("present") or []):
        gaps.append("no present example showing what the `evidence` formula quotes")
    covered = {e.get("signal") for e in ex.get("weak") or []}
    for s in rule.weak:
        if s.id not in covered:
            gaps.append(f"no weak example for signal '{s.id}'")
    weak_langs = {e["lang"] for e in ex.get("weak") or []}
    if rule.weak:
        for lang in ("fr", "en"):
            if lang not in weak_langs:
                gaps.append(f"no weak example in {lang}")
    return gaps
