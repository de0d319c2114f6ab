"""Firm playbooks: a pack in --rules that `extends` a built-in pack and overrides severities, thresholds, wording
and examples without copying it (docs/rule-packs.md, "Firm playbooks")."""

from __future__ import annotations

import dataclasses
import json
import sys
import textwrap
from pathlib import Path

import pytest

from ccclint import cli, testing
from ccclint.errors import PackError
from ccclint.packs import loader
from ccclint.packs.model import RuleSet
from ccclint.packs.playbook import Resolver

PLAYBOOK_YAML = """\
name: acme-playbook
extends: gdpr-art28
description: ACME's position on processor terms.
lexicon:
  breach:
    en: ["cyber event*"]
overrides:
  ART33-BREACH-NOTIFY:
    severity: {weak: error}
    weak:
      deadline-too-long: {deadline: {max_hours: 24}}
    message:
      weak: {fr: "Position ACME : notification sous 24 h.", en: "ACME position: breach notice within 24 h."}
    fix: {en: "The Supplier shall notify the Customer of any personal data breach within 24 hours."}
    examples:
      weak:
        - {lang: en, signal: deadline-too-long, text: "The Supplier shall notify the Customer of any personal data breach within forty-eight (48) hours."}
        - {lang: fr, signal: no-deadline, text: "Le Prestataire informe le Client de toute violation de données personnelles dans les meilleurs délais."}
"""

EXTRA_RULE_YAML = """\
id: ACME-CYBER-INSURANCE
title: {fr: Assurance cyber, en: Cyber insurance}
severity: {missing: warning, weak: info}
references: [{cite: "ACME playbook §4"}]
fix: {fr: Le Prestataire souscrit une assurance couvrant les violations de données., en: The Supplier shall insure against data breaches.}
match:
  all:
    - phrase: {fr: "assurance*", en: "insur*"}
    - term: breach
examples:
  present:
    - {lang: fr, text: "Le Prestataire souscrit une assurance couvrant les violations de données."}
    - {lang: en, text: "The Supplier shall maintain insurance covering cyber events."}
  missing:
    - {lang: fr, text: "Le Prestataire souscrit une assurance responsabilité civile."}
    - {lang: en, text: "The Supplier shall maintain general liability insurance."}
"""

CLAUSE_48H = "The Supplier shall notify the Customer of any personal data breach within forty-eight (48) hours."


def write_playbook(root: Path, pack_yaml: str = PLAYBOOK_YAML, name: str = "acme-playbook") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "pack.yaml").write_text(pack_yaml, encoding="utf-8")
    (folder / "ACME-CYBER-INSURANCE.yaml").write_text(EXTRA_RULE_YAML, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def playbook(tmp_path_factory) -> Path:
    return write_playbook(tmp_path_factory.mktemp("firm"))


@pytest.fixture(scope="module")
def builtin() -> RuleSet:
    """The built-in gdpr-art28 pack, loaded once: loading is the slow part."""
    return loader.load(packs=("gdpr-art28",))


def load_playbook(folder: Path, builtin: RuleSet) -> RuleSet:
    """The playbook on top of the already loaded base pack; other `extends` targets are looked up next to it."""
    def resolve(name: str, where: str):
        if name == "gdpr-art28":
            return builtin.pack(name)
        return Resolver([str(folder)], builtin.common, loader.load_pack).base(name, where)

    return RuleSet([loader.load_pack(str(folder), builtin.common, resolve)], builtin.common)


@pytest.fixture(scope="module")
def rulesets(playbook, builtin):
    return builtin, load_playbook(playbook, builtin)


def status(ruleset, rule_id: str, text: str, lang: str = "en") -> tuple[str, list[str]]:
    rule = next(r for r in ruleset.rules if r.id == rule_id)
    return testing.run_example(ruleset, rule, "present", {"lang": lang, "text": text})[:2]


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The real entry point in-process (exit code mapping included), without a new interpreter."""
    monkeypatch.setattr(sys, "argv", ["ccclint", *args])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def test_lower_threshold_turns_48h_clause_weak(rulesets):
    builtin, firm = rulesets
    assert status(builtin, "ART33-BREACH-NOTIFY", CLAUSE_48H)[0] == "present"
    got, signals = status(firm, "ART33-BREACH-NOTIFY", CLAUSE_48H)
    assert (got, signals) == ("weak", ["deadline-too-long"])


def test_playbook_replaces_its_base_pack(rulesets):
    builtin, firm = rulesets
    assert [p.name for p in firm.packs] == ["acme-playbook"]
    ids = [r.id for r in firm.rules]
    assert len(ids) == len(set(ids)) == len(builtin.rules) + 1
    assert {r.pack for r in firm.rules} == {"acme-playbook"}
    assert firm.pack("acme-playbook").applies_to == builtin.pack("gdpr-art28").applies_to


def test_override_builds_new_frozen_rule_and_keeps_the_rest(rulesets):
    builtin, firm = rulesets
    base = next(r for r in builtin.rules if r.id == "ART33-BREACH-NOTIFY")
    rule = next(r for r in firm.rules if r.id == "ART33-BREACH-NOTIFY")
    assert rule.severity == {"missing": "error", "weak": "error"} and base.severity["weak"] == "warning"
    assert rule.weak[0].formula == {"deadline": {"max_hours": 24}} and base.weak[0].formula["deadline"]["max_hours"] == 48
    assert rule.weak[0].reason == base.weak[0].reason and rule.weak[1] == base.weak[1]
    assert rule.fix["fr"] == base.fix["fr"] and rule.fix["en"] != base.fix["en"]
    assert rule.examples["present"] == base.examples["present"] and rule.examples["weak"] != base.examples["weak"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.severity = {}  # type: ignore[misc]


def test_lexicon_entries_extend_the_base_terms(rulesets):
    builtin, firm = rulesets
    text = "The Supplier shall notify the Customer of any cyber event within 24 hours."
    assert status(builtin, "ART33-BREACH-NOTIFY", text)[0] == "missing"
    assert status(firm, "ART33-BREACH-NOTIFY", text)[0] == "present"
    assert firm.lexicon_for("acme-playbook")["breach"]["en"][:-1] == builtin.lexicon_for("gdpr-art28")["breach"]["en"]


def test_severity_override_is_reported(playbook, tmp_path, monkeypatch, capsys):
    contract = tmp_path / "dpa.txt"
    contract.write_text(f"Data processing agreement.\n\n{CLAUSE_48H}\n", encoding="utf-8")
    code, out, _ = run_cli(monkeypatch, capsys, "check", str(contract), "--rules", str(playbook), "--pack",
                           "acme-playbook", "--select", "ART33-BREACH-NOTIFY", "--format", "json", "--jobs", "1",
                           "--no-progress")
    result = next(r for r in json.loads(out)["documents"][0]["results"] if r["rule"] == "ART33-BREACH-NOTIFY")
    assert (result["status"], result["severity"], result["pack"]) == ("weak", "error", "acme-playbook")
    assert result["message"].startswith("ACME position") and result["fix"].endswith("within 24 hours.")
    assert code == 1


def test_rules_test_runs_the_playbook_examples(playbook, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "rules", "test", str(playbook), "--verbose")
    assert code == 0, out
    assert "ok   ART33-BREACH-NOTIFY/weak/1: expected weak[deadline-too-long], got weak" in out
    assert "ok   ACME-CYBER-INSURANCE/present/2" in out


def test_typo_in_override_id_fails_with_file_line_and_exit_2(tmp_path, monkeypatch, capsys):
    folder = write_playbook(tmp_path, PLAYBOOK_YAML.replace("ART33-BREACH-NOTIFY:", "ART33-BREACH-NOTIF:"))
    code, _, err = run_cli(monkeypatch, capsys, "rules", "test", str(folder))
    assert code == 2
    assert "pack.yaml:8: overrides.ART33-BREACH-NOTIF: unknown rule 'ART33-BREACH-NOTIF' in pack 'gdpr-art28' " \
           "(did you mean 'ART33-BREACH-NOTIFY'?)" in err


@pytest.mark.parametrize("old, new, expected", [
    ("deadline-too-long: {deadline", "deadline-to-long: {deadline",
     "pack.yaml:11: overrides.ART33-BREACH-NOTIFY.weak.deadline-to-long: unknown signal 'deadline-to-long'"),
    ("severity: {weak: error}", "severty: {weak: error}",
     "pack.yaml:9: overrides.ART33-BREACH-NOTIFY: unknown key 'severty' (did you mean 'severity'?)"),
    ("{deadline: {max_hours: 24}}", "{deadline: {max_hours: 24}, term: hedges}",
     "pack.yaml:11: overrides.ART33-BREACH-NOTIFY.weak.deadline-too-long: a weak signal takes exactly one formula"),
    ("signal: no-deadline", "signal: no-deadlin",
     "pack.yaml:18: overrides.ART33-BREACH-NOTIFY.examples.weak[1].signal: unknown signal 'no-deadlin'"),
    ("extends: gdpr-art28", "extends: gdpr-art82", "pack.yaml:2: extends: unknown pack 'gdpr-art82'"),
    ("extends: gdpr-art28", "extends: acme-playbook", "pack.yaml:2: extends: cycle through pack 'acme-playbook'"),
    ("        - {lang: fr, signal: no-deadline", "        - {lang: fr, signal: no-deadline, term: x",
     "pack.yaml:18: overrides.ART33-BREACH-NOTIFY.examples.weak[1]: unknown key 'term'"),
])
def test_playbook_mistakes_are_reported_with_file_line(tmp_path, monkeypatch, builtin, old, new, expected):
    monkeypatch.chdir(tmp_path)
    assert old in PLAYBOOK_YAML
    folder = write_playbook(tmp_path, PLAYBOOK_YAML.replace(old, new))
    with pytest.raises(PackError) as exc:
        load_playbook(folder, builtin)
    assert expected in str(exc.value)


def test_playbook_rule_file_cannot_redefine_a_base_rule(tmp_path, monkeypatch, builtin):
    monkeypatch.chdir(tmp_path)
    folder = write_playbook(tmp_path)
    base = Path(loader.builtin_rules_dir()) / "gdpr-art28" / "ART28-AUDIT.yaml"
    (folder / "ART28-AUDIT.yaml").write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(PackError, match=r"ART28-AUDIT.yaml:1: id: rule 'ART28-AUDIT' is already defined in pack "
                                        r"'gdpr-art28' \(change it under `overrides:`"):
        load_playbook(folder, builtin)


def test_playbook_may_set_its_own_applicability(tmp_path, builtin):
    text = PLAYBOOK_YAML.replace("overrides:", textwrap.dedent("""\
        title: {fr: Playbook ACME, en: ACME playbook}
        applies_to: {dpa: true}
        overrides:"""))
    pack = load_playbook(write_playbook(tmp_path, text), builtin).packs[0]
    assert (pack.title["en"], pack.applies_to, pack.version) == ("ACME playbook", {"dpa": True}, "1.0")
