"""Per-document matching state: where each pattern matches, found without scanning the whole text.

A Context serves the formula nodes of matcher.py. It finds a phrase's matches by trying its regex only where
a word it can begin with starts (the document's word index), skips raw regexes whose required literals are
absent, flags matches preceded by a releasing negation (negation.py), and tells which units can satisfy a
formula at all.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from ccclint import negation
from ccclint.docindex import DocIndex, Unit
from ccclint.phrases import _alternation, _compiled, _required_words, matches_at, phrase_starts
from ccclint.rawregex import longest_run, match_windows, regex_first_chars, regex_needs
from ccclint.requirements import requirements

Span = tuple[int, int]

# A raw regex is tried at each place its first character stands when those places are fewer than one in
# _RARE characters: a try from Python costs about what the engine's own scan spends on 8-10 characters.
_RARE = 10
# A phrase tried at more places than this is first narrowed to the paragraphs holding its literal words,
# unless those words occur more than one time in _NARROW_RATIO places.
_MANY_STARTS = 64
_NARROW_RATIO = 4


@dataclass
class Context:
    """One pack's view of one document: its lexicon and parties' patterns, and where they match."""

    index: DocIndex
    lexicon: dict[str, dict[str, list[str]]]
    party_regex: dict[str, str]
    party_names: dict[str, list[str]] = field(default_factory=dict)
    allow_negated: bool = False
    local: bool = False  # search phrases only near the unit asked about (see within)
    values: dict[str, Any] = field(default_factory=dict)
    # caches that depend only on the document and a pattern, shared by every pack's context (DocIndex.memo)
    _hits: dict[str, list[tuple[int, int, bool]]] = field(init=False, repr=False)
    _needs: dict[str, tuple[tuple[str, ...], ...]] = field(init=False, repr=False)
    _literal_found: dict[str, bool] = field(init=False, repr=False)
    _paras: dict[str, list[int]] = field(init=False, repr=False)
    _starts: dict[str, list[int]] = field(init=False, repr=False)
    _phrases_of: dict[str, tuple[str, ...]] = field(init=False, repr=False)  # phrase pattern -> its phrases
    _raw: set[str] = field(init=False, repr=False)  # raw regexes: may cross paragraphs, scanned whole
    _literal_count: dict[str, int] = field(init=False, repr=False)  # occurrences in the text
    _near: dict[tuple[str, int, int], list[tuple[int, int, bool]]] = field(init=False, repr=False)
    _pattern_starts: dict[str, list[int] | None] = field(init=False, repr=False)
    # this context's own: its formula nodes' patterns, unit orders, `inside` paragraphs
    _node_patterns: dict[int, tuple[Any, str, str | None]] = field(default_factory=dict, repr=False)
    _by_start: dict[int, tuple[list[Unit], list[Unit] | None, list[int]]] = field(default_factory=dict, repr=False)
    _headed_memo: dict[int, tuple[Any, set[int]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        memo = self.index.memo
        self._hits = memo.setdefault("hits", {})
        self._starts = memo.setdefault("hit_starts", {})
        self._literal_found = memo.setdefault("substrings", {})
        self._paras = memo.setdefault("paragraphs_with", {})
        self._needs = memo.setdefault("needs", {})
        self._phrases_of = memo.setdefault("phrases_of", {})
        self._raw = memo.setdefault("raw", set())
        self._literal_count = memo.setdefault("literal_count", {})
        self._near = memo.setdefault("hits_near", {})
        self._pattern_starts = memo.setdefault("pattern_starts", {})

    def _may_match(self, pattern: str) -> bool:
        """Cheap pre-check: a phrase pattern cannot match when none of its phrases has all its literal words
        in the text (substring tests are far cheaper than a regex scan)."""
        needs = self._needs.get(pattern)
        if needs is None:
            return True
        contains, seen = self.index.contains, self._literal_found
        for words in needs:
            ok = True
            for w in words:
                found = seen.get(w)
                if found is None:
                    found = seen[w] = contains(w)
                if not found:
                    ok = False
                    break
            if ok:
                return True
        return False

    def _regions(self, pattern: str) -> list[tuple[int, int]]:
        """Where `pattern` can match: the paragraphs holding all literal words of one of its phrases. A phrase
        pattern never matches across a paragraph break (its spaces exclude newlines), so scanning those
        paragraphs finds exactly the matches a whole-text scan finds, in the same order."""
        if not self._may_match(pattern):
            return []
        kept = self._kept_paragraphs(pattern)
        if kept is None:
            return [(0, len(self.index.text))]
        ranges = self.index.para_ranges
        return [ranges[i] for i in kept]

    def _kept_paragraphs(self, pattern: str) -> list[int] | None:
        """The paragraphs (ascending) that hold all literal words of one of the pattern's phrases; None when
        the pattern may cross paragraphs or its words are unknown."""
        needs = self._needs.get(pattern)
        if needs is None or not self._in_paragraphs(pattern):
            return None
        keep: set[int] = set()
        for words in needs:
            paras = set(self._paragraphs_with(words[0]))
            for w in words[1:]:
                paras.intersection_update(self._paragraphs_with(w))
            keep |= paras
        return sorted(keep)

    def _paragraphs_with(self, word: str) -> list[int]:
        """The paragraphs whose folded text contains `word`, from its occurrences (the text joins them with
        newlines, which a word never holds)."""
        got = self._paras.get(word)
        if got is None:
            text, starts = self.index.text, self.index._para_starts
            got = []
            i = text.find(word)
            while i >= 0:
                p = bisect.bisect_right(starts, i) - 1
                got.append(p)
                i = text.find(word, starts[p + 1]) if p + 1 < len(starts) else -1
            self._paras[word] = got
        return got

    def _starts_in(self, pattern: str, starts: list[int]) -> list[int]:
        """`starts` narrowed to the paragraphs holding the rarest literal word of one of the pattern's phrases,
        when there are many starts and those words are few enough to pay for the narrowing."""
        if len(starts) < _MANY_STARTS:
            return starts
        needs = self._needs.get(pattern)
        if needs is None or not self._in_paragraphs(pattern):
            return starts
        rarest = {min(words, key=self._count) for words in needs}
        if sum(map(self._count, rarest)) * _NARROW_RATIO >= len(starts):
            return starts  # the words are about as common as the starts: nothing to gain
        ranges = self.index.para_ranges
        out: list[int] = []
        for p in sorted({p for w in rarest for p in self._paragraphs_with(w)}):
            s, e = ranges[p]
            out += starts[bisect.bisect_left(starts, s):bisect.bisect_right(starts, e)]
        return out

    def _in_paragraphs(self, pattern: str) -> bool:
        """Whether every match of `pattern` lies inside one paragraph: a phrase's spaces exclude newlines; a raw
        regex may cross them, or read across them with its lookarounds."""
        return pattern in self._phrases_of and pattern not in self._raw and "\n" not in pattern

    def _count(self, literal: str) -> int:
        """Occurrences of `literal` in the text with newlines flattened, kept per document."""
        got = self._literal_count.get(literal)
        if got is None:
            got = self._literal_count[literal] = self.index.words.flat_text.count(literal)
        return got

    def text_for(self, pattern: str) -> str:
        """The text a pattern runs on: with the parties' names marked when it names a party (see engine)."""
        phrases = self._phrases_of.get(pattern)
        if phrases is not None and any("{" in p for p in phrases):
            return self.index.party_text
        return self.index.text

    def _matches(self, pattern: str):
        """The matches `finditer` would give, found by trying the regex only where a match can begin."""
        phrases = self._phrases_of.get(pattern)
        text = self.text_for(pattern)
        if not self._may_match(pattern):
            return  # not even compiled: in a fresh process, compiling is most of the cost of a short contract
        starts = None if phrases is None else self._starts_of_pattern(pattern)
        if starts:
            starts = self._starts_in(pattern, starts)
        if starts == []:
            return
        compiled = _compiled(pattern)
        if starts is None and phrases is None:  # a raw regex: around the literals it needs, if they are rare
            windows = self._raw_windows(pattern, text)
            if windows is not None:
                yield from (m for s, e in windows for m in compiled.finditer(text, s, e))
                return
            first = regex_first_chars(pattern)  # else where its first character can be, if rare
            rare = first is not None and len(_compiled(first).findall(text, 0, 8192)) <= min(len(text), 8192) // _RARE
            if first is not None and rare:  # judged on the first pages, then listed (or given up on) in full
                starts, limit = [], len(text) // _RARE
                for m in _compiled(first).finditer(text):
                    starts.append(m.start())
                    if len(starts) > limit:  # common characters: one scan in C is cheaper
                        starts = None
                        break
        if starts is None:
            yield from (m for s, e in self._regions(pattern) for m in compiled.finditer(text, s, e))
        else:
            yield from matches_at(compiled, text, starts)

    def _raw_windows(self, pattern: str, text: str) -> list[tuple[int, int]] | None:
        """rawregex.match_windows with this document's caches."""
        return match_windows(pattern, text, self.index.words.flat_text, self._count, self._longest_run)

    def _longest_run(self, cls: str) -> int:
        """The longest run of characters of class `cls` (a word, a line...) in the text, kept per document."""
        runs = self.index.memo.setdefault("longest_run", {})
        got = runs.get(cls)
        if got is None:
            if cls in (r"\w", r"\d"):  # digits are word characters: the longest word bounds both
                got = max(map(len, self.index.words.vocabulary), default=0)
            else:
                got = longest_run(self.index.text, cls)
            runs[cls] = got
        return got

    def hits(self, pattern: str) -> list[tuple[int, int, bool]]:
        """All matches of `pattern` in the document, each flagged when a release negation precedes it."""
        cached = self._hits.get(pattern)
        if cached is None:
            cached = self._hits[pattern] = self._flagged(self._matches(pattern))
        return cached

    def within(self, unit: Unit, pattern: str) -> list[Span]:
        """The hits of `pattern` inside `unit` (what `_in` computes, found by bisection on the sorted starts).
        In `local` mode a phrase pattern not yet searched in the whole document is searched in the unit's
        paragraphs only (_hits_near)."""
        if self.local and pattern not in self._hits and self._in_paragraphs(pattern):
            return _in(unit, self._hits_near(unit, pattern), self.allow_negated)
        spans = self.hits(pattern)
        starts = self._starts.get(pattern)
        if starts is None:
            starts = self._starts[pattern] = [s for s, _, _ in spans]
        lo = bisect.bisect_left(starts, unit.start)
        hi = bisect.bisect_right(starts, unit.end, lo)
        return _in(unit, spans[lo:hi], self.allow_negated)

    def _hits_near(self, unit: Unit, pattern: str) -> list[tuple[int, int, bool]]:
        """The hits of a phrase pattern that start in the paragraphs covering `unit`: exactly the document's
        hits there, since a phrase never runs across a paragraph break (matches elsewhere cannot overlap
        these) and the negation test reads only the hit's own sentence. Weak signals are tested on the few
        units that match a rule: searching their paragraphs costs far less than the whole contract."""
        index = self.index
        first, last = index.paragraph_at(unit.start), index.paragraph_at(max(unit.start, unit.end - 1))
        key = (pattern, first, last)
        got = self._near.get(key)
        if got is None:
            got = []
            if self._may_match(pattern):
                s, e = index.para_ranges[first][0], index.para_ranges[last][1]
                starts = self._starts_of_pattern(pattern)
                text, compiled = self.text_for(pattern), _compiled(pattern)
                if starts is None:
                    found = compiled.finditer(text, s, e)
                else:
                    lo, hi = bisect.bisect_left(starts, s), bisect.bisect_right(starts, e)
                    found = matches_at(compiled, text, starts[lo:hi])
                got = self._flagged(found)
            self._near[key] = got
        return got

    def _flagged(self, matches) -> list[tuple[int, int, bool]]:
        """(start, end, released) of the non-empty matches: a hit preceded by a releasing negation is flagged."""
        hints = negation.hint_starts(self.index)
        return [(m.start(), m.end(), negation.released(self.index, m.start(), hints))
                for m in matches if m.end() > m.start()]

    def _starts_of_pattern(self, pattern: str) -> list[int] | None:
        """phrase_starts of a phrase pattern's phrases, kept per document."""
        if pattern not in self._pattern_starts:
            self._pattern_starts[pattern] = phrase_starts(self._phrases_of[pattern], self.index.starts_of,
                                                          self.party_names)
        return self._pattern_starts[pattern]

    def node_pattern(self, key: str, arg: Any) -> str | None:
        """_node_pattern, memoised per formula node (rule formulas live as long as the rule set)."""
        got = self._node_patterns.get(id(arg))
        if got is None or got[0] is not arg or got[1] != key:
            pattern = _node_pattern(key, arg, self)
            if key == "regex" and pattern:  # literals it needs, tested on the whole text (lookarounds see it all)
                self._raw.add(pattern)
                needs = regex_needs(pattern)
                if needs is not None:
                    self._needs[pattern] = needs
            got = self._node_patterns[id(arg)] = (arg, key, pattern)
        return got[2]

    def candidates(self, formula: dict[str, Any], units: list[Unit]) -> list[Unit]:
        """The units (in order) where `formula` can hold: each holds a hit, negated or not, of one phrase of
        every clause of the formula's necessary condition (requirements.py); elsewhere it is false."""
        clauses = requirements(formula)
        if not clauses:
            return units
        tables = []
        for clause in clauses:
            spans: list[tuple[int, int, bool]] = []
            headed: set[int] = set()  # paragraphs whose heading satisfies an `inside` node of the clause
            for key, arg in clause:
                if key == "inside":
                    headed |= self._headed(arg)
                    continue
                pattern = self.node_pattern(key, arg)
                if pattern:
                    spans += self.hits(pattern)
            if not spans and not headed:
                return []
            if len(clause) > 1:
                spans.sort()
            tables.append((spans, [s for s, _, _ in spans], headed))
        by_hits = [t for t in tables if not t[2]]  # clauses met only by hits: their units can be listed
        holding = self._units_holding(min(by_hits, key=lambda t: len(t[0]))[0], units) if by_hits else None
        out = []
        for unit in units:
            if holding is not None and unit.start not in holding:
                continue
            for spans, starts, headed in tables:
                if unit.paragraph in headed:
                    continue
                i = bisect.bisect_left(starts, unit.start)
                while i < len(spans) and spans[i][0] <= unit.end and spans[i][1] > unit.end:
                    i += 1
                if i >= len(spans) or spans[i][0] > unit.end:
                    break
            else:
                out.append(unit)
        return out

    def _headed(self, arg: dict[str, Any]) -> set[int]:
        """The paragraphs under a heading that matches an `inside` node's phrases (what matcher._inside tests)."""
        got = self._headed_memo.get(id(arg))
        if got is None or got[0] is not arg:
            pattern = self.pattern_for(self.phrases(arg["heading"]))
            paragraphs: set[int] = set()
            if pattern:
                rx = _compiled(pattern)
                for heading, members in self._heading_groups().items():
                    if rx.search(heading):
                        paragraphs.update(members)
            got = self._headed_memo[id(arg)] = (arg, paragraphs)
        return got[1]

    def _heading_groups(self) -> dict[str, list[int]]:
        """Folded heading path -> the paragraphs under it; kept per document."""
        groups = self.index.memo.get("heading_groups")
        if groups is None:
            groups = {}
            for p in range(len(self.index.structure.paragraphs)):
                groups.setdefault(self.index.heading_text(p), []).append(p)
            self.index.memo["heading_groups"] = groups
        return groups

    def _units_holding(self, spans: list[tuple[int, int, bool]], units: list[Unit]) -> set[int] | None:
        """The starts of the units that hold one of `spans` (disjoint units: a start names one), found from the
        spans (far fewer than the units of a long contract); None when the units overlap (nested clauses),
        where each unit is tested instead."""
        key = id(units)
        got = self._by_start.get(key)
        if got is None or got[0] is not units:
            ordered = sorted(units, key=lambda u: (u.start, u.end))
            disjoint = all(a.end <= b.start for a, b in zip(ordered, ordered[1:]))
            got = self._by_start[key] = (units, ordered if disjoint else None, [u.start for u in ordered])
        _, ordered, starts = got
        if ordered is None:
            return None
        out: set[int] = set()
        for s, e, _ in spans:
            i = bisect.bisect_right(starts, s) - 1
            if i >= 0 and e <= ordered[i].end:
                out.add(ordered[i].start)
        return out

    def phrases(self, value: Any) -> list[str]:
        lang = self.index.lang
        if isinstance(value, dict):
            value = value.get(lang) or []
        return [value] if isinstance(value, str) else list(value)

    def pattern_for(self, phrases: list[str]) -> str | None:
        if not phrases:
            return None
        key = tuple(phrases)
        pattern = _alternation(key, self.party_regex.get("provider"), self.party_regex.get("client"),
                               self.party_regex)
        needs = _required_words(key)
        if needs is not None:
            self._needs[pattern] = needs
        self._phrases_of[pattern] = key
        return pattern


def _in(unit: Unit, spans: list[tuple[int, int, bool]], allow_negated: bool) -> list[Span]:
    return [(s, e) for s, e, neg in spans if s >= unit.start and e <= unit.end and (allow_negated or not neg)]


def _node_pattern(key: str, arg: Any, ctx: Context) -> str | None:
    """The regex a phrase / term / regex node searches for in this document's language."""
    if key == "phrase":
        return ctx.pattern_for(ctx.phrases(arg))
    if key == "term":
        names = [arg] if isinstance(arg, str) else arg
        phrases: list[str] = []
        for name in names:
            phrases += ctx.lexicon.get(name, {}).get(ctx.index.lang, [])
        return ctx.pattern_for(phrases)
    return arg.get(ctx.index.lang) if isinstance(arg, dict) else arg
