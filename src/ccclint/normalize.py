"""Text normalisation with an offset map back to the original text.

Rules match on folded text (no accents, lower case, one kind of apostrophe and quote, single
spaces), but evidence must be quoted from the original: every folded character remembers the
index of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_SPECIAL = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'", "\u2032": "'",
    "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2039": '"', "\u203a": '"',
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\t": " ", "\r": " ", "\f": " ", "\v": " ",
    "\x01": " ", "\x02": " ", "\x03": " ",  # reserved: they mark the parties' names (DocIndex.party_text)
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00ad": "",  # soft hyphen
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "\u0153": "oe", "\u0152": "oe", "\u00e6": "ae", "\u00c6": "ae", "\u00df": "ss",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st",
    "\u2026": "...", "\u00b0": "o", "\u2022": "-", "\u25cf": "[*]",
}


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Fold one character: accents off, lower case, typographic variants unified."""
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isspace() and ch != "\n":  # every other space (\u2028, \x1c...) is a space: `\s` sees only " " and "\n"
        return " "
    if ch.isascii():
        return ch.lower()
    if ch.isdecimal():  # every script's digits read as 0-9: `\d` and the word index's digits then agree
        return str(unicodedata.decimal(ch))
    decomposed = unicodedata.normalize("NFKD", ch)
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    if out in _SPECIAL:
        return _SPECIAL[out]
    return out.lower()


@dataclass(frozen=True)
class Folded:
    """Folded text plus, for each folded character, the index of its original character."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded [start, end) span to the original text."""
        if not self.origin:
            return (0, 0)
        start = min(max(start, 0), len(self.origin) - 1)
        end = min(max(end, start + 1), len(self.origin))
        return (self.origin[start], self.origin[end - 1] + 1)


class _OneToOne(dict):
    """str.translate table of the characters that fold to exactly one character (filled on demand)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = " " if ch == "\n" else fold_char(ch)
        if len(self) < 20_000:  # bounded: a hostile text may use every code point
            self[code] = folded
        return folded


_ONE_TO_ONE = _OneToOne()
_FOLDS_TO_ONE: set[str] = set()  # characters seen to fold to exactly one character
_SPACE_RUNS = re.compile(r"^ +| +$| {2,}")


def fold(text: str) -> Folded:
    """Fold `text`, collapsing runs of spaces to one, keeping newlines as spaces.

    Fast path: when every character folds to one character, one str.translate and a scan of the space
    runs give the same result as the character loop (_fold_chars) at a fraction of its cost."""
    table = _ONE_TO_ONE
    unknown = set(text) - _FOLDS_TO_ONE  # set arithmetic in C: a paragraph's characters are nearly all known
    for c in unknown:
        if len(table[ord(c)]) != 1:
            return _fold_chars(text)
        if len(_FOLDS_TO_ONE) < 20_000:
            _FOLDS_TO_ONE.add(c)
    t = text.translate(table)
    kept: list[tuple[int, int]] = []
    pos = 0
    for m in _SPACE_RUNS.finditer(t):
        s, e = m.span()
        if s == 0 or e == len(t):  # leading or trailing spaces go
            kept.append((pos, s))
        else:  # a run inside keeps its first space
            kept.append((pos, s + 1))
        pos = e
    if not kept:
        return Folded(t, tuple(range(len(t))))
    kept.append((pos, len(t)))
    return Folded("".join(t[a:b] for a, b in kept), tuple(i for a, b in kept for i in range(a, b)))


def _fold_chars(text: str) -> Folded:
    """The reference: fold character by character (handles characters that fold to none or several)."""
    out: list[str] = []
    origin: list[int] = []
    last_space = True
    for i, ch in enumerate(text):
        if ch == "\n":
            ch = " "
        folded = fold_char(ch)
        for c in folded:
            if c == " ":
                if last_space:
                    continue
                last_space = True
            else:
                last_space = False
            out.append(c)
            origin.append(i)
    # drop a trailing space so texts join cleanly
    if out and out[-1] == " ":
        out.pop()
        origin.pop()
    return Folded("".join(out), tuple(origin))


def fold_text(text: str) -> str:
    """Folded text only (for patterns and comparisons)."""
    return fold(text).text
