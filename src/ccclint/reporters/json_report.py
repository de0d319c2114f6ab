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
    return _frame(run, [document_json(d) for d in run.documents])


def _frame(run, documents: list[Any]) -> dict[str, Any]:
    return {"tool": {"name": "ccclint", "version": run.tool_version}, "documents": documents,
            "summary": summary(run.documents)}


def chunks(run):
    """The report piece by piece, one document at a time: a folder of thousands of contracts is written without
    holding the whole report in memory (the same text as json.dumps(report(run), indent=2))."""
    if not run.documents:
        yield json.dumps(_frame(run, []), ensure_ascii=False, indent=2) + "\n"
        return
    head, tail = json.dumps(_frame(run, [_SLOT]), ensure_ascii=False, indent=2).split(json.dumps(_SLOT))
    yield head
    last = len(run.documents) - 1
    for i, d in enumerate(run.documents):
        text = json.dumps(document_json(d), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield text + (",\n    " if i < last else "")
    yield tail + "\n"


_SLOT = "\x00documents\x00"


def render(run) -> str:
    return "".join(chunks(run))
