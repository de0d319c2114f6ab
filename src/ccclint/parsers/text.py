"""Markdown and plain text: headings, paragraphs, list items and table rows with line numbers."""

from __future__ import annotations

import re

from ccclint.errors import InputError
from ccclint.model import Block, Document
from ccclint.parsers import Limits, register

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^(\s*)([-*+•]|\d+[.)]|[a-zA-Z][.)]|\([a-zA-Z0-9]+\))\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s*\S+\s*$")
# emphasis markers only: `code` spans are kept (templates use them for fields to fill) and runs of three or more
# underscores are kept (blanks to fill in)
_EMPHASIS = re.compile(r"(\*\*|(?<!_)__(?!_)|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w_])_(?=[^\s_])|(?<=[^\s_])_(?![\w_]))")


def decode(path: str, data: bytes) -> str:
    for enc in ("utf-8-sig", "utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(path, "unsupported", "text in an unknown encoding") from None


def strip_markdown(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = text.replace("\\*", "*").replace("\\_", "_").replace("\\[", "[").replace("\\]", "]")
    return _EMPHASIS.sub("", text).strip()


def _blocks(text: str, markdown: bool) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    para_line = 0

    def flush() -> None:
        nonlocal para
        if para:
            joined = " ".join(s.strip() for s in para).strip()
            if joined:
                blocks.append(Block(joined, "paragraph", line=para_line))
            para = []

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if markdown and line.strip().startswith("```"):  # a fence only separates paragraphs
            flush()
            continue
        if not line.strip() or (markdown and line.strip() in ("---", "***", "___")):
            flush()
            continue
        if markdown and (_REF_DEF.match(line) or line.strip().startswith("<!--")):
            continue
        clean = strip_markdown(line) if markdown else line.strip()
        heading = _MD_HEADING.match(line) if markdown else None
        if heading:
            flush()
            blocks.append(Block(strip_markdown(heading.group(2)), "heading", level=len(heading.group(1)), line=lineno))
            continue
        if line.lstrip().startswith("|"):
            flush()
            if _TABLE_SEP.match(line):
                continue
            cells = [strip_markdown(c) for c in line.strip().strip("|").split("|")]
            row = " | ".join(c for c in cells if c)
            if row:
                blocks.append(Block(row, "row", line=lineno))
            continue
        if line.lstrip().startswith(">"):
            clean = strip_markdown(line.lstrip().lstrip(">").strip())
        item = _LIST_ITEM.match(line)
        if item:
            flush()
            marker = item.group(2)
            body = strip_markdown(item.group(3))
            number = marker.rstrip(".)").strip("()") if marker not in "-*+•" else None
            para = [body]
            para_line = lineno
            blocks.append(Block("", "item", level=len(item.group(1).expandtabs(4)) // 2, line=lineno, number=number))
            continue
        if not para:
            para_line = lineno
        para.append(clean)
    flush()
    # list items: the text was collected in `para` after the placeholder block; merge them back
    merged: list[Block] = []
    for b in blocks:
        if merged and merged[-1].kind == "item" and not merged[-1].text and b.kind == "paragraph" and b.line == merged[-1].line:
            merged[-1].text = b.text
            continue
        merged.append(b)
    return [b for b in merged if b.text]


@register("markdown")
def parse_markdown(path: str, data: bytes, limits: Limits) -> Document:
    return Document(path, "markdown", _limit(path, _blocks(decode(path, data), True), limits))


@register("text")
def parse_text(path: str, data: bytes, limits: Limits) -> Document:
    return Document(path, "text", _limit(path, _blocks(decode(path, data), False), limits))


def parse_string(text: str, path: str = "<text>") -> Document:
    """Parse text held in memory (rule examples, tests)."""
    return Document(path, "text", _blocks(text, True))


def _limit(path: str, blocks: list[Block], limits: Limits) -> list[Block]:
    if len(blocks) > limits.max_blocks:
        raise InputError(path, "too-large", f"{len(blocks)} paragraphs exceed the {limits.max_blocks} limit")
    return blocks
