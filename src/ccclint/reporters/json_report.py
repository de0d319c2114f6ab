"""The FIXED JSON report (design §4): every rule's status for every document."""

from __future__ import annotations

import json
from typing import Any

from ccclint.engine import DocumentResult, summary


def document_json(d: DocumentResult) -> dict[str, Any]:
    return {
        "path": d.path, "sha256": d.sha256, "format": d.format, "language": d.language, "kind": d.kind,
        "pages": d.pages, "error": d.error,
        "results": [] if d.error else [f.as_json() for f in d.results],
    }


def report(run) -> dict[str, Any]:
    return {
        "tool": {"name": "ccclint", "version": run.tool_version},
        "documents": [document_json(d) for d in run.documents],
        "summary": summary(run.documents),
    }


def render(run) -> str:
    return json.dumps(report(run), ensure_ascii=False, indent=2) + "\n"
