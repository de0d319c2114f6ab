"""PDF reader: text per page through pypdfium2 (fast, as good as pdftotext), then page furniture
removed, lines joined back into paragraphs, hyphenation across lines repaired.

pdfplumber (built on pdfminer) is kept for files pdfium cannot open and for table-heavy pages.
"""

from __future__ import annotations

import contextlib
import logging
import re
import signal
import statistics
import threading
import time
import unicodedata
from collections import Counter

from ccclint import ocr
from ccclint.errors import InputError
from ccclint.model import Block, Document
from ccclint.parsers import Limits, register

# pdfminer logs every oddity of a damaged file as a WARNING, which Python's last-resort handler prints on stderr;
# the file's one error line says what matters (an application that configures logging still receives them)
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

_PAGE_NUMBER = re.compile(r"^\s*(page|p\.)?\s*[-–—]?\s*\d{1,4}\s*([/]|sur|of|de)?\s*(\d{1,4})?\s*[-–—]?\s*$", re.I)
_STARTS_BLOCK = re.compile(
    r"^\s*(article|art\.|clause|section|annexe?|annex|schedule|appendix|exhibit|chapitre|chapter|titre|partie|part)\s+[\divxlc]"
    r"|^\s*(\d+\.(\d+\.?)*|\d+\)|[IVX]+\.|\(?[a-z]\)|\(?[ivx]+\)|[-•●▪◦–\uf0b7\uf0a7])\s",
    re.I,
)
_KEEP_HYPHEN_PREFIX = {
    "sous", "sub", "non", "co", "pre", "pré", "post", "anti", "auto", "quasi", "multi", "semi", "self", "cross",
    "third", "well", "e", "re", "ré", "contre", "demi", "mi", "vice", "ex", "inter", "extra", "sur", "après",
    "avant", "porte", "garde", "arrière", "long", "short", "end", "day", "year", "check", "opt", "follow",
    "by", "top", "back", "cyber", "on", "off", "peut", "est", "a", "dit", "c", "faire", "y", "vous", "ci",
}


_LIGATURE = re.compile("[\ufb00-\ufb06]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_DIGITS = re.compile(r"\d+")
_HYPHENATED = re.compile(r"(\w+)-$")
_SENTENCE_ENDS = (".", ":", ";", "!", "?", "»", '"', "”", ")")
_ENDS_OPEN = re.compile(r"(,|\b(de|du|des|la|le|les|l'|d'|à|a|au|et|ou|the|of|and|or|to|in|for|by))$", re.I)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text) if _LIGATURE.search(text) else text
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\x02", "-").replace("\uf0b7", "•").replace("\uf0a7", "▪").replace("\ufffe", "")


def _pages_pdfium(path: str, data: bytes, limits: Limits) -> list[list[str]]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise InputError(path, "encrypted", "password-protected PDF") from None
        raise InputError(path, "corrupt", f"damaged PDF ({exc})") from None
    try:
        n = len(pdf)
        if n > limits.max_pages:
            raise InputError(path, "too-large", f"{n} pages exceed the {limits.max_pages}-page limit")
        pages = []
        for i in range(n):
            try:
                page = pdf[i]
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
            except pdfium.PdfiumError as exc:  # a damaged page tree: corrupt, so pdfplumber gets a try (fuzzing)
                raise InputError(path, "corrupt", f"damaged PDF (page {i + 1}: {exc})") from None
            textpage.close()
            if ocr.wanted(text, page):  # a scanned page (or --ocr always): tesseract reads the rendered image
                text = ocr.read_page(page) or text
            page.close()
            # pdfium writes a line-end hyphen as \x02 and drops the line break: restore both, so
            # _join_hyphen repairs the word and the line widths stay true
            pages.append([l.rstrip() for l in _LINE_BREAK.split(_clean(text.replace("\x02", "-\n")))])
        return pages
    finally:
        pdf.close()


def _strip_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers/footers (lines repeated at page edges) and bare page numbers."""
    def key(line: str) -> str:
        return _DIGITS.sub("#", line.strip().lower())

    edge = Counter()
    for lines in pages:
        content = [l for l in lines if l.strip()]
        for l in set(content[:3] + content[-3:]):
            edge[key(l)] += 1
    threshold = max(2, int(len(pages) * 0.5)) if len(pages) > 1 else 10**9
    repeated = {k for k, c in edge.items() if c >= threshold}
    out = []
    for lines in pages:
        content = [l for l in lines if l.strip()]
        top, bottom = set(content[:3]), set(content[-3:])
        kept = []
        for l in lines:
            s = l.strip()
            if not s:
                kept.append("")
                continue
            if (l in top or l in bottom) and (key(l) in repeated or _PAGE_NUMBER.match(s)):
                continue
            kept.append(l)
        out.append(kept)
    return out


def _join_hyphen(left: str, right: str) -> str:
    m = _HYPHENATED.search(left, max(0, len(left) - 64)) if left.endswith("-") else None  # the tail: O(1)
    if m and right[:1].islower():
        prefix = m.group(1).lower()
        if prefix in _KEEP_HYPHEN_PREFIX:
            return left + right
        return left[:-1] + right
    return left + " " + right


def _paragraphs(pages: list[list[str]]) -> list[Block]:
    """Re-flow wrapped lines into paragraphs, page by page (a paragraph may continue on the next page)."""
    lengths = [len(l.strip()) for lines in pages for l in lines if len(l.strip()) > 20]
    width = statistics.quantiles(lengths, n=10)[-1] if len(lengths) >= 10 else (max(lengths) if lengths else 80)
    blocks: list[Block] = []
    current: str | None = None
    cur_page = 1
    prev_short = True
    for pno, lines in enumerate(pages, start=1):
        for raw in lines:
            line = raw.strip()
            if not line:
                if current is not None:
                    blocks.append(Block(current, "paragraph", page=cur_page))
                    current = None
                prev_short = True
                continue
            # a numbering or label opens a paragraph only after a finished line: "… set out in" + "Schedule 4." runs on
            starts = bool(_STARTS_BLOCK.match(line)) and (current is None or current.endswith(_SENTENCE_ENDS)
                                                          or prev_short)
            if current is None or starts or prev_short:
                if current is not None:
                    blocks.append(Block(current, "paragraph", page=cur_page))
                current, cur_page = line, pno
            else:
                current = _join_hyphen(current, line)
            # a line well short of the text width ends its paragraph (unless it ends mid-word)
            prev_short = len(line) < 0.75 * width and not line.endswith("-") and not _ends_open(line)
        # a page break ends nothing by itself: a paragraph may run on
    if current is not None:
        blocks.append(Block(current, "paragraph", page=cur_page))
    return blocks


def _ends_open(line: str) -> bool:
    """A short line that clearly continues (ends with a comma or an article) does not end a paragraph."""
    return bool(_ENDS_OPEN.search(line))


FALLBACK_SECONDS = 15.0  # pdfminer can loop for ever on a damaged cross-reference (found by fuzzing)


class _GaveUp(BaseException):
    """A BaseException, so that pdfminer's broad `except Exception` cannot swallow it."""


@contextlib.contextmanager
def _time_budget(seconds: float):
    """Raise _GaveUp in the block after `seconds` (main thread only, where SIGALRM can be used). An outer
    timer is kept: a one-shot deadline (the runner's per-file timeout) due first fires as planned; otherwise
    it is re-armed with what is left of it (and its period, for a watchdog) when the block ends."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    outer, period = signal.getitimer(signal.ITIMER_REAL)
    if outer and not period and outer <= seconds:  # a one-shot deadline due first: let it fire
        yield
        return

    def give_up(signum, frame):
        raise _GaveUp

    previous = signal.signal(signal.SIGALRM, give_up)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # a periodic watchdog (a fuzzer's) keeps its period
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer - (time.monotonic() - started)), period)


def _pages_pdfplumber(path: str, data: bytes, limits: Limits) -> list[list[str]]:
    import io

    import pdfplumber

    try:
        # no `with pdfplumber.open(...)`: its close() walks the page tree again, so after giving up it would
        # loop for ever outside the budget; a document given up on is left to the garbage collector
        with _time_budget(FALLBACK_SECONDS):
            pdf = pdfplumber.open(io.BytesIO(data))
            if len(pdf.pages) > limits.max_pages:
                raise InputError(path, "too-large", f"{len(pdf.pages)} pages exceed the {limits.max_pages}-page limit")
            pages = [[_clean(l) for l in (p.extract_text() or "").splitlines()] for p in pdf.pages]
            pdf.close()
            return pages
    except InputError:
        raise
    except _GaveUp:
        raise InputError(path, "corrupt", f"damaged PDF (unreadable by pdfium; the fallback reader gave up after "
                                          f"{FALLBACK_SECONDS:g} s)") from None
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        name = exc.__class__.__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError(path, "encrypted", "password-protected PDF") from None
        raise InputError(path, "corrupt", f"damaged PDF ({name})") from None


@register("pdf")
def parse_pdf(path: str, data: bytes, limits: Limits) -> Document:
    try:
        pages = _pages_pdfium(path, data, limits)
    except InputError as exc:
        if exc.code != "corrupt":
            raise
        pages = _pages_pdfplumber(path, data, limits)
    if not any(l.strip() for lines in pages for l in lines):
        raise InputError(path, "no-text", ocr.no_text_message())
    blocks = _paragraphs(_strip_furniture(pages))
    return Document(path, "pdf", blocks, pages=len(pages))
