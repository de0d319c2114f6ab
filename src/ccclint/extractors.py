"""Typed values found in folded text: numbers written in words, durations (to hours), immediacy
phrases, percentages, and the parties' defined names. Pure functions over folded strings."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS_FR = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}
_UNITS_EN = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALE = {"cent": 100, "cents": 100, "hundred": 100, "mille": 1000, "thousand": 1000}
_WORDS = {**_UNITS_FR, **_UNITS_EN, **_SCALE}
NUMBER_WORD_LIST = tuple(sorted(_WORDS))
_WORD_ALT = "|".join(sorted(_WORDS, key=len, reverse=True))
NUMBER_WORDS = rf"(?:(?:{_WORD_ALT})(?:(?:-| |-et-| et | and |-and-)(?:{_WORD_ALT}))*)"
NUMBER = rf"(?:\d+(?:[.,]\d+)?|{NUMBER_WORDS})"


def words_to_number(text: str) -> int | None:
    """'quarante-huit' -> 48, 'quatre-vingt-seize' -> 96, 'seventy-two' -> 72."""
    tokens = [t for t in re.split(r"[\s-]+", text.strip()) if t and t not in ("et", "and")]
    if not tokens or any(t not in _WORDS for t in tokens):
        return None
    total, current = 0, 0
    for t in tokens:
        if t in ("cent", "cents", "hundred"):
            current = max(current, 1) * 100
        elif t in ("mille", "thousand"):
            total += max(current, 1) * 1000
            current = 0
        elif t in ("vingt", "vingts") and current % 100 == 4:
            current += 76  # quatre-vingt(s) = 80
        else:
            current += _WORDS[t]
    return total + current


def to_number(text: str) -> float | None:
    text = text.strip()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    value = words_to_number(text)
    return float(value) if value is not None else None


_UNIT_HOURS = [
    (r"heures?|hours?|hrs?|h", 1.0), (r"jours?|days?|j", 24.0), (r"semaines?|weeks?", 168.0),
    (r"mois|months?", 720.0), (r"minutes?|mins?|mn", 1 / 60), (r"secondes?|seconds?|secs?|s", 1 / 3600),
    (r"ans|annees?|years?", 8760.0),
]
_UNIT_RE = "|".join(u for u, _ in _UNIT_HOURS)
DURATION_RE = re.compile(
    rf"(?<![\w.,/])(?P<num>{NUMBER})(?:\s*\(\s*(?P<alt>[^()]{{1,40}})\s*\))?\s*"
    rf"(?P<pre>(?:business|working|calendar|clear)\s+)?(?P<unit>{_UNIT_RE})(?!\w)"
    rf"(?:\s+(?P<post>ouvre(?:e)?s|ouvrables|calendaires|francs|pleins|ouvre))?"
)
IMMEDIACY_RE = re.compile(
    r"\b(sans (?:aucun )?delai(?: injustifie)?|sans retard (?:injustifie|indu)|immediatement|dans les meilleurs delais|"
    r"dans les plus brefs delais|des que possible|dans un delai raisonnable|promptement|sans tarder|"
    r"without (?:undue |unreasonable )?delay|promptly|immediately|forthwith|as soon as (?:reasonably )?(?:practicable|possible)|"
    r"within a reasonable (?:time|period)|in a timely (?:manner|fashion)|expeditiously|without unreasonable delay|"
    r"rapidement|diligemment|au plus vite|sans attendre|at once)\b"
)
PERCENT_RE = re.compile(rf"(?<![\w.,])(?P<num>{NUMBER})(?:\s*\(\s*(?P<alt>\d+(?:[.,]\d+)?)\s*%?\s*\))?\s*(?:%|pour ?cent|percent|per cent)")


@dataclass(frozen=True)
class Duration:
    start: int
    end: int
    value: float
    unit: str
    hours: float
    business: bool

    @property
    def worst_hours(self) -> float:
        """Hours in the worst case: business days straddle weekends (2 business days can be 96 h)."""
        if self.business and self.unit.startswith(("jour", "day", "j")):
            days = self.value + 2 * ((int(self.value) + 4) // 5)
            return days * 24
        if self.business and self.unit.startswith(("h", "heure", "hour")):
            return self.hours + 48 * ((int(self.value) + 7) // 8 // 5 + 1)
        return self.hours


def durations(text: str, start: int = 0, end: int | None = None) -> list[Duration]:
    """Every duration in text[start:end] (folded text), converted to hours."""
    out = []
    for m in DURATION_RE.finditer(text, start, len(text) if end is None else end):
        value = to_number(m.group("num"))
        alt = m.group("alt")
        if alt:
            alt_value = to_number(alt)
            if alt_value is not None and (value is None or not m.group("num")[0].isdigit()):
                value = alt_value
        if value is None:
            continue
        unit = m.group("unit")
        if unit in ("s", "h", "j") and not m.group("num")[0].isdigit():
            continue
        if unit == "s" and not re.match(r"\d", m.group("num")):
            continue
        factor = next(f for u, f in _UNIT_HOURS if re.fullmatch(u, unit))
        business = bool((m.group("pre") or "").strip() in ("business", "working")
                        or (m.group("post") or "").startswith(("ouvre", "ouvrables")))
        out.append(Duration(m.start(), m.end(), value, unit, value * factor, business))
    return out


def percents(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, float]]:
    out = []
    for m in PERCENT_RE.finditer(text, start, len(text) if end is None else end):
        value = to_number(m.group("alt") or m.group("num"))
        if value is not None:
            out.append((m.start(), m.end(), value))
    return out


# ---- parties -----------------------------------------------------------------------------------

_DEFINED_FR = re.compile(
    r"ci-?\s?apres\s+(?:denomme(?:e)?s?|designe(?:e)?s?|appele(?:e)?s?|nomme(?:e)?s?)?\s*:?\s*"
    r"(?:\"\s*)?(?:le |la |l'|les )?(?:\"\s*)?(?P<name>[\w'&. -]{2,40}?)\s*\""
)
_DEFINED_EN = re.compile(
    r"(?:\(|,)\s*(?:hereinafter\s+)?(?:(?:referred\s+to|defined)\s+as\s+)?(?:the\s+)?\"(?P<name>[\w'&. -]{2,40}?)\"\s*(?:\)|,)"
    r"|hereinafter\s+(?:referred\s+to\s+as\s+)?(?:the\s+)?\"(?P<name2>[\w'&. -]{2,40}?)\""
)


_ROLE_IN_PARENS = re.compile(
    r"(?P<name>[\w'&.-]+(?: [\w'&.-]+){0,3}) \((?P<role>sous-traitant|responsable (?:du|de) traitement|processor|controller|"
    r"prestataire|client|supplier|customer)\)")


@dataclass(frozen=True)
class Parties:
    """Folded names that designate each side: role words plus the names defined in the preamble."""

    provider: tuple[str, ...] = ()
    client: tuple[str, ...] = ()


def find_parties(paragraphs: list[tuple[str, str]], provider_words: set[str], client_words: set[str]) -> Parties:
    """paragraphs: (original, folded) pairs, preamble first. Defined names ("ci-après « le Prestataire »",
    (the "Supplier")) are sorted by role; a company name defined as a party joins that party's names."""
    provider: list[str] = []
    client: list[str] = []
    for idx, (orig, folded) in enumerate(paragraphs[:80]):
        found = [(m.start(), m.end(), m.group("name")) for m in _finditer(_DEFINED_FR, folded, '"', "apres")]
        found += [(m.start(), m.end(), m.group("name") or m.group("name2"))
                  for m in _finditer(_DEFINED_EN, folded, '"')]
        for m in _finditer(_ROLE_IN_PARENS, folded, " ("):  # "Entre Acme (sous-traitant) et ..."
            name = re.sub(r"^(?:(?:entre|between|et|and|la|le|les|l'|the)\s+)+", "", m.group("name"))
            role = _role(m.group("role"), provider_words, client_words)
            if role and name not in provider_words | client_words and len(name) >= 3:
                (provider if role == "provider" else client).append(name)
        origin = _origin(orig, folded) if found else None
        seg_start = 0  # the company a definition names is the first one after the previous definition
        for start, end, name in sorted(found):
            cut = origin[start] if origin else len(orig)
            segment = orig[seg_start:cut] if origin else orig
            entity = _entity_name(segment) or (_entity_name(paragraphs[idx - 1][0]) if idx and not seg_start else None)
            if origin:
                seg_start = origin[end - 1] + 1
            name = name.strip(" .'-")
            if not name or len(name) > 40:
                continue
            role = _role(name, provider_words, client_words)
            if role is None:
                continue
            target = provider if role == "provider" else client
            if name not in provider_words and name not in client_words:
                target.append(name)
            if entity and entity not in provider + client and len(entity) >= 3:
                target.append(entity)
    return Parties(tuple(dict.fromkeys(provider)), tuple(dict.fromkeys(client)))


def _finditer(pattern: re.Pattern[str], text: str, *needed: str):
    """pattern.finditer(text), skipped when `text` lacks a string every match holds (most paragraphs do)."""
    return pattern.finditer(text) if all(n in text for n in needed) else ()


def _origin(original: str, folded: str) -> tuple[int, ...] | None:
    """Offsets of the folded characters in the original, when `folded` is fold(original)."""
    from ccclint.normalize import fold

    f = fold(original)
    return f.origin if f.text == folded else None


def _role(name: str, provider_words: set[str], client_words: set[str]) -> str | None:
    words = set(name.split())
    if name in provider_words or words & provider_words:
        return "provider"
    if name in client_words or words & client_words:
        return "client"
    return None


_ENTITY = re.compile(r"\b([A-Z][A-Z0-9&'’\-]{2,}(?:\s+[A-Z][A-Z0-9&'’\-]+){0,3})\b")
_NOT_ENTITY = {"ENTRE", "ET", "BETWEEN", "AND", "PARTIES", "SAS", "SA", "SARL", "LIMITED", "LTD", "GMBH", "INC", "LLC",
               "RCS", "THE", "IL", "CECI", "PAR", "PLC", "SASU", "EURL", "SNC", "EUR"}


def _entity_name(original: str) -> str | None:
    from ccclint.normalize import fold_text

    for m in _ENTITY.finditer(original):
        words = [w for w in m.group(1).split() if w.upper() not in _NOT_ENTITY]
        if words and len(" ".join(words)) >= 3:
            return fold_text(" ".join(words))
    return None
