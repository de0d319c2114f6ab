"""Machine formats (sarif, junit, github, csv, jsonl): golden files from a small hand-made Run (not from the packs,
so rule tuning never breaks them), schema validation of SARIF, parsed counts of JUnit, escaping rules of GitHub.

Regenerate the golden files after an intended change:  CCCLINT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_reporters.py   (then review the diff of tests/golden/).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import FR_CONTRACT_MD, assert_golden, rule_yaml, write_pack
from ccclint.engine import DocumentResult
from ccclint.findings import Evidence, Finding
from ccclint.packs.model import Rule
from ccclint.reporters import FORMATS, Run, get
from ccclint.reporters import github, json_report, jsonl, sarif

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
MACHINE_FORMATS = {"sarif": "report.sarif", "junit": "report.junit.xml", "github": "report.github.txt",
                   "csv": "report.csv", "jsonl": "report.jsonl"}


# ---- a small fixed run ------------------------------------------------------------------------------------

def _rule(rule_id: str, pack: str, title_en: str, missing: str, url: str | None = None, why: bool = True) -> Rule:
    ref = {"cite": f"Ref. {rule_id}", **({"url": url} if url else {})}
    return Rule(id=rule_id, pack=pack, title={"fr": f"Titre {rule_id}", "en": title_en},
                severity={"missing": missing, "weak": "warning"}, references=(ref,),
                fix={"fr": f"Clause type {rule_id}.", "en": f"Model clause for {rule_id}."}, match={"always": True},
                why={"fr": f"Pourquoi {rule_id}.", "en": f"Why {rule_id} matters."} if why else {})


RULES = [
    _rule("ART33-BREACH-NOTIFY", "gdpr-art28", "Breach notification", "error",
          "https://eur-lex.europa.eu/eli/reg/2016/679/oj"),
    _rule("ART28-AUDIT", "gdpr-art28", "Audits and inspections", "error"),
    _rule("ART25-BY-DESIGN", "gdpr-art28", "Data protection by design", "info", why=False),
    _rule("NFX-KPI", "nf-x50-798", "Quality indicators (KPI)", "warning"),
    _rule("OUT-SLA", "outsourcing", "Service levels", "warning", "https://example.org/sla"),
]
_BY_ID = {r.id: r for r in RULES}


def _finding(rule_id: str, status: str, message: str, evidence=(), signals=(), values=None) -> Finding:
    r = _BY_ID[rule_id]
    severity = r.severity[status] if status in ("weak", "missing") else None
    return Finding(rule_id, r.pack, status, severity, r.title["en"], message, r.reference, r.fix["en"],
                   list(signals), [], dict(values or {}), list(evidence))


def make_run() -> Run:
    md = DocumentResult(
        path="contracts/dpa-en.md", format="markdown", sha256="a" * 64, language="en", kind="dpa", pages=None,
        results=[
            _finding("ART33-BREACH-NOTIFY", "weak", "Weak clause: Breach notification (120 h deadline exceeds 48 h).",
                     [Evidence("Supplier shall notify Customer within one hundred and twenty (120) hours.", None, 31,
                               "9.2", "9. Security", line=42),
                      Evidence("Notices under clause 9 are sent by e-mail.", None, 33, "9.3", "9. Security", line=47)],
                     ["deadline-too-long"], {"hours": 120}),
            _finding("ART28-AUDIT", "missing", "Missing clause: Audits and inspections."),
            _finding("ART25-BY-DESIGN", "missing", "Missing clause: Data protection by design."),
            _finding("NFX-KPI", "not_applicable", "Not applicable to this kind of document."),
            _finding("OUT-SLA", "present", "Clause present: Service levels.",
                     [Evidence("The Supplier answers 90 % of calls within 20 seconds.", None, 40, "10", "10. SLA",
                               line=60)]),
        ])
    docx = DocumentResult(
        path="contracts/acme, inc: 100%.docx", format="docx", sha256="b" * 64, language="fr", kind="call-centre",
        pages=3,
        results=[
            _finding("ART33-BREACH-NOTIFY", "present", "Clause présente : Titre ART33-BREACH-NOTIFY.",
                     [Evidence("Le Prestataire notifie au Client toute violation sous 24 heures.", 2, 40, "8",
                               "ARTICLE 8")]),
            _finding("ART28-AUDIT", "present", "Clause présente : Titre ART28-AUDIT."),
            _finding("ART25-BY-DESIGN", "present", "Clause présente : Titre ART25-BY-DESIGN."),
            _finding("NFX-KPI", "weak", "Clause insuffisante : indicateurs (taux de décroché de 80 %, < 90 %).",
                     [Evidence("Le taux de décroché cible est de 80 % des appels.", 3, 57, "9.2",
                               "ARTICLE 9 – QUALITÉ")], ["low-target"], {"percent": 80}),
            _finding("OUT-SLA", "missing", "Clause absente : Titre OUT-SLA."),
        ])
    scan = DocumentResult(path="contracts/scan.pdf",
                          error={"code": "no-text", "message": "no text layer (scanned PDF?)"})
    return Run([md, docx, scan], "9.9.9-test", list(RULES))


# ---- golden files -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", sorted(MACHINE_FORMATS))
def test_golden(fmt):
    assert fmt in FORMATS
    assert_golden(get(fmt).render(make_run()), MACHINE_FORMATS[fmt])


# ---- SARIF ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA}")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def _errors(validator, doc) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_json_reports_are_streamed_one_document_at_a_time(count):
    """The JSON report is written in pieces (one per document) that join to the one-block text, so a batch of
    thousands of files never holds the whole report in memory; JSON Lines likewise."""
    run = make_run()
    run = Run(run.documents[:count], run.tool_version, run.rules)
    pieces = list(json_report.chunks(run))
    assert "".join(pieces) == json.dumps(json_report.report(run), ensure_ascii=False, indent=2) + "\n"
    assert len(pieces) == (count + 2 if count else 1)
    assert json.loads("".join(pieces))["summary"]["documents"] == count
    assert list(jsonl.chunks(run)) == [jsonl.line(d) + "\n" for d in run.documents]


def test_sarif_validates(sarif_validator):
    assert _errors(sarif_validator, sarif.report(make_run())) == []


def test_sarif_schema_catches_broken_output(sarif_validator):
    broken = sarif.report(make_run())
    broken["runs"][0]["results"][0]["level"] = "fatal"
    assert _errors(sarif_validator, broken)


def test_sarif_rules_and_results():
    run = sarif.report(make_run())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in RULES]
    breach = rules[0]
    assert breach["helpUri"] == "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
    assert "helpUri" not in rules[1]
    assert breach["properties"]["pack"] == "gdpr-art28"
    assert breach["properties"]["severity"] == {"missing": "error", "weak": "warning"}
    assert "Why ART33-BREACH-NOTIFY matters." in breach["fullDescription"]["text"]  # most documents are English
    assert "Model clause for ART33-BREACH-NOTIFY." in breach["help"]["text"]
    by_key = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["index"]): r
              for r in run["results"]}
    assert len(by_key) == len(run["results"]) == 5  # findings only: 3 in the .md, 2 in the .docx
    weak_md = by_key[("ART33-BREACH-NOTIFY", 0)]
    assert weak_md["level"] == "warning" and weak_md["ruleIndex"] == 0
    region = weak_md["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 42 and region["snippet"]["text"].startswith("Supplier shall notify")
    assert weak_md["locations"][0]["logicalLocations"] == [{"kind": "section", "name": "9.2"},
                                                          {"kind": "heading", "name": "9. Security"}]
    assert weak_md["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 47
    assert weak_md["properties"]["signals"] == ["deadline-too-long"]
    assert weak_md["properties"]["values"] == {"hours": 120}
    weak_docx = by_key[("NFX-KPI", 1)]["locations"][0]
    assert "region" not in weak_docx["physicalLocation"] and weak_docx["properties"] == {"page": 3, "paragraph": 57}
    assert weak_docx["message"]["text"] == "Le taux de décroché cible est de 80 % des appels."
    missing = by_key[("ART28-AUDIT", 0)]
    assert missing["level"] == "error" and set(missing["locations"][0]["physicalLocation"]) == {"artifactLocation"}
    assert by_key[("ART25-BY-DESIGN", 0)]["level"] == "note"
    assert run["artifacts"][1]["location"]["uri"] == "contracts/acme%2C%20inc%3A%20100%25.docx"


def test_sarif_unreadable_documents_are_notifications():
    invocation = sarif.report(make_run())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "no-text" and note["level"] == "error"
    assert "no text layer" in note["message"]["text"]
    readable = make_run()
    readable.documents = readable.documents[:2]
    invocation = sarif.report(readable)["runs"][0]["invocations"][0]
    assert invocation == {"executionSuccessful": True}


def _fp(run: Run, rule: str) -> str:
    results = sarif.report(run)["runs"][0]["results"]
    return next(r["partialFingerprints"]["ccclint/v1"] for r in results if r["ruleId"] == rule)


def test_sarif_fingerprint_survives_edits_elsewhere():
    base = make_run()
    before = _fp(base, "ART33-BREACH-NOTIFY")
    moved = make_run()  # the clause moved down (new lines and paragraphs above it), same words
    finding = moved.documents[0].results[0]
    finding.evidence[0] = replace(finding.evidence[0], line=90, paragraph=70, section="11.2")
    assert _fp(moved, "ART33-BREACH-NOTIFY") == before
    retyped = make_run()  # case, accents and spacing do not count either
    ev = retyped.documents[0].results[0].evidence[0]
    retyped.documents[0].results[0].evidence[0] = replace(ev, text="SUPPLIER  shall notify Customer within one "
                                                                  "hundred and twenty (120) hours.")
    assert _fp(retyped, "ART33-BREACH-NOTIFY") == before
    reworded = make_run()
    reworded.documents[0].results[0].evidence[0] = replace(ev, text="Supplier shall notify Customer within 96 hours.")
    assert _fp(reworded, "ART33-BREACH-NOTIFY") != before


def test_sarif_without_rule_objects_describes_rules_from_results(sarif_validator):
    run = make_run()
    run.rules = []
    doc = sarif.report(run)
    assert {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]} == {r.id for r in RULES}
    assert _errors(sarif_validator, doc) == []


def test_accepted_findings_are_suppressed_not_reported(sarif_validator):
    """Baselined / waived results (ccclint.baseline.Suppressed) stay visible as accepted, never as failures."""
    baseline = pytest.importorskip("ccclint.baseline")
    import datetime as dt

    from ccclint.config import Waiver

    run = make_run()
    md = run.documents[0]
    waiver = Waiver("ART28-AUDIT", "contracts/*", "audit rights in the MSA", "DPO", dt.date(2030, 1, 31))
    md.results[0] = baseline._suppress(md.results[0], "baseline")
    md.results[1] = baseline._suppress(md.results[1], "waiver", waiver)
    doc = sarif.report(run)
    assert _errors(sarif_validator, doc) == []
    by_rule = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["index"]): r
               for r in doc["runs"][0]["results"]}
    assert by_rule[("ART33-BREACH-NOTIFY", 0)]["suppressions"][0]["status"] == "accepted"
    waived = by_rule[("ART28-AUDIT", 0)]["suppressions"][0]
    assert waived["justification"] == "audit rights in the MSA"
    assert waived["properties"] == {"approvedBy": "DPO", "expires": "2030-01-31"}
    assert "suppressions" not in by_rule[("ART25-BY-DESIGN", 0)]
    suite = ET.fromstring(get("junit").render(run)).find("testsuite")
    assert _counts(suite) == {"tests": 5, "failures": 1, "errors": 0, "skipped": 3}
    assert "accepted (waiver)" in suite.find("testcase[@name='ART28-AUDIT']/skipped").get("message")
    annotations = get("github").render(run)
    assert "ART33-BREACH-NOTIFY" not in annotations and "ART28-AUDIT" not in annotations


# ---- JUnit ------------------------------------------------------------------------------------------------

def _counts(el: ET.Element) -> dict[str, int]:
    return {k: int(el.get(k)) for k in ("tests", "failures", "errors", "skipped")}


def test_junit_counts_and_cases():
    root = ET.fromstring(get("junit").render(make_run()))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["contracts/dpa-en.md", "contracts/acme, inc: 100%.docx",
                                               "contracts/scan.pdf"]
    assert [_counts(s) for s in suites] == [
        {"tests": 5, "failures": 3, "errors": 0, "skipped": 1},
        {"tests": 5, "failures": 2, "errors": 0, "skipped": 0},
        {"tests": 1, "failures": 0, "errors": 1, "skipped": 0},
    ]
    assert _counts(root) == {"tests": 11, "failures": 5, "errors": 1, "skipped": 1}
    for suite in suites:  # the attributes agree with the elements
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests"))
        assert sum(len(c.findall("failure")) for c in cases) == int(suite.get("failures"))
        assert sum(len(c.findall("skipped")) for c in cases) == int(suite.get("skipped"))
    case = suites[0].find("testcase[@name='ART33-BREACH-NOTIFY']")
    assert case.get("classname") == "gdpr-art28"
    failure = case.find("failure")
    assert failure.get("type") == "warning" and failure.get("message").startswith("Weak clause")
    assert "one hundred and twenty (120) hours" in failure.text and "Model clause for ART33" in failure.text
    assert suites[1].find("testcase[@name='ART33-BREACH-NOTIFY']/failure") is None  # present: a pass
    assert suites[2].find("testcase/error").get("type") == "no-text"


def test_junit_drops_characters_xml_cannot_hold():
    run = make_run()
    run.documents[0].results[0].evidence[0].text = "bad \x0c form feed \x01"
    ET.fromstring(get("junit").render(run))  # parses


# ---- GitHub -----------------------------------------------------------------------------------------------

def test_github_escaping():
    assert github.escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_paths_are_normalised_for_code_scanning():
    run = make_run()
    run.documents[0].path = "./contracts/dpa-en.md"
    assert get("github").render(run).startswith("::warning file=contracts/dpa-en.md,line=42,")
    assert sarif.report(run)["runs"][0]["artifacts"][0]["location"]["uri"] == "contracts/dpa-en.md"


def test_github_lines():
    lines = get("github").render(make_run()).splitlines()
    assert lines[0] == ("::warning file=contracts/dpa-en.md,line=42,title=ART33-BREACH-NOTIFY::"
                        "Weak clause: Breach notification (120 h deadline exceeds 48 h).")
    assert lines[1] == "::error file=contracts/dpa-en.md,title=ART28-AUDIT::Missing clause: Audits and inspections."
    assert lines[2].startswith("::notice file=contracts/dpa-en.md,title=ART25-BY-DESIGN::")
    # no line in a DOCX; ',' ':' '%' escaped in the path
    assert lines[3].startswith("::warning file=contracts/acme%2C inc%3A 100%25.docx,title=NFX-KPI::")
    assert "80 %25" in lines[3]
    assert lines[-1].startswith("::error file=contracts/scan.pdf,title=ccclint%3A no-text::")
    assert len(lines) == 6


# ---- CSV and JSONL ----------------------------------------------------------------------------------------

def test_csv_matrix():
    rows = list(csv.reader(io.StringIO(get("csv").render(make_run()))))
    order = ["ART25-BY-DESIGN", "ART28-AUDIT", "ART33-BREACH-NOTIFY", "NFX-KPI", "OUT-SLA"]  # by pack, then id
    assert rows[0] == ["path", "kind", "language", *order]
    assert rows[1] == ["contracts/dpa-en.md", "dpa", "en", "missing", "missing", "weak", "not_applicable", "present"]
    assert rows[2][0] == "contracts/acme, inc: 100%.docx"
    assert rows[2][3:] == ["present", "present", "present", "weak", "missing"]
    assert rows[3] == ["contracts/scan.pdf", "", "", *["error:no-text"] * 5]
    shuffled = make_run()
    shuffled.rules = list(reversed(RULES))
    assert get("csv").render(shuffled) == get("csv").render(make_run())


def test_jsonl_is_the_json_report_documents():
    run = make_run()
    run.documents[0].results[0].evidence[0].text = "line\u2028separator"
    text = jsonl.render(run)
    lines = text.splitlines()
    assert len(lines) == 3 and text.endswith("\n")
    assert [json.loads(line) for line in lines] == json_report.report(run)["documents"]


# ---- the shipped examples and the command line ------------------------------------------------------------

@pytest.fixture(scope="module")
def examples_run():
    from ccclint.runner import run_check

    files = sorted(str(p.relative_to(ROOT)) for ext in ("docx", "pdf", "md")
                   for p in (ROOT / "examples").glob(f"*.{ext}") if p.name != "README.md")
    if not files:
        pytest.skip("no shipped examples")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return run_check(files, jobs=1)  # loading the packs costs more than checking 3 files: once, in-process
    finally:
        os.chdir(cwd)


def test_examples_sarif_validates(examples_run, sarif_validator):
    doc = sarif.report(examples_run)
    assert _errors(sarif_validator, doc) == []
    run = doc["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == len(examples_run.rules)
    findings = sum(1 for d in examples_run.documents for f in d.results if f.is_finding)
    assert len(run["results"]) == findings > 0
    fingerprints = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["index"],
                     r["partialFingerprints"]["ccclint/v1"]) for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)  # unique within a document


def test_examples_junit_counts(examples_run):
    root = ET.fromstring(get("junit").render(examples_run))
    results = [f for d in examples_run.documents for f in d.results]
    assert _counts(root) == {"tests": len(results), "failures": sum(f.is_finding for f in results), "errors": 0,
                             "skipped": sum(f.status == "not_applicable" or (f.status in ("weak", "missing")
                                                                             and not f.is_finding) for f in results)}


def test_cli_writes_several_machine_formats(tmp_path):
    (tmp_path / "contrat.md").write_text(FR_CONTRACT_MD, encoding="utf-8")
    (tmp_path / "vide.txt").write_text("Le Prestataire facture le Client chaque mois.\n", encoding="utf-8")
    write_pack(tmp_path / "packs", "testpack", {"TST-BREACH": rule_yaml("TST-BREACH"),
                                                 "TST-OTHER": rule_yaml("TST-OTHER", missing="info")})
    proc = subprocess.run(
        [sys.executable, "-m", "ccclint", "check", "contrat.md", "vide.txt", "--rules", "packs/testpack", "--pack",
         "testpack", "--jobs", "1", "--no-progress", "--fail-on", "never", "--format", "csv", "--format",
         "sarif:out.sarif", "--format", "junit:out.xml", "--format", "github:gh.txt", "--format", "jsonl:out.jsonl"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows == [["path", "kind", "language", "TST-BREACH", "TST-OTHER"],
                    ["contrat.md", rows[1][1], "fr", "present", "present"],
                    ["vide.txt", rows[2][1], "fr", "missing", "missing"]]
    results = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert sorted((r["ruleId"], r["level"]) for r in results) == [("TST-BREACH", "warning"), ("TST-OTHER", "note")]
    assert _counts(ET.parse(tmp_path / "out.xml").getroot())["failures"] == 2
    assert (tmp_path / "gh.txt").read_text(encoding="utf-8").splitlines() == [
        "::warning file=vide.txt,title=TST-BREACH::" + results[0]["message"]["text"],
        "::notice file=vide.txt,title=TST-OTHER::" + results[1]["message"]["text"]]
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 2
