"""SARIF 2.1.0 report, so code-scanning tools (GitHub, Azure DevOps, IDE viewers) can show the findings.

One SARIF run per ccclint run. Every rule of the run becomes a rule descriptor (why, legal reference and model
clause as help); every finding (weak or missing) becomes a result. A missing clause has nowhere to point, so its
location is the whole artifact; a weak clause points at its evidence: a region (line and snippet) for Markdown/text
sources only, since SARIF regions need a text position that DOCX/PDF quotes lack; always the quote as the location's
message, page and paragraph as its properties, article and heading as logical locations.
`partialFingerprints["ccclint/v1"]` hashes the rule id with the folded evidence text, so a finding keeps its identity
when other parts of the contract are edited. Unreadable documents become tool execution notifications.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from ccclint.normalize import fold_text

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/ccclint/"
FINGERPRINT = "ccclint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf",
         "md": "text/markdown", "markdown": "text/markdown", "txt": "text/plain", "text": "text/plain"}
_LABELS = {"fr": {"ref": "Référence", "fix": "Clause type"}, "en": {"ref": "Reference", "fix": "Model clause"}}


def artifact_uri(path: str) -> str:
    """A URI reference for a path: relative paths stay relative (forward slashes, percent-encoded)."""
    if os.path.isabs(path):
        return PurePath(os.path.abspath(path)).as_uri()
    return quote(os.path.normpath(path).replace(os.sep, "/"), safe="/-._~")  # "./a.md" -> "a.md"


def fingerprint(rule_id: str, text: str) -> str:
    """Stable across edits elsewhere in the contract: only the rule and its own (folded) evidence count."""
    folded = " ".join(fold_text(text).split())
    return hashlib.sha256(f"{rule_id}\n{folded}".encode("utf-8")).hexdigest()


def report_language(run) -> str:
    """Language of the rule descriptors: the override, else the documents' most common language."""
    if run.lang in ("fr", "en"):
        return run.lang
    langs = Counter(d.language for d in run.documents if d.language in ("fr", "en"))
    return langs.most_common(1)[0][0] if langs else "en"


def _pick(texts: dict[str, str] | None, lang: str) -> str:
    texts = texts or {}
    return (texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")).strip()


def _rule_name(title_en: str, rule_id: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title_en)
    return "".join(w[:1].upper() + w[1:] for w in words) or rule_id


def rule_descriptor(rule, lang: str) -> dict[str, Any]:
    L = _LABELS.get(lang, _LABELS["en"])
    title = _pick(rule.title, lang)
    why, fix = _pick(rule.why, lang), _pick(rule.fix, lang)
    ref = f"{L['ref']}: {rule.reference}" if rule.reference else ""
    text = "\n\n".join(p for p in (why, ref, f"{L['fix']}: {fix}" if fix else "") if p) or title
    refs = "\n".join(f"- [{r['cite']}]({r['url']})" if r.get("url") else f"- {r['cite']}" for r in rule.references)
    quoted = "> " + fix.replace("\n", "\n> ") if fix else ""
    markdown = "\n\n".join(p for p in (why, f"**{L['ref']}**\n\n{refs}" if refs else "",
                                       f"**{L['fix']}**\n\n{quoted}" if fix else "") if p) or title
    desc: dict[str, Any] = {
        "id": rule.id,
        "name": _rule_name(_pick(rule.title, "en"), rule.id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": text},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity.get("missing", ""), "warning")},
        "properties": {"pack": rule.pack, "severity": dict(rule.severity), "tags": [rule.pack],
                       "references": [dict(r) for r in rule.references]},
    }
    url = next((r["url"] for r in rule.references if r.get("url")), None)
    if url:
        desc["helpUri"] = url
    return desc


def _finding_descriptor(f) -> dict[str, Any]:
    """Descriptor for a rule that only appears in the results (a Run built without its rules)."""
    return {"id": f.rule, "name": _rule_name(f.title, f.rule), "shortDescription": {"text": f.title},
            "properties": {"pack": f.pack}}


def _artifact_location(path: str, index: int) -> dict[str, Any]:
    return {"artifactLocation": {"uri": artifact_uri(path), "index": index}}


def _location(d, ev, artifact_index: int) -> dict[str, Any]:
    """SARIF regions need a text position: only line-based sources (Markdown, text) get one; the quote always
    travels as the location's message, the page and paragraph as its properties."""
    physical = _artifact_location(d.path, artifact_index)
    if ev.line:
        physical["region"] = {"startLine": ev.line, "snippet": {"text": ev.text}}
    loc: dict[str, Any] = {"physicalLocation": physical}
    logical = [{"kind": kind, "name": name} for kind, name in (("section", ev.section), ("heading", ev.heading))
               if name]
    if logical:
        loc["logicalLocations"] = logical
    loc["message"] = {"text": ev.text}
    where = {k: v for k, v in (("page", ev.page), ("paragraph", ev.paragraph)) if v is not None}
    if where:
        loc["properties"] = where
    return loc


def result(d, f, artifact_index: int, rule_index: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"ruleId": f.rule}
    if rule_index is not None:
        out["ruleIndex"] = rule_index
    out["level"] = LEVELS.get(f.severity or "", "warning")
    out["message"] = {"text": f.message}
    if f.status == "weak" and f.evidence:
        locations = [_location(d, ev, artifact_index) for ev in f.evidence]
        out["locations"] = locations[:1]
        if len(locations) > 1:
            out["relatedLocations"] = [dict(loc, id=i) for i, loc in enumerate(locations[1:], start=1)]
        key = f.evidence[0].text
    else:
        out["locations"] = [{"physicalLocation": _artifact_location(d.path, artifact_index)}]
        key = ""
    out["partialFingerprints"] = {FINGERPRINT: fingerprint(f.rule, key)}
    out["properties"] = {"status": f.status, "pack": f.pack, "severity": f.severity, "signals": list(f.signals),
                         "values": dict(f.values), "reference": f.reference}
    if not f.is_finding:
        out["suppressions"] = [suppression(f)]
    return out


def suppression(f) -> dict[str, Any]:
    """A weak/missing result accepted by the baseline or a waiver (ccclint.baseline.Suppressed): SARIF viewers
    show it as accepted instead of dropping it."""
    waiver = getattr(f, "waiver", None)
    if getattr(f, "by", None) == "waiver" and waiver is not None:
        expires = getattr(waiver, "expires", None)
        props = {"approvedBy": getattr(waiver, "approved_by", None),
                 "expires": expires.isoformat() if hasattr(expires, "isoformat") else expires}
        reason = str(getattr(waiver, "reason", "") or "waiver")
        return {"kind": "external", "status": "accepted", "justification": reason,
                "properties": {k: v for k, v in props.items() if v}}
    return {"kind": "external", "status": "accepted", "justification": "accepted in the ccclint baseline"}


def _artifact(d) -> dict[str, Any]:
    art: dict[str, Any] = {"location": {"uri": artifact_uri(d.path)}}
    suffix = (d.format or os.path.splitext(d.path)[1].lstrip(".")).lower()
    if suffix in _MIME:
        art["mimeType"] = _MIME[suffix]
    if d.sha256:
        art["hashes"] = {"sha-256": d.sha256}
    props = {k: v for k, v in (("kind", d.kind), ("language", d.language), ("pages", d.pages)) if v is not None}
    if props:
        art["properties"] = props
    return art


def _invocation(run, notification_index: dict[str, int]) -> dict[str, Any]:
    notes = []
    for i, d in enumerate(run.documents):
        if not d.error:
            continue
        code = d.error.get("code", "unreadable")
        notes.append({"level": "error", "message": {"text": f"{d.path}: {d.error.get('message', code)}"},
                      "descriptor": {"id": code, "index": notification_index[code]},
                      "locations": [{"physicalLocation": _artifact_location(d.path, i)}],
                      "properties": {"code": code}})
    inv: dict[str, Any] = {"executionSuccessful": not notes}
    if notes:
        inv["toolExecutionNotifications"] = notes
    return inv


def report(run) -> dict[str, Any]:
    lang = report_language(run)
    descriptors = [rule_descriptor(r, lang) for r in run.rules]
    index = {r["id"]: i for i, r in enumerate(descriptors)}
    for d in run.documents:
        for f in d.results:
            if f.rule not in index:
                index[f.rule] = len(descriptors)
                descriptors.append(_finding_descriptor(f))
    codes = sorted({d.error.get("code", "unreadable") for d in run.documents if d.error})
    notification_index = {c: i for i, c in enumerate(codes)}
    driver: dict[str, Any] = {"name": "ccclint", "version": run.tool_version, "informationUri": INFORMATION_URI,
                              "rules": descriptors}
    if re.fullmatch(r"\d+\.\d+\.\d+([-+].*)?", run.tool_version or ""):
        driver["semanticVersion"] = run.tool_version
    if codes:
        driver["notifications"] = [{"id": c, "shortDescription": {"text": f"Unreadable input ({c})."}} for c in codes]
    results = [result(d, f, i, index.get(f.rule))
               for i, d in enumerate(run.documents) if not d.error
               for f in d.results if f.status in ("weak", "missing")]  # accepted ones carry a suppression
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [_invocation(run, notification_index)],
            "language": lang,
            "artifacts": [_artifact(d) for d in run.documents],
            "results": results,
        }],
    }


def render(run) -> str:
    return json.dumps(report(run), ensure_ascii=False, indent=2) + "\n"
