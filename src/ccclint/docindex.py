"""The searchable form of a document: one folded string for the whole contract, with the ranges
of its sentences, paragraphs and clauses, and the way back to the original text and location."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

from ccclint.extractors import IMMEDIACY_RE, Duration, Parties, durations, percents
from ccclint.model import Document, Location, Structure
from ccclint.normalize import Folded, fold

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[a-z0-9])")
_DEFINITION = re.compile(r"[\W\d]{0,8}\"[^\"]{1,60}\"[^.;:]{0,40}?\s(means|shall mean|has the meaning|designe(nt)?|signifie|s'entend)\b"
                         r"|[\W\d]{0,8}[\w' -]{1,40}\s?:\s?(designe|means)\b")
_ABBREV = re.compile(r"(?:\b(?:art|arts|al|n|no|nos|cf|e\.g|i\.e|p|pp|m|mm|mme|mr|mrs|dr|st|ste|inc|ltd|co|corp|"
                     r"etc|vs|viz|ch|sect|para|ss|seq|env|min|max|approx|op|ibid|chap|vol|fig|annex|ann|cl|reg|dir)|"
                     r"\b[a-z]|\d)\.$")


@dataclass(frozen=True)
class Unit:
    """A range of the folded text that a rule is evaluated on."""

    start: int
    end: int
    paragraph: int  # index into DocIndex.paragraphs of the first paragraph
    clause: int


class WordIndex:
    """Where each word of a folded text starts, from one pass over it: exact and prefix look-ups for the
    matcher (a regex is tried only where a word it can begin with starts) and cheap substring tests."""

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] = []
        self.where: dict[str, list[int]] = {}
        for m in _WORD.finditer(text):
            self.starts.append(m.start())
            self.where.setdefault(m.group(), []).append(m.start())
        self.vocabulary = sorted(self.where)
        self._looked_up: dict[str, list[int]] = {}  # prefix and symbol look-ups already made

    @cached_property
    def _vocabulary_text(self) -> str:
        return "\n".join(self.vocabulary)

    @cached_property
    def flat_text(self) -> str:
        """The text with its paragraph breaks made spaces, where a raw regex's needs are looked for
        (rawregex.regex_needs reads `\\s` as a space); same length, same offsets."""
        return self.text.replace("\n", " ")

    def contains(self, literal: str) -> bool:
        """`literal in flat_text`, looked for in the distinct words (a fraction of the text) when it is one word."""
        if _WORD.fullmatch(literal):
            return literal in self._vocabulary_text
        return literal in self.flat_text

    def starts_of(self, word: str, exact: bool) -> list[int]:
        """Where words equal to (or, not exact, beginning with) `word` start; unsorted across words.
        A symbol (phrases.LITERAL_CHAR + "@"): wherever it stands."""
        if word.startswith("\x00"):
            if word not in self._looked_up:
                self._looked_up[word] = [m.start() for m in re.finditer(re.escape(word[1:]), self.text)]
            return self._looked_up[word]
        if exact:
            return self.where.get(word, [])
        got = self._looked_up.get(word)
        if got is None:
            got = []
            vocab = self.vocabulary
            for i in range(bisect.bisect_left(vocab, word), len(vocab)):
                if not vocab[i].startswith(word):
                    break
                got += self.where[vocab[i]]
            self._looked_up[word] = got
        return got


@dataclass
class DocIndex:
    doc: Document
    structure: Structure
    text: str
    folded: list[Folded]
    para_ranges: list[tuple[int, int]]
    lang: str = "en"
    kind: str = "other"
    parties: Parties = field(default_factory=Parties)
    _ranked: dict[str, tuple[list[Unit], frozenset[Unit]]] = field(default_factory=dict, repr=False)
    memo: dict[str, dict] = field(default_factory=dict, repr=False)  # per-document caches of the matcher
    _marked: tuple[Parties, str, list[int]] | None = field(default=None, repr=False)
    _headings: dict[tuple[str, ...], str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, doc: Document, structure: Structure) -> "DocIndex":
        parts, folded, ranges = [], [], []
        pos = 0
        for p in structure.paragraphs:
            f = fold(p.block.text)
            folded.append(f)
            parts.append(f.text)
            ranges.append((pos, pos + len(f.text)))
            pos += len(f.text) + 1
        return cls(doc, structure, "\n".join(parts), folded, ranges)

    # ---- units -------------------------------------------------------------------------------
    @cached_property
    def sentences(self) -> list[Unit]:
        out = []
        for i, (s, e) in enumerate(self.para_ranges):
            clause = self.structure.paragraphs[i].clause
            start = s
            for m in _SENTENCE_END.finditer(self.text, s, e):
                if _ABBREV.search(self.text, max(s, m.start() - 8), m.start()):
                    continue
                if m.start() - start > 1:
                    out.append(Unit(start, m.start(), i, clause))
                start = m.end()
            if e > start:
                out.append(Unit(start, e, i, clause))
        return out

    @cached_property
    def paragraph_units(self) -> list[Unit]:
        return [Unit(s, e, i, self.structure.paragraphs[i].clause) for i, (s, e) in enumerate(self.para_ranges)]

    @cached_property
    def clause_units(self) -> list[Unit]:
        out = []
        for c in self.structure.clauses:
            if c.paragraphs:
                first, last = c.paragraphs[0], c.paragraphs[-1]
                out.append(Unit(self.para_ranges[first][0], self.para_ranges[last][1], first, c.index))
        return out

    @cached_property
    def document_unit(self) -> Unit:
        return Unit(0, len(self.text), 0, 0)

    def units(self, scope: str) -> list[Unit]:
        return {"sentence": self.sentences, "paragraph": self.paragraph_units, "clause": self.clause_units,
                "document": [self.document_unit]}[scope]

    def ranked_units(self, scope: str) -> tuple[list[Unit], frozenset[Unit]]:
        """The units of `scope` with titles and definitions moved last, and the set of those: a sentence or
        paragraph rule counts them only when no operative clause matches."""
        got = self._ranked.get(scope)
        if got is None:
            units = self.units(scope)
            fallback: frozenset[Unit] = frozenset()
            if scope in ("sentence", "paragraph"):
                fallback = frozenset(u for u in units if self.is_heading(u.paragraph) or self.is_definition(u.paragraph))
                units = [u for u in units if u not in fallback] + [u for u in units if u in fallback]
            got = self._ranked[scope] = (units, fallback)
        return got

    def clause_of(self, unit: Unit) -> Unit:
        c = self.structure.clauses[unit.clause]
        if not c.paragraphs:
            return unit
        return Unit(self.para_ranges[c.paragraphs[0]][0], self.para_ranges[c.paragraphs[-1]][1], c.paragraphs[0], c.index)

    # ---- positions ---------------------------------------------------------------------------
    @cached_property
    def _para_starts(self) -> list[int]:
        return [s for s, _ in self.para_ranges]

    def paragraph_at(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self._para_starts, pos) - 1)

    @cached_property
    def words(self) -> "WordIndex":
        return WordIndex(self.text)

    @property
    def word_starts(self) -> list[int]:
        return self.words.starts

    @property
    def party_text(self) -> str:
        """The folded text with each defined party name overwritten, character for character, by \x01
        (provider), \x02 (client) or \x03 (both): offsets stay those of `text` (see engine.PARTY_MARKS)."""
        if self._marked is None or self._marked[0] is not self.parties:
            self._marked = (self.parties, *self._mark_parties())
        return self._marked[1]

    @property
    def party_starts(self) -> list[int]:
        """Where the marked party names start."""
        self.party_text  # noqa: B018 (computes the marks)
        return self._marked[2]  # type: ignore[index]

    def _mark_parties(self) -> tuple[str, list[int]]:
        from ccclint.phrases import compile_phrase, matches_at, phrase_starts

        roles = {"\x01": set(self.parties.provider), "\x02": set(self.parties.client)}
        both = roles["\x01"] & roles["\x02"]
        groups = {"\x03": both, "\x01": roles["\x01"] - both, "\x02": roles["\x02"] - both}
        none = {"provider": "(?!)", "client": "(?!)"}
        alts = [f"(?P<m{ord(mark)}>" + "|".join(sorted((compile_phrase(n, none) for n in names), key=lambda a: (-len(a), a))) + ")"
                for mark, names in groups.items() if names]
        if not alts:
            return self.text, []
        pieces, starts, last = [], [], 0
        combined = re.compile("|".join(alts))
        where = phrase_starts(tuple(n for names in groups.values() for n in sorted(names)), self.words.starts_of)
        found = combined.finditer(self.text) if where is None else matches_at(combined, self.text, where)
        for m in found:  # tried only where a name's first word starts (a scan cost ~10 ms on 80 pages)
            if m.end() == m.start():
                continue
            pieces += [self.text[last:m.start()], chr(int(m.lastgroup[1:])) * (m.end() - m.start())]  # type: ignore[index]
            starts.append(m.start())
            last = m.end()
        return "".join(pieces) + self.text[last:], starts

    def contains(self, literal: str) -> bool:
        return self.words.contains(literal)

    def starts_of(self, word: str, exact: bool) -> list[int]:
        """WordIndex.starts_of, plus "{party}": where a marked party name starts (see party_text)."""
        if word == "{party}":
            return self.party_starts
        return self.words.starts_of(word, exact)

    def word_index(self, pos: int) -> int:
        return bisect.bisect_right(self.word_starts, pos)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [u.start for u in self.sentences]

    def sentence_at(self, pos: int) -> Unit:
        i = max(0, bisect.bisect_right(self._sentence_starts, pos) - 1)
        return self.sentences[i]

    @cached_property
    def durations(self) -> list[Duration]:
        return durations(self.text)

    @cached_property
    def immediacy(self) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in IMMEDIACY_RE.finditer(self.text)]

    @cached_property
    def percents(self) -> list[tuple[int, int, float]]:
        return percents(self.text)

    def is_definition(self, paragraph: int) -> bool:
        """'"Report" means …' / '« Données » désigne …': a definition states no obligation."""
        s, e = self.para_ranges[paragraph]
        return bool(_DEFINITION.match(self.text, s, min(e, s + 120)))

    def is_heading(self, paragraph: int) -> bool:
        p = self.structure.paragraphs[paragraph]
        return p.block.kind == "heading" or p.heading == p.block.text.strip()

    def heading_text(self, paragraph: int) -> str:
        p = self.structure.paragraphs[paragraph]
        key = tuple(p.heading_path)
        got = self._headings.get(key)
        if got is None:
            got = self._headings[key] = fold(" / ".join(key)).text
        return got

    # ---- evidence ----------------------------------------------------------------------------
    def location(self, paragraph: int) -> Location:
        p = self.structure.paragraphs[paragraph]
        return Location(p.block.page, p.index, p.section, p.heading, p.block.line)

    def _with_list(self, para: int, text: str, limit: int) -> str:
        """`text` followed by the items of the list it introduces, until an item ends a sentence."""
        nxt = para + 1
        while len(text) < limit and nxt < len(self.para_ranges) and not self.is_heading(nxt):
            item = " ".join(self.structure.paragraphs[nxt].block.text.split())
            text += " " + item
            nxt += 1
            if item.endswith((".", "!", "?")):
                break
        return text[:limit].rstrip() + ("…" if len(text) > limit else "")

    def quote(self, start: int, end: int, limit: int = 400, paragraph: bool = False,
              focus: int | None = None) -> tuple[str, int]:
        """Original text of the sentence(s) covering folded [start, end), or of their whole paragraph; a quote
        longer than `limit` is cut around `focus` (default: start). Returns (quote, paragraph)."""
        para = self.paragraph_at(start)
        ps, pe = self.para_ranges[para]
        s_unit = self.sentence_at(start)
        e_unit = self.sentence_at(max(start, min(end, pe) - 1))
        qs, qe = max(ps, s_unit.start), min(pe, max(e_unit.end, s_unit.end))
        if paragraph:
            qs, qe = ps, pe
        f = self.folded[para]
        original = self.structure.paragraphs[para].block.text
        if qe <= qs:
            return original[:limit], para
        a, b = f.original_span(qs - ps, qe - ps)
        text = " ".join(original[a:b].split())
        if text.endswith(":"):  # "The Supplier shall:" says nothing without the list that follows
            text = self._with_list(para, text, limit)
        elif self.is_heading(para) and para + 1 < len(self.para_ranges) and not self.is_heading(para + 1):
            # a title alone says nothing either: its first paragraph with it
            text = self._with_list(para, text, limit)
        if len(text) > limit:
            # keep the part around the match
            anchor = start if focus is None or not ps <= focus < pe else focus
            ma, _ = f.original_span(anchor - ps, anchor - ps + 1)
            offset = max(0, min(ma - a - limit // 3, len(text) - limit))
            text = ("…" if offset else "") + text[offset:offset + limit].strip() + "…"
        return text, para
