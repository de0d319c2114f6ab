"""Parser registry: the format is chosen from the file's content (magic bytes), then its suffix.

Each parser module registers a function `parse(path, data, limits) -> Document`.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from typing import Callable

from ccclint.errors import InputError
from ccclint.model import Document


@dataclass(frozen=True)
class Limits:
    """Bounds that keep one hostile file from eating the machine."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_unzipped_bytes: int = 300 * 1024 * 1024
    max_pages: int = 2000
    max_blocks: int = 200_000
    max_xml_tags: int = 2_000_000  # "<" in one DOCX part: bounds the lxml tree (~120 B an element) to ~250 MB


ParseFn = Callable[[str, bytes, Limits], Document]
PARSERS: dict[str, ParseFn] = {}
TEXT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text", "": "text"}
SUPPORTED_SUFFIXES = (".docx", ".pdf", ".md", ".markdown", ".txt", ".text")


def register(fmt: str) -> Callable[[ParseFn], ParseFn]:
    def deco(fn: ParseFn) -> ParseFn:
        PARSERS[fmt] = fn
        return fn

    return deco


def sniff(path: str, data: bytes) -> str:
    """Name the format from the bytes; raise InputError for what we cannot read."""
    if not data.strip():
        raise InputError(path, "no-text", "empty file")
    head = data[:8]
    suffix = os.path.splitext(path)[1].lower()
    if head.startswith(b"%PDF") or data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):  # (zip version: fuzzing)
            raise InputError(path, "corrupt", "corrupt ZIP container (truncated or damaged Word file?)") from None
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            raise InputError(path, "unsupported", "OpenDocument file: save it as .docx or .pdf")
        raise InputError(path, "unsupported", "ZIP file that is not a Word document")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data[:200_000]:
            raise InputError(path, "encrypted", "password-protected Word file")
        raise InputError(path, "unsupported", "legacy binary Word (.doc) file: save it as .docx")
    if head.startswith(b"{\\rtf"):
        raise InputError(path, "unsupported", "RTF file: save it as .docx or .pdf")
    if suffix in (".docx", ".pdf"):
        raise InputError(path, "corrupt", f"not a valid {suffix[1:].upper()} file (wrong content for its name)")
    if b"\x00" in data[:4096] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 text has NULs
        raise InputError(path, "unsupported", "binary file of an unknown format")
    return TEXT_SUFFIXES.get(suffix, "text")


def parse_file(path: str, limits: Limits = Limits()) -> Document:
    """Read, identify and parse one file. Never writes to it."""
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise InputError(path, "not-found", "no such file") from None
    except OSError as exc:
        raise InputError(path, "unreadable", exc.strerror or str(exc)) from None
    if size > limits.max_file_bytes:
        raise InputError(path, "too-large", f"file of {size} bytes exceeds the {limits.max_file_bytes}-byte limit")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        raise InputError(path, "unreadable", "is a directory") from None
    except OSError as exc:
        raise InputError(path, "unreadable", exc.strerror or str(exc)) from None
    fmt = sniff(path, data)
    _load_parsers(fmt)
    doc = PARSERS[fmt](path, data, limits)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if not any(b.text.strip() for b in doc.blocks):
        hint = " (scanned PDF without a text layer?)" if fmt == "pdf" else ""
        raise InputError(path, "no-text", f"no text found{hint}")
    return doc


_MODULES = {"docx": "docx", "pdf": "pdf", "markdown": "text", "text": "text"}


def _load_parsers(fmt: str | None = None) -> None:
    """Import parser modules lazily (the one a file needs, or all): `ccclint --version` and a Word-only run
    need not load pdfium."""
    import importlib

    for name in [fmt] if fmt else list(_MODULES):
        if name not in PARSERS:
            importlib.import_module(f"ccclint.parsers.{_MODULES[name]}")
