"""Every example of every rule runs as a test (ids like ART33-BREACH-NOTIFY/weak/1), and a guard
checks that each rule carries the examples it owes: present and missing in French and English,
one weak example per weak signal."""

from __future__ import annotations

import pytest

from ccclint import testing
from ccclint.normalize import fold_text
from ccclint.packs import loader

RULESET = loader.load()
CASES = list(testing.example_cases(RULESET))


@pytest.mark.parametrize("case_id,rule,status,example", CASES, ids=[c[0] for c in CASES])
def test_rule_example(case_id, rule, status, example):
    got, signals, quotes = testing.run_example(RULESET, rule, status, example)
    assert got == status, f"{case_id}: expected {status}, got {got} {signals}"
    if status == "weak" and example.get("signal"):
        assert example["signal"] in signals, f"{case_id}: signal {example['signal']} not fired ({signals})"
    if example.get("evidence"):
        assert quotes and fold_text(example["evidence"]) in fold_text(quotes[0]), f"{case_id}: quoted {quotes[:1]}"


@pytest.mark.parametrize("rule", RULESET.rules, ids=[r.id for r in RULESET.rules])
def test_rule_has_its_examples(rule):
    gaps = testing.coverage_gaps(rule)
    assert not gaps, f"{rule.source}: " + "; ".join(gaps)


def test_every_scored_rule_exists():
    scored = """ART28-CONTRACT ART28-ROLES ART28-PROCESSING-DETAILS ART28-INSTRUCTIONS ART28-LEGAL-REQ-NOTICE
    ART28-TRANSFER-INSTRUCTION ART28-INFRINGING-INSTRUCTION ART28-STAFF-CONFIDENTIALITY ART28-SECURITY ART32-TOM-DETAIL
    ART28-SUBPROCESSOR-AUTH ART28-SUBPROCESSOR-NOTICE ART28-SUBPROCESSOR-FLOWDOWN ART28-SUBPROCESSOR-LIABILITY
    ART28-DS-RIGHTS ART28-ASSIST-32-36 ART33-BREACH-NOTIFY ART28-DELETE-RETURN ART28-AUDIT ART28-PURPOSE-LIMITATION
    ART28-GUARANTEES""".split()
    ids = {r.id for r in RULESET.rules}
    assert not [r for r in scored if r not in ids]
