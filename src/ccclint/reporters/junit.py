"""JUnit XML report, so CI servers (Jenkins, GitLab, Azure, GitHub test reporters) show contracts as test suites.

One <testsuite> per document (name = path), one <testcase> per rule (classname = pack, name = rule id): a weak or
missing clause is a <failure> (type = severity), a rule that does not apply or a finding accepted by the baseline or
a waiver is <skipped>, a present clause passes.
An unreadable document is a suite with a single test in <error> (type = the error code).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    """XML 1.0 forbids most control characters; PDFs sometimes carry them."""
    return _INVALID_XML.sub("", "" if text is None else str(text))


def _where(ev) -> str:
    parts = [f"p. {ev.page}" if ev.page else "", f"line {ev.line}" if ev.line else "", f"para. {ev.paragraph}",
             f"art. {ev.section}" if ev.section else "", f"« {ev.heading} »" if ev.heading else ""]
    return ", ".join(p for p in parts if p)


def failure_body(f) -> str:
    lines = [f"Reference: {f.reference}"] if f.reference else []
    lines += [f"Evidence ({_where(ev)}): {ev.text}" for ev in f.evidence]
    if f.fix:
        lines.append(f"Model clause: {f.fix.strip()}")
    return "\n".join(lines)


def _testcase(suite: ET.Element, f) -> str:
    case = ET.SubElement(suite, "testcase", classname=_clean(f.pack), name=_clean(f.rule))
    if f.is_finding:
        fail = ET.SubElement(case, "failure", type=_clean(f.severity or "warning"), message=_clean(f.message))
        fail.text = _clean(failure_body(f))
        return "failures"
    if f.status == "not_applicable":
        ET.SubElement(case, "skipped", message=_clean(f.message))
        return "skipped"
    if f.status in ("weak", "missing"):  # accepted by the baseline or a waiver: visible, but not a failure
        accepted = f"{f.status}, accepted ({getattr(f, 'by', 'baseline')}): {f.message}"
        ET.SubElement(case, "skipped", message=_clean(accepted))
        return "skipped"
    return "passed"


def _suite(parent: ET.Element, d) -> dict[str, int]:
    suite = ET.SubElement(parent, "testsuite", name=_clean(d.path))
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    props = [(k, v) for k, v in (("format", d.format), ("language", d.language), ("kind", d.kind), ("pages", d.pages),
                                 ("sha256", d.sha256)) if v is not None]
    if props:
        holder = ET.SubElement(suite, "properties")
        for k, v in props:
            ET.SubElement(holder, "property", name=k, value=_clean(v))
    if d.error:
        case = ET.SubElement(suite, "testcase", classname="ccclint", name="read")
        err = ET.SubElement(case, "error", type=_clean(d.error.get("code", "unreadable")),
                            message=_clean(d.error.get("message", "")))
        err.text = _clean(f"{d.path}: {d.error.get('message', '')}")
        counts.update(tests=1, errors=1)
    else:
        for f in d.results:
            outcome = _testcase(suite, f)
            counts["tests"] += 1
            if outcome in counts:
                counts[outcome] += 1
    for k, v in counts.items():
        suite.set(k, str(v))
    return counts


def report(run) -> ET.Element:
    root = ET.Element("testsuites", name="ccclint")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for d in run.documents:
        for k, v in _suite(root, d).items():
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    return root


def render(run) -> str:
    root = report(run)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
