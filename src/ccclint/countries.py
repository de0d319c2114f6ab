"""Country mentions in a document: which countries and territories a contract names, with their
EEA and adequacy flags (data: rules/countries.yaml, dated with `as_of`).

`find_countries(index, unit)` returns the spans of folded text (index.text) naming a country inside
the unit, each with that country's record. The YAML is loaded and compiled once into one regex; the
hits of a document are computed once and kept on its DocIndex. Pure: nothing is written but that cache.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import yaml

from ccclint import regexcache

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CACHE_ATTR = "_ccclint_country_hits"


class _Finder:
    """Finds the phrases of many entries fast: a phrase is tried only where a word it can start with begins
    (a word index of the text), so a long contract costs a few look-ups. Raw regular expressions, and
    phrases whose first word cannot be told, are scanned each on its own (_raw_hits)."""

    def __init__(self, items: list[tuple[str | None, str, int]]):
        # items: (source phrase, or None for a raw regex; its regex; entry index)
        from ccclint.phrases import first_words

        self.by_first: dict[tuple[str, bool], list[tuple[re.Pattern[str], int]]] = {}
        raw: list[tuple[str, int]] = []
        for source, rx, entry in items:
            key = _literal_start(source) if source is not None else ""
            firsts = (first_words(source) or ({(key[:1], False)} if key else None)) if source is not None else None
            if firsts:
                compiled = regexcache.compile(rx)
                for first in firsts:
                    self.by_first.setdefault(first, []).append((compiled, entry))
            else:
                raw.append((rx, entry))
        self.raw = [(rx, regexcache.compile(rx), entry) for rx, entry in raw]

    def finditer(self, text: str,
                 starts_of: Callable[[str, bool], list[int]] | None = None) -> list[tuple[int, int, int]]:
        """Non-overlapping (start, end, entry): leftmost first, then longest. `starts_of`: the text's word
        index (DocIndex.starts_of), built here when not given."""
        if starts_of is None:
            from ccclint.docindex import WordIndex

            starts_of = WordIndex(text).starts_of
        found: list[tuple[int, int, int]] = []
        for (word, exact), entries in self.by_first.items():
            for pos in starts_of(word, exact):
                for rx, entry in entries:
                    m = rx.match(text, pos)
                    if m and m.end() > pos:
                        found.append((pos, m.end(), entry))
        if self.raw:
            found += self._raw_hits(text)
        found.sort(key=lambda t: (t[0], -t[1], t[2]))  # whatever the order they were found in
        out: list[tuple[int, int, int]] = []
        last_end = -1
        for s, e, entry in found:
            if s >= last_end:
                out.append((s, e, entry))
                last_end = e
        return out

    def _raw_hits(self, text: str) -> list[tuple[int, int, int]]:
        """Each raw regex scanned on its own, only around the literals it needs when they are rare
        (rawregex.match_windows): one combined alternation cost 70 ms on an 80-page contract."""
        from ccclint.rawregex import longest_run, match_windows

        flat = text.replace("\n", " ")
        count = functools.cache(flat.count)
        run_of = functools.cache(functools.partial(longest_run, text))
        found = []
        for rx, compiled, entry in self.raw:
            windows = match_windows(rx, text, flat, count, run_of)
            for s, e in [(0, len(text))] if windows is None else windows:
                found += [(m.start(), m.end(), entry) for m in compiled.finditer(text, s, e) if m.end() > m.start()]
        return found


_MARKET_WINDOW = 120  # characters before a mention searched for a market context


def _literal_start(source: str) -> str:
    """The letters a phrase surely starts with (folded), or '' when it starts with a group or is a regex."""
    from ccclint.normalize import fold_text

    m = re.match(r"[^\W_]+", fold_text(source))
    return m.group() if m and not source.startswith(("(", "\\", "[")) else ""


@dataclass(frozen=True)
class CountryData:
    as_of: str
    countries: tuple[dict[str, Any], ...]
    finder: _Finder
    excluder: _Finder
    market: re.Pattern[str] | None     # text before a mention that makes it a market, not a place


def _phrase_regex(phrase: str) -> str:
    from ccclint.phrases import compile_phrase  # the rule-pack phrase syntax, so the data reads like the rules

    return compile_phrase(phrase, {"provider": "(?!)", "client": "(?!)"})


def _phrases(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [p for lang in sorted(value) for p in (value[lang] or [])]
    return list(value)


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    """The record handed to formulas: flags and caveats, not the matching phrases."""
    out = {k: v for k, v in entry.items() if k not in ("names", "adjectives", "cities", "regex", "exclude")}
    out["eea"] = bool(entry.get("eea"))
    out["adequate"] = bool(entry.get("adequate"))
    out.setdefault("review", False)
    return out


def default_path() -> str:
    from ccclint.packs.loader import builtin_rules_dir

    return os.path.join(builtin_rules_dir(), "countries.yaml")


@lru_cache(maxsize=4)
def load(path: str | None = None) -> CountryData:
    """Load and compile rules/countries.yaml (or `path`). Reading the YAML and turning 800 phrases into regexes
    costs ~0.1 s, a third of a short check: the result is kept on disk, keyed by the file's content."""
    path = path or default_path()
    with open(path, "rb") as fh:
        raw = fh.read()
    from ccclint import __version__, diskcache

    folder = diskcache.cache_dir("data")
    key = hashlib.sha256(raw + __version__.encode())
    for module in (__file__, os.path.join(os.path.dirname(__file__), "phrases.py")):  # the code that compiles it
        with open(module, "rb") as fh:
            key.update(fh.read())
    cache = os.path.join(folder, f"countries-{key.hexdigest()}.pickle") if folder else None
    parts = diskcache.read(cache) if cache else None
    if not (isinstance(parts, tuple) and len(parts) == 5):
        parts = _compile_data(yaml.load(raw.decode("utf-8"), Loader=_YAML_LOADER))
        if cache:
            diskcache.write(cache, parts)
    as_of, countries, alts, excl, markets = parts
    market = regexcache.compile("|".join(f"(?:{r})" for r in markets)) if markets else None
    return CountryData(as_of, countries, _Finder(alts), _Finder(excl), market)


def _compile_data(data: dict[str, Any]) -> tuple[Any, ...]:
    """(as_of, public records, phrase alternatives, exclusions, market-context regexes) from the YAML."""
    entries = data["countries"]
    countries = tuple(_public(e) for e in entries)
    alts: list[tuple[str | None, str, int]] = []     # (source phrase or None, regex, country index)
    excl: list[tuple[str | None, str, int]] = []
    for i, e in enumerate(entries):
        for p in _phrases(e.get("names")) + _phrases(e.get("adjectives")) + _phrases(e.get("cities")):
            alts.append((p, _phrase_regex(p), i))
        for r in _phrases(e.get("regex")):
            regexcache.compile(r)  # fail early on a bad expression
            alts.append((None, r, i))  # raw: never dispatched by its first letters
        for p in _phrases(e.get("exclude")):
            excl.append((p, _phrase_regex(p), i))
    return str(data.get("as_of", "")), countries, alts, excl, _phrases(data.get("market_context"))


def scan(text: str, data: CountryData | None = None,
         starts_of: Callable[[str, bool], list[int]] | None = None) -> list[tuple[int, int, dict[str, Any]]]:
    """All country mentions in a folded text, in order, traps removed."""
    data = data or load()
    banned = data.excluder.finditer(text, starts_of)
    out = []
    for s, e, ci in data.finder.finditer(text, starts_of):
        if any(bs < e and s < be and bi == ci for bs, be, bi in banned):
            continue
        if data.market is not None and data.market.search(text, max(0, s - _MARKET_WINDOW), s):
            continue
        out.append((s, e, data.countries[ci]))
    return out


def _document_hits(index: Any) -> tuple[list[int], list[tuple[int, int, dict[str, Any]]]]:
    cached = getattr(index, _CACHE_ATTR, None)
    if cached is not None and cached[0] is index.text:
        return cached[1], cached[2]
    hits = scan(index.text, starts_of=getattr(index, "starts_of", None))
    starts = [s for s, _, _ in hits]
    try:
        setattr(index, _CACHE_ATTR, (index.text, starts, hits))
    except AttributeError:  # an index without a __dict__: recompute next time
        pass
    return starts, hits


def find_countries(index: Any, unit: Any) -> list[tuple[int, int, dict[str, Any]]]:
    """Country mentions inside [unit.start, unit.end) of index.text: (start, end, record).

    The record has at least `id`, `name` (English), `name_fr`, `eea`, `adequate`, `review`, and for adequate
    countries `adequacy` (decision, date, scope, tag). Records are shared: do not modify them.
    """
    starts, hits = _document_hits(index)
    i = bisect.bisect_left(starts, unit.start)
    out = []
    while i < len(hits) and hits[i][0] < unit.end:
        s, e, c = hits[i]
        if e <= unit.end:
            out.append((s, e, c))
        i += 1
    return out


def as_of() -> str:
    """Date of the adequacy data."""
    return load().as_of
