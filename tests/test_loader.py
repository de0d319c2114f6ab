"""Rule-pack loading: schema errors as `file:line: path: message`, safe YAML, semantic checks."""

from __future__ import annotations

import os
import re

import pytest

from conftest import rule_yaml, write_pack
from ccclint.errors import EXIT_USAGE, PackError
from ccclint.packs import loader

COMMON = """\
lexicon:
  provider: {fr: [prestataire], en: [supplier]}
  client: {fr: [client], en: [customer]}
"""


@pytest.fixture(autouse=True)
def _cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # error messages show paths relative to the working folder


def load_error(tmp_path, text: str, stem: str = "TST-BREACH") -> str:
    pack = write_pack(tmp_path, rules={stem: text})
    with pytest.raises(PackError) as info:
        loader.load_pack(str(pack), {})
    assert info.value.exit_code == EXIT_USAGE
    return str(info.value)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_valid_pack_loads(tmp_path):
    pack = loader.load_pack(str(write_pack(tmp_path)), {})
    assert pack.name == "testpack"
    assert [r.id for r in pack.rules] == ["TST-BREACH"]
    r = pack.rules[0]
    assert r.scope == "paragraph"
    assert [s.id for s in r.weak] == ["deadline-too-long"]
    assert r.weak[0].formula == {"deadline": {"max_hours": 48}}
    assert r.reference == "RGPD art. 33(2)"
    assert r.source.endswith(os.path.join("testpack", "TST-BREACH.yaml"))


def test_typo_key_with_suggestion_and_line(tmp_path):
    text = rule_yaml("TST-BREACH").replace("max_hours: 48", "max_hour: 48")
    msg = load_error(tmp_path, text)
    line = line_of(text, "max_hour:")
    assert msg == (f"{os.path.join('testpack', 'TST-BREACH.yaml')}:{line}: weak[0].deadline: "
                   "unknown key 'max_hour' (did you mean 'max_hours'?)")


def test_typo_top_level_key(tmp_path):
    text = rule_yaml("TST-BREACH").replace("scope: paragraph", "scoop: paragraph")
    msg = load_error(tmp_path, text)
    assert re.search(rf"TST-BREACH\.yaml:{line_of(text, 'scoop')}: .*unknown key 'scoop' \(did you mean 'scope'\?\)", msg)


def test_unknown_formula_node(tmp_path):
    text = rule_yaml("TST-BREACH").replace("- term: breach", "- terms: breach")
    msg = load_error(tmp_path, text)
    assert re.match(rf"testpack.TST-BREACH\.yaml:\d+: match", msg)
    assert "terms" in msg


def test_bad_regex(tmp_path):
    text = rule_yaml("TST-BREACH").replace("- term: breach", "- regex: 'notif(ie'")
    msg = load_error(tmp_path, text)
    assert re.match(rf"testpack.TST-BREACH\.yaml:{line_of(text, 'regex')}: match\.all\[0\]\.regex: invalid regex", msg)


def test_unknown_term_with_suggestion(tmp_path):
    text = rule_yaml("TST-BREACH").replace("- term: breach", "- term: breech")
    msg = load_error(tmp_path, text)
    assert re.match(rf"testpack.TST-BREACH\.yaml:{line_of(text, 'breech')}: match\.all\[0\]\.term: "
                    r"unknown lexicon term 'breech' \(did you mean 'breach'\?\)", msg)


def test_yaml_alias_refused(tmp_path):
    text = rule_yaml("TST-BREACH").replace("fix: {fr: Notifier sous 24 heures., en: Notify within 24 hours.}",
                                           "fix: &f {fr: Notifier sous 24 heures., en: Notify within 24 hours.}\n"
                                           "why: *f")
    msg = load_error(tmp_path, text)
    assert re.match(rf"testpack.TST-BREACH\.yaml:{line_of(text, 'why: *f')}: YAML aliases", msg)


def test_python_tag_refused(tmp_path):
    text = rule_yaml("TST-BREACH").replace("scope: paragraph", "scope: !!python/object/apply:os.system ['echo pwned']")
    msg = load_error(tmp_path, text)
    assert re.match(rf"testpack.TST-BREACH\.yaml:{line_of(text, 'python/object')}: invalid YAML", msg)


def test_invalid_yaml_syntax(tmp_path):
    text = rule_yaml("TST-BREACH").replace("scope: paragraph", "scope: [paragraph")
    msg = load_error(tmp_path, text)
    assert re.match(r"testpack.TST-BREACH\.yaml:\d+: invalid YAML", msg)


def test_id_must_match_file_name(tmp_path):
    msg = load_error(tmp_path, rule_yaml("TST-OTHER"), stem="TST-BREACH")
    assert re.match(r"testpack.TST-BREACH\.yaml:1: id: 'TST-OTHER' does not match the file name 'TST-BREACH'", msg)


def test_bad_enum_value(tmp_path):
    text = rule_yaml("TST-BREACH").replace("scope: paragraph", "scope: chapter")
    msg = load_error(tmp_path, text)
    assert re.match(rf"testpack.TST-BREACH\.yaml:{line_of(text, 'scope')}: scope: ", msg)


def test_missing_required_key(tmp_path):
    text = "\n".join(line for line in rule_yaml("TST-BREACH").splitlines() if not line.startswith("fix:"))
    assert "'fix' is a required property" in load_error(tmp_path, text)


def test_unknown_signal_in_examples(tmp_path):
    text = rule_yaml("TST-BREACH") + '  weak:\n    - {lang: en, signal: too-slow, text: "x"}\n'
    msg = load_error(tmp_path, text)
    assert "unknown signal 'too-slow'" in msg and "deadline-too-long" in msg


def test_load_with_rules_dir_and_extra_packs(tmp_path):
    base = tmp_path / "rules"
    base.mkdir()
    (base / "common.yaml").write_text(COMMON, encoding="utf-8")
    write_pack(base, "alpha", {"ALPHA-ONE": rule_yaml("ALPHA-ONE")})
    extra = tmp_path / "extra"
    write_pack(extra, "beta", {"BETA-ONE": rule_yaml("BETA-ONE")})
    rs = loader.load((str(extra),), rules_dir=str(base))
    assert [p.name for p in rs.packs] == ["alpha", "beta"]
    assert [r.id for r in rs.rules] == ["ALPHA-ONE", "BETA-ONE"]
    assert "provider" in rs.lexicon_for("beta") and "breach" in rs.lexicon_for("beta")
    assert [r.id for r in loader.load((str(extra),), ("beta",), rules_dir=str(base)).rules] == ["BETA-ONE"]
    with pytest.raises(PackError, match="unknown pack"):
        loader.load((), ("gamma",), rules_dir=str(base))
    with pytest.raises(PackError, match="--rules folder not found"):
        loader.load((str(tmp_path / "nope"),), rules_dir=str(base))


def test_duplicate_rule_id_across_packs(tmp_path):
    base = tmp_path / "rules"
    base.mkdir()
    (base / "common.yaml").write_text(COMMON, encoding="utf-8")
    write_pack(base, "alpha", {"DUP-ONE": rule_yaml("DUP-ONE")})
    write_pack(base, "beta", {"DUP-ONE": rule_yaml("DUP-ONE")})
    with pytest.raises(PackError, match="already defined"):
        loader.load(rules_dir=str(base))


def test_unbalanced_phrase_refused_at_load_time(tmp_path):
    text = rule_yaml("TST-BREACH").replace("- term: breach", "- phrase: '(notifie sans delai'")
    msg = load_error(tmp_path, text)
    assert re.match(rf"testpack.TST-BREACH\.yaml:{line_of(text, 'notifie sans')}: match\.all\[0\]\.phrase: "
                    r"invalid phrase '\(notifie sans delai'", msg)
