"""What a raw regular expression of a rule pack needs, read from its parse tree (the stdlib's own parser).

Packs may use raw regexes where phrases cannot say it. Knowing which literal strings every match contains,
or which few characters a match can start with, lets the matcher skip a document (or most of it) without
running the regex. Results are kept on disk with the compiled patterns (regexcache).
"""

from __future__ import annotations

import re
import re._parser as _sre
from functools import lru_cache
from typing import Callable

from ccclint import regexcache

# A rule may give a raw regex (the pack schema allows it for what phrases cannot say). Its parse tree tells
# which literal strings any match needs — e.g. "95/46" or all of "data", "protection", "directive" — so a
# document without them is not scanned at all.
_MAX_ALTERNATIVES = 24


@lru_cache(maxsize=4096)
def regex_needs(pattern: str) -> tuple[tuple[str, ...], ...] | None:
    """Alternatives, each a tuple of literals that must all occur in the text for `pattern` to match
    (lookarounds included, so test them on the whole text, its newlines made spaces: DocIndex.flat_text);
    None when nothing is certain."""
    return regexcache.derived("needs", pattern, _regex_needs)


def _regex_needs(pattern: str) -> tuple[tuple[str, ...], ...] | None:
    try:
        tree = _sre.parse(pattern)
    except (re.error, RecursionError):
        return None
    need = _needs_of(list(tree))
    if not need or frozenset() in need:
        return None
    return tuple(tuple(sorted(a)) for a in sorted(need, key=sorted))


# Folded text has two whitespace characters only (normalize.fold): a space inside a paragraph, a newline
# between paragraphs. Literals are read with `\s` and "\n" as a space, and tested on the text with its
# newlines made spaces (DocIndex.flat_text): "safe\sharbor" needs "safe harbor" there, not just "safe".
def _is_whitespace(op, av) -> bool:
    if op is _sre.LITERAL:
        return av == 10
    return op is _sre.IN and list(av) == [(_sre.CATEGORY, _sre.CATEGORY_SPACE)]


def _needs_of(items: list) -> set[frozenset[str]] | None:
    conjuncts: list[set[frozenset[str]]] = []
    run = ""
    for op, av in items + [(None, None)]:
        if op is _sre.LITERAL and av != 10:
            run += chr(av)
            continue
        if _is_whitespace(op, av):
            run += " "
            continue
        if len(run.strip()) >= 2:
            conjuncts.append({frozenset([run])})
        run = ""
        got = _needs_of_node(op, av)
        if got:
            conjuncts.append(got)
    result = {frozenset()}
    for alternatives in sorted(conjuncts, key=len):
        combined = {a | b for a in result for b in alternatives}
        if len(combined) <= _MAX_ALTERNATIVES:  # else leave this conjunct out: weaker, still necessary
            result = combined
    return None if result == {frozenset()} else result


def _needs_of_node(op, av) -> set[frozenset[str]] | None:
    if op is _sre.SUBPATTERN:
        return _needs_of(list(av[-1]))
    if op is _sre.BRANCH:
        branches = [_needs_of(list(b)) for b in av[1]]
        if any(not b for b in branches):
            return None
        return set().union(*branches)  # type: ignore[arg-type]
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        item = list(av[2])
        if av[0] >= 2 and len(item) == 1 and item[0][0] is _sre.LITERAL and item[0][1] != 10:
            return {frozenset([chr(item[0][1]) * min(av[0], 8)])}  # x{2,3}: "xx"
        return _needs_of(item) if av[0] >= 1 else None
    if op is _sre.ASSERT:
        return _needs_of(list(av[1]))
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _needs_of(list(av))
    return None


Reach = tuple[int, tuple[tuple[str, int], ...]]  # characters: a constant + coefficient x longest run of a class


@lru_cache(maxsize=4096)
def regex_reach(pattern: str) -> Reach | None:
    """How far from a match's start the engine can look, either way, to decide that match (what it consumes plus
    what its lookarounds and boundaries read), as a constant plus multiples of the longest run of a character
    class in the document (`\\w*` reads at most the longest word); None when unbounded otherwise. Every match
    holds a literal its needs name (regex_needs), so scanning that far around each place where such a literal
    stands finds every match a whole-text scan finds. Evaluate it for a text with reach_in()."""
    return regexcache.derived("reach", pattern, _regex_reach)


def reach_in(reach: Reach, longest_run: Callable[[str], int]) -> int:
    """The reach in characters, given the text's longest run of each class (e.g. longest_run("\\w"))."""
    const, runs = reach
    return const + sum(coefficient * longest_run(cls) for cls, coefficient in runs)


def match_windows(pattern: str, text: str, flat: str, count: Callable[[str], int],
                  longest_run: Callable[[str], int]) -> list[tuple[int, int]] | None:
    """Stretches of `text` that hold every match of `pattern`: `reach` characters around each occurrence of one
    literal of each alternative of its needs (the rarest one). A match and all it reads lie in the merged
    stretch of the literal it holds, so scanning them finds the whole-text scan's matches, in order
    (tests/test_properties.py). [] when no alternative is present; None when the stretches would cover most
    of the text or nothing bounds a match. `flat`: the text with newlines made spaces, where needs are
    looked for; `count(literal)`: occurrences in it; `longest_run(cls)`: see reach_in."""
    needs = regex_needs(pattern)
    bound = regex_reach(pattern) if needs else None
    if bound is None:
        return None
    present = list(dict.fromkeys(min(words, key=count) for words in needs  # type: ignore[union-attr]
                                 if all(count(w) for w in words)))
    if not present:
        return []  # no alternative can match here (the document's runs need not even be measured)
    reach = reach_in(bound, longest_run)
    if sum(count(rarest) for rarest in present) > len(text) // 16:
        return None  # a literal every 16 characters: listing them costs more than the scan saves
    anchors: list[tuple[int, int]] = []
    for rarest in present:
        i = flat.find(rarest)
        while i >= 0:
            anchors.append((max(0, i - reach), min(len(text), i + len(rarest) + reach)))
            i = flat.find(rarest, i + 1)
    anchors.sort()
    merged: list[tuple[int, int]] = []
    for s, e in anchors:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    if sum(e - s for s, e in merged) > len(text) * 3 // 4:
        return None  # nearly all the text: one scan
    return merged


def longest_run(text: str, cls: str) -> int:
    """The longest run of characters of class `cls` (as reach_in names them: r"\\w", "[^\\n]"...) in `text`,
    a folded text (its only spaces are " " and "\\n")."""
    if cls == r"\s" and not any(pair in text for pair in ("  ", "\n\n", " \n", "\n ")):
        return 1 if " " in text or "\n" in text else 0  # substring tests instead of listing every space
    if cls == r"\S":
        return max(map(len, text.split()), default=0)  # str.split's spaces are exactly `\s`
    if cls == "[^\\\n]":
        return max(map(len, text.split("\n")), default=0)
    return max(map(len, re.findall(cls + "+", text)), default=0)


# A linear bound: (constant, {class: coefficient}).
_Lin = tuple[int, dict[str, int]]
_RUN_CLASSES = {getattr(_sre, f"CATEGORY_{name}"): cls for name, cls in
                (("WORD", r"\w"), ("NOT_WORD", r"\W"), ("SPACE", r"\s"), ("NOT_SPACE", r"\S"), ("DIGIT", r"\d"),
                 ("NOT_DIGIT", r"\D"))}


def _regex_reach(pattern: str) -> Reach | None:
    try:
        tree = _sre.parse(pattern)
    except (re.error, RecursionError):
        return None
    got = _reach_of(list(tree))
    if got is None:
        return None
    (wc, wr), (oc, orr) = got
    total = _add((wc, wr), _scale((oc, orr), 2))
    return total[0] + 1, tuple(sorted(total[1].items()))


def _add(a: _Lin, b: _Lin) -> _Lin:
    runs = dict(a[1])
    for k, v in b[1].items():
        runs[k] = runs.get(k, 0) + v
    return a[0] + b[0], runs


def _scale(a: _Lin, n: int) -> _Lin:
    return a[0] * n, {k: v * n for k, v in a[1].items()}


def _max(a: _Lin, b: _Lin) -> _Lin:
    """An upper bound of both (every run length is >= 0)."""
    return max(a[0], b[0]), {k: max(a[1].get(k, 0), b[1].get(k, 0)) for k in {*a[1], *b[1]}}


def _run_class(items: list) -> str | None:
    """The class whose runs bound an unbounded repeat of this one-character item (`\\w`, `[^\\n]`), if any."""
    if len(items) != 1:
        return None
    op, av = items[0]
    if op is _sre.IN and len(av) == 1 and av[0][0] is _sre.CATEGORY:
        return _RUN_CLASSES.get(av[0][1])
    if op is _sre.IN:  # a set such as [\\s-]: written back as a class
        parts = []
        for kind, value in av:
            if kind is _sre.NEGATE:
                parts.insert(0, "^")
            elif kind is _sre.LITERAL:
                parts.append(re.escape(chr(value)))
            elif kind is _sre.RANGE:
                parts.append(re.escape(chr(value[0])) + "-" + re.escape(chr(value[1])))
            elif kind is _sre.CATEGORY and value in _RUN_CLASSES:
                parts.append(_RUN_CLASSES[value])
            else:
                return None
        return "[" + "".join(parts) + "]"
    if op is _sre.NOT_LITERAL:
        return "[^" + re.escape(chr(av)) + "]"
    if op is _sre.LITERAL:
        return re.escape(chr(av))
    return None


def _reach_of(items: list) -> tuple[_Lin, _Lin] | None:
    """(most characters consumed, farthest lookaround read beyond them) of a sequence; None when unbounded."""
    width: _Lin = (0, {})
    overhang: _Lin = (0, {})
    for op, av in items:
        got = _reach_of_node(op, av)
        if got is None:
            return None
        width = _add(width, got[0])
        overhang = _max(overhang, got[1])
    return width, overhang


def _reach_of_node(op, av) -> tuple[_Lin, _Lin] | None:
    zero: _Lin = (0, {})
    if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
        return (1, {}), zero
    if op is _sre.AT:
        return zero, (1, {})  # a boundary reads the character on either side
    if op is _sre.SUBPATTERN:
        return _reach_of(list(av[-1]))
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _reach_of(list(av))
    if op is _sre.BRANCH:
        got = [_reach_of(list(b)) for b in av[1]]
        if any(g is None for g in got):
            return None
        width, overhang = got[0]  # type: ignore[misc]
        for w, o in got[1:]:  # type: ignore[misc]
            width, overhang = _max(width, w), _max(overhang, o)
        return width, overhang
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        if av[1] is _sre.MAXREPEAT:  # unbounded: a run of one character class, with zero-width tests
            consumed = [(o, a) for o, a in av[2] if o not in _ZERO_WIDTH]
            tests = _reach_of([(o, a) for o, a in av[2] if o in _ZERO_WIDTH])
            cls = _run_class(consumed)
            return None if cls is None or tests is None else ((0, {cls: 1}), _add(tests[0], tests[1]))
        got = _reach_of(list(av[2]))
        return None if got is None else (_scale(got[0], av[1]), got[1])
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):
        got = _reach_of(list(av[1]))
        return None if got is None else (zero, _add(got[0], got[1]))
    return None  # group references and anything unknown: no bound claimed


@lru_cache(maxsize=4096)
def regex_first_chars(pattern: str) -> str | None:
    """A character class matching the first character of any match of raw regex `pattern`, when there are
    few such characters (digits, "_", "{", "x"...): the matcher tries the regex only where one stands, if they
    are rare in the document. None otherwise."""
    return regexcache.derived("first-chars", pattern, _regex_first_chars)


def _regex_first_chars(pattern: str) -> str | None:
    try:
        tree = _sre.parse(pattern)
    except (re.error, RecursionError):
        return None
    if tree.state.flags & re.IGNORECASE:
        return None
    got = _firsts_of(list(tree))
    if got is None or got[1] or not got[0] or len(got[0]) > 40:
        return None
    return "[" + "".join(r"\d" if c == _DIGIT else re.escape(c) for c in sorted(got[0])) + "]"


_DIGIT = "\x00digit"  # stands for \d in a set of first characters


_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)


def _firsts_of(items: list) -> tuple[set[str], bool] | None:
    """(first characters, whether the sequence can match the empty string); None when unbounded."""
    out: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the next item decides (skipping it only widens the set)
        got = _first_of_node(op, av)
        if got is None:
            return None
        out |= got[0]
        if not got[1]:
            return out, False
    return out, True


def _first_of_node(op, av) -> tuple[set[str], bool] | None:
    if op is _sre.LITERAL:
        return {chr(av)}, False
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _sre.LITERAL:
                chars.add(chr(value))
            elif kind is _sre.RANGE and value[1] - value[0] < 64:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            elif kind is _sre.CATEGORY and value is _sre.CATEGORY_DIGIT:
                chars.add(_DIGIT)  # \d: every script's digits, kept as a class
            else:
                return None
        return chars, False
    if op is _sre.SUBPATTERN:
        return _firsts_of(list(av[-1]))
    if op is _sre.BRANCH:
        out: set[str] = set()
        empty = False
        for branch in av[1]:
            got = _firsts_of(list(branch))
            if got is None:
                return None
            out |= got[0]
            empty = empty or got[1]
        return out, empty
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        got = _firsts_of(list(av[2]))
        if got is None:
            return None
        return got[0], got[1] or av[0] == 0
    return None
