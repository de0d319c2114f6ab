"""Baselines and waivers: accept today's findings so CI fails only on new ones.

A baseline entry is keyed by a content fingerprint, so it survives edits elsewhere in the contract,
renumbered articles and moved paragraphs: sha256 of the rule id + the folded evidence text for a
weak clause, of the rule id + the document path (relative to the baseline file) for a missing one.
Waivers come from the configuration and expire: once past their date the finding is back, saying so.
Matching is pure; only `read` and `write` touch files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any, Iterable

from ccclint.config import Waiver, glob_match, relative
from ccclint.errors import UsageError
from ccclint.findings import Finding
from ccclint.normalize import fold_text

BASELINE_VERSION = 1


@dataclass
class Suppressed(Finding):
    """A weak/missing result accepted by a baseline entry or a waiver: kept in `results` (every rule
    has a result) but no longer a finding, so it neither counts for the exit code nor is reported."""

    by: str = "baseline"  # "baseline" | "waiver"
    waiver: Waiver | None = None

    @property
    def is_finding(self) -> bool:
        return False

    def as_json(self) -> dict[str, Any]:
        out = super().as_json()
        if self.by == "waiver" and self.waiver is not None:
            w = self.waiver
            out["waived"] = True
            out["waiver"] = {"reason": w.reason, "approved_by": w.approved_by, "expires": w.expires.isoformat()}
        else:
            out["baselined"] = True
        return out


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    rule: str
    status: str
    path: str
    reason: str = ""
    evidence: str = ""

    REQUIRED = ("fingerprint", "rule", "status", "path")

    def as_json(self) -> dict[str, Any]:
        out = {"fingerprint": self.fingerprint, "rule": self.rule, "status": self.status, "path": self.path,
               "reason": self.reason}
        if self.evidence:
            out["evidence"] = self.evidence
        return out


def fingerprint(finding: Finding, doc_path: str, base_dir: str) -> str:
    """Stable across runs and machines: no line numbers, no absolute paths."""
    if finding.status == "weak" and finding.evidence:
        body = "\n".join(fold_text(e.text) for e in finding.evidence)
    else:
        body = relative(doc_path, base_dir)
    return hashlib.sha256(f"{finding.rule}\n{body}".encode("utf-8")).hexdigest()


def entries_for(documents: Iterable[Any], base_dir: str, reasons: dict[str, str] | None = None) -> list[Entry]:
    """One entry per current finding (weak or missing), reasons carried over from an older baseline."""
    reasons = reasons or {}
    out: dict[str, Entry] = {}
    for d in documents:
        for f in d.results:
            if not f.is_finding:
                continue
            fp = fingerprint(f, d.path, base_dir)
            quote = f.evidence[0].text[:200] if f.status == "weak" and f.evidence else ""
            out.setdefault(fp, Entry(fp, f.rule, f.status, relative(d.path, base_dir), reasons.get(fp, ""), quote))
    return sorted(out.values(), key=lambda e: (e.path, e.rule, e.fingerprint))


def apply_waivers(documents: list[Any], waivers: tuple[Waiver, ...], root: str, today: dt.date) -> None:
    """Hide findings under a valid waiver; under an expired one, keep them and say so in the message."""
    for d in documents:
        for i, f in enumerate(d.results):
            if not f.is_finding:
                continue
            w = next((w for w in waivers if _rule_hit(f, w.rule) and glob_match(w.path, d.path, root)), None)
            if w is None:
                continue
            if w.expires >= today:
                d.results[i] = _suppress(f, "waiver", w)
            else:
                note = f"waiver expired on {w.expires.isoformat()} (approved by {w.approved_by}: {w.reason})"
                d.results[i] = dataclasses.replace(f, message=f"{f.message.rstrip()} [{note}]")


def apply_baseline(documents: list[Any], entries: list[Entry], base_dir: str,
                   exists=os.path.exists) -> list[Entry]:
    """Hide the findings the baseline accepts; return the stale entries: those that matched nothing
    although their document was checked (or is gone). Entries of documents outside this run (a
    pre-commit hook checks only the changed files) are not stale."""
    by_fp = {e.fingerprint: e for e in entries}
    used: set[str] = set()
    for d in documents:
        for i, f in enumerate(d.results):
            if not f.is_finding:
                continue
            fp = fingerprint(f, d.path, base_dir)
            if fp in by_fp:
                used.add(fp)
                d.results[i] = _suppress(f, "baseline")
    checked = {relative(d.path, base_dir) for d in documents}
    return [e for e in entries if e.fingerprint not in used
            and (e.path in checked or not exists(os.path.join(base_dir, e.path)))]


def _rule_hit(f: Finding, pattern: str) -> bool:
    return f.rule == pattern or f.pack == pattern or f.rule.startswith(pattern.rstrip("-") + "-")


def _suppress(f: Finding, by: str, waiver: Waiver | None = None) -> Suppressed:
    fields = {fl.name: getattr(f, fl.name) for fl in dataclasses.fields(Finding)}
    return Suppressed(**fields, by=by, waiver=waiver)


# ---- file I/O -----------------------------------------------------------------------------------------

def read(path: str) -> list[Entry]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise UsageError(f"--baseline: file not found: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", 1)
        raise UsageError(f"{path}:{line}: not a ccclint baseline ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise UsageError(f"{path}:1: not a ccclint baseline (no 'entries' list)")
    out = []
    for i, e in enumerate(data["entries"]):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in Entry.REQUIRED):
            raise UsageError(f"{path}:1: entries[{i}]: needs fingerprint, rule, status and path")
        out.append(Entry(e["fingerprint"], e["rule"], e["status"], e["path"], str(e.get("reason") or ""),
                         str(e.get("evidence") or "")))
    return out


def write(path: str, entries: list[Entry], tool_version: str) -> None:
    data = {"version": BASELINE_VERSION, "tool": f"ccclint {tool_version}",
            "entries": [e.as_json() for e in entries]}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")


def old_reasons(path: str) -> dict[str, str]:
    """Reasons already written in an existing baseline (kept when it is re-created)."""
    if not os.path.isfile(path):
        return {}
    try:
        return {e.fingerprint: e.reason for e in read(path) if e.reason}
    except UsageError:
        return {}
