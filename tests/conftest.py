"""Shared fixtures. Every test document is BUILT here at test time: no binary is committed.

- `sample_docx`: Word file with Heading styles, numbered list paragraphs, a KPI table, a header and
  a footer, tracked changes (an insertion and a deletion added through the XML) and a comment.
- `sample_pdf`: three-page PDF (fpdf2) with a running header, "Page N / 3" footers, a word
  hyphenated across a line break, a compound word split after its prefix, and French accents.
- `make_pack`: writes a small rule pack folder (pack.yaml + rule files) for loader and CLI tests.
"""

from __future__ import annotations

import os
import textwrap
import zipfile
from pathlib import Path
from typing import Callable

import pytest

# The tests' own cache folder (validated packs, compiled regexes): hypothesis compiles thousands of random
# patterns, which must not end up in the user's ~/.cache/ccclint; kept between runs under .pytest_cache.
os.environ["XDG_CACHE_HOME"] = str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "xdg")

# ---- text that must / must not come out of the built documents -------------------------------------

DOCX_HEADER = "EN-TETE CONFIDENTIEL ACME"
DOCX_FOOTER = "PIED DE PAGE VERSION 3"
DOCX_INSERTED = "vingt-quatre heures"
DOCX_DELETED = "soixante-douze heures"
DOCX_COMMENT = "COMMENTAIRE INTERNE A NE PAS LIRE"

PDF_HEADER = "Contrat de prestations - ACME / Centre Relation Client - Confidentiel"
PDF_PAGES = [
    [
        "ARTICLE 1 – OBJET",
        "Le présent contrat a pour objet de définir les conditions dans lesquelles le Prestataire réalise des",
        "prestations de centre de contacts pour le compte du Client, dans le respect des exigences de qualité",
        "et de sécurité décrites à l'annexe technique et des obligations de confidentialité applicables.",
        "",
        "ARTICLE 2 – SÉCURITÉ",
        "Le Prestataire notifie au Client toute violation de données à caractère personnel dans un délai de",
        "quarante-huit heures et met en œuvre les mesures techniques et organisationnelles appropriées, dont le",
        "chiffrement des données au repos et en transit ; le recours à un sous-traitant ultérieur et le chiffre-",
        "ment des sauvegardes sont soumis à l'accord préalable et écrit du Client, qui peut le refuser librement.",
    ],
    [
        "ARTICLE 3 – RÉVERSIBILITÉ",
        "À la fin du contrat, le Prestataire restitue au Client l'ensemble des données et des documents dans un",
        "format ouvert et supprime toute copie dans un délai de trente jours, sauf obligation légale contraire.",
    ],
    [
        "ARTICLE 4 – DURÉE",
        "Le contrat est conclu pour une durée de trois ans à compter de sa signature par les deux parties.",
    ],
]

FR_CONTRACT_MD = """\
# Contrat de prestations de centre d'appels

Entre ACME SERVICES SAS, ci-après dénommée « le Prestataire », et BETA RETAIL SA, ci-après dénommée « le Client ».

## Article 1 – Objet

Le Prestataire assure pour le compte du Client la gestion des appels entrants.

## Article 2 – Données personnelles

Le Prestataire notifie au Client toute violation de données à caractère personnel dans un délai de 24 heures.

| Indicateur | Cible |
|---|---|
| Taux de décroché | 90 % |
"""


# ---- DOCX ---------------------------------------------------------------------------------------------

def _tracked(tag: str, text_tag: str, text: str, rid: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    change = OxmlElement(tag)
    change.set(qn("w:id"), rid)
    change.set(qn("w:author"), "Relecteur")
    change.set(qn("w:date"), "2024-01-01T00:00:00Z")
    run = OxmlElement("w:r")
    t = OxmlElement(text_tag)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    change.append(run)
    return change


def build_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    section = d.sections[0]
    section.header.paragraphs[0].text = DOCX_HEADER
    section.footer.paragraphs[0].text = DOCX_FOOTER

    d.add_heading("CONTRAT DE PRESTATIONS", level=0)
    d.add_heading("Article 1 – Objet", level=1)
    d.add_paragraph("Le Prestataire assure pour le compte du Client la gestion des appels entrants.")
    d.add_heading("1.1 Périmètre", level=2)
    d.add_paragraph("Premier engagement numéroté.", style="List Number")
    d.add_paragraph("Second engagement numéroté.", style="List Number")

    # tracked changes, written into the XML as Word does: <w:ins> kept, <w:del>/<w:delText> dropped
    p = d.add_paragraph("Le délai de notification est de ")
    p._p.append(_tracked("w:ins", "w:t", DOCX_INSERTED, "101"))
    p._p.append(_tracked("w:del", "w:delText", DOCX_DELETED, "102"))
    p.add_run(" à compter de la découverte.")

    commented = d.add_paragraph("Paragraphe commenté par le juriste.")
    d.add_comment(commented.runs[0], text=DOCX_COMMENT, author="Juriste", initials="J")

    d.add_page_break()
    d.add_heading("Article 2 – Niveaux de service", level=1)
    table = d.add_table(rows=3, cols=3)
    for i, row in enumerate([("Indicateur", "Cible", "Pénalité"),
                             ("Taux de décroché", "90 %", "2 %"),
                             ("Durée moyenne de traitement", "180 s", "1 %")]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    d.add_paragraph("Fin du contrat.")
    d.save(str(path))
    return path


# ---- PDF ----------------------------------------------------------------------------------------------

def build_pdf(path: Path, pages: list[list[str]] = PDF_PAGES, header: str | None = PDF_HEADER,
              page_label: str | None = "Page {n} / {total}") -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # core fonts: accents, en dash and œ
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            pdf.set_font("Helvetica", size=9)
            pdf.set_xy(20, 10)
            pdf.cell(0, 5, header)
        pdf.set_font("Helvetica", size=10)
        y = 30.0
        for line in lines:
            pdf.set_xy(20, y)
            if line:
                pdf.cell(0, 5, line)
            y += 6
        if page_label:
            pdf.set_font("Helvetica", size=9)
            pdf.set_xy(100, 285)
            pdf.cell(0, 5, page_label.format(n=number, total=len(pages)))
    pdf.output(str(path))
    return path


def build_encrypted_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 5, "Le Prestataire notifie au Client toute violation.")
    pdf.output(str(path))
    return path


def build_textless_pdf(path: Path) -> Path:
    """A 'scanned' page: drawings, no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.line(20, 100, 180, 100)
    pdf.output(str(path))
    return path


# ---- fixtures -----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def docs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("docs")


@pytest.fixture(scope="session")
def sample_docx(docs_dir) -> Path:
    return build_docx(docs_dir / "contrat.docx")


@pytest.fixture(scope="session")
def sample_pdf(docs_dir) -> Path:
    pytest.importorskip("fpdf", reason="fpdf2 (test extra) builds the PDF fixtures")
    return build_pdf(docs_dir / "contrat.pdf")


@pytest.fixture(scope="session")
def encrypted_pdf(docs_dir) -> Path:
    pytest.importorskip("fpdf", reason="fpdf2 (test extra) builds the PDF fixtures")
    try:
        return build_encrypted_pdf(docs_dir / "chiffre.pdf")
    except Exception as exc:  # pragma: no cover - depends on the fpdf2 build
        pytest.skip(f"fpdf2 cannot write an encrypted PDF here: {exc}")


@pytest.fixture(scope="session")
def textless_pdf(docs_dir) -> Path:
    pytest.importorskip("fpdf", reason="fpdf2 (test extra) builds the PDF fixtures")
    return build_textless_pdf(docs_dir / "scan.pdf")


@pytest.fixture
def write(tmp_path) -> Callable[[str, bytes | str], Path]:
    """write(name, content) -> path of a new file in a fresh folder."""

    def _write(name: str, content: bytes | str) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            p.write_text(content, encoding="utf-8")
        else:
            p.write_bytes(content)
        return p

    return _write


def odt_bytes() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return buf.getvalue()


# ---- rule packs ---------------------------------------------------------------------------------------

PACK_YAML = """\
name: {name}
title: {{fr: Pack de test, en: Test pack}}
version: "1.0"
applies_to: {{dpa: true, services: true, call-centre: true, sla: true, other: true}}
lexicon:
  breach:
    fr: ["violation* de donnees"]
    en: ["data breach*", "personal data breach*"]
"""

RULE_YAML = """\
id: {rule_id}
title: {{fr: Notification des violations, en: Breach notification}}
severity: {{missing: {missing}, weak: warning}}
references:
  - {{cite: "RGPD art. 33(2)"}}
fix: {{fr: Notifier sous 24 heures., en: Notify within 24 hours.}}
scope: paragraph
match:
  all:
    - term: breach
    - phrase: {{fr: "notifi*", en: "notif*"}}
weak:
  - id: deadline-too-long
    deadline: {{max_hours: 48}}
    reason: {{fr: "délai de {{hours}} h", en: "{{hours}} h deadline"}}
examples:
  present:
    - {{lang: fr, text: "Le Prestataire notifie au Client toute violation de données sous 24 heures."}}
  missing:
    - {{lang: en, text: "The Supplier shall invoice monthly."}}
"""


def write_pack(root: Path, name: str = "testpack", rules: dict[str, str] | None = None) -> Path:
    """A pack folder `root/name` with pack.yaml and rule files {file stem: YAML text}."""
    pack = root / name
    pack.mkdir(parents=True, exist_ok=True)
    (pack / "pack.yaml").write_text(PACK_YAML.format(name=name), encoding="utf-8")
    for stem, text in (rules if rules is not None else {"TST-BREACH": rule_yaml("TST-BREACH")}).items():
        (pack / f"{stem}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return pack


def rule_yaml(rule_id: str, missing: str = "warning") -> str:
    return RULE_YAML.format(rule_id=rule_id, missing=missing)


@pytest.fixture
def make_pack(tmp_path) -> Callable[..., Path]:
    def _make(name: str = "testpack", rules: dict[str, str] | None = None) -> Path:
        return write_pack(tmp_path / "packs", name, rules)

    return _make


def snapshot(paths: list[Path]) -> dict[str, tuple[bytes, int]]:
    """Content and mtime of files (to prove a run left them untouched)."""
    return {str(p): (p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths}


# ---- golden files ---------------------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(produced: str, name: str) -> None:
    """`produced` equals tests/golden/NAME; CCCLINT_UPDATE_GOLDEN=1 rewrites the file after an intended change."""
    path = GOLDEN / name
    if os.environ.get("CCCLINT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(produced, encoding="utf-8", newline="")
    assert path.is_file(), f"{path} missing: run with CCCLINT_UPDATE_GOLDEN=1 to create it"
    assert produced == path.read_bytes().decode("utf-8"), (
        f"output differs from {path.name}; if intended, regenerate with CCCLINT_UPDATE_GOLDEN=1")
