"""Clause segmentation: heading recognition, heading paths, section numbers of paragraphs."""

from __future__ import annotations

import pytest

from ccclint.model import Block, Document
from ccclint.parsers.text import parse_string
from ccclint.segment import heading_of, structure


@pytest.mark.parametrize("text, number", [
    ("Article 5 – Sécurité des données", "5"),
    ("Article 5 - Sécurité", "5"),
    ("ARTICLE V – CONFIDENTIALITÉ", "V"),
    ("Art. 1er - Objet", "1"),
    ("Art. 1er Objet", "1"),
    ("Article premier – Définitions", "1"),
    ("Article 12", "12"),
    ("5.2 Notification des violations", "5.2"),
    ("Annexe 2 – Plan d'assurance qualité", "Annexe 2"),
    ("Schedule 3 - Service Levels", "Schedule 3"),
    ("Clause 7.1 Audit", "7.1"),
    ("Section 4. Term", "4"),
    ("I. DISPOSITIONS GÉNÉRALES", "I"),
    ("II. Obligations du Prestataire", "II"),
    ("2. Definitions", "2"),
])
def test_headings_recognised(text, number):
    h = heading_of(Block(text))
    assert h is not None, text
    assert h[1] == number


@pytest.mark.parametrize("text", [
    "5.2 Le Prestataire notifie au Client toute violation dans un délai de 48 heures suivant sa découverte, et coopère.",
    "Le présent article 5 est applicable aux prestations.",
    "Le Prestataire notifie au Client toute violation.",
    "Conformément à l'article 28 du RGPD, le Prestataire agit sur instruction.",
])
def test_body_text_is_not_a_heading(text):
    assert heading_of(Block(text)) is None


def test_ranks_nest():
    rank = lambda t: heading_of(Block(t))[0]  # noqa: E731
    assert rank("Annexe 2 – Niveaux de service") < rank("Article 5 – Sécurité") < rank("5.2 Notification")
    assert rank("5.2 Notification") < rank("5.2.1 Délai")
    assert rank("Clause 7.1 Audit") > rank("Section 4. Term")


def test_explicit_heading_level_wins():
    assert heading_of(Block("Sécurité", "heading", level=3)) == (3, None)
    assert heading_of(Block("Article 9 – Sécurité", "heading", level=1)) == (1, "9")


CONTRACT = """\
CONTRAT DE PRESTATION DE SERVICES

ARTICLE 1 – OBJET

Le présent contrat définit les prestations.

ARTICLE 2 – DONNÉES PERSONNELLES

2.1 Sécurité

Le Prestataire met en œuvre des mesures.

2.2 Notification

Le Prestataire notifie au Client toute violation.

a) la nature de la violation ;

b) les mesures prises.

2.2.1 Délai

Dans un délai de 24 heures.

Annexe 2 – Niveaux de service

Le taux de décroché est de 90 %.
"""


@pytest.fixture
def contract():
    return structure(parse_string(CONTRACT))


def para(s, start: str):
    return next(p for p in s.paragraphs if p.block.text.startswith(start))


def test_paragraph_numbering_is_one_based_and_complete(contract):
    assert [p.index for p in contract.paragraphs] == list(range(1, len(contract.paragraphs) + 1))
    assert len(contract.paragraphs) == 14


def test_heading_paths(contract):
    assert para(contract, "Le présent contrat").heading_path == ("ARTICLE 1 – OBJET",)
    assert para(contract, "Le Prestataire met").heading_path == ("ARTICLE 2 – DONNÉES PERSONNELLES", "2.1 Sécurité")
    assert para(contract, "Dans un délai").heading_path == (
        "ARTICLE 2 – DONNÉES PERSONNELLES", "2.2 Notification", "2.2.1 Délai")
    assert para(contract, "Le taux").heading_path == ("Annexe 2 – Niveaux de service",)
    assert para(contract, "Le taux").heading == "Annexe 2 – Niveaux de service"


def test_section_numbers(contract):
    assert para(contract, "Le présent contrat").section == "1"
    assert para(contract, "Le Prestataire met").section == "2.1"
    assert para(contract, "Le Prestataire notifie").section == "2.2"
    assert para(contract, "la nature").section == "2.2(a)"
    assert para(contract, "les mesures").section == "2.2(b)"
    assert para(contract, "Dans un délai").section == "2.2.1"
    assert para(contract, "Le taux").section == "Annexe 2"


def test_clauses_span_between_headings(contract):
    numbers = [c.number for c in contract.clauses if c.paragraphs]
    assert numbers == [None, "1", "2", "2.1", "2.2", "2.2.1", "Annexe 2"]
    notif = next(c for c in contract.clauses if c.number == "2.2")
    texts = [contract.paragraphs[i].block.text for i in notif.paragraphs]
    assert texts == ["2.2 Notification", "Le Prestataire notifie au Client toute violation.",
                     "la nature de la violation ;", "les mesures prises."]
    for c in contract.clauses:
        for i in c.paragraphs:
            assert contract.paragraphs[i].clause == c.index


def test_numbered_paragraph_inside_a_section(contract):
    s = structure(parse_string("5.2 Notification\n\n1. Le Prestataire notifie le Client.\n\n"
                               "(i) par courriel ;\n\n5.3.1 Le Client peut auditer le Prestataire sur pièces et sur place.\n"))
    assert para(s, "Le Prestataire").section == "5.2.1"
    assert para(s, "par courriel").section == "5.2(i)"
    assert para(s, "5.3.1 Le Client").section == "5.3.1"


def test_docx_list_number_with_trailing_dot_joins_section():
    """A Word list number renders as '1.' (lvlText '%1.'): under 1.1 it is paragraph 1.1.1, not '1.'."""
    doc = Document("x.docx", "docx", [
        Block("Article 1 – Objet", "heading", level=1),
        Block("1.1 Périmètre", "heading", level=2),
        Block("Premier engagement.", "item", number="1."),
        Block("Second engagement.", "item", number="2)"),
        Block("Engagement a.", "item", number="a)"),
    ])
    s = structure(doc)
    assert [p.section for p in s.paragraphs] == ["1", "1.1", "1.1.1", "1.1.2", "1.1(a)"]


def test_markdown_headings_use_their_levels():
    s = structure(parse_string("# Contrat\n\n## Article 3 – Audit\n\n### 3.1 Modalités\n\nTexte.\n\n## Article 4\n\nSuite.\n"))
    assert para(s, "Texte").heading_path == ("Contrat", "Article 3 – Audit", "3.1 Modalités")
    assert para(s, "Texte").section == "3.1"
    assert para(s, "Suite").heading_path == ("Contrat", "Article 4")
    assert para(s, "Suite").section == "4"


def test_table_rows_never_start_a_clause():
    s = structure(parse_string("## Article 6 – SLA\n\n| ARTICLE 7 – PÉNALITÉS | 10 % |\n\nTexte après.\n"))
    assert para(s, "Texte après").heading_path == ("Article 6 – SLA",)


def test_word_numbered_headings_give_bare_section_numbers():
    """Word heading numbers render with their punctuation ("5.", "5.2."): sections are "5", "5.2"."""
    doc = Document("x.docx", "docx", [
        Block("Sécurité", "heading", level=1, number="5."),
        Block("Notification", "heading", level=2, number="5.2."),
        Block("Le Prestataire notifie le Client.", "paragraph"),
        Block("par courriel ;", "item", number="a)"),
        Block("Annexes", "heading", level=1, number="IV."),
    ])
    s = structure(doc)
    assert [p.section for p in s.paragraphs] == ["5", "5.2", "5.2", "5.2(a)", "IV"]
    assert s.paragraphs[2].heading_path == ("Sécurité", "Notification")
