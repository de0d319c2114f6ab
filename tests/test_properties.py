"""Property-based tests (hypothesis): the pure stages never raise on arbitrary text and keep their invariants.

Examples stay few (max_examples 60-150) so the suite stays fast; the alphabet mixes contract vocabulary,
accents, typographic marks and control characters so the interesting branches are reached.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ccclint.docindex import DocIndex
from ccclint.engine import context
from ccclint.extractors import durations, find_parties, percents, to_number, words_to_number
from ccclint.matcher import compile_phrase, evaluate_rule
from ccclint.rawregex import reach_in, regex_first_chars, regex_needs, regex_reach
from ccclint.model import Block, Document
from ccclint.normalize import _fold_chars, fold, fold_text
from ccclint.packs.model import Rule, Signal
from ccclint.parsers.text import parse_string
from ccclint.segment import structure

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = ["48", "72", "24", "heures", "hours", "jours ouvrés", "business days", "quarante-huit", "seventy-two", "(72)",
         "%", "pour cent", "99,5", "1.5", "délai", "sans", "notifie", "Client", "Prestataire", "violation",
         "de données", "Article 5", "5.2", "ANNEXE", "a)", "-", "–", "«", "»", "’", "\u00a0", "\n", "\n\n", "#", "|",
         "œ", "ﬁ", "ß", "İ", "Ⅻ", "٣", "\u0301", "\u200b", "\x00", "\t", "...", "*", "(", ")", "[N]", "?", "\\", "."]
contract_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=40).map(" ".join)
any_text = st.one_of(st.text(max_size=200), contract_text)


# ---- normalise ----------------------------------------------------------------------------------------

@FAST
@given(any_text)
def test_folded_offsets_map_back_inside_the_original(text):
    f = fold(text)
    assert len(f.origin) == len(f.text)
    assert all(0 <= o < len(text) for o in f.origin)
    assert list(f.origin) == sorted(f.origin)
    for start in range(0, len(f.text), 7):  # any folded span maps to a non-empty span of the original
        a, b = f.original_span(start, start + 5)
        assert 0 <= a < b <= len(text)


@FAST
@given(any_text)
def test_fast_fold_equals_the_character_loop(text):
    assert fold(text) == _fold_chars(text)


@FAST
@given(any_text)
def test_fold_is_idempotent_on_its_output(text):
    once = fold_text(text)
    assert fold_text(once) == once
    assert "  " not in once and once == once.strip(" ")


# ---- extractors ---------------------------------------------------------------------------------------

@FAST
@given(any_text)
def test_extractors_never_raise(text):
    folded = fold_text(text)
    for d in durations(folded):
        assert 0 <= d.start < d.end <= len(folded)
        assert d.hours >= 0 and d.worst_hours >= d.hours
    for start, end, value in percents(folded):
        assert 0 <= start < end <= len(folded) and value >= 0
    to_number(folded)
    words_to_number(folded)


@SLOW
@given(st.lists(any_text, max_size=5))
def test_find_parties_never_raises(paragraphs):
    find_parties([(p, fold_text(p)) for p in paragraphs], {"prestataire", "supplier"}, {"client", "customer"})


# ---- segmentation -------------------------------------------------------------------------------------

block = st.builds(Block, text=any_text, kind=st.sampled_from(["heading", "paragraph", "item", "row"]),
                  level=st.integers(0, 12), number=st.one_of(st.none(), st.sampled_from(["1", "5.2", "a", "IV", ""])))


@SLOW
@given(st.lists(block, max_size=15))
def test_segmentation_gives_every_block_a_paragraph(blocks):
    s = structure(Document("x.txt", "text", blocks))
    assert [p.block for p in s.paragraphs] == blocks
    assert [p.index for p in s.paragraphs] == list(range(1, len(blocks) + 1))
    assert sorted(i for c in s.clauses for i in c.paragraphs) == list(range(len(blocks)))
    assert all(0 <= p.clause < len(s.clauses) for p in s.paragraphs)


@SLOW
@given(any_text)
def test_markdown_text_always_segments(text):
    doc = parse_string(text)
    s = structure(doc)
    assert len(s.paragraphs) == len(doc.blocks)


# ---- matcher ------------------------------------------------------------------------------------------

NO_PARTIES = {"provider": "(?!)", "client": "(?!)"}


@FAST
@given(st.one_of(st.text(max_size=30), st.lists(st.sampled_from(WORDS + ["{provider}", "{client}", "l'", "x"]),
                                                 max_size=8).map(" ".join)))
def test_compile_phrase_compiles_or_raises_a_clean_error(phrase):
    try:
        pattern = compile_phrase(phrase, NO_PARTIES)
        compiled = re.compile(pattern)
    except re.error:
        return  # the one clean failure: an unbalanced group; anything else is a bug
    compiled.search(fold_text("Le Prestataire notifie le Client sans délai de 48 heures."))


LEXICON = {
    "provider": {"fr": ["prestataire"], "en": ["supplier"]},
    "client": {"fr": ["client"], "en": ["customer"]},
    "breach": {"fr": ["violation* de donnees"], "en": ["data breach*"]},
    "notify": {"fr": ["notifi*", "inform*"], "en": ["notif*"]},
}
RULE = Rule(
    id="TST-PROP", pack="test", title={"fr": "t", "en": "t"}, severity={"missing": "error", "weak": "warning"},
    references=({"cite": "x"},), fix={"fr": "f", "en": "f"}, scope="clause",
    match={"all": [{"term": "breach"}, {"near": {"within": 20, "of": [{"term": "notify"}, {"phrase": "{client}"}]}},
                   {"not": {"regex": "cnil.{0,40}72"}}]},
    weak=(Signal("slow", {"fr": "{hours} h", "en": "{hours} h"}, "unit", {"deadline": {"max_hours": 48}}),
          Signal("none", {"fr": "x", "en": "x"}, "unit", {"deadline": {"absent": True}}),
          Signal("low", {"fr": "x", "en": "x"}, "unit", {"percent": {"min": 90}})),
)


@SLOW
@given(any_text, st.sampled_from(["fr", "en"]), st.sampled_from(["sentence", "paragraph", "clause", "document"]))
def test_evaluating_a_rule_on_arbitrary_text_never_raises(text, lang, scope):
    doc = parse_string("Le Prestataire notifie au Client toute violation de données.\n\n" + text)
    index = DocIndex.build(doc, structure(doc))
    index.lang = lang
    index.parties = find_parties([(p.block.text, f.text) for p, f in zip(index.structure.paragraphs, index.folded)],
                                 {"prestataire", "supplier"}, {"client", "customer"})
    ctx = context(index, LEXICON)
    result = evaluate_rule(Rule(**{**RULE.__dict__, "scope": scope}), ctx)
    assert result.status in ("present", "weak", "missing")


# ---- the matcher's shortcuts find exactly what a full scan finds ----------------------------------------

PHRASE_PARTS = ["notifi*", "violation", "de", "donnees", "(du|de)", "(les )?", "sous-traitant", "l'", "[N]", "heures",
                "{provider}", "{client}", "...", "audits?", "(re)?vis*", "client", "x", "@", "(a|)b", "quarante-huit"]


def _index(text: str) -> DocIndex:
    doc = parse_string(text)
    index = DocIndex.build(doc, structure(doc))
    index.lang = "fr"
    index.parties = find_parties([(p.block.text, f.text) for p, f in zip(index.structure.paragraphs, index.folded)],
                                 {"prestataire"}, {"client"})
    return index


@SLOW
@given(st.lists(st.lists(st.sampled_from(PHRASE_PARTS), min_size=1, max_size=4).map(" ".join), min_size=1,
                max_size=3), any_text)
@example(["{provider}"], "\x03")  # the party-name marks must not be forgeable by the text itself
@example(["[N]"], "\u0660")  # an Arabic-Indic zero: `\d` matched it, the word index's digits did not (now folded to 0)
def test_word_index_matches_equal_a_full_scan(phrases, text):
    index = _index("Le Prestataire notifie au Client toute violation de données sous 48 heures.\n\n" + text)
    ctx = context(index, LEXICON)
    try:
        pattern = ctx.pattern_for(phrases)
        full = [(m.start(), m.end()) for m in re.finditer(pattern, ctx.text_for(pattern)) if m.end() > m.start()]
    except re.error:
        return
    assert [(s, e) for s, e, _ in ctx.hits(pattern)] == full
    from unittest import mock

    from ccclint import context as context_module

    with mock.patch.object(context_module, "_MANY_STARTS", 0), mock.patch.object(context_module, "_NARROW_RATIO", 0):
        # starts narrowed to paragraphs, however few
        ctx = context(_index("Le Prestataire notifie au Client toute violation de données sous 48 heures.\n\n" + text),
                      LEXICON)
        assert [(s, e) for s, e, _ in ctx.hits(ctx.pattern_for(phrases))] == full


@SLOW
@given(st.lists(st.lists(st.sampled_from(PHRASE_PARTS), min_size=1, max_size=4).map(" ".join), min_size=1,
                max_size=3), any_text, st.booleans())
@example(["x"], "une clause x", False)  # a hit ending its paragraph
@example(["{provider}", "notifi*"], "le prestataire\n\nx", True)
def test_hits_searched_near_a_unit_equal_the_documents(phrases, text, negated):
    """Weak signals search phrases only in the paragraphs of the unit asked about (Context.local): the same hits
    there as the whole-document search, for every sentence, paragraph and clause."""
    body = ("Le Prestataire notifie au Client toute violation de données sous 48 heures.\n\n" + text +
            "\n\nLe Prestataire n'est pas tenu de notifier le client.")
    near = context(_index(body), LEXICON)
    whole = context(_index(body), LEXICON)
    try:
        pattern = whole.pattern_for(phrases)
        re.compile(pattern)
    except re.error:
        return
    near.pattern_for(phrases)
    near.allow_negated = whole.allow_negated = negated
    near.local = True
    for scope in ("sentence", "paragraph", "clause"):
        for unit in whole.index.units(scope):
            assert near.within(unit, pattern) == whole.within(unit, pattern)


NEGATIONS = ["n'est pas tenu de", "ne sera pas oblige a", "aucune obligation de", "sans etre tenu de", "is not required to",
             "has no obligation to", "need not", "does not undertake to", "no obligation to", "pas", "not", "nono "]


@SLOW
@given(st.lists(st.one_of(st.sampled_from(NEGATIONS), contract_text), max_size=8).map(" ".join))
def test_release_flags_equal_the_search_before_every_hit(text):
    """Hits with no hint word before them skip the negation search (negation.HINTS): same flags."""
    from ccclint.negation import RELEASE as _RELEASE, WINDOW as _RELEASE_WINDOW

    index = _index(text + " Le prestataire n'est pas tenu de notifier la violation; il notifie le client.")
    ctx = context(index, LEXICON)
    pattern = ctx.pattern_for(["notifi*", "violation", "client", "{provider}"])
    expected = []
    for m in re.finditer(pattern, ctx.text_for(pattern)):
        if m.end() > m.start():
            s = index.sentence_at(m.start())
            window = index.text[max(s.start, m.start() - _RELEASE_WINDOW):m.start()]
            window = window[max(window.rfind(";"), window.rfind(":")) + 1:]
            expected.append((m.start(), m.end(), bool(_RELEASE.search(window))))
    assert ctx.hits(pattern) == expected
    assert any(neg for _, _, neg in expected)  # the fixed sentence holds a released duty


@SLOW
@given(any_text, st.sampled_from(["Acme", "Acme France", "Call-Center Maroc S.A.R.L.", "Le Bon Coin", "X"]))
def test_party_names_marked_from_the_word_index_as_by_a_full_scan(text, name):
    """DocIndex.party_text tries the names only where their first word starts: the same marks as a scan."""
    from unittest import mock

    from ccclint import phrases

    index = _index(f"ENTRE LES SOUSSIGNÉS :\n\nLa société {name}, SAS au capital de 10 000 euros, ci-après dénommée "
                   f"« le Prestataire »,\n\n{text} {name} et {name}s.")
    fast = index._mark_parties()
    with mock.patch.object(phrases, "phrase_starts", lambda *a, **k: None):
        assert index._mark_parties() == fast
    assert fast[1], "the name defined in the preamble is marked"


REGEXES = [r"(?:eu\s|ec\s)?data\sprotection\sdirective|95/46(?!\d)", r"(?=[^\n]{0,40}cnil)\w+", r"cils?\s(?:de|du)",
           r"(?<=sans\s)delai", r"x{2,3}\s?jours", r"(?:a|b)+c(?:de)*", r"(?x) loi \s (?:no\s?)? 78-17"]


@FAST
@given(st.sampled_from(REGEXES), any_text)
def test_regex_needs_hold_whenever_the_regex_matches(pattern, text):
    folded = fold_text(text + " loi no 78-17 data protection directive sans delai xx jours")
    needs = regex_needs(pattern)
    if needs is None or not re.search(pattern, folded):
        return
    assert any(all(w in folded for w in words) for words in needs)


def _legacy_regexes() -> list[str]:
    """The obsolete-reference regexes of the meta pack: long lookarounds, the case the windows are for."""
    import yaml

    from ccclint.packs.loader import builtin_rules_dir

    with open(f"{builtin_rules_dir()}/meta/GEN-LEGACY-REF.yaml", encoding="utf-8") as fh:
        rule = yaml.safe_load(fh)
    return [w["regex"] for w in rule["weak"] if "regex" in w][:4]


WINDOW_REGEXES = REGEXES + [r"safe\sharbou?r\s(?:principles?|framework)", r"(?<![\w])x{2,3}\s?(?:jours?|days?)",
                            r"(?:^|(?<=\n))(?:(?!\bno\b)[^.;\n])*?\btransfer\w*(?:(?!\bnot\b)[^.;\n]){0,20}",
                            r"(?:certified|adhere\w*)\s(?:\S+\s){0,4}?safe\sharbor"] + _legacy_regexes()
WINDOW_FILLER = "Le prestataire conserve les donnees. " * 60  # long enough for the windows to pay


@SLOW
@given(st.sampled_from(WINDOW_REGEXES), any_text, any_text)
@example(WINDOW_REGEXES[-4], "the EU-US Safe Harbor Framework applies.", "xx jours")
def test_raw_regex_windows_find_what_a_full_scan_finds(pattern, before, after):
    text = (WINDOW_FILLER + before + " safe harbor principles, xx jours; transfer 95/46 certified under the "
            "safe harbor. cil de la societe\n" + WINDOW_FILLER + after + WINDOW_FILLER)
    index = _index(text)
    ctx = context(index, LEXICON)
    pattern = ctx.node_pattern("regex", pattern)
    full = [(m.start(), m.end()) for m in re.finditer(pattern, index.text) if m.end() > m.start()]
    assert [(s, e) for s, e, _ in ctx.hits(pattern)] == full


def test_raw_regex_windows_cover_a_fraction_of_a_long_text():
    """The windows do engage (the property above would pass on whole-text scans too)."""
    pattern = _legacy_regexes()[-1]  # Safe Harbor
    index = _index(WINDOW_FILLER * 3 + "The importer adheres to the Safe Harbor Principles.\n" + WINDOW_FILLER * 3)
    ctx = context(index, LEXICON)
    pattern = ctx.node_pattern("regex", pattern)
    windows = ctx._raw_windows(pattern, index.text)
    assert windows and sum(e - s for s, e in windows) < len(index.text) / 2
    assert len(ctx.hits(pattern)) == 1
    assert regex_reach(r"(?<!\w)ab\b") == (5, ())  # a, b, one character read on each side, + 1
    assert regex_reach(r"(?:ab)+") is None  # unbounded, and not a run of one character class
    assert reach_in(regex_reach(r"x\w*"), {r"\w": 12}.__getitem__) == 14
    assert regex_needs(r"safe\sharbou?r") == (("safe harbo",),)  # `\s` is a space of the flattened text
    assert regex_needs(r"x{2,3}\s?jours") == (("jours", "xx"),)


FIRST_CHAR_REGEXES = [r"(?<!\w)\d+ ?%", r"(?:^|(?<=[\s:(]))_+(?=[\s,.;:)]|$)|(?<!\.)\.{5,}", r"(?x) \{\{[^{}\n]{1,80}\}\}|\$\{x\}",
                      r"(?:€|£|\$)\s*\d|\d\s*(?:€|eur)", r"[(\[]?\d{1,2}[)\]]"]


@FAST
@given(st.sampled_from(FIRST_CHAR_REGEXES), any_text)
def test_regex_first_chars_cover_every_match_start(pattern, text):
    folded = fold_text(text + " 12 % ___ {{nom}} 30 € [2] ٣ %")
    first = re.compile(regex_first_chars(pattern))
    for m in re.finditer(pattern, folded):
        if m.end() > m.start():
            assert first.match(folded, m.start()), (pattern, folded[m.start():m.end()])
