"""What the lawyer-facing reports (Markdown, HTML) share: labels in French and English, status
symbols, the documents × rules matrix and findings in reading order.

Kept apart from the renderers so both formats say the same thing in the same words; the
renderers only decide how it looks and how it is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccclint.engine import summary

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Rapport ccclint", "matrix": "Documents × règles", "legend": "Légende", "document": "Document",
        "present": "présente", "weak": "insuffisante", "missing": "absente", "not_applicable": "sans objet",
        "unchecked": "non vérifiée", "unreadable": "illisible", "findings": "Constats", "no_findings": "Aucun constat.",
        "error": "erreur", "warning": "avertissement", "info": "info", "rule": "Règle", "reference": "Référence",
        "evidence": "Extrait", "fix": "Clause type", "kind": "type", "language": "langue", "pages": "p.",
        "page": "p.", "para": "§", "art": "art.", "line": "l.", "summary": "Bilan", "errors": "erreur(s)",
        "warnings": "avertissement(s)", "infos": "info(s)", "satisfied": "règle(s) satisfaite(s)",
        "documents": "document(s)", "unreadables": "illisible(s)", "signals": "Signaux", "colon": " :", "semi": " ;",
        "open": "« ", "close": " »",
    },
    "en": {
        "title": "ccclint report", "matrix": "Documents × rules", "legend": "Legend", "document": "Document",
        "present": "present", "weak": "weak", "missing": "missing", "not_applicable": "not applicable",
        "unchecked": "not checked", "unreadable": "unreadable", "findings": "Findings", "no_findings": "No finding.",
        "error": "error", "warning": "warning", "info": "info", "rule": "Rule", "reference": "Reference",
        "evidence": "Evidence", "fix": "Model clause", "kind": "kind", "language": "language", "pages": "p.",
        "page": "p.", "para": "para.", "art": "art.", "line": "l.", "summary": "Summary", "errors": "error(s)",
        "warnings": "warning(s)", "infos": "info", "satisfied": "rule(s) satisfied",
        "documents": "document(s)", "unreadables": "unreadable", "signals": "Signals", "colon": ":", "semi": ";",
        "open": "“", "close": "”",
    },
}

# one symbol per cell status; None = the rule has no result for this document (selected out)
SYMBOLS: dict[str | None, str] = {"present": "✓", "weak": "◐", "missing": "✗", "not_applicable": "–", None: "·"}
UNREADABLE = "⊘"
LEGEND_ORDER: tuple[str | None, ...] = ("present", "weak", "missing", "not_applicable", None)
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Column:
    rule: str
    pack: str
    title: dict[str, str]


def labels(lang: str | None) -> dict[str, str]:
    return LABELS.get(lang or "en", LABELS["en"])


def report_lang(run) -> str:
    """The language of the cross-document parts: forced, else the most common document language
    (a tie goes to the language of the first document)."""
    if getattr(run, "lang", None) in LABELS:
        return run.lang
    langs = [d.language for d in run.documents if d.language in LABELS]
    return max(dict.fromkeys(langs), key=langs.count) if langs else "en"


def doc_lang(run, document) -> str:
    forced = getattr(run, "lang", None)
    return forced if forced in LABELS else (document.language if document.language in LABELS else report_lang(run))


def legend_label(status: str | None, L: dict[str, str]) -> str:
    return L["unchecked"] if status is None else L[status]


def columns(run) -> list[tuple[str, list[Column]]]:
    """Rules grouped by pack, in rule-set order; from the documents' results when the run has no rules."""
    cols: list[Column] = [Column(r.id, r.pack, dict(r.title)) for r in (run.rules or [])]
    if not cols:
        seen: set[str] = set()
        for d in run.documents:
            for f in d.results:
                if f.rule not in seen:
                    seen.add(f.rule)
                    cols.append(Column(f.rule, f.pack, {d.language or "en": f.title}))
    groups: dict[str, list[Column]] = {}
    for c in cols:
        groups.setdefault(c.pack, []).append(c)
    return list(groups.items())


def column_title(col: Column, lang: str) -> str:
    return col.title.get(lang) or col.title.get("en") or next(iter(col.title.values()), col.rule)


def cells(document) -> dict[str, Any]:
    """rule id -> Finding for one document."""
    return {f.rule: f for f in document.results}


def findings(document) -> list[Any]:
    """Weak and missing results, most severe first, then by rule id."""
    return sorted((f for f in document.results if f.is_finding),
                  key=lambda f: (_SEVERITY_RANK.get(f.severity or "info", 3), f.rule))


def where(ev, L: dict[str, str]) -> str:
    """Where a quote sits: page, line, paragraph, article, heading."""
    parts = []
    if ev.page:
        parts.append(f"{L['page']} {ev.page}")
    if ev.line:
        parts.append(f"{L['line']} {ev.line}")
    parts.append(f"{L['para']} {ev.paragraph}")
    if ev.section:
        parts.append(f"{L['art']} {ev.section}")
    if ev.heading:
        parts.append(f"{L['open']}{ev.heading}{L['close']}")
    return ", ".join(parts)


def meta(document, L: dict[str, str]) -> str:
    parts = [f"{L['kind']}{L['colon']} {document.kind}", f"{L['language']}{L['colon']} {document.language}"]
    if document.pages:
        parts.append(f"{document.pages} {L['pages']}")
    return " · ".join(parts)


def document_summary(document, L: dict[str, str]) -> str:
    found = findings(document)
    counts = {s: sum(1 for f in found if f.severity == s) for s in ("error", "warning", "info")}
    ok = sum(1 for f in document.results if f.status == "present")
    na = sum(1 for f in document.results if f.status == "not_applicable")
    return (f"{L['summary']}{L['colon']} {counts['error']} {L['errors']}, {counts['warning']} {L['warnings']}, "
            f"{counts['info']} {L['infos']}{L['semi']} {ok} {L['satisfied']}, {na} {L['not_applicable']}.")


def run_summary(run, L: dict[str, str]) -> str:
    s = summary(run.documents)
    c = s["findings"]
    return (f"ccclint {run.tool_version} — {s['documents']} {L['documents']}, {s['unreadable']} {L['unreadables']}{L['semi']} "
            f"{L['findings'].lower()}{L['colon']} {c['error']} {L['errors']}, {c['warning']} {L['warnings']}, "
            f"{c['info']} {L['infos']}")


def fix_paragraphs(fix: str | None) -> list[str]:
    """A model clause as paragraphs: blank lines separate them, other line breaks are folding."""
    return [" ".join(p.split()) for p in (fix or "").strip().split("\n\n") if p.strip()]
