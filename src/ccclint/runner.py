"""Run a check over many files (in worker processes for batches) and write the reports."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor

from ccclint import __version__
from ccclint.engine import DocumentResult, Options, check_file, expand_paths
from ccclint.errors import UsageError
from ccclint.packs import loader
from ccclint.reporters import FORMATS, Run, get

_WORKER: dict = {}


def _init_worker(rules: tuple[str, ...], packs: tuple[str, ...], options: Options) -> None:
    _WORKER["ruleset"] = loader.load(rules, packs)
    _WORKER["options"] = options


def _check_in_worker(path: str) -> DocumentResult:
    try:
        return check_file(path, _WORKER["ruleset"], _WORKER["options"])
    except Exception as exc:  # one file's internal failure must not stop the batch
        return DocumentResult(path=path, error={"code": "unreadable", "message": f"internal error: {exc.__class__.__name__}: {exc}"})


def run_check(paths: list[str], packs=(), rules=(), select=(), ignore=(), kind="auto", lang="auto", jobs=1,
              progress=False) -> Run:
    ruleset = loader.load(tuple(rules), tuple(packs))
    options = Options(kind=kind, lang=lang, select=tuple(select), ignore=tuple(ignore))
    files = expand_paths(list(paths))
    if not files:
        raise UsageError("no contract files found in " + ", ".join(paths))
    if jobs > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=min(jobs, len(files)), initializer=_init_worker,
                                 initargs=(tuple(rules), tuple(packs), options)) as pool:
            documents = list(pool.map(_check_in_worker, files, chunksize=1))
    else:
        _WORKER.update(ruleset=ruleset, options=options)
        documents = [_check_in_worker(f) for f in files]
    return Run(documents, __version__, ruleset.rules)


def write_reports(run: Run, formats: list[tuple[str, str | None]], output: str | None) -> None:
    inputs = {os.path.realpath(d.path) for d in run.documents}
    for fmt, path in formats:
        if fmt not in FORMATS:
            raise UsageError(f"--format: unknown or unavailable format '{fmt}' (available: {', '.join(FORMATS)})")
        target = path or output
        if target and os.path.realpath(target) in inputs:
            raise UsageError(f"refusing to write the report over an input file: {target}")
        reporter = get(fmt)
        if fmt == "text" and not target:
            from rich.console import Console

            color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
            reporter.write(run, Console(force_terminal=color, no_color=not color, highlight=False, soft_wrap=True))
            continue
        text = reporter.render(run)
        if target:
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
