"""Markdown report for lawyers: a documents × rules matrix (one table per pack), then each
document's findings with reference, quoted evidence and its location, and the model clause.

Contract text is untrusted: every piece is HTML-escaped (Markdown renderers pass raw HTML
through) and Markdown punctuation is backslash-escaped, so a quote can neither inject markup
nor break a table.
"""

from __future__ import annotations

import html
import re

from ccclint.reporters import human

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")


def esc(text: object) -> str:
    """Inline text, safe in a paragraph, a list item or a table cell."""
    flat = " ".join(str(text if text is not None else "").split())
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False)))


def _matrix(run, L: dict[str, str]) -> list[str]:
    out = [f"## {esc(L['matrix'])}", ""]
    legend = ", ".join(f"{human.SYMBOLS[s]} {esc(human.legend_label(s, L))}" for s in human.LEGEND_ORDER)
    out += [f"{L['legend']}{L['colon']} {legend}, {human.UNREADABLE} {esc(L['unreadable'])}", ""]
    lang = human.report_lang(run)
    for pack, cols in human.columns(run):
        out += [f"### {esc(pack)}", ""]
        # numbered columns keep the table readable in plain text; the key follows the table
        out.append("| " + esc(L["document"]) + " | " + " | ".join(str(n) for n in range(1, len(cols) + 1)) + " |")
        out.append("|---|" + "|".join(":-:" for _ in cols) + "|")
        for i, d in enumerate(run.documents, start=1):
            name = f"[{esc(d.path)}](#doc-{i})"
            if d.error:
                row = [human.UNREADABLE] * len(cols)
            else:
                found = human.cells(d)
                row = [human.SYMBOLS[found[c.rule].status if c.rule in found else None] for c in cols]
            out.append(f"| {name} | " + " | ".join(row) + " |")
        out.append("")
        out += [f"{n}. `{c.rule}` — {esc(human.column_title(c, lang))}" for n, c in enumerate(cols, start=1)]
        out.append("")
    return out


def _finding(f, L: dict[str, str]) -> list[str]:
    symbol = human.SYMBOLS[f.status]
    out = [f"#### {symbol} {esc(L.get(f.severity or 'info', f.severity))} — `{f.rule}` — {esc(f.title)}", "",
           esc(f.message), ""]
    if f.reference:
        out.append(f"- **{esc(L['reference'])}**{L['colon']} {esc(f.reference)}")
    for ev in f.evidence:
        out.append(f"- **{esc(L['evidence'])}** ({esc(human.where(ev, L))}){L['colon']}")
        out += ["", f"  > {esc(ev.text)}", ""]
    fix = human.fix_paragraphs(f.fix)
    if fix:
        out += [f"- **{esc(L['fix'])}**{L['colon']}", ""]
        for i, para in enumerate(fix):
            out += (["  >"] if i else []) + [f"  > {esc(para)}"]
        out.append("")
    return out + [""]


def _document(run, d, i: int) -> list[str]:
    L = human.labels(human.doc_lang(run, d))
    out = [f'<a id="doc-{i}"></a>', "", f"## {esc(d.path)}", ""]
    if d.error:
        return out + [f"{human.UNREADABLE} **{esc(L['unreadable'])}** ({esc(d.error.get('code'))})"
                      f"{L['colon']} {esc(d.error.get('message'))}", ""]
    out += [f"*{esc(human.meta(d, L))}*", "", esc(human.document_summary(d, L)), ""]
    found = human.findings(d)
    if not found:
        return out + [esc(L["no_findings"]), ""]
    out += [f"### {esc(L['findings'])}", ""]
    for f in found:
        out += _finding(f, L)
    return out


def render(run) -> str:
    L = human.labels(human.report_lang(run))
    lines = [f"# {esc(L['title'])}", "", esc(human.run_summary(run, L)), ""]
    lines += _matrix(run, L)
    for i, d in enumerate(run.documents, start=1):
        lines += _document(run, d, i)
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"
