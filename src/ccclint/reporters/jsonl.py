"""JSON Lines: one document per line (the JSON report's `documents[]` object), so huge runs can be streamed,
split and grepped without loading one giant array."""

from __future__ import annotations

import json

from ccclint.reporters.json_report import document_json

# JSON leaves these unescaped, but str.splitlines() and some readers break lines on them
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def line(d) -> str:
    text = json.dumps(document_json(d), ensure_ascii=False)
    for char, escaped in _LINE_BREAKS.items():
        text = text.replace(char, escaped)
    return text


def chunks(run):
    """One line per document, written as it is made (see runner.write_reports)."""
    for d in run.documents:
        yield line(d) + "\n"


def render(run) -> str:
    return "".join(chunks(run))
