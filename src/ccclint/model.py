"""The document model every stage shares: blocks from the parsers, clauses from segmentation."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    """One paragraph, heading or table row as the parser found it, in document order."""

    text: str
    kind: str = "paragraph"  # heading | paragraph | item | row
    level: int = 0  # heading level when known (1 = top)
    page: int | None = None
    line: int | None = None  # 1-based source line (Markdown / text)
    number: str | None = None  # visible numbering recovered by the parser ("5.2", "a)")


@dataclass
class Document:
    """A parsed input file."""

    path: str
    format: str
    blocks: list[Block]
    pages: int | None = None
    sha256: str = ""


@dataclass
class Paragraph:
    """A block placed in the contract's structure."""

    index: int  # 1-based paragraph number in the document
    block: Block
    section: str | None  # article / clause number that governs this paragraph ("9.2", "Annexe 2")
    heading: str | None  # nearest heading text
    heading_path: tuple[str, ...]
    clause: int  # index into Structure.clauses


@dataclass
class Clause:
    """Paragraphs under one (deepest) heading: the 'clause' scope of a rule."""

    index: int
    heading: str | None
    number: str | None
    heading_path: tuple[str, ...]
    paragraphs: list[int] = field(default_factory=list)  # indexes into Structure.paragraphs


@dataclass
class Structure:
    paragraphs: list[Paragraph]
    clauses: list[Clause]


@dataclass(frozen=True)
class Location:
    """Where a piece of evidence sits, for humans and for reports."""

    page: int | None
    paragraph: int
    section: str | None
    heading: str | None
    line: int | None = None
