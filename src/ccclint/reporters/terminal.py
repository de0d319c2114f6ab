"""Human report for the terminal (rich): each finding with severity, rule, message, legal
reference, quoted evidence with its location, and the model clause to add."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape

from ccclint.engine import summary
from ccclint.reporters import human

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_LABELS = {
    "fr": {"ref": "Référence", "evidence": "Extrait", "fix": "Clause type", "summary": "Bilan",
           "errors": "erreurs", "warnings": "avertissements", "info": "infos", "ok": "règles satisfaites",
           "na": "sans objet", "unreadable": "illisible", "kind": "type", "lang": "langue", "page": "p.",
           "para": "§", "art": "art."},
    "en": {"ref": "Reference", "evidence": "Evidence", "fix": "Model clause", "summary": "Summary",
           "errors": "errors", "warnings": "warnings", "info": "info", "ok": "rules satisfied",
           "na": "not applicable", "unreadable": "unreadable", "kind": "kind", "lang": "language", "page": "p.",
           "para": "para.", "art": "art."},
}
_ORDER = {"error": 0, "warning": 1, "info": 2}


def write(run, console: Console, verbose_fix: bool = True) -> None:
    for d in run.documents:
        lang = run.lang or d.language or "en"
        L = _LABELS.get(lang, _LABELS["en"])
        if d.error:
            console.print(f"[bold red]{escape(d.path)}[/]: {L['unreadable']} ({d.error['code']}): {escape(d.error['message'])}")
            continue
        console.print(f"[bold]{escape(d.path)}[/]  ({L['kind']}: {d.kind}, {L['lang']}: {d.language}"
                      + (f", {d.pages} p." if d.pages else "") + ")")
        findings = sorted((f for f in d.results if f.is_finding), key=lambda f: (_ORDER.get(f.severity or "info", 3), f.rule))
        for f in findings:
            style = _STYLE.get(f.severity or "info", "")
            console.print(f"  [{style}]{f.severity:<7}[/] [bold]{f.rule}[/] {escape(f.message)}")
            console.print(f"          {L['ref']}: {escape(f.reference)}", style="dim")
            for ev in f.evidence:
                console.print(f"          {L['evidence']} ({escape(human.where(ev, human.labels(lang)))}): “{escape(ev.text)}”")
            if verbose_fix and f.fix:
                console.print(f"          {L['fix']}: {escape(f.fix.strip())}", style="green")
        ok = sum(1 for f in d.results if f.status == "present")
        na = sum(1 for f in d.results if f.status == "not_applicable")
        counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
        console.print(f"  {L['summary']}: [bold red]{counts['error']}[/] {L['errors']}, [yellow]{counts['warning']}[/] "
                      f"{L['warnings']}, {counts['info']} {L['info']}; {ok} {L['ok']}, {na} {L['na']}.\n")
    s = summary(run.documents)
    if len(run.documents) > 1:
        console.print(f"{s['documents']} documents, {s['unreadable']} unreadable; findings: "
                      f"{s['findings']['error']} error, {s['findings']['warning']} warning, {s['findings']['info']} info.")


def render(run, color: bool = False, width: int = 120) -> str:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=color, no_color=not color, width=width, highlight=False, soft_wrap=True)
    write(run, console)
    return buf.getvalue()
