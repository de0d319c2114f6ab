"""Command line (FIXED interface, design §3). Thin: parse options, call the engine, pick reporters."""

from __future__ import annotations

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
_DEBUG = {"on": False}
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
    pack: List[str] = typer.Option([], "--pack", help="Only these packs (repeatable)."),
    rules: List[str] = typer.Option([], "--rules", help="Extra rule-pack folder (repeatable)."),
    select: List[str] = typer.Option([], "--select", help="Only these rule ids, prefixes or packs."),
    ignore: List[str] = typer.Option([], "--ignore", help="Skip these rule ids, prefixes or packs."),
    kind: str = typer.Option("auto", "--kind", help="auto|dpa|services|call-centre|sla|other"),
    lang: str = typer.Option("auto", "--lang", help="auto|fr|en"),
    fmt: List[str] = typer.Option([], "--format", help="text|json (repeatable, FORMAT[:PATH])."),
    output: Optional[str] = typer.Option(None, "--output", help="Write the report to this file."),
    fail_on: str = typer.Option("error", "--fail-on", help="error|warning|info|never"),
    annotate: Optional[str] = typer.Option(None, "--annotate", help="Folder for annotated Word copies."),
    jobs: int = typer.Option(0, "--jobs", help="Parallel workers (default: CPU count)."),
    config: Optional[str] = typer.Option(None, "--config", help="Configuration file."),
    baseline: Optional[str] = typer.Option(None, "--baseline", help="Baseline of accepted findings."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
) -> None:
    """Check contracts and report missing or weak clauses."""
    from ccclint import runner

    if kind not in ("auto", "dpa", "services", "call-centre", "sla", "other"):
        raise UsageError(f"--kind: unknown kind '{kind}' (auto|dpa|services|call-centre|sla|other)")
    if lang not in ("auto", "fr", "en"):
        raise UsageError(f"--lang: unknown language '{lang}' (auto|fr|en)")
    if fail_on not in SEVERITY_RANK:
        raise UsageError(f"--fail-on: unknown level '{fail_on}' (error|warning|info|never)")
    for unsupported, name in ((annotate, "--annotate"), (config, "--config"), (baseline, "--baseline")):
        if unsupported:
            raise UsageError(f"{name} is not available in this version")
    formats = [_split_format(f) for f in fmt] or [("text", None)]
    run = runner.run_check(paths, packs=tuple(pack), rules=tuple(rules), select=tuple(select), ignore=tuple(ignore),
                           kind=kind, lang=lang, jobs=jobs or (os.cpu_count() or 1), progress=not no_progress)
    runner.write_reports(run, formats, output)
    for d in run.documents:
        if d.error:
            typer.echo(f"{d.path}: error: {d.error['code']}: {d.error['message']}", err=True)
    if any(d.error for d in run.documents):
        raise typer.Exit(EXIT_UNREADABLE)
    threshold = SEVERITY_RANK[fail_on]
    worst = max((SEVERITY_RANK.get(f.severity or "", 0) for d in run.documents for f in d.results if f.is_finding),
                default=0)
    raise typer.Exit(EXIT_FINDINGS if worst >= threshold else EXIT_OK)


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
