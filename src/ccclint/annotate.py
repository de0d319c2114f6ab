"""Annotated Word copies (`--annotate DIR`): for each checked .docx, DIR/<name>.ccclint.docx with a
Word comment on the paragraph of each weak clause (message, model clause, reference) and one
comment at the top listing the missing clauses.

The original is only read (its bytes, checked against the sha256 the engine saw); the copy is
built in memory and written to a path that must not be an input. Evidence points to ccclint's
1-based block number; for DOCX the blocks are the body paragraphs with text and the table rows,
in document order (parsers/docx.py), so the body is re-walked the same way, and the evidence
quote cross-checks the mapping (and finds the paragraph if the two walks ever disagree).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field

from ccclint.errors import UsageError
from ccclint.parsers.docx import W, _text

_W = "{%s}" % W
_CONTAINERS = {_W + "sdt", _W + "sdtContent", _W + "ins", _W + "customXml", _W + "smartTag"}
AUTHOR, INITIALS = "ccclint", "CCL"
_RANK = {"error": 0, "warning": 1, "info": 2}
SUFFIX = ".ccclint.docx"

_LABELS = {
    "fr": {"missing": "Clauses absentes ({n})", "unlocated": "Clauses insuffisantes non localisées",
           "fix": "Clause type", "ref": "Référence", "none": "ccclint : aucune clause absente.", "colon": " :",
           "error": "erreur", "warning": "avertissement", "info": "info",
           "fixes": "Clauses types à ajouter : rapport ccclint (--format html ou markdown) ou « ccclint rules show ID »."},
    "en": {"missing": "Missing clauses ({n})", "unlocated": "Weak clauses not located",
           "fix": "Model clause", "ref": "Reference", "none": "ccclint: no missing clause.", "colon": ":",
           "error": "error", "warning": "warning", "info": "info",
           "fixes": "Model clauses to add: the ccclint report (--format html or markdown) or `ccclint rules show ID`."},
}


@dataclass
class Outcome:
    """What annotation did: copies written, and notes for stderr (skipped inputs and why)."""

    written: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def plan(documents, out_dir: str) -> list[tuple[object, str]]:
    """(document, target path) for each readable DOCX; refuses any target that is an input file."""
    inputs = {os.path.realpath(d.path) for d in documents}
    used: set[str] = set()
    out: list[tuple[object, str]] = []
    for d in documents:
        if d.error or d.format != "docx":
            continue
        stem = os.path.basename(d.path)
        stem = stem[:-5] if stem.lower().endswith(".docx") else stem
        target, n = os.path.join(out_dir, stem + SUFFIX), 1
        while os.path.realpath(target) in used:  # same name from two folders: keep both
            n += 1
            target = os.path.join(out_dir, f"{stem}-{n}{SUFFIX}")
        if os.path.realpath(target) in inputs:
            raise UsageError(f"--annotate: refusing to write over an input file: {target}")
        used.add(os.path.realpath(target))
        out.append((d, target))
    return out


def annotate_run(documents, out_dir: str) -> Outcome:
    """Write one annotated copy per checked DOCX into out_dir (created if needed)."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise UsageError(f"--annotate: not a folder: {out_dir}")
    targets = plan(documents, out_dir)
    outcome = Outcome()
    for d in documents:
        if d.error:
            continue
        if d.format != "docx":
            outcome.notes.append(f"{d.path}: not a Word file, no annotated copy")
    for d, target in targets:
        try:
            data = annotated_bytes(d)
        except _Skip as exc:
            outcome.notes.append(f"{d.path}: no annotated copy: {exc}")
            continue
        try:
            os.makedirs(out_dir, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise UsageError(f"--annotate: cannot write {target}: {exc.strerror or exc}") from None
        outcome.written.append(target)
    return outcome


class _Skip(Exception):
    pass


def annotated_bytes(d) -> bytes:
    """The annotated copy of one checked DOCX, as bytes (the original file is only read)."""
    import docx

    try:
        with open(d.path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise _Skip(f"cannot read it again ({exc.strerror or exc})") from None
    if d.sha256 and hashlib.sha256(data).hexdigest() != d.sha256:
        raise _Skip("the file changed since it was checked")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx is stricter than ccclint's reader
        raise _Skip(f"python-docx cannot open it ({exc.__class__.__name__})") from None
    blocks = body_blocks(document.element.body)
    L = _LABELS.get(d.language or "en", _LABELS["en"])
    unlocated = []
    for f in d.results:
        if f.status != "weak" or not f.is_finding:
            continue
        el = locate(blocks, f.evidence[0].paragraph, f.evidence[0].text) if f.evidence else None
        if el is None:
            unlocated.append(f)
            continue
        _comment(document, el, weak_text(f, L))
    missing = [f for f in d.results if f.status == "missing" and f.is_finding]
    if blocks:
        _comment(document, blocks[0], top_text(missing, unlocated, L))
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def body_blocks(body) -> list:
    """ccclint's blocks as XML elements: paragraphs with visible text, table rows with a non-empty cell."""
    out: list = []

    def walk(container) -> None:
        for child in container:
            if child.tag == _W + "p":
                if _text(child).strip():
                    out.append(child)
            elif child.tag == _W + "tbl":
                for tr in child.iter(_W + "tr"):
                    if any(_text(p).strip() for tc in tr.findall(_W + "tc") for p in tc.iter(_W + "p")):
                        out.append(tr)
            elif child.tag in _CONTAINERS:
                walk(child)

    walk(body)
    return out


def _fold(text: str) -> str:
    return " ".join(text.replace("…", " ").split()).casefold()


def _block_text(el) -> str:
    if el.tag == _W + "tr":  # as the parser joins a row: " | " between cells
        cells = (" ".join(t for t in (_text(p).strip() for p in tc.iter(_W + "p")) if t) for tc in el.findall(_W + "tc"))
        return " | ".join(c for c in cells if c)
    return _text(el)


def locate(blocks: list, paragraph: int, quote: str):
    """The element of block `paragraph` (1-based) when the quote agrees, else the one block holding the quote."""
    probe = _fold(quote)[:60]
    if 1 <= paragraph <= len(blocks) and (not probe or probe in _fold(_block_text(blocks[paragraph - 1]))):
        return blocks[paragraph - 1]
    hits = [b for b in blocks if probe and probe in _fold(_block_text(b))]
    if len(hits) == 1:
        return hits[0]
    return blocks[paragraph - 1] if 1 <= paragraph <= len(blocks) else None


def _anchor_runs(el) -> list:
    """Runs to anchor a comment on: the paragraph's own runs (for a row, its first paragraph with text)."""
    from docx.oxml import OxmlElement

    paragraphs = [el] if el.tag == _W + "p" else [p for p in el.iter(_W + "p") if _text(p).strip()]
    for p in paragraphs:
        runs = [r for r in p.findall(_W + "r")] or \
               [r for r in p.iter(_W + "r") if r.getparent().tag not in (_W + "del", _W + "moveFrom")]
        if runs:
            return runs
    p = paragraphs[0] if paragraphs else next(el.iter(_W + "p"))
    run = OxmlElement("w:r")  # a paragraph whose text sits only in fields: anchor on an empty run
    p.append(run)
    return [run]


def _comment(document, el, text: str) -> None:
    from docx.text.run import Run

    runs = _anchor_runs(el)
    comment = document.comments.add_comment(text=text, author=AUTHOR, initials=INITIALS)
    Run(runs[0], None).mark_comment_range(Run(runs[-1], None), comment.comment_id)


def _clean(text: str) -> str:
    return " ".join((text or "").split())


def weak_text(f, L: dict[str, str]) -> str:
    lines = [f"ccclint {f.rule} ({L.get(f.severity or 'info', f.severity)}) — {_clean(f.message)}"]
    if f.fix:
        lines.append(f"{L['fix']}{L['colon']} {_clean(f.fix)}")
    if f.reference:
        lines.append(f"{L['ref']}{L['colon']} {_clean(f.reference)}")
    return "\n".join(lines)


def top_text(missing: list, unlocated: list, L: dict[str, str]) -> str:
    if not missing and not unlocated:
        return L["none"]
    lines: list[str] = []
    if missing:
        lines.append(f"ccclint — {L['missing'].format(n=len(missing))}{L['colon']}")
        for f in sorted(missing, key=lambda f: (_RANK.get(f.severity or "info", 3), f.rule)):
            sev = L.get(f.severity or "info", f.severity)
            lines.append(f"• {f.rule} ({sev}) — {_clean(f.title)}. {L['ref']}{L['colon']} {_clean(f.reference)}")
        lines.append(L["fixes"])
    if unlocated:
        lines.append(f"{L['unlocated']}{L['colon']}")
        lines += [f"• {f.rule} — {_clean(f.message)}" for f in unlocated]
    return "\n".join(lines)
