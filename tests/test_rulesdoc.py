"""docs/rules.md is generated from the packs: it must match them, and show what a lawyer needs per rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import write_pack
from ccclint import rulesdoc
from ccclint.packs import loader
from ccclint.packs.model import Pack, RuleSet

DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_committed_reference_is_up_to_date():
    expected = rulesdoc.render(loader.load())
    current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
    if current != expected:
        diff = next((i for i, (a, b) in enumerate(zip(current.splitlines(), expected.splitlines()), 1) if a != b),
                    min(len(current.splitlines()), len(expected.splitlines())) + 1)
        raise AssertionError(f"docs/rules.md is out of date with rules/ (first difference at line {diff}); "
                             f"regenerate it with `{rulesdoc.REGENERATE}` and commit it")


def small_page(tmp_path) -> str:
    pack = loader.load_pack(str(write_pack(tmp_path)), {})
    return rulesdoc.render(RuleSet([pack], {}))


def test_rule_section_has_every_part(tmp_path):
    page = small_page(tmp_path)
    assert '<a id="tst-breach"></a>' in page and "[TST-BREACH](#tst-breach)" in page
    assert "### TST-BREACH — Breach notification" in page and "*Notification des violations*" in page
    assert "- **Severity:** missing → warning · weak → warning" in page
    assert "- **Legal basis:** RGPD art. 33(2)" in page
    assert "- (fr) Le Prestataire notifie au Client toute violation de données sous 24 heures." in page
    assert "- `deadline-too-long` (deadline `max_hours=48`, looked for in the unit): … h deadline / *délai de … h*" in page
    assert "**Model clause**\n\n- fr: Notifier sous 24 heures.\n- en: Notify within 24 hours." in page
    assert "| dpa | yes |" in page


def test_weak_examples_show_their_signal_reason(tmp_path):
    pack_dir = write_pack(tmp_path)
    rule = pack_dir / "TST-BREACH.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("  missing:", (
        "  weak:\n    - {lang: en, signal: deadline-too-long, text: \"Notify any *data breach* within 72 hours.\"}\n"
        "  missing:")), encoding="utf-8")
    page = rulesdoc.render(RuleSet([loader.load_pack(str(pack_dir), {})], {}))
    assert "- (en) Notify any \\*data breach\\* within 72 hours. → `deadline-too-long`: … h deadline" in page


def test_conditions_keep_table_cells_whole():
    pack = Pack("p", {"fr": "P", "en": "P"}, "1", {"dpa": {"regex": "a|b"}}, {}, [], "")
    assert "| dpa | when regex `a\\|b` |" in rulesdoc.applicability(pack)


def test_rules_doc_command_writes_the_page(tmp_path, monkeypatch, capsys):
    import sys

    from ccclint import cli

    pack_dir = write_pack(tmp_path / "packs")
    out = tmp_path / "rules.md"
    monkeypatch.setattr(sys, "argv", ["ccclint", "rules", "doc", "--rules", str(pack_dir), "--pack", "testpack",
                                      "--output", str(out)])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 0
    assert out.read_text(encoding="utf-8") == rulesdoc.render(RuleSet([loader.load_pack(str(pack_dir), {})], {}))
    assert f"{out}: written" in capsys.readouterr().err
