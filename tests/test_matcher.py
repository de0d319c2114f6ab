"""Formula nodes on small texts, phrase syntax, and rule statuses (present / weak / missing / negated)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ccclint.docindex import DocIndex
from ccclint.engine import context as engine_context
from ccclint.extractors import find_parties
from ccclint.matcher import Context, compile_phrase, evaluate, evaluate_rule
from ccclint.normalize import fold_text
from ccclint.packs.model import Rule, Signal
from ccclint.parsers.text import parse_string
from ccclint.segment import structure

LEXICON: dict[str, dict[str, list[str]]] = {
    "provider": {"fr": ["prestataire", "sous-traitant"], "en": ["supplier", "processor"]},
    "client": {"fr": ["client", "responsable de traitement"], "en": ["customer", "controller"]},
    "breach": {"fr": ["violation* de donnees"], "en": ["data breach*", "personal data breach*"]},
    "notify": {"fr": ["notifi*", "inform*"], "en": ["notif*", "inform*"]},
}
NO_PARTIES = {"provider": "(?!)", "client": "(?!)"}


def context(text: str, lang: str = "fr") -> Context:
    doc = parse_string(text)
    index = DocIndex.build(doc, structure(doc))
    index.lang = lang
    words = {r: {w for lng in ("fr", "en") for w in LEXICON[r][lng]} for r in ("provider", "client")}
    index.parties = find_parties([(p.block.text, f.text) for p, f in zip(index.structure.paragraphs, index.folded)],
                                 words["provider"], words["client"])
    return engine_context(index, LEXICON)


def matches(node: dict[str, Any], text: str, lang: str = "fr", scope: str = "paragraph") -> list[str]:
    """Folded text of every span the node returns, over all units of `scope` ("" for a zero-width truth)."""
    ctx = context(text, lang)
    out = []
    for unit in ctx.index.units(scope):
        out += [ctx.index.text[s:e] for s, e in evaluate(node, unit, ctx)]
    return out


def fires(node: dict[str, Any], text: str, lang: str = "fr", scope: str = "paragraph") -> bool:
    ctx = context(text, lang)
    return any(evaluate(node, unit, ctx) for unit in ctx.index.units(scope))


# ---- phrase syntax ------------------------------------------------------------------------------------

def phrase_hits(phrase: str, text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(compile_phrase(phrase, NO_PARTIES), text)]


@pytest.mark.parametrize("phrase, text, expected", [
    ("sans delai", "notifie sans délai", ["sans délai"]),  # accents ignored
    ("Sans Délai", "notifie sans delai", ["sans delai"]),  # case and accents in the phrase too
    ("l'accord prealable", "avec l'accord préalable", ["l'accord préalable"]),
    ("client", "la clientèle du client", ["client"]),  # word-bounded both sides
    ("notifi*", "notifie, notification, renotifie", ["notifie", "notification"]),
    ("sous-traitant", "le sous traitant et le sous-traitant et le soustraitant", ["sous traitant", "sous-traitant", "soustraitant"]),
    ("responsable (du|de) traitement", "responsable du traitement, responsable de traitement, responsable traitement",
     ["responsable du traitement", "responsable de traitement"]),
    ("(sans )?delai", "délai; sans délai", ["délai", "sans délai"]),
    ("dans un delai de [N] heures", "dans un délai de 48 heures ; dans un délai de quarante-huit heures ; "
                                    "dans un délai de bref heures",
     ["dans un délai de 48 heures", "dans un délai de quarante-huit heures"]),
])
def test_phrase_syntax_on_raw_text(phrase, text, expected):
    assert phrase_hits(phrase, fold_text(text)) == [fold_text(e) for e in expected]


def test_phrase_ellipsis_gap_of_up_to_eight_words():
    pattern = compile_phrase("notifie ... client", NO_PARTIES)
    assert re.search(pattern, "notifie sans delai et par ecrit le client")
    assert re.search(pattern, "notifie le client")
    assert not re.search(pattern, "notifie " + "mot " * 9 + "client")


def test_phrase_node_language_and_apostrophes():
    text = "Le Prestataire n’utilise les données que sur instruction documentée du Client."
    assert matches({"phrase": {"fr": "sur instruction* document*", "en": "documented instructions"}}, text) == [
        "sur instruction documentee"]
    assert not fires({"phrase": {"en": "documented instructions"}}, text)  # no French phrase: nothing
    assert fires({"phrase": "n'utilise"}, text)


def test_provider_placeholder_includes_defined_company_name():
    text = ("Entre ACME SERVICES SAS, ci-après dénommée « le Prestataire », et BETA SA, ci-après « le Client ».\n\n"
            "ACME SERVICES notifie à BETA toute violation.")
    got = matches({"phrase": "{provider} notifie a {client}"}, text)
    assert got == ["acme services notifie a beta"]
    assert fires({"phrase": "{provider}"}, "Le Prestataire est responsable.")
    assert fires({"phrase": "{provider}"}, "The Supplier shall comply.", lang="en")
    assert not fires({"phrase": "{provider}"}, "Le Client est responsable.")


# ---- boolean and proximity nodes ----------------------------------------------------------------------

BREACH_FR = "Le Prestataire notifie au Client toute violation de données dans un délai de 24 heures."


def test_term_and_regex():
    assert matches({"term": "breach"}, BREACH_FR) == ["violation de donnees"]
    assert fires({"term": ["breach", "notify"]}, "Le Prestataire informe le Client.")
    assert not fires({"term": "breach"}, "Le Prestataire facture le Client.")
    assert matches({"regex": r"delai de \d+"}, BREACH_FR) == ["delai de 24"]
    assert fires({"regex": {"en": "breach"}}, "Any data breach.", lang="en")
    assert not fires({"regex": {"en": "breach"}}, "Toute breach.", lang="fr")


def test_all_any_not():
    assert fires({"all": [{"term": "breach"}, {"term": "notify"}]}, BREACH_FR)
    assert not fires({"all": [{"term": "breach"}, {"phrase": "cnil"}]}, BREACH_FR)
    assert fires({"any": [{"phrase": "cnil"}, {"term": "breach"}]}, BREACH_FR)
    assert not fires({"any": [{"phrase": "cnil"}, {"phrase": "autorite de controle"}]}, BREACH_FR)
    assert fires({"not": {"phrase": "cnil"}}, BREACH_FR)
    assert not fires({"not": {"term": "breach"}}, BREACH_FR)
    # `not` is evaluated per unit: a mention in another paragraph does not count
    assert fires({"all": [{"term": "breach"}, {"not": {"phrase": "cnil"}}]}, BREACH_FR + "\n\nLa CNIL est informée.")


def test_not_counts_a_negated_mention():
    text = "Le Prestataire n'est pas tenu de notifier le Client."
    assert not fires({"not": {"phrase": "notifier"}}, text)


def test_near_within_words():
    near = {"near": {"within": 6, "of": [{"term": "notify"}, {"phrase": "client"}]}}
    assert fires(near, "Le Prestataire notifie au Client toute violation.")
    far = "Le Prestataire notifie sans délai et par tout moyen écrit approprié et vérifiable le Client."
    assert not fires(near, far)
    assert fires({"near": {"within": 20, "of": [{"term": "notify"}, {"phrase": "client"}]}}, far)
    # order does not matter, and every part must be present
    assert fires({"near": {"within": 6, "of": [{"phrase": "client"}, {"term": "notify"}]}},
                 "Le Prestataire notifie au Client toute violation.")
    assert not fires({"near": {"within": 50, "of": [{"phrase": "cnil"}, {"term": "notify"}]}}, BREACH_FR)


def test_inside_heading():
    text = "## Article 9 – Sécurité des données\n\nLe Prestataire chiffre.\n\n## Article 10 – Prix\n\nLe Client paie."
    node = {"all": [{"inside": {"heading": {"fr": "securite", "en": "security"}}}, {"regex": "."}]}
    hits = matches(node, text)
    assert fires(node, text)
    ctx = context(text)
    inside = [ctx.index.structure.paragraphs[u.paragraph].block.text for u in ctx.index.paragraph_units
              if evaluate({"inside": {"heading": "securite"}}, u, ctx)]
    assert inside == ["Article 9 – Sécurité des données", "Le Prestataire chiffre."]
    assert hits


# ---- typed values -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, fired", [
    ("Le Prestataire notifie sous 24 heures.", False),
    ("Le Prestataire notifie sous quarante-huit (48) heures.", False),
    ("Le Prestataire notifie sous soixante-douze (72) heures.", True),
    ("Le Prestataire notifie sous 5 jours ouvrés.", True),
    ("The Supplier notifies within two business days.", True),  # worst case 96 h
    ("The Supplier notifies within 2 days.", False),
    ("Le Prestataire notifie sans délai.", False),  # no number: max_hours cannot fire
])
def test_deadline_max_hours(text, fired):
    assert fires({"deadline": {"max_hours": 48}}, text) is fired


def test_deadline_reports_the_shortest_worst_case():
    ctx = context("The Supplier notifies within two business days and reports within 10 days.", "en")
    spans = evaluate({"deadline": {"max_hours": 48}}, ctx.index.paragraph_units[0], ctx)
    assert [ctx.index.text[s:e] for s, e in spans] == ["two business days"]
    assert ctx.values == {"hours": 96}


def test_deadline_absent_present_business_min():
    assert fires({"deadline": {"absent": True}}, "Le Prestataire notifie dans les meilleurs délais.")
    assert not fires({"deadline": {"absent": True}}, "Le Prestataire notifie sous 24 heures.")
    assert matches({"deadline": {"present": True}}, "Sous 24 heures, puis 5 jours.") == ["24 heures", "5 jours"]
    assert matches({"deadline": {"business": True}}, "Sous 24 heures, puis 5 jours ouvrés.") == ["5 jours ouvres"]
    assert fires({"deadline": {"min_hours": 720}}, "Un préavis de 15 jours.")
    assert not fires({"deadline": {"min_hours": 720}}, "Un préavis de 3 mois.")


def test_percent_nodes():
    assert fires({"percent": {"min": 90}}, "Taux de décroché : 80 %.")
    assert not fires({"percent": {"min": 90}}, "Taux de décroché : 95 %.")
    assert fires({"percent": {"max": 10}}, "Pénalité plafonnée à quinze pour cent.")
    assert fires({"percent": {"absent": True}}, "Aucun taux.")
    assert matches({"percent": {"present": True}}, "Au moins 99,5 % de disponibilité.") == ["99,5 %"]


# ---- rules --------------------------------------------------------------------------------------------

def rule(match: dict[str, Any], weak: tuple[Signal, ...] = (), scope: str = "paragraph") -> Rule:
    return Rule(id="TST-RULE", pack="test", title={"fr": "t", "en": "t"}, severity={"missing": "error", "weak": "warning"},
                references=({"cite": "x"},), fix={"fr": "f", "en": "f"}, match=match, scope=scope, weak=weak)


NOTIFY_RULE = rule(
    {"all": [{"term": "breach"}, {"near": {"within": 20, "of": [{"term": "notify"}, {"phrase": "{client}"}]}}]},
    weak=(Signal("deadline-too-long", {"fr": "{hours} h", "en": "{hours} h"}, "unit", {"deadline": {"max_hours": 48}}),
          Signal("no-deadline", {"fr": "aucun", "en": "none"}, "unit", {"deadline": {"absent": True}})),
)


def status(r: Rule, text: str, lang: str = "fr"):
    result = evaluate_rule(r, context(text, lang))
    return result.status, result.signals, result.values


def test_rule_present():
    assert status(NOTIFY_RULE, BREACH_FR) == ("present", [], {})


def test_rule_weak_deadline_too_long_with_value():
    got = status(NOTIFY_RULE, "Supplier shall notify Customer of any Personal Data Breach within seventy-two (72) hours.", "en")
    assert got == ("weak", ["deadline-too-long"], {"hours": 72})


def test_rule_weak_no_deadline():
    got = status(NOTIFY_RULE, "Le Prestataire informe le Client de toute violation de données dans les meilleurs délais.")
    assert got[:2] == ("weak", ["no-deadline"])


def test_rule_missing():
    assert status(NOTIFY_RULE, "Le Prestataire facture le Client chaque mois.")[0] == "missing"


def test_rule_prefers_a_unit_without_weak_signals():
    text = ("Le Prestataire informe le Client de toute violation de données dans les meilleurs délais.\n\n"
            "Le Prestataire notifie au Client toute violation de données sous 24 heures.")
    assert status(NOTIFY_RULE, text)[:2] == ("present", [])


@pytest.mark.parametrize("text, lang", [
    ("Le Prestataire n'est pas tenu de notifier au Client les violations de données.", "fr"),
    ("Le Prestataire n’est nullement tenu de notifier au Client les violations de données.", "fr"),
    ("The Supplier is not required to notify the Customer of any data breach.", "en"),
    ("The Supplier shall have no obligation to notify the Customer of a data breach.", "en"),
])
def test_negated_obligation_is_weak_with_signal_negated(text, lang):
    st, signals, _ = status(NOTIFY_RULE, text, lang)
    assert (st, signals) == ("weak", ["negated"])


def test_negation_elsewhere_in_the_sentence_does_not_count():
    text = "Le Client n'est pas tenu de payer les frais ; le Prestataire notifie au Client toute violation de données sous 24 heures."
    assert status(NOTIFY_RULE, text)[0] == "present"


def test_not_applicable_when_applies_if_is_false():
    r = Rule(**{**NOTIFY_RULE.__dict__, "applies_if": {"phrase": "centre d'appels"}})
    assert evaluate_rule(r, context(BREACH_FR)).status == "not_applicable"
    assert evaluate_rule(r, context("Prestations de centre d'appels.\n\n" + BREACH_FR)).status == "present"
    assert evaluate_rule(NOTIFY_RULE, context(BREACH_FR), applicable=False).status == "not_applicable"


def test_scopes():
    text = "## Article 5 – Violations\n\nToute violation de données est traitée.\n\nLe Prestataire notifie le Client."
    assert status(NOTIFY_RULE, text)[0] == "missing"  # paragraph scope: parts are in different paragraphs
    clause_rule = Rule(**{**NOTIFY_RULE.__dict__, "scope": "clause", "weak": ()})
    assert status(clause_rule, text)[0] == "present"
    sentence_rule = Rule(**{**NOTIFY_RULE.__dict__, "scope": "sentence", "weak": ()})
    assert status(sentence_rule, "Toute violation de données est traitée. Le Prestataire notifie le Client.")[0] == "missing"
