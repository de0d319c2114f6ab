"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request or run summary.

`::error file=PATH,line=N,title=RULE-ID::message` (warning / notice for warning / info findings); `line` only when
the evidence has one (Markdown and text sources). Values are escaped as GitHub's runner expects: `%`, CR and LF in the
message; additionally `:` and `,` in properties.
"""

from __future__ import annotations

import os

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, **props: object) -> str:
    fields = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level} {fields}::{escape_data(message)}"


def lines(run) -> list[str]:
    out = []
    for d in run.documents:
        path = os.path.normpath(d.path).replace(os.sep, "/")  # GitHub matches repository paths: no "./"
        if d.error:
            code = d.error.get("code", "unreadable")
            out.append(command("error", d.error.get("message", code), file=path, title=f"ccclint: {code}"))
            continue
        for f in d.results:
            if not f.is_finding:
                continue
            line = f.evidence[0].line if f.status == "weak" and f.evidence else None
            level = COMMANDS.get(f.severity or "", "warning")
            out.append(command(level, f.message, file=path, line=line, title=f.rule))
    return out


def render(run) -> str:
    return "".join(line + "\n" for line in lines(run))
