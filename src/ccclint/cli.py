"""Command line (FIXED interface, design §3). Thin: parse options, call the engine, pick reporters."""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import List, Optional

import typer

from ccclint import __version__
from ccclint.errors import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_UNREADABLE, CcclintError, UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Lint outsourcing and call-centre contracts: GDPR Art. 28, outsourcing clauses, NF X50-798, transfers.")
rules_app = typer.Typer(no_args_is_help=True, help="List, show and test rule packs.")
app.add_typer(rules_app, name="rules")
baseline_app = typer.Typer(no_args_is_help=True, help="Accept today's findings so that CI fails only on new ones.")
app.add_typer(baseline_app, name="baseline")
_DEBUG = {"on": False}

# options shared by `check` and `baseline create` (same flags, same help)
PACK_OPTION = typer.Option([], "--pack", help="Only these packs (repeatable).")
RULES_OPTION = typer.Option([], "--rules", help="Extra rule-pack folder (repeatable).")
SELECT_OPTION = typer.Option([], "--select", help="Only these rule ids, prefixes or packs.")
IGNORE_OPTION = typer.Option([], "--ignore", help="Skip these rule ids, prefixes or packs.")
KIND_OPTION = typer.Option("auto", "--kind", help="auto|dpa|services|call-centre|sla|other")
LANG_OPTION = typer.Option("auto", "--lang", help="auto|fr|en")
JOBS_OPTION = typer.Option(0, "--jobs", help="Parallel workers (default: CPU count).")
CONFIG_OPTION = typer.Option(None, "--config", help="Configuration file.")

SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3, "never": 99}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ccclint {__version__}")
        raise typer.Exit()


@app.callback()
def root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
         debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors.")) -> None:
    _DEBUG["on"] = debug


def _split_format(spec: str) -> tuple[str, Optional[str]]:
    fmt, _, path = spec.partition(":")
    return fmt.strip().lower(), (path or None)


@app.command()
def check(
    paths: List[str] = typer.Argument(..., help="Contract files or folders (.docx .pdf .md .txt)."),
    pack: List[str] = PACK_OPTION,
    rules: List[str] = RULES_OPTION,
    select: List[str] = SELECT_OPTION,
    ignore: List[str] = IGNORE_OPTION,
    kind: str = KIND_OPTION,
    lang: str = LANG_OPTION,
    fmt: List[str] = typer.Option([], "--format", help="text, json, jsonl, markdown, html, sarif, junit,"
                                  " github or csv (repeatable, FORMAT[:PATH])."),
    output: Optional[str] = typer.Option(None, "--output", help="Write the report to this file."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="error|warning|info|never (default error)"),
    annotate: Optional[str] = typer.Option(None, "--annotate", help="Folder for annotated Word copies."),
    jobs: int = JOBS_OPTION,
    config: Optional[str] = CONFIG_OPTION,
    baseline: Optional[str] = typer.Option(None, "--baseline", help="Baseline of accepted findings."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
    statistics: bool = typer.Option(False, "--statistics", help="Count the findings per rule (stderr)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the summary line and machine formats."),
    max_file_mb: Optional[float] = typer.Option(None, "--max-file-mb", help="Skip larger files as too-large (default 200)."),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", help="Skip PDFs with more pages as too-large (default 2000)."),
    timeout: Optional[float] = typer.Option(None, "--timeout", help="Seconds per file before it is reported too-large "
                                            "(default 120, 0 = none)."),
    include: List[str] = typer.Option([], "--include", help="Only walked files matching this glob (repeatable)."),
    exclude: List[str] = typer.Option([], "--exclude", help="Skip walked files matching this glob (repeatable)."),
    cache: Optional[str] = typer.Option(None, "--cache", help="Reuse results of unchanged files from this folder."),
    ocr: str = typer.Option("auto", "--ocr", help="auto|always|never: OCR scanned PDF pages with tesseract."),
) -> None:
    """Check contracts and report missing or weak clauses."""
    from ccclint import runner

    if kind not in ("auto", "dpa", "services", "call-centre", "sla", "other"):
        raise UsageError(f"--kind: unknown kind '{kind}' (auto|dpa|services|call-centre|sla|other)")
    if lang not in ("auto", "fr", "en"):
        raise UsageError(f"--lang: unknown language '{lang}' (auto|fr|en)")
    if fail_on is not None and fail_on not in SEVERITY_RANK:
        raise UsageError(f"--fail-on: unknown level '{fail_on}' (error|warning|info|never)")
    if ocr not in ("auto", "always", "never"):
        raise UsageError(f"--ocr: unknown mode '{ocr}' (auto|always|never)")
    settings = _settings(paths, config, packs=pack, rules=rules, select=select, ignore=ignore, kind=kind, lang=lang,
                         fail_on=fail_on, formats=fmt, baseline=baseline)
    formats = [_split_format(f) for f in settings.formats] or [("text", None)]
    if quiet:  # the human report goes; files and machine formats stay
        formats = [(f, p) for f, p in formats if f != "text" or p or output]
    limits = _limits(max_file_mb, max_pages, timeout)
    run = runner.run_check(paths, jobs=jobs or (os.cpu_count() or 1), progress=not no_progress, settings=settings,
                           limits=limits, timeout=timeout, include=tuple(include), exclude=tuple(exclude),
                           cache_dir=cache, ocr=ocr)
    stale = runner.suppress(run, settings)
    if annotate:
        for note in runner.write_annotations(run, annotate):
            typer.echo(note, err=True)
    runner.write_reports(run, formats, output)
    for entry in stale:
        typer.echo(f"{settings.baseline}: stale baseline entry: {entry.rule} ({entry.status}) in {entry.path} "
                   f"matches no finding any more", err=True)
    if statistics:
        for line in runner.statistics(run):
            typer.echo(line, err=True)
    if quiet:
        typer.echo(runner.summary_line(run), err=True)
    else:
        from ccclint import progress

        progress.print_summary(run.documents, not no_progress)  # batches on a terminal only
    for d in run.documents:
        if d.error:
            typer.echo(f"{d.path}: error: {d.error['code']}: {d.error['message']}", err=True)
    if any(d.error for d in run.documents):
        raise typer.Exit(EXIT_UNREADABLE)
    threshold = SEVERITY_RANK[settings.fail_on]
    worst = max((SEVERITY_RANK.get(f.severity or "", 0) for d in run.documents for f in d.results if f.is_finding),
                default=0)
    raise typer.Exit(EXIT_FINDINGS if worst >= threshold else EXIT_OK)


def _limits(max_file_mb: Optional[float], max_pages: Optional[int], timeout: Optional[float]):
    """Limits from --max-file-mb / --max-pages (None when neither is given); --timeout is checked here too."""
    from ccclint.parsers import Limits

    for name, value in (("--max-file-mb", max_file_mb), ("--max-pages", max_pages)):
        if value is not None and value <= 0:
            raise UsageError(f"{name}: must be a positive number, not {value:g}")
    if timeout is not None and timeout < 0:
        raise UsageError(f"--timeout: must be 0 (none) or a number of seconds, not {timeout:g}")
    if max_file_mb is None and max_pages is None:
        return None
    changes = {}
    if max_file_mb is not None:
        changes["max_file_bytes"] = int(max_file_mb * 1024 * 1024)
    if max_pages is not None:
        changes["max_pages"] = max_pages
    return dataclasses.replace(Limits(), **changes)


def _settings(paths: List[str], config: Optional[str], **cli):
    """Configuration file (named or found above the first path) with the CLI flags on top."""
    from ccclint import config as config_mod

    return config_mod.load(list(paths), config, **cli)


@baseline_app.command("create")
def baseline_create(
    paths: List[str] = typer.Argument(..., help="Contract files or folders."),
    output: str = typer.Option(..., "--output", help="Baseline file to write (JSON)."),
    pack: List[str] = PACK_OPTION,
    rules: List[str] = RULES_OPTION,
    select: List[str] = SELECT_OPTION,
    ignore: List[str] = IGNORE_OPTION,
    kind: str = KIND_OPTION,
    lang: str = LANG_OPTION,
    jobs: int = JOBS_OPTION,
    config: Optional[str] = CONFIG_OPTION,
) -> None:
    """Record today's findings so that `check --baseline FILE` reports only new ones."""
    from ccclint import baseline, runner

    settings = _settings(paths, config, packs=pack, rules=rules, select=select, ignore=ignore, kind=kind, lang=lang)
    run = runner.run_check(paths, jobs=jobs or (os.cpu_count() or 1), settings=settings)
    runner.suppress(run, dataclasses.replace(settings, baseline=None))  # waived findings need no entry
    base_dir = os.path.dirname(os.path.abspath(output))
    entries = baseline.entries_for(run.documents, base_dir, baseline.old_reasons(output))
    baseline.write(output, entries, __version__)
    for d in run.documents:
        if d.error:
            typer.echo(f"{d.path}: error: {d.error['code']}: {d.error['message']}", err=True)
    typer.echo(f"{output}: {len(entries)} finding(s) recorded; fill in each 'reason'", err=True)
    raise typer.Exit(EXIT_UNREADABLE if any(d.error for d in run.documents) else EXIT_OK)


@rules_app.command("list")
def rules_list(pack: List[str] = typer.Option([], "--pack"), rules: List[str] = typer.Option([], "--rules"),
               fmt: str = typer.Option("text", "--format", help="text|json")) -> None:
    """List the rules of the loaded packs."""
    import json

    from ccclint.packs import loader

    ruleset = loader.load(tuple(rules), tuple(pack))
    if fmt == "json":
        typer.echo(json.dumps([{"id": r.id, "pack": r.pack, "title": r.title, "severity": r.severity,
                                "references": list(r.references)} for r in ruleset.rules], ensure_ascii=False, indent=2))
        return
    if fmt != "text":
        raise UsageError(f"--format: unknown format '{fmt}' (text|json)")
    for r in ruleset.rules:
        typer.echo(f"{r.id:<32} {r.pack:<12} {r.severity['missing']:<8} {r.title['en']}")


@rules_app.command("show")
def rules_show(rule_id: str, rules: List[str] = typer.Option([], "--rules"),
               lang: str = typer.Option("en", "--lang")) -> None:
    """Show one rule: what it requires, why, legal basis, fix."""
    from ccclint.packs import loader

    ruleset = loader.load(tuple(rules))
    rule = next((r for r in ruleset.rules if r.id == rule_id.upper()), None)
    if rule is None:
        raise UsageError(f"unknown rule '{rule_id}'")
    L = lang if lang in ("fr", "en") else "en"
    typer.echo(f"{rule.id} ({rule.pack}) — {rule.title[L]}")
    typer.echo(f"severity: missing={rule.severity['missing']}, weak={rule.severity['weak']}")
    typer.echo(f"reference: {rule.reference}")
    if rule.why:
        typer.echo(f"why: {rule.why[L]}")
    if rule.weak:
        typer.echo("weak when: " + "; ".join(f"{s.id} ({s.reason[L]})" for s in rule.weak))
    typer.echo(f"fix: {rule.fix[L].strip()}")
    typer.echo(f"source: {rule.source}")


@rules_app.command("doc")
def rules_doc(output: Optional[str] = typer.Option(None, "--output", help="Write the page here (default: stdout)."),
              pack: List[str] = typer.Option([], "--pack"), rules: List[str] = typer.Option([], "--rules")) -> None:
    """Write the rule reference (Markdown) generated from the packs, e.g. docs/rules.md."""
    from ccclint import rulesdoc
    from ccclint.packs import loader

    text = rulesdoc.render(loader.load(tuple(rules), tuple(pack)))
    if output is None:
        typer.echo(text, nl=False)
        return
    with open(output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    typer.echo(f"{output}: written", err=True)


@rules_app.command("test")
def rules_test(pack_dirs: List[str] = typer.Argument(None, help="Pack folders (default: built-in packs)."),
               verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    """Run every rule example; print the ones that miss."""
    from ccclint import testing
    from ccclint.packs import loader

    dirs = tuple(pack_dirs or ())
    names = tuple(os.path.basename(os.path.normpath(d)) for d in dirs)
    ruleset = loader.load(dirs, names)
    outcomes = testing.run_examples(ruleset)
    failed = [o for o in outcomes if not o.ok]
    for o in outcomes:
        if not o.ok or verbose:
            typer.echo(f"{'ok  ' if o.ok else 'FAIL'} {o.case_id}: expected {o.expected}, got {o.got}"
                       + (f" (signals {o.signals})" if o.signals else ""))
    typer.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)


@app.command("eval")
def eval_cmd(labels: str = typer.Argument(..., help="labels.yaml (design §5)."),
             fmt: str = typer.Option("text", "--format", help="text|json"),
             rules: List[str] = typer.Option([], "--rules"),
             pack: List[str] = typer.Option([], "--pack", help="Score only the rules of these packs."),
             all_renderings: bool = typer.Option(False, "--all-renderings",
                                                 help="Also score the .md/.docx/.pdf siblings of each labelled file."),
             wrong: bool = typer.Option(True, "--wrong/--no-wrong", help="List the wrong cells.")) -> None:
    """Measure accuracy against a labelled corpus."""
    from ccclint import evaluate

    result = evaluate.evaluate(labels, rules=tuple(rules), packs=tuple(pack), all_renderings=all_renderings)
    if fmt == "json":
        import json

        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
    elif fmt == "text":
        typer.echo(evaluate.render_text(result, show_wrong=wrong))
    else:
        raise UsageError(f"--format: unknown format '{fmt}' (text|json)")


def main() -> None:
    try:
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except CcclintError as exc:
        typer.echo(f"ccclint: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("ccclint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # click usage errors come here too
        click_exc = getattr(typer, "_click", None)
        click_exc = getattr(click_exc, "exceptions", None)
        if click_exc is None:
            import click

            click_exc = click.exceptions
        if isinstance(exc, click_exc.ClickException):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click_exc.Abort):
            sys.exit(130)
        if _DEBUG["on"]:
            raise
        typer.echo(f"ccclint: internal error: {exc.__class__.__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(EXIT_INTERNAL)
