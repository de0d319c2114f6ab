"""Releasing negations: a duty the text names and then lifts ("n'est pas tenu de notifier", "need not notify").

A phrase hit preceded, in its own sentence and clause, by such a negation does not count as the duty; the
matcher flags it (context.Context.hits) and formulas ignore it unless they look for negated mentions.
"""

from __future__ import annotations

import bisect
import re

from ccclint.docindex import DocIndex

RELEASE = re.compile(
    r"(?:n'(?:est|sont|a|ont)|ne (?:sera|seront|saurait|sauraient|peut|pourra)(?: etre)?|n'(?:etre|etant))\s+"
    r"(?:pas|nullement|aucunement|en aucun cas|jamais)\s+(?:tenue?s?|obligee?s?|contraint(?:e|s)?|a)\b"
    r"|aucune obligation (?:de|d')|sans (?:etre tenue?s? de|obligation de)|ne s'engage (?:pas|aucunement) a"
    r"|(?:is|are|shall|will|be|being)\s+(?:not|never|under no obligation)\s+(?:be\s+)?(?:required|obliged|obligated|bound)\s+to"
    r"|(?:has|have|shall have|will have|bears?)\s+no\s+(?:obligation|duty)\s+to|under no obligation to"
    r"|need not|not (?:required|obliged|obligated) to|does not (?:undertake|agree|commit) to|no obligation to",
)
WINDOW = 60  # characters before the phrase
# Every RELEASE match holds one of these (checked branch by branch): a hit with none of them starting in the
# WINDOW characters before it is not released, and RELEASE is not run.
HINTS = ("pas", "nullement", "aucun", "jamais", "sans ", "not", "never", "no ")


def hint_starts(index: DocIndex) -> list[int]:
    """Where a word a releasing negation needs starts (HINTS), sorted; kept per document."""
    got = index.memo.get("release_hints")
    if got is None:
        flat = index.words.flat_text
        got = []
        for hint in HINTS:
            i = flat.find(hint)
            while i >= 0:
                got.append(i)
                i = flat.find(hint, i + 1)
        got.sort()
        index.memo["release_hints"] = got
    return got


def released(index: DocIndex, start: int, hints: list[int]) -> bool:
    """Whether a releasing negation stands in the WINDOW characters before `start`, in the same sentence and
    after the last ';' or ':' (another clause). `hints`: hint_starts(index)."""
    i = bisect.bisect_left(hints, start - WINDOW)
    if i == len(hints) or hints[i] >= start:
        return False
    s = index.sentence_at(start)
    window = index.text[max(s.start, start - WINDOW):start]
    window = window[max(window.rfind(";"), window.rfind(":")) + 1:]
    return bool(RELEASE.search(window))
