"""Run a check over many files (in worker processes for batches) and write the reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import signal
import sys
import threading

from ccclint import __version__, baseline, regexcache
from ccclint.config import Settings, glob_match
from ccclint.engine import DocumentResult, Options, check_file, expand_paths
from ccclint.errors import UsageError
from ccclint.packs import loader
from ccclint.parsers import Limits
from ccclint.reporters import FORMATS, Run, get

_WORKER: dict = {}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _init_worker(ruleset, options: Options) -> None:
    """The parent's loaded rules are shipped to each worker (cheaper than re-reading and validating YAML)."""
    _WORKER["ruleset"] = ruleset
    _WORKER["options"] = options


class FileTimeout(BaseException):
    """Raised by the per-file alarm; a BaseException so parsers' broad `except Exception` cannot swallow it."""


def _on_alarm(signum, frame):
    """Raise FileTimeout, but never from inside pypdfium2's ctypes wrappers (an exception unwinding through them
    leaves pdfium objects half-built, and pypdfium2 then prints tracebacks at exit): retry 50 ms later."""
    _WORKER["timed_out"] = True
    f = frame
    while f is not None:
        if "pypdfium2" in f.f_code.co_filename:
            signal.setitimer(signal.ITIMER_REAL, 0.05)
            return
        f = f.f_back
    raise FileTimeout()


def _check_in_worker(path: str, options: Options | None = None) -> DocumentResult:
    options = options or _WORKER["options"]
    timer = options.timeout > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    _WORKER["timed_out"] = False
    try:
        if timer:  # worker processes and the sequential path both run files on their main thread
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, options.timeout)
        try:
            result = check_file(path, _WORKER["ruleset"], options)
        finally:
            if timer:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
        regexcache.save()  # patterns compiled for the first time, for the next run (workers skip atexit)
        return result
    except FileTimeout:  # too slow = too big or too complex for the limits: `too-large`, like the page limit
        return DocumentResult(path=path, error={"code": "too-large", "message": f"timed out after {options.timeout:g} s"})
    except Exception as exc:  # one file's internal failure must not stop the batch
        if _WORKER.get("timed_out"):  # the alarm's exception, wrapped by a library on its way up
            return DocumentResult(path=path, error={"code": "too-large", "message": f"timed out after {options.timeout:g} s"})
        return DocumentResult(path=path, error={"code": "unreadable", "message": f"internal error: {exc.__class__.__name__}: {exc}"})


def run_check(paths: list[str], packs=(), rules=(), select=(), ignore=(), kind="auto", lang="auto", jobs=1,
              progress=False, settings: Settings | None = None, limits: Limits | None = None,
              timeout: float | None = None, include=(), exclude=(), cache_dir: str | None = None,
              ocr: str = "auto") -> Run:
    """`settings` (from config.load) replaces packs/rules/select/ignore/kind/lang and adds per-path
    ignores, kind overrides and exclude globs; waivers and the baseline are applied by `suppress`."""
    if settings is not None:
        packs, rules, select, ignore = settings.packs, settings.rules, settings.select, settings.ignore
        kind, lang = settings.kind, settings.lang
    ruleset = loader.load(tuple(rules), tuple(packs))
    options = Options(kind=kind, lang=lang, select=tuple(select), ignore=tuple(ignore))
    options = dataclasses.replace(options, limits=limits or options.limits,
                                  timeout=options.timeout if timeout is None else timeout)
    options = dataclasses.replace(options, ocr=ocr)
    files = expand_paths(list(paths), tuple(include), tuple(exclude))
    if settings is not None and settings.exclude:
        files = [f for f in files if not any(glob_match(g, f, settings.root) for g in settings.exclude)]
    if not files:
        raise UsageError("no contract files found in " + ", ".join(paths))
    per_file = [options_for(f, options, settings) for f in files]
    documents = _execute(files, per_file, ruleset, options, jobs, progress, cache_dir)
    return Run(documents, __version__, ruleset.rules)


def _execute(files: list[str], per_file: list[Options], ruleset, options: Options, jobs: int, progress: bool,
             cache_dir: str | None) -> list[DocumentResult]:
    """Check files (cached results first, then a worker pool for batches); results in input order,
    whatever order the workers finish in."""
    from ccclint import progress as progress_mod
    from ccclint.cache import ResultCache

    cache = ResultCache.open(cache_dir, ruleset) if cache_dir else None
    documents: list[DocumentResult | None] = [cache.get(f, o) if cache else None for f, o in zip(files, per_file)]
    todo = [i for i, d in enumerate(documents) if d is None]
    with progress_mod.Bar(len(files), progress_mod.wanted(progress, len(files))) as bar:
        bar.advance(steps=len(files) - len(todo))
        if jobs > 1 and len(todo) > 1:
            from concurrent.futures import ProcessPoolExecutor, as_completed  # a batch only: ~15 ms to import

            with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=_init_worker,
                                     initargs=(ruleset, options)) as pool:
                futures = {pool.submit(_check_in_worker, files[i], per_file[i]): i for i in todo}
                shared: dict[str, str] = {}
                for future in as_completed(futures):  # the bar moves as files finish; the order is kept by index
                    documents[futures[future]] = doc = _share_texts(future.result(), shared)
                    bar.advance(doc)
        else:
            _WORKER.update(ruleset=ruleset, options=options)
            for i in todo:
                documents[i] = _check_in_worker(files[i], per_file[i])
                bar.advance(documents[i])
    if cache:
        for i in todo:
            cache.put(documents[i], per_file[i])
    return documents  # type: ignore[return-value]


def _share_texts(doc: DocumentResult, shared: dict[str, str]) -> DocumentResult:
    """One copy of each rule text (title, message, reference, model clause) for the whole batch: a worker's
    result arrives with copies of its own, ~0.5 MB a document, which a folder of thousands of files multiplies."""
    for f in doc.results:
        for name in _SHARED_FIELDS:
            value = getattr(f, name)
            if value is not None:
                setattr(f, name, shared.setdefault(value, value))
    return doc


_SHARED_FIELDS = ("rule", "pack", "status", "severity", "title", "message", "reference", "fix")


def options_for(path: str, options: Options, settings: Settings | None) -> Options:
    """The configuration's per-path ignores and kind overrides (first matching glob) for one file."""
    if settings is None:
        return options
    extra = tuple(i for glob, ids in settings.per_path_ignores if glob_match(glob, path, settings.root) for i in ids)
    kind = options.kind
    if kind == "auto":
        kind = next((k for glob, k in settings.kinds if glob_match(glob, path, settings.root)), "auto")
    if not extra and kind == options.kind:
        return options
    return dataclasses.replace(options, ignore=options.ignore + extra, kind=kind)


def suppress(run: Run, settings: Settings, today: dt.date | None = None) -> list[baseline.Entry]:
    """Apply waivers, then the baseline; return the stale baseline entries (they match nothing)."""
    baseline.apply_waivers(run.documents, settings.waivers, settings.root, today or dt.date.today())
    if not settings.baseline:
        return []
    entries = baseline.read(settings.baseline)
    return baseline.apply_baseline(run.documents, entries, os.path.dirname(os.path.abspath(settings.baseline)))


def write_annotations(run: Run, out_dir: str) -> list[str]:
    """--annotate: Word copies with comments in out_dir; returns the notes for stderr (skipped files)."""
    from ccclint import annotate

    return annotate.annotate_run(run.documents, out_dir).notes


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
        pieces = reporter.chunks(run) if hasattr(reporter, "chunks") else [reporter.render(run)]  # streamed if it can
        if fmt in ("json", "jsonl"):  # non-UTF-8 file names: \udcXX escapes keep JSON valid UTF-8 and the name exact
            pieces = (_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), piece) for piece in pieces)
        if target:
            with open(target, "w", encoding="utf-8") as fh:
                for piece in pieces:
                    fh.write(piece)
        else:
            for piece in pieces:
                sys.stdout.write(piece)


def statistics(run: Run) -> list[str]:
    """Findings per rule, most frequent first (for --statistics, on stderr)."""
    counts: dict[tuple[str, str], int] = {}
    for d in run.documents:
        for f in d.results:
            if f.is_finding:
                key = (f.rule, f.severity or "info")
                counts[key] = counts.get(key, 0) + 1
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return [f"{n:>5}  {rule:<32} {sev}" for (rule, sev), n in rows] + [f"{sum(counts.values()):>5}  total"]


def summary_line(run: Run) -> str:
    """One line for --quiet: documents, findings by severity, and what the baseline/waivers hid."""
    from ccclint.engine import summary

    s, hidden = summary(run.documents), {"baseline": 0, "waiver": 0}
    for d in run.documents:
        for f in d.results:
            by = getattr(f, "by", None)
            if by in hidden:
                hidden[by] += 1
    c = s["findings"]
    return (f"ccclint: {s['documents']} document(s), {s['unreadable']} unreadable; findings: {c['error']} error, "
            f"{c['warning']} warning, {c['info']} info; {hidden['baseline']} baselined, {hidden['waiver']} waived")
