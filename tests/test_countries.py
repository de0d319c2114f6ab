"""Country mentions (rules/countries.yaml + ccclint.countries): flags, traps of requirements §4.1, caching."""

from __future__ import annotations

import re

import pytest
import yaml

from ccclint import countries
from ccclint.docindex import DocIndex
from ccclint.normalize import fold
from ccclint.parsers.text import parse_string
from ccclint.segment import structure


def names(text: str) -> list[str]:
    return [c["name"] for _, _, c in countries.scan(fold(text).text)]


def index_of(text: str) -> DocIndex:
    doc = parse_string(text, path="<test>")
    return DocIndex.build(doc, structure(doc))


# ---- data file ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def data():
    with open(countries.default_path(), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


EU27 = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
        "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
ADEQUATE = {"AD", "AR", "BR", "CA", "FO", "GG", "IM", "IL", "JP", "JE", "NZ", "KR", "CH", "GB", "US", "UY"}


def test_data_is_dated(data):
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["as_of"])
    assert countries.as_of() == data["as_of"]


def test_eea_is_eu27_plus_efta_three(data):
    eea = {c["id"] for c in data["countries"] if c["eea"] and "-" not in c["id"] and c["id"] not in
           {"GP", "MQ", "GF", "RE", "YT", "MF", "IC", "EA", "AX"}}
    assert eea == EU27 | {"IS", "LI", "NO"}


def test_adequate_list_and_caveats(data):
    by_id = {c["id"]: c for c in data["countries"]}
    assert {i for i, c in by_id.items() if c["adequate"]} == ADEQUATE
    for i in ADEQUATE:
        assert by_id[i]["adequacy"]["decision"] and by_id[i]["adequacy"]["scope"]
    assert "DPF" in by_id["US"]["adequacy"]["scope"]
    assert "PIPEDA" in by_id["CA"]["adequacy"]["scope"]
    assert "APPI" in by_id["JP"]["adequacy"]["scope"]
    assert "2023/1795" in by_id["US"]["adequacy"]["decision"]


@pytest.mark.parametrize("cid", ["MA", "TN", "SN", "MU", "MG", "IN", "PH", "CI", "CM", "BJ", "EG", "DZ", "AL", "RS", "MK", "TR",
                                 "GE", "MD", "UA", "CO", "MX", "DO", "ZA", "KE", "RW", "NG", "GH", "MC", "SM"])
def test_offshore_and_listed_countries_are_third_countries(data, cid):
    c = {c["id"]: c for c in data["countries"]}[cid]
    assert c["eea"] is False and c["adequate"] is False


# ---- recognition ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Le centre d'appels est situé à Casablanca.", "Morocco"),
    ("une société marocaine", "Morocco"),
    ("Moroccan agents", "Morocco"),
    ("le site de Tunis", "Tunisia"),
    ("des téléconseillers tunisiens", "Tunisia"),
    ("Tunisian law", "Tunisia"),
    ("depuis Dakar", "Senegal"),
    ("à Port-Louis", "Mauritius"),
    ("Ébène Cybercity", "Mauritius"),
    ("un prestataire mauricien", "Mauritius"),
    ("Antananarivo", "Madagascar"),
    ("le plateau malgache", "Madagascar"),
    ("Bangalore", "India"),
    ("Bengaluru", "India"),
    ("Mumbai", "India"),
    ("un prestataire indien", "India"),
    ("Indian law", "India"),
    ("l'Inde", "India"),
    ("Manila", "Philippines"),
    ("Manille", "Philippines"),
    ("Cebu", "Philippines"),
    ("une filiale philippine", "Philippines"),
    ("Filipino agents", "Philippines"),
    ("les États-Unis", "United States"),
    ("the U.S. government", "United States"),
    ("AWS us-east-1", "United States"),
    ("Royaume-Uni", "United Kingdom"),
    ("Northern Ireland", "United Kingdom"),
    ("la Suisse", "Switzerland"),
    ("Abidjan", "Côte d'Ivoire"),
])
def test_recognised(text, expected):
    assert expected in names(text)


@pytest.mark.parametrize("text,expected", [
    ("à l'île Maurice", "Mauritius"),
    ("les agents basés à Maurice, dans l'océan Indien", "Mauritius"),
    ("Republic of Mauritius", "Mauritius"),
    ("Mauritius", "Mauritius"),
    ("Quatre-Bornes", "Mauritius"),
])
def test_mauritius_needs_a_clear_form(text, expected):
    assert names(text) == [expected]


@pytest.mark.parametrize("text", [
    "Maurice Dupont, directeur des opérations",
    "M. Maurice Martin représente le Prestataire",
    "le site de Saint-Maurice (Val-de-Marne)",
    "Saint-Maurice",
    "quatre bornes de recharge",
    "en bois d'ébène",
])
def test_maurice_traps(text):
    assert "Mauritius" not in names(text)


@pytest.mark.parametrize("text", ["le département de l'Indre", "Tours (Indre-et-Loire)", "l'océan Indien", "the Indian Ocean",
                                  "les Indes occidentales"])
def test_india_traps(text):
    assert "India" not in names(text)


@pytest.mark.parametrize("text,expected", [
    ("la Guyane", "French Guiana"), ("à La Réunion.", "Réunion"), ("en Martinique", "Martinique"),
    ("en Guadeloupe", "Guadeloupe"), ("à Mayotte", "Mayotte"), ("Saint-Martin (971)", "Saint Martin (French part)"),
    ("les îles Canaries", "Canary Islands"), ("Ceuta", "Ceuta and Melilla"),
])
def test_outermost_regions_are_eea(text, expected):
    hits = countries.scan(fold(text).text)
    assert [c["name"] for _, _, c in hits] == [expected]
    assert all(c["eea"] for _, _, c in hits)


def test_reunion_meeting_is_not_a_place():
    assert names("la réunion de pilotage mensuelle") == []
    assert names("lors de la réunion du comité") == []


@pytest.mark.parametrize("text", ["Monaco", "la Principauté de Monaco", "Saint-Marin", "San Marino"])
def test_monaco_san_marino_neither_eea_nor_adequate(text):
    hits = countries.scan(fold(text).text)
    assert hits and all(not c["eea"] and not c["adequate"] for _, _, c in hits)


@pytest.mark.parametrize("text", ["hébergées en Europe", "hosted in Europe", "transfert d'appels vers le service client",
                                  "call transfer to the second level", "let us know", "contact us", "incident bénin",
                                  "New Jersey law", "la Corée du Nord", "Bank of England", "rue de Londres, Paris"])
def test_not_countries(text):
    got = names(text)
    assert got == [] or text == "Bank of England" and "United Kingdom" not in got


def test_outside_list_context_dropped():
    assert names("individuals located in the EEA, Switzerland and/or the United Kingdom") == []
    assert names("transfers to a country outside of the EEA, Switzerland or the UK") == []


@pytest.mark.parametrize("text", ["nos clients au Maroc", "les consommateurs marocains", "customers in India", "le marché tunisien"])
def test_markets_are_not_processing_places(text):
    assert names(text) == []


def test_market_does_not_hide_a_real_place():
    assert names("pour nos clients au Maroc, les appels sont traités à Tunis") == ["Tunisia"]


def test_flags_and_caveats():
    (_, _, us), = countries.scan(fold("United States").text)
    assert us["eea"] is False and us["adequate"] is True and "DPF" in us["adequacy"]["scope"]
    (_, _, fr), = countries.scan(fold("France").text)
    assert fr["eea"] is True and fr["adequate"] is False
    (_, _, nc), = countries.scan(fold("Nouvelle-Calédonie").text)
    assert nc["eea"] is False and nc["review"] is True


# ---- find_countries on a DocIndex -------------------------------------------------------------------------

def test_find_countries_spans_are_in_folded_text_and_unit():
    text = "Les données sont hébergées en France.\n\nLes téléconseillers accèdent aux données depuis Rabat (Maroc)."
    idx = index_of(text)
    unit = idx.paragraph_units[1]
    hits = countries.find_countries(idx, unit)
    assert [c["name"] for _, _, c in hits] == ["Morocco", "Morocco"]
    for s, e, _ in hits:
        assert unit.start <= s < e <= unit.end
    assert [idx.text[s:e] for s, e, _ in hits] == ["rabat", "maroc"]
    all_hits = countries.find_countries(idx, idx.document_unit)
    assert [c["name"] for _, _, c in all_hits] == ["France", "Morocco", "Morocco"]
    assert {"name", "eea", "adequate"} <= set(all_hits[0][2])


def test_hits_are_cached_on_the_index(monkeypatch):
    idx = index_of("Data are hosted in India.")
    first = countries.find_countries(idx, idx.document_unit)
    calls = []
    monkeypatch.setattr(countries, "scan", lambda *a, **k: calls.append(1) or [])
    assert countries.find_countries(idx, idx.document_unit) == first
    assert calls == []


def test_load_is_cached():
    assert countries.load() is countries.load()


def test_fast_enough_on_a_long_contract():
    import time

    text = fold(("Le Prestataire exécute les prestations depuis ses sites de Casablanca et de Tunis ; les données sont "
                 "hébergées en France et les réunions de pilotage ont lieu à Paris. ") * 2000).text
    countries.load()
    t = time.perf_counter()
    hits = countries.scan(text)
    assert len(hits) == 6000
    assert time.perf_counter() - t < 5


def test_compiled_country_data_kept_on_disk_gives_the_same_mentions(tmp_path, monkeypatch):
    from ccclint import countries
    from ccclint.normalize import fold_text

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("CCCLINT_NO_PACK_CACHE", raising=False)
    text = fold_text("Le centre d'appels est situé à Rabat (Maroc) ; les données sont hébergées en Irlande et à Maurice.")
    countries.load.cache_clear()
    fresh = [(s, e, c["id"]) for s, e, c in countries.scan(text)]
    assert list((tmp_path / "ccclint" / "data").glob("countries-*.pickle"))
    countries.load.cache_clear()
    cached = [(s, e, c["id"]) for s, e, c in countries.scan(text)]
    countries.load.cache_clear()
    assert cached == fresh and {c for _, _, c in fresh} >= {"MA", "IE"}
