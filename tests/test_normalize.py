"""Folding (accents, case, apostrophes, quotes, spaces, ligatures) with an offset map to the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccclint.normalize import fold, fold_char, fold_text


@pytest.mark.parametrize("original, folded", [
    ("Sécurité", "securite"),
    ("ÉTÉ À Noël", "ete a noel"),
    ("l’article", "l'article"),
    ("l`article", "l'article"),
    ("« le Prestataire »", '" le prestataire "'),
    ("“Supplier”", '"supplier"'),
    ("24\u00a0heures", "24 heures"),
    ("24\u202fh", "24 h"),
    ("mise  en\t\toeuvre", "mise en oeuvre"),
    ("œuvre Œuvre", "oeuvre oeuvre"),
    ("ﬁchier ﬂux", "fichier flux"),
    ("Straße", "strasse"),
    ("sous\u2011traitant", "sous-traitant"),
    ("A – B — C", "a - b - c"),
    ("dé\u00adlai", "delai"),
    ("zero\u200bwidth", "zerowidth"),
    ("ligne un\nligne deux", "ligne un ligne deux"),
    ("  début et fin  ", "debut et fin"),
    ("n°", "no"),
    ("\u0664\u0668 heures", "48 heures"),  # Arabic-Indic digits read as 0-9
    ("délai\u2028de 48 h", "delai de 48 h"),  # any Unicode space is a space
])
def test_fold_text(original, folded):
    assert fold_text(original) == folded


def test_fold_char_is_cached_and_pure():
    assert fold_char("É") == "e"
    assert fold_char("’") == "'"
    assert fold_char("x") == "x"


def test_offsets_point_back_to_original():
    original = "Le  Prestataire notifie « sans délai » l’œuvre."
    f = fold(original)
    assert len(f.origin) == len(f.text)
    i = f.text.index("delai")
    a, b = f.original_span(i, i + len("delai"))
    assert original[a:b] == "délai"
    i = f.text.index("oeuvre")
    a, b = f.original_span(i, i + len("oeuvre"))
    assert original[a:b] == "œuvre"
    i = f.text.index("prestataire")
    assert original[slice(*f.original_span(i, i + 11))] == "Prestataire"


def test_original_span_clamps():
    f = fold("abc")
    assert f.original_span(-5, 99) == (0, 3)
    assert fold("").original_span(0, 1) == (0, 0)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aàeéèEÉoœŒ ’'«»\u00a0\t\n-–ﬁ.,0123")), max_size=60))
def test_fold_properties(text):
    f = fold(text)
    assert len(f.origin) == len(f.text)
    assert list(f.origin) == sorted(f.origin)  # monotonic
    assert all(0 <= o < len(text) for o in f.origin)
    assert "  " not in f.text and not f.text.startswith(" ") and not f.text.endswith(" ")
    assert f.text == f.text.lower()
    assert fold_text(f.text) == f.text  # idempotent
