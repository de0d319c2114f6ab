"""Documents × rules matrix (design §3 `--format csv`), for spreadsheets and portfolio reviews.

Columns: path, kind, language, then one status column per rule (present | weak | missing | not_applicable), rules
sorted by pack then id so the header does not depend on load order. A rule not evaluated for a document leaves its
cell empty. An unreadable document keeps the fixed layout: kind and language are empty and every status cell holds
`error:<code>` (no extra column, so the documented header never changes). Lines end with LF: the runner writes the
text through a text-mode file, where CRLF would double its CR on Windows.
"""

from __future__ import annotations

import csv
import io


def rule_columns(run) -> list[str]:
    """Every rule of the run plus any rule seen only in the results, sorted by (pack, id)."""
    packs = {r.id: r.pack for r in run.rules}
    for d in run.documents:
        for f in d.results:
            packs.setdefault(f.rule, f.pack)
    return sorted(packs, key=lambda rule: (packs[rule], rule))


def rows(run) -> list[list[str]]:
    rules = rule_columns(run)
    out = [["path", "kind", "language", *rules]]
    for d in run.documents:
        if d.error:
            cells = [f"error:{d.error.get('code', 'unreadable')}"] * len(rules)
        else:
            status = {f.rule: f.status for f in d.results}
            cells = [status.get(rule, "") for rule in rules]
        out.append([d.path, d.kind or "", d.language or "", *cells])
    return out


def render(run) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows(run))
    return buf.getvalue()
