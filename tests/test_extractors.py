"""Typed values: numbers in words, durations to hours (business days worst case), immediacy,
percentages, and the parties' defined names."""

from __future__ import annotations

import pytest

from ccclint.extractors import IMMEDIACY_RE, durations, find_parties, percents, to_number, words_to_number
from ccclint.normalize import fold_text

PROVIDER_WORDS = {"prestataire", "sous-traitant", "fournisseur", "supplier", "provider", "processor", "vendor"}
CLIENT_WORDS = {"client", "responsable de traitement", "customer", "controller", "company"}


@pytest.mark.parametrize("words, number", [
    ("quarante-huit", 48), ("quatre-vingt-seize", 96), ("quatre-vingts", 80), ("quatre-vingt-dix-neuf", 99),
    ("soixante-douze", 72), ("soixante-dix", 70), ("soixante et onze", 71), ("vingt et un", 21), ("trois", 3),
    ("deux cent cinquante", 250), ("mille deux cents", 1200), ("cent", 100),
    ("seventy-two", 72), ("twenty-four", 24), ("one hundred and twenty", 120), ("thirty", 30),
])
def test_words_to_number(words, number):
    assert words_to_number(words) == number


@pytest.mark.parametrize("words", ["", "heures", "quarante-huitaine", "deux pommes"])
def test_words_to_number_rejects(words):
    assert words_to_number(words) is None


def test_to_number():
    assert to_number("48") == 48.0
    assert to_number("99,9") == 99.9
    assert to_number("99.5") == 99.5
    assert to_number("douze") == 12.0
    assert to_number("n/a") is None


def one(text: str):
    found = durations(fold_text(text))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("text, hours", [
    ("dans un délai de quarante-huit (48) heures", 48),
    ("within seventy-two (72) hours", 72),
    ("sous 48h", 48),
    ("sous 48 h", 48),
    ("dans les 24 heures", 24),
    ("quatre-vingt-seize heures", 96),
    ("within 15 minutes", 0.25),
    ("sous trente (30) jours", 720),
    ("2 semaines", 336),
    ("un délai de 1 mois", 720),
    ("72 (soixante-douze) heures", 72),
])
def test_calendar_durations(text, hours):
    d = one(text)
    assert d.hours == pytest.approx(hours)
    assert not d.business
    assert d.worst_hours == pytest.approx(hours)


def test_duration_span_is_in_folded_text():
    text = fold_text("Le Prestataire notifie sous quarante-huit (48) heures.")
    d = one("Le Prestataire notifie sous quarante-huit (48) heures.")
    assert text[d.start:d.end] == "quarante-huit (48) heures"


@pytest.mark.parametrize("text, value, hours, worst", [
    ("5 jours ouvrés", 5, 120, 168),
    ("trois (3) jours ouvrables", 3, 72, 120),
    ("two business days", 2, 48, 96),
    ("10 working days", 10, 240, 336),
])
def test_business_days_worst_case(text, value, hours, worst):
    d = one(text)
    assert d.business
    assert d.value == value
    assert d.hours == pytest.approx(hours)
    assert d.worst_hours == pytest.approx(worst)


def test_business_hours_are_longer_in_the_worst_case():
    d = one("24 heures ouvrées")
    assert d.business and d.worst_hours > 24


@pytest.mark.parametrize("text", [
    "at 5 pm", "article 28", "version 2.0", "le 3 mai", "clause 9.2", "deux parties", "RGPD 2016/679",
])
def test_no_duration(text):
    assert durations(fold_text(text)) == []


def test_several_durations_in_order_and_window():
    text = fold_text("Notification sous 24 heures, rapport complet sous 5 jours ouvrés, audit annuel de 2 jours.")
    found = durations(text)
    assert [d.value for d in found] == [24, 5, 2]
    assert [d.business for d in found] == [False, True, False]
    start = text.index("rapport")
    assert [d.value for d in durations(text, start, text.index("audit"))] == [5]


@pytest.mark.parametrize("text", [
    "sans délai", "sans délai injustifié", "sans retard injustifié", "immédiatement", "dans les meilleurs délais",
    "dans les plus brefs délais", "dès que possible", "without undue delay", "promptly", "immediately", "forthwith",
    "as soon as reasonably practicable", "in a timely manner", "rapidement", "in a timely fashion", "at once",
])
def test_immediacy_phrases(text):
    assert IMMEDIACY_RE.search(fold_text(f"Le Prestataire informe le Client {text}."))


@pytest.mark.parametrize("text", ["dans un délai de 24 heures", "within 24 hours", "délai de préavis"])
def test_not_immediacy(text):
    assert not IMMEDIACY_RE.search(fold_text(text))


@pytest.mark.parametrize("text, value", [
    ("95 %", 95), ("95%", 95), ("99,9 %", 99.9), ("99.5 %", 99.5), ("quatre-vingt-dix pour cent", 90),
    ("ninety-five (95) percent", 95), ("10 per cent", 10), ("80 pourcent", 80),
])
def test_percents(text, value):
    found = percents(fold_text(f"un taux de {text} des appels"))
    assert [v for _, _, v in found] == [pytest.approx(value)]


def test_no_percent():
    assert percents(fold_text("version 2.0, article 95, 3 mois")) == []


def parties(*paragraphs: str):
    return find_parties([(p, fold_text(p)) for p in paragraphs], PROVIDER_WORDS, CLIENT_WORDS)


def test_parties_french_preamble():
    got = parties("ENTRE LES SOUSSIGNÉS :",
                  "La société ACME SERVICES, SAS au capital de 10 000 euros, ci-après dénommée « le Prestataire »,",
                  "ET",
                  "La société BETA RETAIL SA, ci-après dénommée « le Client ».")
    assert got.provider == ("acme services",)
    assert got.client == ("beta retail",)


def test_parties_english_defined_names():
    got = parties('This Agreement is made between GLOBEX CALL CENTERS LIMITED (the "Supplier") and '
                  'INITECH SA (the "Customer").')
    assert got.provider == ("globex call centers",)
    assert got.client == ("initech",)


def test_parties_both_in_one_french_sentence():
    got = parties("Entre ACME SAS, immatriculée au RCS de PARIS, ci-après « le Prestataire », "
                  "et BETA SA, ci-après « le Client ».")
    assert got.provider == ("acme",)
    assert got.client == ("beta",)


def test_company_name_on_the_line_before():
    got = parties("ACME SERVICES", "ci-après dénommée « le Prestataire »")
    assert got.provider == ("acme services",)


def test_defined_name_that_is_not_a_role_word_is_kept():
    got = parties('GLOBEX LIMITED (the "Service Provider") and INITECH SA (the "Company").')
    assert "service provider" in got.provider and "globex" in got.provider
    assert "initech" in got.client


def test_non_party_definitions_ignored():
    got = parties('The services (the "Services") are described in Schedule 1 (the "SOW").')
    assert got.provider == () and got.client == ()
