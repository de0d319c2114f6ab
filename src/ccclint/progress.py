"""Progress bar and end-of-batch summary on stderr, for people watching a terminal.

Both stay silent when stderr is not a terminal (CI logs, pipes, tests) or with --no-progress:
scripts read stdout and the one-line-per-error stderr contract, never this. rich is imported only
when a bar is actually shown, so single-file and scripted runs do not pay for it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, TextIO


def wanted(enabled: bool, files: int, stream: TextIO | None = None) -> bool:
    """Show a bar only for batches, on an interactive stderr."""
    stream = stream or sys.stderr
    return enabled and files > 1 and hasattr(stream, "isatty") and stream.isatty()


@dataclass
class Bar:
    """files done / total, rate, ETA and errors so far; a no-op when not enabled."""

    total: int
    enabled: bool
    errors: int = 0
    _progress: Any = None
    _task: Any = None

    def __enter__(self) -> "Bar":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                       TimeRemainingColumn)

            self._progress = Progress(
                TextColumn("[bold]ccclint"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
                TextColumn("{task.fields[errors]}"), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("check", total=self.total, rate="", errors="")
        return self

    def advance(self, doc: Any = None, steps: int = 1) -> None:
        if doc is not None and getattr(doc, "error", None):
            self.errors += 1
        if self._progress is None:
            return
        self._progress.advance(self._task, steps)
        task = self._progress.tasks[0]
        speed = task.speed
        self._progress.update(self._task, rate=f"{speed:.1f} files/s" if speed else "",
                              errors=f"[red]{self.errors} unreadable" if self.errors else "")

    def __exit__(self, *exc: Any) -> None:
        if self._progress is not None:
            self._progress.stop()


@dataclass
class Summary:
    documents: int = 0
    unreadable: int = 0
    findings: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    worst: list[tuple[str, int, int, int]] = field(default_factory=list)  # path, errors, warnings, infos


def summarise(documents: list[Any], top: int = 5) -> Summary:
    """Counts for the batch table; worst documents = most errors, then most warnings."""
    s = Summary(documents=len(documents))
    scored = []
    for d in documents:
        if d.error:
            s.unreadable += 1
            continue
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in d.results:
            if f.is_finding and f.severity in counts:
                counts[f.severity] += 1
        for k, v in counts.items():
            s.findings[k] += v
        scored.append((d.path, counts["error"], counts["warning"], counts["info"]))
    scored.sort(key=lambda r: (-r[1], -r[2], -r[3], r[0]))
    s.worst = [r for r in scored if r[1] or r[2] or r[3]][:top]
    return s


def print_summary(documents: list[Any], enabled: bool, stream: TextIO | None = None) -> None:
    """The end-of-batch table on an interactive stderr (same gate as the bar)."""
    stream = stream or sys.stderr
    if not wanted(enabled, len(documents), stream):
        return
    from rich.console import Console
    from rich.table import Table

    s = summarise(documents)
    table = Table(title="ccclint summary", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents", str(s.documents))
    table.add_row("unreadable", str(s.unreadable))
    for sev in ("error", "warning", "info"):
        table.add_row(f"findings: {sev}", str(s.findings[sev]))
    console = Console(file=stream)
    console.print(table)
    if s.worst:
        worst = Table(title="worst documents", title_justify="left")
        for name in ("document", "error", "warning", "info"):
            worst.add_column(name, justify="left" if name == "document" else "right")
        for path, e, w, i in s.worst:
            worst.add_row(path, str(e), str(w), str(i))
        console.print(worst)
