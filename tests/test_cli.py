"""The command line as users and scripts run it (subprocess): exit codes, stderr lines, JSON report,
and inputs left untouched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FR_CONTRACT_MD, rule_yaml, snapshot, write_pack
from ccclint import __version__

MISSING_CLAUSE_TXT = "Le Prestataire facture le Client chaque mois.\n"


def run(*args: str, cwd: Path, console_script: bool = False) -> subprocess.CompletedProcess:
    exe = [shutil.which("ccclint", path=os.path.dirname(sys.executable))] if console_script else [
        sys.executable, "-m", "ccclint"]
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([*exe, *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture
def work(tmp_path):
    """A folder with a contract (breach clause present), one without it, and a two-rule test pack."""
    (tmp_path / "present.md").write_text(FR_CONTRACT_MD, encoding="utf-8")
    (tmp_path / "missing.txt").write_text(MISSING_CLAUSE_TXT, encoding="utf-8")
    write_pack(tmp_path / "packs", "testpack", {"TST-BREACH": rule_yaml("TST-BREACH", missing="warning"),
                                                 "TST-OTHER": rule_yaml("TST-OTHER", missing="info")})
    return tmp_path


def check(work: Path, *args: str) -> subprocess.CompletedProcess:
    return run("check", *args, "--rules", "packs/testpack", "--pack", "testpack", "--jobs", "1", "--no-progress",
               cwd=work)


def report(proc: subprocess.CompletedProcess) -> dict:
    return json.loads(proc.stdout)


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_version(tmp_path):
    proc = run("--version", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"ccclint {__version__}"


def test_console_script(tmp_path):
    if not shutil.which("ccclint", path=os.path.dirname(sys.executable)):
        pytest.skip("console script not installed next to this interpreter")
    proc = run("--version", cwd=tmp_path, console_script=True)
    assert (proc.returncode, proc.stdout.strip()) == (0, f"ccclint {__version__}")


@pytest.mark.parametrize("fail_on, code", [("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_exit_code_follows_fail_on(work, fail_on, code):
    # missing.txt: both rules missing, severities warning and info
    proc = check(work, "missing.txt", "--fail-on", fail_on, "--format", "json")
    assert proc.returncode == code, proc.stderr
    assert_no_traceback(proc)


def test_exit_zero_when_clause_present(work):
    proc = check(work, "present.md", "--fail-on", "warning", "--select", "TST-BREACH", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    results = report(proc)["documents"][0]["results"]
    assert [(r["rule"], r["status"]) for r in results] == [("TST-BREACH", "present")]


@pytest.mark.parametrize("args", [
    ["--frobnicate"],
    ["--kind", "bogus"],
    ["--fail-on", "sometimes"],
    ["--lang", "de"],
])
def test_usage_errors_exit_2(work, args):
    proc = check(work, "missing.txt", *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.strip()
    assert_no_traceback(proc)


def test_bad_kind_message_names_the_option(work):
    proc = check(work, "missing.txt", "--kind", "bogus")
    assert "--kind" in proc.stderr and "bogus" in proc.stderr


def test_pack_typo_exits_2_with_file_line(work):
    bad = work / "badpacks"
    text = rule_yaml("TST-TYPO").replace("max_hours: 48", "max_hour: 48")
    write_pack(bad, "typopack", {"TST-TYPO": text})
    proc = run("check", "missing.txt", "--rules", "badpacks/typopack", "--jobs", "1", "--no-progress", cwd=work)
    assert proc.returncode == 2
    line = next(i for i, l in enumerate(text.splitlines(), start=1) if "max_hour:" in l)
    assert f"TST-TYPO.yaml:{line}: weak[0].deadline: unknown key 'max_hour' (did you mean 'max_hours'?)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert_no_traceback(proc)


@pytest.mark.parametrize("name, content, code", [
    ("absent.docx", None, "not-found"),
    ("abime.docx", b"PK\x03\x04 this is not really a zip archive", "corrupt"),
    ("faux.pdf", b"Du texte qui se dit PDF.\n", "corrupt"),
    ("vide.txt", b"", "no-text"),
])
def test_unreadable_file_exits_3_and_others_still_checked(work, name, content, code):
    bad = work / name
    if content is not None:
        bad.write_bytes(content)
    proc = check(work, "present.md", name, "missing.txt", "--format", "json", "--fail-on", "never")
    assert proc.returncode == 3, proc.stderr
    assert_no_traceback(proc)
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, proc.stderr
    assert name in lines[0] and code in lines[0]
    docs = {d["path"]: d for d in report(proc)["documents"]}
    assert list(docs) == ["present.md", name, "missing.txt"]
    assert docs[name]["error"]["code"] == code and docs[name]["error"]["message"]
    assert docs[name]["results"] == []
    assert docs["present.md"]["error"] is None and len(docs["present.md"]["results"]) == 2
    assert docs["missing.txt"]["error"] is None and len(docs["missing.txt"]["results"]) == 2
    assert report(proc)["summary"]["unreadable"] == 1


def test_unreadable_file_in_text_format(work):
    proc = check(work, "missing.txt", "absent.pdf")
    assert proc.returncode == 3
    assert_no_traceback(proc)
    assert [l for l in proc.stderr.splitlines() if "absent.pdf" in l]


def test_inputs_unchanged(work, sample_docx, sample_pdf):
    docx = work / "contrat.docx"
    pdf = work / "contrat.pdf"
    shutil.copy2(sample_docx, docx)
    shutil.copy2(sample_pdf, pdf)
    files = [docx, pdf, work / "present.md", work / "missing.txt"]
    os.utime(docx, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = snapshot(files)
    proc = check(work, *(f.name for f in files), "--format", "json", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(files) == before
    assert sorted(p.name for p in work.iterdir()) == sorted(["contrat.docx", "contrat.pdf", "present.md",
                                                             "missing.txt", "packs"])


def test_folder_argument_is_walked(work, sample_docx):
    sub = work / "contrats" / "2024"
    sub.mkdir(parents=True)
    shutil.copy2(sample_docx, sub / "a.docx")
    (sub / "b.md").write_text(FR_CONTRACT_MD, encoding="utf-8")
    (sub / "notes.csv").write_text("x,y\n", encoding="utf-8")
    proc = check(work, "contrats", "--format", "json", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    paths = [d["path"] for d in report(proc)["documents"]]
    assert paths == [os.path.join("contrats", "2024", "a.docx"), os.path.join("contrats", "2024", "b.md")]


def test_json_report_shape(work, sample_docx):
    shutil.copy2(sample_docx, work / "contrat.docx")
    proc = check(work, "present.md", "missing.txt", "contrat.docx", "--format", "json", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    data = report(proc)
    assert set(data) >= {"tool", "documents", "summary"}
    assert data["tool"] == {"name": "ccclint", "version": __version__}
    assert len(data["documents"]) == 3
    for d in data["documents"]:
        assert set(d) >= {"path", "sha256", "format", "language", "kind", "pages", "error", "results"}
        assert d["error"] is None
        assert len(d["sha256"]) == 64
        assert d["language"] in ("fr", "en")
        assert d["kind"] in ("dpa", "services", "call-centre", "sla", "other")
        # one result per rule of the selected pack, whatever the status
        assert sorted(r["rule"] for r in d["results"]) == ["TST-BREACH", "TST-OTHER"]
        for r in d["results"]:
            assert set(r) >= {"rule", "pack", "status", "severity", "title", "message", "reference", "signals",
                              "values", "evidence", "fix"}
            assert r["pack"] == "testpack"
            assert r["status"] in ("present", "weak", "missing", "not_applicable")
            assert (r["severity"] is not None) == (r["status"] in ("weak", "missing"))
            assert isinstance(r["signals"], list) and isinstance(r["values"], dict)
            for ev in r["evidence"]:
                assert set(ev) >= {"text", "page", "paragraph", "section", "heading"}
    by_path = {d["path"]: d for d in data["documents"]}
    assert [d["format"] for d in data["documents"]] == ["markdown", "text", "docx"]
    assert by_path["contrat.docx"]["pages"] == 2
    present = next(r for r in by_path["present.md"]["results"] if r["rule"] == "TST-BREACH")
    assert present["status"] == "present"
    ev = present["evidence"][0]
    assert "notifie au Client toute violation" in ev["text"]
    assert ev["section"] == "2" and ev["heading"] == "Article 2 – Données personnelles"
    missing = {r["rule"]: r for r in by_path["missing.txt"]["results"]}
    assert (missing["TST-BREACH"]["status"], missing["TST-BREACH"]["severity"]) == ("missing", "warning")
    assert (missing["TST-OTHER"]["status"], missing["TST-OTHER"]["severity"]) == ("missing", "info")
    # the Word file has no breach clause either: two findings each for missing.txt and contrat.docx
    assert [r["status"] for r in by_path["contrat.docx"]["results"]] == ["missing", "missing"]
    assert data["summary"] == {"documents": 3, "unreadable": 0,
                               "findings": {"error": 0, "warning": 2, "info": 2}}


def test_weak_result_carries_signal_and_value(work):
    (work / "slow.md").write_text(
        "# Contrat\n\nLe Prestataire notifie au Client toute violation de données sous soixante-douze (72) heures.\n",
        encoding="utf-8")
    proc = check(work, "slow.md", "--format", "json", "--select", "TST-BREACH")
    assert proc.returncode == 0, proc.stderr  # weak -> warning, below the default --fail-on error
    (result,) = report(proc)["documents"][0]["results"]
    assert (result["status"], result["signals"], result["values"]) == ("weak", ["deadline-too-long"], {"hours": 72})
    assert result["severity"] == "warning"


def test_json_to_file_and_refuse_overwriting_an_input(work):
    proc = check(work, "missing.txt", "--format", "json:out.json", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((work / "out.json").read_text(encoding="utf-8"))["summary"]["documents"] == 1
    before = snapshot([work / "missing.txt"])
    proc = check(work, "missing.txt", "--format", "json:missing.txt")
    assert proc.returncode == 2
    assert snapshot([work / "missing.txt"]) == before


def test_no_files_found_is_a_usage_error(work):
    (work / "empty").mkdir()
    proc = check(work, "empty")
    assert proc.returncode == 2
    assert_no_traceback(proc)
