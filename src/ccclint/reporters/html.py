"""Self-contained HTML report for lawyers: one file, inline CSS, no script, no external
resource (it must open offline, in a mail client or a document system), and it prints cleanly.

First a documents × rules matrix (columns grouped by pack, status symbols with a legend,
unreadable files shown), then each document's findings. Every piece of text goes through
html.escape: contract quotes and file names are untrusted.
"""

from __future__ import annotations

from html import escape

from ccclint.reporters import human

CSS = """
:root { --error: #b3261e; --warning: #9a5b00; --info: #1f5fa8; --ok: #2e7d32; --muted: #666; --line: #d0d0d0; }
* { box-sizing: border-box; }
body { font: 15px/1.45 Georgia, "Times New Roman", serif; color: #1b1b1b; margin: 2rem auto; max-width: 64rem;
       padding: 0 1rem; }
h1, h2, h3, h4, .matrix, .legend, .meta, .badge, .where, .summary { font-family: "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #1b1b1b; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85em; }
.summary, .meta, .where { color: var(--muted); font-size: .85rem; }
table.matrix { border-collapse: collapse; font-size: .8rem; margin: .4rem 0 1.4rem; }
.matrix caption { text-align: left; font-weight: 600; padding: .2rem 0; }
.matrix th, .matrix td { border: 1px solid var(--line); padding: .15rem .3rem; text-align: center; }
.matrix thead th.doc { vertical-align: bottom; text-align: left; }
.matrix thead th.rule { vertical-align: bottom; font-weight: normal; white-space: nowrap; padding: .3rem .1rem; }
.matrix thead th.rule span { writing-mode: vertical-rl; transform: rotate(180deg); font-family: monospace; }
.matrix tbody th { text-align: left; font-weight: 600; overflow-wrap: anywhere; }
.matrix tr > th:first-child { width: 15rem; min-width: 15rem; max-width: 15rem; }
.matrix td { font-size: 1rem; width: 1.7rem; }
.s-present { color: var(--ok); }
.s-not_applicable, .s-unchecked { color: var(--muted); }
.sev-error.s-missing, .sev-error.s-weak { background: #fbe4e2; color: var(--error); font-weight: bold; }
.sev-warning.s-missing, .sev-warning.s-weak { background: #fff1d6; color: var(--warning); font-weight: bold; }
.sev-info.s-missing, .sev-info.s-weak { background: #e3eefb; color: var(--info); }
tr.unreadable td, tr.unreadable .why { color: var(--error); }
tr.unreadable .why { font-weight: normal; font-size: .75rem; }
.legend { font-size: .85rem; }
.legend span { margin-right: 1rem; white-space: nowrap; }
.finding { border-left: 4px solid var(--line); padding: .1rem 0 .3rem .9rem; margin: 1rem 0; }
.finding.sev-error { border-color: var(--error); }
.finding.sev-warning { border-color: var(--warning); }
.finding.sev-info { border-color: var(--info); }
.badge { display: inline-block; font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: #fff;
         padding: .05rem .4rem; border-radius: 3px; margin-right: .3rem; vertical-align: middle; }
.badge.sev-error { background: var(--error); } .badge.sev-warning { background: var(--warning); }
.badge.sev-info { background: var(--info); }
.finding dl { margin: .4rem 0 0; }
.finding dt { font-family: "Helvetica Neue", Arial, sans-serif; font-weight: 600; font-size: .85rem; margin-top: .5rem; }
.finding dd { margin: .1rem 0 0 0; }
blockquote { margin: .2rem 0; padding: .3rem .7rem; background: #f6f6f6; border-left: 3px solid #aaa; }
.fix blockquote { background: #eef6ee; border-left-color: var(--ok); }
.error-box { color: var(--error); }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  @page { margin: 14mm; }
  table.matrix { font-size: 7pt; break-inside: avoid; }
  .finding, tr, blockquote { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  section.document { break-before: page; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _cell(finding) -> str:
    if finding is None:
        return f'<td class="s-unchecked">{human.SYMBOLS[None]}</td>'
    sev = f" sev-{escape(finding.severity)}" if finding.is_finding and finding.severity else ""
    tip = escape(f"{finding.rule}: {finding.message}")
    return f'<td class="s-{escape(finding.status)}{sev}" title="{tip}">{human.SYMBOLS[finding.status]}</td>'


def _path(path: str) -> str:
    """A file path that may break after its slashes, not in the middle of a word."""
    return "/<wbr>".join(escape(part) for part in path.split("/"))


def _pack_table(run, pack: str, cols: list, lang: str, L: dict[str, str]) -> list[str]:
    out = ['<table class="matrix">', f'<caption>{escape(pack)}</caption>',
           f"<thead><tr><th scope=\"col\" class=\"doc\">{escape(L['document'])}</th>"]
    out += [f'<th class="rule" scope="col" title="{escape(human.column_title(c, lang))}"><span>{escape(c.rule)}</span></th>'
            for c in cols]
    out.append("</tr></thead><tbody>")
    for i, d in enumerate(run.documents, start=1):
        link = f'<a href="#doc-{i}">{_path(d.path)}</a>'
        if d.error:
            why = f"{L['unreadable']} ({d.error.get('code')})"
            out.append(f'<tr class="unreadable"><th scope="row">{link}<br><span class="why">{escape(why)}</span></th>'
                       + f'<td title="{escape(why)}">{human.UNREADABLE}</td>' * len(cols) + "</tr>")
            continue
        found = human.cells(d)
        out.append(f'<tr><th scope="row">{link}</th>' + "".join(_cell(found.get(c.rule)) for c in cols) + "</tr>")
    return out + ["</tbody></table>"]


def _matrix(run, L: dict[str, str]) -> list[str]:
    """One table per pack (rows = documents, columns = the pack's rules): it fits a page."""
    lang = human.report_lang(run)
    out = [f"<section id=\"matrix\"><h2>{escape(L['matrix'])}</h2>"]
    legend = "".join(f'<span><b class="s-{s or "unchecked"}">{human.SYMBOLS[s]}</b> {escape(human.legend_label(s, L))}</span>'
                     for s in human.LEGEND_ORDER)
    out.append(f"<p class=\"legend\"><b>{escape(L['legend'])}{escape(L['colon'])}</b> {legend}"
               f"<span>{human.UNREADABLE} {escape(L['unreadable'])}</span></p>")
    for pack, cols in human.columns(run):
        out += _pack_table(run, pack, cols, lang, L)
    return out + ["</section>"]


def _finding(f, L: dict[str, str]) -> list[str]:
    sev = escape(f.severity or "info")
    out = [f'<article class="finding sev-{sev}">',
           f'<h3><span class="badge sev-{sev}">{escape(L.get(f.severity or "info", sev))}</span> '
           f"<code>{escape(f.rule)}</code> {escape(f.title)}</h3>",
           f'<p class="message">{escape(f.message)}</p><dl>']
    if f.reference:
        out.append(f"<dt>{escape(L['reference'])}</dt><dd>{escape(f.reference)}</dd>")
    for ev in f.evidence:
        out.append(f"<dt>{escape(L['evidence'])}</dt><dd><blockquote>{escape(ev.text)}</blockquote>"
                   f'<div class="where">{escape(human.where(ev, L))}</div></dd>')
    fix = human.fix_paragraphs(f.fix)
    if fix:
        out.append(f"<dt>{escape(L['fix'])}</dt><dd class=\"fix\"><blockquote>"
                   + "".join(f"<p>{escape(p)}</p>" if len(fix) > 1 else escape(p) for p in fix) + "</blockquote></dd>")
    out.append("</dl></article>")
    return out


def _document(run, d, i: int) -> list[str]:
    lang = human.doc_lang(run, d)
    L = human.labels(lang)
    out = [f'<section class="document" id="doc-{i}" lang="{escape(lang)}">', f"<h2>{_path(d.path)}</h2>"]
    if d.error:
        return out + [f'<p class="error-box">{human.UNREADABLE} <b>{escape(L["unreadable"])}</b> '
                      f"({escape(str(d.error.get('code')))}){escape(L['colon'])} {escape(str(d.error.get('message')))}</p>",
                      "</section>"]
    out += [f'<p class="meta">{escape(human.meta(d, L))}</p>', f'<p class="summary">{escape(human.document_summary(d, L))}</p>']
    found = human.findings(d)
    if not found:
        return out + [f"<p>{escape(L['no_findings'])}</p>", "</section>"]
    for f in found:
        out += _finding(f, L)
    return out + ["</section>"]


def render(run) -> str:
    lang = human.report_lang(run)
    L = human.labels(lang)
    parts = ["<!DOCTYPE html>", f'<html lang="{escape(lang)}">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{escape(L['title'])}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
             f"<header><h1>{escape(L['title'])}</h1><p class=\"summary\">{escape(human.run_summary(run, L))}</p></header>"]
    parts += _matrix(run, L)
    for i, d in enumerate(run.documents, start=1):
        parts += _document(run, d, i)
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"
