"""Reporter registry: each format is a module exposing `render(run) -> str` (text formats may
also take `write(run, stream, color)`)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from ccclint.engine import DocumentResult

FORMATS = {"text": "terminal", "json": "json_report", "markdown": "markdown", "html": "html", "sarif": "sarif",
           "junit": "junit", "github": "github", "csv": "csv_matrix", "jsonl": "jsonl"}


@dataclass
class Run:
    """Everything a reporter needs: the documents checked and the rule set used."""

    documents: list[DocumentResult]
    tool_version: str
    rules: list[Any] = field(default_factory=list)
    lang: str | None = None  # report language override


def get(fmt: str):
    if fmt not in FORMATS:
        raise KeyError(fmt)
    return importlib.import_module(f"ccclint.reporters.{FORMATS[fmt]}")
