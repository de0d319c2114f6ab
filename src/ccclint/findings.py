"""Rule results turned into findings: severity, message in the document's language, evidence
quoted from the original text with its location, and the model clause to add."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ccclint.docindex import DocIndex
from ccclint.matcher import RuleResult

_DEFAULT_MESSAGES = {
    "missing": {"fr": "Clause absente : {title}.", "en": "Missing clause: {title}."},
    "weak": {"fr": "Clause insuffisante : {title} ({reasons}).", "en": "Weak clause: {title} ({reasons})."},
    "present": {"fr": "Clause présente : {title}.", "en": "Clause present: {title}."},
    "not_applicable": {"fr": "Sans objet pour ce type de document.", "en": "Not applicable to this kind of document."},
}


@dataclass
class Evidence:
    text: str
    page: int | None
    paragraph: int
    section: str | None
    heading: str | None
    line: int | None = None

    def as_json(self) -> dict[str, Any]:
        out = {"text": self.text, "page": self.page, "paragraph": self.paragraph, "section": self.section,
               "heading": self.heading}
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass
class Finding:
    rule: str
    pack: str
    status: str
    severity: str | None
    title: str
    message: str
    reference: str
    fix: str
    signals: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def is_finding(self) -> bool:
        return self.status in ("weak", "missing")

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "pack": self.pack, "status": self.status, "severity": self.severity,
                "title": self.title, "message": self.message, "reference": self.reference, "signals": self.signals,
                "values": self.values, "evidence": [e.as_json() for e in self.evidence], "fix": self.fix}


def _evidence(index: DocIndex, start: int, end: int, focus: int | None = None, paragraph: bool = False) -> Evidence:
    text, para = index.quote(start, end, paragraph=paragraph, focus=focus)
    loc = index.location(para)
    return Evidence(text, loc.page, loc.paragraph, loc.section, loc.heading, loc.line)


def _format(template: str, **values: Any) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def to_finding(result: RuleResult, index: DocIndex) -> Finding:
    rule, lang = result.rule, index.lang
    title = rule.title.get(lang) or rule.title["en"]
    reasons = [_format(f.signal.reason.get(lang, f.signal.reason["en"]), **f.values, **_limits(f.signal.formula))
               for f in result.fired]
    status = result.status
    template = (rule.message.get(status) or _DEFAULT_MESSAGES[status]).get(lang) or _DEFAULT_MESSAGES[status]["en"]
    message = _format(template, title=title, reasons="; ".join(reasons), **result.values)
    if status == "weak" and rule.message.get("weak") and reasons:
        message = f"{message.rstrip('.')} : {'; '.join(reasons)}." if lang == "fr" else f"{message.rstrip('.')}: {'; '.join(reasons)}."
    # a weak verdict quotes what weakens the clause first, then the clause itself
    spans = [s for f in result.fired for s in f.spans if s[1] > s[0]]
    # a clause judged on what it lacks (no deadline, no list...) is quoted whole: no sentence shows an absence
    whole_paragraphs = status == "present" or not spans
    spans += [s for s in result.spans if s[1] > s[0]]
    spans += result.other_spans
    whole_document = rule.match == {"always": True}  # nothing to quote when nothing was found
    if not spans and not whole_document and result.unit is not None and status in ("present", "weak") \
            and result.unit.end > result.unit.start:
        spans = [(result.unit.start, min(result.unit.end, result.unit.start + 1))]
    if whole_document and status == "present" and index.para_ranges:  # the document checked: its title
        first = index.para_ranges[0]
        spans.append((first[0], max(first[0] + 1, first[1])))
    evidence = [_evidence(index, s, e, focus, paragraph=whole_paragraphs) for s, e, focus in _quote_ranges(index, spans)]
    severity = rule.severity.get(status) if status in ("weak", "missing") else None
    return Finding(rule.id, rule.pack, status, severity, title, message, rule.reference,
                   rule.fix.get(lang) or rule.fix["en"], result.signals, reasons, result.values, evidence)


def _quote_ranges(index: DocIndex, spans: list[tuple[int, int]], limit: int = 3) -> list[tuple[int, int, int]]:
    """One (first hit, last hit, focus) per paragraph, body text before headings, at most `limit`. Spans
    come most telling first (what weakens the clause, then what satisfies it): the focus is the first, so a
    long quote is cut around the words that decided the verdict."""
    by_para: dict[int, list[tuple[int, int]]] = {}
    for s, e in spans:
        by_para.setdefault(index.paragraph_at(s), []).append((s, e))
    order = sorted(by_para, key=lambda p: index.is_heading(p))  # stable: keeps the verdict's order otherwise
    return [(min(s for s, _ in by_para[p]), max(e for _, e in by_para[p]), by_para[p][0][0]) for p in order[:limit]]


def _limits(formula: dict[str, Any]) -> dict[str, Any]:
    (key, arg), = formula.items()
    return dict(arg) if isinstance(arg, dict) and key in ("deadline", "percent") else {}
