"""Phrase syntax -> regular expressions on folded text, with the literal words each phrase needs.

Lawyers write phrases (`notifi*`, `responsable (du|de) traitement`, `[N] jours`, `{provider}`); this
module turns them into regexes once and remembers them across documents, and tells the matcher which
literal words a match must contain so it can skip paragraphs that cannot match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ccclint import regexcache
from ccclint.extractors import NUMBER, NUMBER_WORD_LIST
from ccclint.normalize import fold_char

_SPACE = r"[^\S\n]+"  # spaces inside a paragraph: a phrase never runs across two paragraphs


def compile_phrase(phrase: str, parties: dict[str, str]) -> str:
    """Lawyer-readable phrase -> regex on folded text (memoised: the same phrases recur in every document)."""
    if "{" not in phrase:  # no party placeholder: the result does not depend on the parties
        return _compile_cached(phrase, None, None)
    if "provider" in parties and "client" in parties:
        return _compile_cached(phrase, parties["provider"], parties["client"])
    return _compile_phrase(phrase, parties)


@lru_cache(maxsize=16384)
def _compile_cached(phrase: str, provider: str | None, client: str | None) -> str:
    """Kept on disk too (regexcache.derived): compiling the packs' ~2,500 phrases is most of a fresh process's
    first check."""
    return regexcache.derived("phrase", (phrase, provider, client), _compile_key)


def _compile_key(key: tuple[str, str | None, str | None]) -> str:
    phrase, provider, client = key
    return _compile_phrase(phrase, {"provider": provider, "client": client} if provider is not None else {})


def _compile_phrase(phrase: str, parties: dict[str, str]) -> str:
    """Lawyer-readable phrase -> regex on folded text.

    Literal words (accents, case and apostrophes ignored); `*` continues a word (notifi* = notifie,
    notification); `...` a gap of up to 8 words; `(a|b)` alternatives, `(x)?` optional; `[N]` a
    number in digits or words; `{provider}` / `{client}` any name of that party.
    """
    out: list[str] = []
    i = 0
    text = phrase.strip()
    lead_space = _optional_groups_after_space(text)
    close_at = -1
    while i < len(text):
        ch = text[i]
        if ch == " " and i + 1 in lead_space:  # "word (x|y)?" at the end: the space belongs to the optional part
            out.append(r"(?:[^\S\n]+(?:")
            close_at = lead_space[i + 1]
            i += 2
            continue
        if ch == ")" and i == close_at:
            out.append("))")
            i += 1
            continue
        if text.startswith("...", i) or ch == "…":
            while out and out[-1] == _SPACE:
                out.pop()
            out.append(r"(?:[^\w\n]+\w+){0,8}?[^\w\n]+")
            i += 3 if ch == "." else 1
            while i < len(text) and text[i] == " ":
                i += 1
            continue
        if text.startswith("[N]", i):
            out.append(NUMBER)
            i += 3
            continue
        m = re.match(r"\{(provider|client)\}", text[i:])
        if m:
            out.append(parties[m.group(1)])
            i += m.end()
            continue
        if ch == "\\" and i + 1 < len(text):  # \( \) \? \* ... : the next character literally
            out.append(re.escape(fold_char(text[i + 1])))
            i += 2
            continue
        if ch == "?" and out and out[-1] == _SPACE:  # "a ?b": an optional space, not a lazy one
            out[-1] = r"[^\S\n]*"
        elif ch == "*":
            out.append(r"\w*")
        elif ch == " ":
            if not out or out[-1] != _SPACE:
                out.append(_SPACE)
        elif ch == "'":
            out.append(r"'[^\S\n]?")
        elif ch == "-":
            out.append(r"[^\S\n-]?-?[^\S\n]?")
        elif ch == "(":
            out.append("(?:")
        elif ch in ")|?":
            out.append(ch)
        else:
            out.append(re.escape(fold_char(ch)))
        i += 1
    body = "".join(out)
    start = r"(?<!\w)" if re.match(r"[\w(\[{]", text) else ""
    end = r"(?!\w)" if text[-1:].isalnum() or text.endswith((")", "?", "]", "}")) else ""
    return start + body + end


def _optional_groups_after_space(text: str) -> dict[int, int]:
    """'(' index -> ')' index of an optional group between spaces: 'finalites (du traitement)?', 'a (b)? c'.
    The space before the group belongs to it, so the phrase matches with or without the group."""
    out: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(" and (i == 0 or text[i - 1] != "\\"):
            stack.append(i)
        elif ch == ")" and stack and text[i - 1] != "\\":
            start = stack.pop()
            follows = text[i + 1:i + 3]
            if start > 0 and text[start - 1] == " " and text[i - 1] != " " and follows in ("?", "? "):
                out[start] = i
    return out


@lru_cache(maxsize=16384)
def _required_words(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
    """Per phrase, folded literal runs every match must contain; None when a phrase has none (no pre-check)."""
    out = []
    for p in phrases:
        words = _literal_runs(p)
        if not words:
            return None
        out.append(words)
    return tuple(out)


def _literal_runs(phrase: str) -> tuple[str, ...]:
    """Literal letter runs outside groups, in phrase syntax (see compile_phrase); () when unsure."""
    return regexcache.derived("literal-runs", phrase, _read_literal_runs)


def _read_literal_runs(phrase: str) -> tuple[str, ...]:
    text = phrase.strip()
    runs: list[str] = []
    cur = ""
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth <= 0:
            return ()  # a top-level alternative: nothing is required
        elif ch == "?" and depth <= 0:
            cur = cur[:-1]  # "s?" makes the letter before optional
        elif ch == "\\":
            i += 1  # an escaped character: end the run, skip it
        elif depth <= 0 and ch.isalnum():
            folded = fold_char(ch)
            if folded.isalnum():
                cur += folded
                i += 1
                continue
        if cur:
            runs.append(cur)
        cur = ""
        if ch == "[" or ch == "{":  # [N], {provider}: skip to the closing bracket
            close = text.find("]" if ch == "[" else "}", i)
            i = close if close > i else i
        i += 1
    if cur:
        runs.append(cur)
    if depth != 0:
        return ()
    return tuple(r for r in runs if len(r) >= 2)


# ---- where a match can start ------------------------------------------------------------------------
# A phrase that begins with a literal word can only match where a word of the text begins with it: the
# matcher looks those words up in the document's word index and tries the regex there only, instead of
# scanning every character. `First` entries: (word, exact) — exact when the phrase's first word ends there,
# otherwise a prefix ("notifi*", "sous-traitant" which also matches "soustraitant"); "{provider}" /
# "{client}" stand for the parties' names, resolved per document.
First = tuple[str, bool]
LITERAL_CHAR = "\x00"  # First entry for a phrase opening on a symbol: "\x00@" = every "@" of the text
_NUMBER_FIRSTS = tuple((w, False) for w in (*"0123456789", *NUMBER_WORD_LIST))


@lru_cache(maxsize=16384)
def first_words(phrase: str) -> frozenset[First] | None:
    """The words a match of `phrase` can begin with; None when the phrase may start elsewhere (punctuation,
    an escaped character...), so the caller scans the whole text."""
    return regexcache.derived("first-words", phrase, _read_first_words)


def _read_first_words(phrase: str) -> frozenset[First] | None:
    got = _firsts(phrase.strip())
    return None if got is None or got[1] else frozenset(got[0])


def phrase_starts(phrases: tuple[str, ...] | list[str], starts_of, names: dict[str, list[str]] | None = None) -> list[int] | None:
    """Ascending positions where a match of one of `phrases` can begin, from a word index
    (`starts_of(word, exact)`, see DocIndex.starts_of); None when unknown: scan the whole text."""
    words: set[First] = set()
    for phrase in phrases:
        firsts = first_words(phrase)
        if firsts is None:
            return None
        for word, exact in firsts:
            if word.startswith("{"):  # {provider} / {client}: a role word, or a name marked in the party text
                found = [first_words(n) for n in (names or {}).get(word[1:-1]) or ()]
                if not found or any(f is None for f in found):
                    return None
                words.update(w for f in found for w in f)  # type: ignore[union-attr]
                words.add(("{party}", False))
            else:
                words.add((word, exact))
    starts: set[int] = set()
    for word, exact in words:
        starts.update(starts_of(word, exact))
    return sorted(starts)


def matches_at(compiled: re.Pattern[str], text: str, starts: list[int]):
    """The non-empty matches `compiled.finditer(text)` gives, when they can only begin at `starts`."""
    last = 0
    for pos in starts:
        if pos < last:
            continue
        m = compiled.match(text, pos)
        if m is not None and m.end() > pos:
            last = m.end()
            yield m


def _firsts(text: str) -> tuple[set[First], bool] | None:
    """(first words, whether the phrase can match the empty string) of phrase syntax `text`."""
    if not text:
        return set(), True
    ch = text[0]
    if fold_char(ch).isalnum():
        run = ""
        i = 0
        while i < len(text) and fold_char(text[i]).isalnum():
            run += fold_char(text[i])
            i += 1
        nxt = text[i:i + 1]
        if nxt == "?":  # "audits?": the last letter is optional
            run = run[:-1]
            return ({(run, False)}, False) if run else None
        return {(run, nxt in ("", " ", "'", ")", "|"))}, False
    if text.startswith("[N]"):
        return set(_NUMBER_FIRSTS), False
    for role in ("provider", "client"):
        if text.startswith("{%s}" % role):
            return {("{%s}" % role, False)}, False
    if ch not in "()[]{}*?|\\ '-.…" and not fold_char(ch).strip() == "" and len(fold_char(ch)) == 1:
        return {(LITERAL_CHAR + fold_char(ch), False)}, False  # "@", "%", "€": wherever that character is
    if ch != "(":
        return None
    close = _closing(text)
    if close < 0:
        return None
    rest = text[close + 1:]
    optional = rest.startswith("?")
    rest = rest[1:] if optional else rest
    glued = rest[:1] not in ("", " ", "'", ")", "|")  # "(re)?vis*", "(a|b)c": the group starts a longer word
    out: set[First] = set()
    empty = optional
    for alt in _split_top(text[1:close]):
        got = _firsts(alt)
        if got is None:
            return None
        out |= {(w, False) for w, _ in got[0]} if glued and not alt.endswith((" ", "'")) else got[0]
        empty = empty or got[1]
    if empty:
        got = _firsts(rest.lstrip(" "))
        if got is None:
            return None
        out |= got[0]
        empty = got[1]
    return out, empty


def _closing(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "\\":
            return -1  # escaped characters inside groups: not worth the bookkeeping
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            return i
    return -1


def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    return parts + [cur]


@lru_cache(maxsize=4096)
def _alternation_cached(phrases: tuple[str, ...], provider: str | None, client: str | None) -> str:
    parties = {"provider": provider, "client": client}
    return "|".join(f"(?:{compile_phrase(p, parties)})" for p in phrases)


def _alternation(phrases: tuple[str, ...], provider: str | None, client: str | None, parties: dict[str, str]) -> str:
    """One regex for a lexicon entry, cached across documents keyed on (phrases, party regexes)."""
    if provider is None or client is None:
        return "|".join(f"(?:{compile_phrase(p, parties)})" for p in phrases)
    return _alternation_cached(phrases, provider, client)


@lru_cache(maxsize=2048)
def _compiled(pattern: str) -> re.Pattern[str]:
    """Compiled patterns outlive re's own 512-entry cache, which a full rule set overflows. Bounded:
    patterns naming a document's parties differ per document, and a batch must not grow without end."""
    return regexcache.compile(pattern)
