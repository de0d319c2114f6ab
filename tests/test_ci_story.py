"""The CI story (issue 5): a template repository with a `.ccclint.yaml`, a baseline that makes CI
green, a new weakness that turns it red, waivers that expire, config typos that stop the run with
file:line, and stale baseline entries. Runs `ccclint` in-process (same `main` as the console script)
to stay fast."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from ccclint import baseline, cli, config, runner
from ccclint.findings import Evidence, Finding

HEADER = ("# Accord de sous-traitance\n\nEntre ACME SERVICES SAS, ci-après dénommée « le Prestataire », "
          "et BETA RETAIL SA, ci-après dénommée « le Client ».\n\n")
BREACH = ("## Article {n} – Violations de données\n\nLe Prestataire notifie au Client toute violation de données "
          "à caractère personnel dans un délai de {delay} heures après en avoir pris connaissance.\n\n")
AUDIT = ("## Article 9 – Audits\n\nLe Prestataire met à la disposition du Client toutes les informations "
         "nécessaires pour démontrer le respect de ses obligations et permet la réalisation d'audits, "
         "y compris des inspections, par le Client ou un auditeur qu'il a mandaté, et contribue à ces audits.\n\n")

CONFIG = """\
packs: [gdpr-art28]
select: [ART33-BREACH-NOTIFY, ART28-AUDIT]
kinds:
  "contracts/**": dpa
fail-on: warning
exclude: [drafts/]
per-path-ignores:
  "contracts/legacy-*.md": [ART28-AUDIT]
baseline: ccclint-baseline.json
"""


def contract(delay: str, n: int = 4, audit: bool = True) -> str:
    return HEADER + BREACH.format(n=n, delay=delay) + (AUDIT if audit else "")


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """contracts/acme.md: 72 h breach deadline (weak) and an audit clause; contracts/beta.md: 24 h,
    no audit clause (missing); contracts/legacy-gamma.md: audit ignored by path; drafts/ excluded."""
    files = {
        "contracts/acme.md": contract("soixante-douze (72)"),
        "contracts/beta.md": contract("vingt-quatre (24)", audit=False),
        "contracts/legacy-gamma.md": contract("vingt-quatre (24)", audit=False),
        "drafts/wip.md": contract("cent vingt (120)", audit=False),
        ".ccclint.yaml": CONFIG,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


_PACKS: dict = {}


def _cached_load(extra_dirs=(), packs=(), rules_dir=None):
    """Parsing the built-in packs costs ~0.5 s per run; the tests run ccclint a dozen times."""
    key = (tuple(extra_dirs), tuple(packs), rules_dir)
    if key not in _PACKS:
        _PACKS[key] = _LOAD(*key)
    return _PACKS[key]


_LOAD = runner.loader.load


def ccclint(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["ccclint", *args])
    monkeypatch.setattr(runner.loader, "load", _cached_load)
    with pytest.raises(SystemExit) as exc:
        cli.main()
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def findings(report: dict) -> set[tuple[str, str, str]]:
    return {(Path(d["path"]).name, r["rule"], r["status"]) for d in report["documents"] for r in d["results"]
            if r["status"] in ("weak", "missing") and not r.get("baselined") and not r.get("waived")}


def test_without_baseline_the_config_drives_the_check(repo, capsys, monkeypatch):
    (repo / ".ccclint.yaml").write_text(CONFIG.replace("baseline: ccclint-baseline.json\n", ""), encoding="utf-8")
    code, out, err = ccclint(capsys, monkeypatch, "check", "contracts", "drafts", "--jobs", "1", "--format", "json")
    report = json.loads(out)
    assert code == 1, err
    assert sorted(Path(d["path"]).name for d in report["documents"]) == ["acme.md", "beta.md", "legacy-gamma.md"]
    assert {d["kind"] for d in report["documents"]} == {"dpa"}  # kinds by glob
    assert findings(report) == {("acme.md", "ART33-BREACH-NOTIFY", "weak"), ("beta.md", "ART28-AUDIT", "missing")}
    assert {r["rule"] for r in report["documents"][2]["results"]} == {"ART33-BREACH-NOTIFY"}  # per-path ignore
    # a CLI flag overrides the file
    assert ccclint(capsys, monkeypatch, "check", "contracts", "--jobs", "1", "--fail-on", "never")[0] == 0


def test_baseline_then_new_weakness_then_stale_entry(repo, capsys, monkeypatch):
    code, _, err = ccclint(capsys, monkeypatch, "baseline", "create", "contracts", "--output", "ccclint-baseline.json",
                           "--jobs", "1")
    assert code == 0, err
    data = json.loads((repo / "ccclint-baseline.json").read_text(encoding="utf-8"))
    assert {(e["path"], e["rule"], e["status"]) for e in data["entries"]} == {
        ("contracts/acme.md", "ART33-BREACH-NOTIFY", "weak"), ("contracts/beta.md", "ART28-AUDIT", "missing")}
    assert all(e["reason"] == "" and len(e["fingerprint"]) == 64 for e in data["entries"])

    code, out, err = ccclint(capsys, monkeypatch, "check", "contracts", "--jobs", "1", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert findings(report) == set() and report["summary"]["findings"] == {"error": 0, "warning": 0, "info": 0}
    assert sum(1 for d in report["documents"] for r in d["results"] if r.get("baselined")) == 2
    assert "stale" not in err

    # the weak clause moves to another article: same content, still accepted
    (repo / "contracts/acme.md").write_text(contract("soixante-douze (72)", n=7), encoding="utf-8")
    assert ccclint(capsys, monkeypatch, "check", "contracts", "--jobs", "1")[0] == 0

    # a new weakness in another contract fails the build and is the one reported
    (repo / "contracts/beta.md").write_text(contract("cent vingt (120)", audit=False), encoding="utf-8")
    code, out, err = ccclint(capsys, monkeypatch, "check", "contracts", "--jobs", "1")
    assert code == 1
    assert "ART33-BREACH-NOTIFY" in out and "120" in out and "beta.md" in out
    assert "ART28-AUDIT" not in out  # still baselined

    # acme's weakness is fixed: its baseline entry is stale (stderr), the exit code does not change
    (repo / "contracts/beta.md").write_text(contract("vingt-quatre (24)", audit=False), encoding="utf-8")
    (repo / "contracts/acme.md").write_text(contract("vingt-quatre (24)"), encoding="utf-8")
    code, out, err = ccclint(capsys, monkeypatch, "check", "contracts", "--jobs", "1", "--quiet")
    assert code == 0, err
    assert "stale baseline entry: ART33-BREACH-NOTIFY (weak) in contracts/acme.md" in err
    assert out == "" and "0 warning" in err and "1 baselined" in err  # --quiet: summary line only


def test_reasons_survive_recreating_the_baseline(repo, capsys, monkeypatch):
    args = ("baseline", "create", "contracts", "--output", "ccclint-baseline.json", "--jobs", "1")
    ccclint(capsys, monkeypatch, *args)
    path = repo / "ccclint-baseline.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"][0]["reason"] = "accepted by legal, renegotiation 2027"
    path.write_text(json.dumps(data), encoding="utf-8")
    ccclint(capsys, monkeypatch, *args)
    kept = json.loads(path.read_text(encoding="utf-8"))["entries"][0]["reason"]
    assert kept == "accepted by legal, renegotiation 2027"


WAIVER = """\
waivers:
  - rule: ART33
    path: "contracts/acme.md"
    reason: 72 h agreed with the customer's DPO
    approved_by: j.martin
    expires: {date}
"""


@pytest.mark.parametrize("date, code", [("2999-12-31", 0), ("2020-01-31", 1)])
def test_waiver_hides_until_it_expires(repo, capsys, monkeypatch, date, code):
    text = CONFIG.replace("baseline: ccclint-baseline.json\n", "").replace("fail-on: warning", "fail-on: warning\n"
                                                                           "ignore: [ART28-AUDIT]")
    (repo / ".ccclint.yaml").write_text(text + WAIVER.format(date=date), encoding="utf-8")
    monkeypatch.delenv("NO_COLOR")  # stdout is captured, not a terminal: no colour codes either way
    got, out, err = ccclint(capsys, monkeypatch, "check", "contracts", "--jobs", "1", "--statistics")
    assert got == code, err
    assert "\x1b[" not in out + err
    if code:
        assert "waiver expired on 2020-01-31" in out and "ART33-BREACH-NOTIFY" in out
        assert "1  ART33-BREACH-NOTIFY" in err  # --statistics
    else:
        assert "ART33-BREACH-NOTIFY" not in out and "0  total" in err


@pytest.mark.parametrize("name, text, where", [
    (".ccclint.yaml", "packs: [gdpr-art28]\n\nselekt: [ART33]\n", ".ccclint.yaml:3: selekt: unknown key 'selekt' "
                                                                 "(did you mean 'select'?)"),
    (".ccclint.yaml", "waivers:\n  - rule: ART33\n    reason: x\n    aproved_by: me\n    expires: 2030-01-01\n",
     ".ccclint.yaml:4: waivers[0].aproved_by: unknown key 'aproved_by' (did you mean 'approved_by'?)"),
    ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.ccclint]\nfail_on = 'warning'\n",
     "pyproject.toml:5: fail_on: unknown key 'fail_on' (did you mean 'fail-on'?)"),
])
def test_config_mistakes_exit_2_with_file_line(repo, capsys, monkeypatch, name, text, where):
    (repo / ".ccclint.yaml").unlink()
    (repo / name).write_text(text, encoding="utf-8")
    code, _, err = ccclint(capsys, monkeypatch, "check", "contracts/acme.md", "--jobs", "1")
    assert code == 2
    assert where in err and "Traceback" not in err


def test_explicit_config_file_wins_over_discovery(repo, capsys, monkeypatch):
    (repo / "ci.yaml").write_text("packs: [gdpr-art28]\nselect: [ART33]\nkinds: {'**': dpa}\nfail-on: never\n",
                                  encoding="utf-8")
    assert ccclint(capsys, monkeypatch, "check", "contracts", "--jobs", "1", "--config", "ci.yaml")[0] == 0
    assert ccclint(capsys, monkeypatch, "check", "contracts", "--config", "nope.yaml")[0] == 2


def test_pre_commit_hook_runs_check_on_contracts():
    import re

    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "ccclint")
    assert hook["entry"].split()[:2] == ["ccclint", "check"] and hook["language"] == "python"
    assert [bool(re.search(hook["files"], f)) for f in ("a.docx", "b.pdf", "c.md", "d.py")] == [True, True, True, False]


# ---- pure parts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, path, hit", [
    ("*.md", "a/b/c.md", True), ("contracts/*.md", "contracts/x.md", True),
    ("contracts/*.md", "o/contracts/x.md", False),
    ("drafts/", "a/drafts/x.md", True), ("**/legacy-*", "a/legacy-1.md", True), ("b.md", "a.md", False),
])
def test_glob_match(tmp_path, pattern, path, hit):
    assert config.glob_match(pattern, str(tmp_path / path), str(tmp_path)) is hit


def test_fingerprint_ignores_location_and_spacing_but_not_content(tmp_path):
    def weak(text: str, paragraph: int) -> Finding:
        return Finding("ART33-BREACH-NOTIFY", "gdpr-art28", "weak", "warning", "t", "m", "r", "f",
                       evidence=[Evidence(text, None, paragraph, str(paragraph), None)])

    base = str(tmp_path)
    a = baseline.fingerprint(weak("Délai de soixante-douze (72) heures.", 3), str(tmp_path / "a.md"), base)
    assert a == baseline.fingerprint(weak("délai  de  SOIXANTE-DOUZE (72) heures.", 9), str(tmp_path / "b.md"), base)
    assert a != baseline.fingerprint(weak("Délai de cent vingt (120) heures.", 3), str(tmp_path / "a.md"), base)
    missing = Finding("ART28-AUDIT", "gdpr-art28", "missing", "error", "t", "m", "r", "f")
    assert baseline.fingerprint(missing, str(tmp_path / "a.md"), base) != baseline.fingerprint(
        missing, str(tmp_path / "b.md"), base)


def test_settings_are_frozen_and_cli_overrides(tmp_path):
    (tmp_path / ".ccclint.yaml").write_text(textwrap.dedent("""\
        select: [ART33]
        rules: [house-rules]
        fail-on: info
        """), encoding="utf-8")
    s = config.load([str(tmp_path)], None, select=[], fail_on="error", kind="auto")
    assert s.select == ("ART33",) and s.fail_on == "error" and s.kind == "auto"
    assert s.rules == (str(tmp_path / "house-rules"),)  # relative to the config file
    with pytest.raises(Exception):
        s.fail_on = "never"  # type: ignore[misc]
