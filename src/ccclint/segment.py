"""Clause segmentation: find headings ("Article 5", "ARTICLE V –", "Art. 1er", "5.2", "Annexe 2",
"Schedule 3", "Clause 7.1", "Section 4", "I."), number paragraphs, and give each its heading path."""

from __future__ import annotations

import re

from ccclint.model import Block, Clause, Document, Paragraph, Structure

_WORDNUM = r"(?:\d+(?:\.\d+)*|[ivxlcdm]+|1er|1re|premier|premiere|première|[a-z])"
_LABELLED = re.compile(
    r"^\s*(?P<kind>article|art\.|clause|section|chapitre|chapter|titre|partie|part|annexe|annex|schedule|appendix|"
    r"appendice|exhibit|attachment|addendum|avenant)\s+(?P<num>" + _WORDNUM + r")\b\.?\s*(?P<sep>[-–—:.)]\s*)?(?P<title>.*)$",
    re.I,
)
_NUMBERED = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)*)(?:\.|\))?\s+(?P<title>\S.*)$")
_ROMAN = re.compile(r"^\s*(?P<num>[IVXL]+)\s*[.)–—-]\s*(?P<title>\S.*)$")
_LEADING_NUMBER = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)+|\d+(?=[.)]\s)|\([a-z]{1,3}\)|\([ivx]+\)|[a-z]\))")
_TOP_KINDS = {"titre", "partie", "part", "chapitre", "chapter", "annexe", "annex", "schedule", "appendix", "appendice",
              "exhibit", "attachment", "addendum", "avenant"}


def _title_like(title: str) -> bool:
    t = title.strip()
    if not t or len(t) > 110:
        return False
    if t.endswith((".", ";", ",")) and len(t.split()) > 6:
        return False
    return len(t.split()) <= 14


def heading_of(block: Block) -> tuple[int, str | None] | None:
    """(rank, number) when the block is a heading, else None. Lower rank = higher in the tree."""
    text = block.text.strip()
    m = _LABELLED.match(text)
    if m:
        kind = m.group("kind").lower().rstrip(".")
        num = m.group("num")
        num = "1" if num.lower() in ("1er", "1re", "premier", "premiere", "première") else num
        title = m.group("title") or ""
        explicit = block.kind == "heading"
        if explicit or m.group("sep") or not title or _title_like(title) and title[:1].isupper():
            if explicit or len(text) <= 160:
                label = num if kind in ("article", "art", "clause", "section") else f"{m.group('kind').capitalize()} {num}"
                rank = 1 if kind in _TOP_KINDS else 2
                if kind in ("clause", "section") and "." in num:
                    rank = 1 + num.count(".") + 1
                if explicit and block.level:
                    rank = block.level
                return rank, label
    if block.kind == "heading":
        n = _NUMBERED.match(text) or _ROMAN.match(text)
        return max(block.level, 1), (n.group("num") if n else _bare(block.number))
    n = _NUMBERED.match(text)
    if n and "." not in n.group("num") and not re.match(r"\s*\d+[.)]", text) and not n.group("title")[:1].isupper():
        n = None  # "30 secondes ou moins" (a table cell or a quantity), not "3 Definitions"
    if n and _title_like(n.group("title")) and not n.group("title").rstrip().endswith((".", ":", ";")):
        return 1 + n.group("num").count(".") + 1, n.group("num")
    if block.number and block.kind == "item" and _title_like(text) and not text.rstrip().endswith((".", ":", ";", ",")):
        if block.number.isdigit() and text[:1].isupper() and len(text.split()) <= 10:
            return 2 + block.level, block.number
    r = _ROMAN.match(text)
    if r and _title_like(r.group("title")) and r.group("title")[:1].isupper():
        return 1, r.group("num")
    if len(text) <= 90 and block.kind in ("paragraph", "heading") and not text.endswith((",", ";")):
        letters = [c for c in text if c.isalpha()]
        if len(letters) >= 4 and all(c.isupper() for c in letters):
            return 2, None
    return None


def _bare(number: str | None) -> str | None:
    """A rendered list number without its trailing punctuation: Word's "5.2." or "3)" -> "5.2", "3"."""
    if not number:
        return number
    number = number.rstrip(".")
    return number.rstrip(")") if "(" not in number else number


def structure(doc: Document) -> Structure:
    """Place every block under its headings; clauses are the spans between headings."""
    paragraphs: list[Paragraph] = []
    clauses: list[Clause] = [Clause(0, None, None, ())]
    stack: list[tuple[int, str, str | None]] = []  # (rank, text, number)
    for i, block in enumerate(doc.blocks, start=1):
        h = heading_of(block) if block.kind != "row" else None
        if h is not None:
            rank, number = h
            while stack and stack[-1][0] >= rank:
                stack.pop()
            stack.append((rank, block.text.strip(), number))
            path = tuple(s[1] for s in stack)
            clauses.append(Clause(len(clauses), block.text.strip(), _section(stack), path))
        clause = clauses[-1]
        own = _own_number(block)
        section = _combine(_section(stack), own, block) if h is None else _section(stack)
        para = Paragraph(i, block, section, stack[-1][1] if stack else None, tuple(s[1] for s in stack), clause.index)
        clause.paragraphs.append(len(paragraphs))
        paragraphs.append(para)
    return Structure(paragraphs, clauses)


def _section(stack: list[tuple[int, str, str | None]]) -> str | None:
    for _, _, number in reversed(stack):
        if number:
            return number
    return None


def _own_number(block: Block) -> str | None:
    m = _LEADING_NUMBER.match(block.text)
    if m:
        return m.group("num").strip()
    return block.number


def _combine(section: str | None, own: str | None, block: Block) -> str | None:
    if not own:
        return section
    if own[0].isdigit():
        own = own.rstrip(".)")  # a Word list number renders as "1." or "1)"
    if "." in own and own[0].isdigit():
        return own
    if section and own.isdigit():
        return f"{section}.{own}"
    if section:
        letter = own.strip("()").rstrip(")")
        return f"{section}({letter})"
    return own
