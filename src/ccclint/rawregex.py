"""What a raw regular expression of a rule pack needs, read from its parse tree (the stdlib's own parser).

Packs may use raw regexes where phrases cannot say it. Knowing which literal strings every match contains,
or which few characters a match can start with, lets the matcher skip a document (or most of it) without
running the regex. Results are kept on disk with the compiled patterns (regexcache).
"""

from __future__ import annotations

import re
import re._parser as _sre
from functools import lru_cache

from ccclint import regexcache

# A rule may give a raw regex (the pack schema allows it for what phrases cannot say). Its parse tree tells
# which literal strings any match needs — e.g. "95/46" or all of "data", "protection", "directive" — so a
# document without them is not scanned at all.
_MAX_ALTERNATIVES = 24


@lru_cache(maxsize=4096)
def regex_needs(pattern: str) -> tuple[tuple[str, ...], ...] | None:
    """Alternatives, each a tuple of literals that must all occur in the text for `pattern` to match
    (lookarounds included, so test them on the whole text); None when nothing is certain."""
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


def _needs_of(items: list) -> set[frozenset[str]] | None:
    conjuncts: list[set[frozenset[str]]] = []
    run = ""
    for op, av in items + [(None, None)]:
        if op is _sre.LITERAL:
            run += chr(av)
            continue
        if len(run) >= 2:
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
        return _needs_of(list(av[2])) if av[0] >= 1 else None
    if op is _sre.ASSERT:
        return _needs_of(list(av[1]))
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _needs_of(list(av))
    return None


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
