"""End-to-end tests on the shipped examples (examples/*.docx|pdf|md).

For each examples/expected/<file>.yaml the CLI is run once, as a user would run it:
`python -m ccclint check examples/<file> --format json`, and the report is compared with the
statuses a careful lawyer expects (kind, language, one status per listed rule).

* A rule listed in the expectations but absent from `ccclint rules list` (not written yet) is skipped;
  a file none of whose expected rules exists fails (the expectations would test nothing).
* Exit code: always 0 or 1 and consistent with the report's error count (default --fail-on error);
  it must be 1 as soon as an expected finding maps to an `error` severity of an existing rule.
* The example files are byte-for-byte unchanged by the run (sha256 before/after, and the report's sha256).
* The committed .docx/.pdf are what examples/make_examples.py builds from examples/src/*.md.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXPECTED_DIR = EXAMPLES / "expected"
EXPECTED_FILES = sorted(EXPECTED_DIR.glob("*.yaml"))
STATUSES = {"present", "weak", "missing", "not_applicable"}
KINDS = {"dpa", "services", "call-centre", "sla", "other"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


EXPECTED = {p.name[: -len(".yaml")]: _load(p) for p in EXPECTED_FILES}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ccclint", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)


@functools.lru_cache(maxsize=None)
def available_rules() -> dict[str, dict]:
    proc = _cli("rules", "list", "--format", "json")
    assert proc.returncode == 0, f"`ccclint rules list` exited {proc.returncode}: {proc.stderr.strip()}"
    return {rule["id"]: rule for rule in json.loads(proc.stdout)}


@functools.lru_cache(maxsize=None)
def run_check(name: str) -> dict:
    """Run the CLI once per example; return exit code, parsed report and hashes around the run."""
    path = EXAMPLES / name
    before = _sha256(path)
    proc = _cli("check", f"examples/{name}", "--format", "json")
    after = _sha256(path)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"{name}: no JSON report (exit {proc.returncode}): {exc}\nstderr: {proc.stderr[-2000:]}")
    docs = report.get("documents", [])
    assert len(docs) == 1, f"{name}: expected one document in the report, got {len(docs)}"
    return {"rc": proc.returncode, "stderr": proc.stderr, "report": report, "doc": docs[0],
            "before": before, "after": after}


def _result(name: str, rule: str) -> dict | None:
    return next((r for r in run_check(name)["doc"].get("results", []) if r.get("rule") == rule), None)


def _describe(result: dict | None) -> str:
    if result is None:
        return "rule absent from the report"
    ev = result.get("evidence") or []
    where = ""
    if ev:
        e = ev[0]
        where = f" at {e.get('section') or e.get('heading') or ''!s} «{(e.get('text') or '')[:160]}»"
    return (f"got {result.get('status')} signals={result.get('signals')} values={result.get('values')}{where}")


CASES = [(name, rule) for name, exp in EXPECTED.items() for rule in exp["rules"]]


# ---------------------------------------------------------------------------------------- expectations

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expectation_file_is_well_formed(name):
    exp = EXPECTED[name]
    assert exp["file"] == name, f"{name}.yaml describes {exp['file']!r}"
    assert (EXAMPLES / name).is_file(), f"examples/{name} is missing"
    assert exp["kind"] in KINDS and exp["language"] in {"fr", "en"}
    rules = exp["rules"]
    bad = {rule: spec.get("status") for rule, spec in rules.items() if spec.get("status") not in STATUSES}
    assert not bad, f"unknown statuses: {bad}"
    defects = {rule: spec["status"] for rule, spec in rules.items() if spec.get("defect")}
    assert defects and all(s in {"weak", "missing"} for s in defects.values()), defects
    assert sum(spec["status"] == "present" for spec in rules.values()) >= 6, "fewer than 6 clauses done right"


def test_every_example_has_expectations():
    shipped = {p.name for p in EXAMPLES.iterdir() if p.suffix in {".docx", ".pdf", ".md"} and p.name != "README.md"}
    assert shipped == set(EXPECTED), f"examples without (or expectations without) a file: {shipped ^ set(EXPECTED)}"


# ---------------------------------------------------------------------------------------- CLI run

@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_is_read_and_classified(name):
    doc = run_check(name)["doc"]
    assert doc.get("error") is None, f"{name} could not be read: {doc.get('error')}"
    exp = EXPECTED[name]
    assert (doc.get("kind"), doc.get("language")) == (exp["kind"], exp["language"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_some_expected_rules_exist(name):
    known = set(available_rules())
    assert known & set(EXPECTED[name]["rules"]), (
        f"none of the {len(EXPECTED[name]['rules'])} rules expected for {name} exists in `ccclint rules list`")


@pytest.mark.parametrize("name,rule", CASES, ids=[f"{n}::{r}" for n, r in CASES])
def test_rule_status(name, rule):
    if rule not in available_rules():
        pytest.skip(f"{rule} is not written yet")
    spec = EXPECTED[name]["rules"][rule]
    result = _result(name, rule)
    status = result.get("status") if result else None
    assert status == spec["status"], (
        f"{name} {rule}: expected {spec['status']}"
        f"{' (planted defect)' if spec.get('defect') else ''}"
        f"{' at ' + str(spec['where']) if spec.get('where') else ''}"
        f"{' – ' + spec['why'] if spec.get('why') else ''}; {_describe(result)}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exit_code(name):
    run = run_check(name)
    rc, summary = run["rc"], run["report"].get("summary", {})
    assert rc in (0, 1), f"{name}: exit {rc}: {run['stderr'].strip()[-500:]}"
    errors = summary.get("findings", {}).get("error", 0)
    assert rc == (1 if errors else 0), f"{name}: exit {rc} but {errors} error finding(s) in the summary"
    rules = available_rules()
    expected_errors = sorted(
        rule for rule, spec in EXPECTED[name]["rules"].items()
        if spec["status"] in {"weak", "missing"} and rule in rules
        and (rules[rule].get("severity") or {}).get(spec["status"]) == "error")
    if not expected_errors:
        pytest.skip("no existing rule yet turns an expected finding of this example into an error")
    assert rc == 1, f"{name}: exit {rc}, but {expected_errors} should give error findings"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_file_unchanged(name):
    run = run_check(name)
    assert run["before"] == run["after"], f"examples/{name} was modified by `ccclint check`"
    assert run["doc"].get("sha256") in (None, run["before"]), "report sha256 differs from the file's"


# ---------------------------------------------------------------------------------------- generator

@functools.lru_cache(maxsize=None)
def _generator():
    spec = importlib.util.spec_from_file_location("ccclint_make_examples", EXAMPLES / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up in sys.modules
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("output", ["contrat-centre-appels.docx", "contrat-prestataire-maroc.pdf"])
def test_committed_example_matches_its_source(output):
    gen = _generator()
    spec = next(s for s in gen.SPECS if s.output == output)
    if output.endswith(".pdf"):
        pytest.importorskip("fpdf", reason="fpdf2 (dev extra) builds the PDF example")
        if not gen.fonts_match_reference(gen.find_fonts()):
            pytest.skip("local DejaVu Sans differs from the font the committed PDF was built with")
    assert gen.build(spec) == (EXAMPLES / output).read_bytes(), (
        f"examples/{output} is stale: run `python examples/make_examples.py`")
