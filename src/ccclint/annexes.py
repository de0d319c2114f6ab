"""Annexes, schedules and exhibits referred to in the body but absent from the document."""

from __future__ import annotations

import re

from ccclint.docindex import DocIndex, Unit

_ANNEX_REF = re.compile(r"\b(annexes?|annex|appendix|appendices|appendice|schedules?|exhibits?|attachments?)\s+"
                        r"((?:\d+|[ivxlc]+|[a-h])\b)(?!\s*(?:to|of|de la|du|des|a la|au) (?:the )?(?:decision|regulation|reglement|clauses))")
_ANNEX_FAMILY = {"annexe": "annex", "annexes": "annex", "annex": "annex", "appendix": "annex", "appendices": "annex",
                 "appendice": "annex", "schedule": "schedule", "schedules": "schedule", "exhibit": "exhibit",
                 "exhibits": "exhibit", "attachment": "attachment", "attachments": "attachment"}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10"}


def _annex_key(word: str, ident: str) -> tuple[str, str]:
    return _ANNEX_FAMILY.get(word, word), _ROMAN.get(ident, ident)


def missing_annexes(index: DocIndex, unit: Unit) -> list[tuple[int, int]]:
    """References to annexes / schedules / exhibits that no heading of the document carries."""
    present = set()
    for i, (start, end) in enumerate(index.para_ranges):
        if index.is_heading(i):
            m = _ANNEX_REF.match(index.text, start, end)
            if m:
                present.add(_annex_key(m.group(1), m.group(2)))
    out, seen = [], set()
    for m in _ANNEX_REF.finditer(index.text, unit.start, unit.end):
        key = _annex_key(m.group(1), m.group(2))
        if key not in present and key not in seen and not index.is_heading(index.paragraph_at(m.start())):
            seen.add(key)
            out.append((m.start(), m.end()))
    return out
