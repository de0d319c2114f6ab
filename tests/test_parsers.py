"""Parsers: DOCX, PDF, Markdown and text into ordered blocks; format sniffing; InputError codes."""

from __future__ import annotations

import random

import pytest

from conftest import (DOCX_COMMENT, DOCX_DELETED, DOCX_FOOTER, DOCX_HEADER, DOCX_INSERTED, PDF_HEADER, build_docx,
                      odt_bytes)
from ccclint.errors import InputError
from ccclint.parsers import parse_file
from ccclint.parsers.text import parse_string


def texts(doc):
    return [b.text for b in doc.blocks]


def error_code(path) -> str:
    with pytest.raises(InputError) as info:
        parse_file(str(path))
    assert str(path) in str(info.value)  # the one-line message names the file
    return info.value.code


# ---- DOCX ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def docx_doc(sample_docx):
    return parse_file(str(sample_docx))


@pytest.fixture(scope="module")
def pdf_doc(sample_pdf):
    return parse_file(str(sample_pdf))


class TestDocx:
    @pytest.fixture
    def doc(self, docx_doc):
        return docx_doc

    def test_format_and_hash(self, doc, sample_docx):
        import hashlib

        assert doc.format == "docx"
        assert doc.sha256 == hashlib.sha256(sample_docx.read_bytes()).hexdigest()

    def test_blocks_in_document_order(self, doc):
        t = texts(doc)
        order = ["CONTRAT DE PRESTATIONS", "Article 1 – Objet", "1.1 Périmètre", "Premier engagement numéroté.",
                 "Second engagement numéroté.", "Article 2 – Niveaux de service", "Indicateur | Cible | Pénalité",
                 "Fin du contrat."]
        positions = [t.index(x) for x in order]
        assert positions == sorted(positions)

    def test_headings_and_levels(self, doc):
        headings = {b.text: b.level for b in doc.blocks if b.kind == "heading"}
        assert headings["Article 1 – Objet"] == 1
        assert headings["1.1 Périmètre"] == 2
        assert headings["Article 2 – Niveaux de service"] == 1
        assert all(b.level == 0 for b in doc.blocks if b.kind != "heading")
        assert next(b for b in doc.blocks if b.text.startswith("Le Prestataire")).kind == "paragraph"

    def test_numbered_paragraphs_carry_their_number(self, doc):
        items = [b for b in doc.blocks if b.kind == "item"]
        assert [b.text for b in items] == ["Premier engagement numéroté.", "Second engagement numéroté."]
        assert [b.number.rstrip(".)") for b in items] == ["1", "2"]

    def test_table_rows_as_cells(self, doc):
        rows = [b.text for b in doc.blocks if b.kind == "row"]
        assert rows == ["Indicateur | Cible | Pénalité", "Taux de décroché | 90 % | 2 %",
                        "Durée moyenne de traitement | 180 s | 1 %"]

    def test_header_footer_comment_not_in_blocks(self, doc):
        joined = "\n".join(texts(doc))
        for hidden in (DOCX_HEADER, DOCX_FOOTER, DOCX_COMMENT):
            assert hidden not in joined
        assert "Paragraphe commenté par le juriste." in texts(doc)

    def test_tracked_changes_accepted(self, doc):
        para = next(t for t in texts(doc) if t.startswith("Le délai de notification"))
        assert para == f"Le délai de notification est de {DOCX_INSERTED} à compter de la découverte."
        assert DOCX_DELETED not in "\n".join(texts(doc))

    def test_page_break_counts_pages(self, doc):
        by_text = {b.text: b.page for b in doc.blocks}
        assert by_text["Article 1 – Objet"] == 1
        assert by_text["Article 2 – Niveaux de service"] == 2
        assert by_text["Fin du contrat."] == 2
        assert doc.pages == 2

    def test_styles_cut_to_paragraph_styles_give_the_same_headings(self, sample_docx):
        """Word templates carry hundreds of table styles: only paragraph styles are parsed (same headings and
        numbers); a part laid out otherwise (another prefix for the namespace) is parsed whole."""
        import io
        import zipfile

        from ccclint.parsers import docx as reader

        data = zipfile.ZipFile(sample_docx).read("word/styles.xml")
        cut = reader._paragraph_styles(data)
        assert cut is not None and len(cut) < len(data) / 3 and b'w:type="table"' not in cut
        full = reader._styles(reader._read(zipfile.ZipFile(sample_docx), "word/styles.xml", "x", reader.Limits()))
        assert {k: v for k, v in full.items() if v != (0, None)} == \
            {k: v for k, v in reader._styles(reader.etree.fromstring(cut)).items() if v != (0, None)}
        assert reader._paragraph_styles(data.replace(b"w:", b"x:").replace(b"xmlns:w=", b"xmlns:x=")) is None
        buf = io.BytesIO()  # the same file with the namespace bound to another prefix in styles.xml
        with zipfile.ZipFile(sample_docx) as src, zipfile.ZipFile(buf, "w") as dst:
            for item in src.infolist():
                part = src.read(item.filename)
                dst.writestr(item, part.replace(b"w:", b"q:").replace(b"xmlns:w=", b"xmlns:q=") if
                             item.filename == "word/styles.xml" else part)
        other = sample_docx.parent / "prefixe.docx"
        other.write_bytes(buf.getvalue())
        assert [(b.text, b.kind, b.level) for b in parse_file(str(other)).blocks] == \
            [(b.text, b.kind, b.level) for b in parse_file(str(sample_docx)).blocks]

    def test_docx_is_not_modified(self, sample_docx):
        from conftest import snapshot

        before = snapshot([sample_docx])
        parse_file(str(sample_docx))
        assert snapshot([sample_docx]) == before


# ---- PDF ----------------------------------------------------------------------------------------------

class TestPdf:
    @pytest.fixture
    def doc(self, pdf_doc):
        return pdf_doc

    def test_format_and_pages(self, doc):
        assert doc.format == "pdf"
        assert doc.pages == 3

    def test_blocks_in_order_with_page_numbers(self, doc):
        heads = [(b.text, b.page) for b in doc.blocks if b.text.startswith("ARTICLE")]
        assert heads == [("ARTICLE 1 – OBJET", 1), ("ARTICLE 2 – SÉCURITÉ", 1), ("ARTICLE 3 – RÉVERSIBILITÉ", 2),
                         ("ARTICLE 4 – DURÉE", 3)]
        assert all(isinstance(b.page, int) for b in doc.blocks)

    def test_wrapped_lines_rejoined_into_paragraphs(self, doc):
        para = next(b for b in doc.blocks if b.text.startswith("À la fin du contrat"))
        assert para.text.endswith("sauf obligation légale contraire.")
        assert para.page == 2
        assert len(doc.blocks) == 8

    def test_running_header_and_page_numbers_removed(self, doc):
        joined = "\n".join(texts(doc))
        assert PDF_HEADER not in joined
        assert "Confidentiel" not in joined
        assert "Page 1" not in joined and "/ 3" not in joined

    def test_hyphenated_word_repaired(self, doc):
        joined = " ".join(texts(doc))
        assert "le chiffrement des sauvegardes" in joined
        assert "chiffre-ment" not in joined and "chiffre- ment" not in joined
        assert "sous-traitant ultérieur" in joined  # a compound split after its prefix keeps its hyphen

    def test_french_accents_and_ligatures(self, doc):
        joined = " ".join(texts(doc))
        for word in ("délai", "données à caractère personnel", "œuvre", "RÉVERSIBILITÉ", "À la fin", "préalable"):
            assert word in joined


RUN_ON_PAGES = [
    ["ARTICLE 5 – CONFIDENTIALITÉ",
     "Chaque partie conserve confidentielles les informations reçues de l'autre partie pendant toute la durée",
     "du contrat et pendant cinq ans après son terme, sauf accord écrit et préalable de la partie qui les a",
     "communiquées, et ne les utilise qu'aux seules fins de l'exécution du présent contrat, à l'exclusion de"],
    ["toute autre finalité, y compris à des fins de prospection commerciale ou d'entraînement de modèles.",
     "",
     "ARTICLE 6 – DURÉE",
     "Le contrat entre en vigueur à sa signature."],
]


@pytest.mark.parametrize("label", ["- {n} -", "{n}", "Page {n} sur {total}", "{n}/{total}"])
def test_pdf_page_number_styles_removed_and_paragraph_runs_across_pages(tmp_path, label):
    pytest.importorskip("fpdf")
    from conftest import build_pdf

    doc = parse_file(str(build_pdf(tmp_path / "p.pdf", RUN_ON_PAGES, header=None, page_label=label)))
    assert [(b.page, b.text[:20]) for b in doc.blocks] == [
        (1, "ARTICLE 5 – CONFIDEN"), (1, "Chaque partie conser"), (2, "ARTICLE 6 – DURÉE"), (2, "Le contrat entre en ")]
    assert doc.blocks[1].text.endswith("à l'exclusion de toute autre finalité, y compris à des fins de prospection "
                                       "commerciale ou d'entraînement de modèles.")
    assert doc.blocks[3].text == "Le contrat entre en vigueur à sa signature."


# ---- Markdown and text --------------------------------------------------------------------------------

MARKDOWN = """\
# Contrat de services

Préambule sur **deux**
lignes avec un [lien](https://example.com).

## Article 2 – Sécurité

1. Le Prestataire chiffre les données.
2. Le Prestataire journalise les accès.

| Indicateur | Cible |
|---|---|
| Taux de décroché | 90 % |
"""


class TestMarkdown:
    @pytest.fixture
    def doc(self, write):
        return parse_file(str(write("contrat.md", MARKDOWN)))

    def test_blocks(self, doc):
        assert doc.format == "markdown"
        assert [(b.kind, b.text) for b in doc.blocks] == [
            ("heading", "Contrat de services"),
            ("paragraph", "Préambule sur deux lignes avec un lien."),
            ("heading", "Article 2 – Sécurité"),
            ("item", "Le Prestataire chiffre les données."),
            ("item", "Le Prestataire journalise les accès."),
            ("row", "Indicateur | Cible"),
            ("row", "Taux de décroché | 90 %"),
        ]

    def test_levels_lines_and_numbers(self, doc):
        assert [b.level for b in doc.blocks if b.kind == "heading"] == [1, 2]
        assert [b.line for b in doc.blocks] == [1, 3, 6, 8, 9, 11, 13]
        assert [b.number for b in doc.blocks if b.kind == "item"] == ["1", "2"]
        assert all(b.page is None for b in doc.blocks)

    def test_parse_string_matches_file(self, doc):
        assert texts(parse_string(MARKDOWN)) == texts(doc)


class TestText:
    def test_plain_text_keeps_hashes_and_joins_lines(self, write):
        doc = parse_file(str(write("contrat.txt", "# pas un titre\n\nligne un\nligne deux\n\nARTICLE 3 – DURÉE\n")))
        assert doc.format == "text"
        assert [(b.kind, b.text, b.line) for b in doc.blocks] == [
            ("paragraph", "# pas un titre", 1), ("paragraph", "ligne un ligne deux", 3),
            ("paragraph", "ARTICLE 3 – DURÉE", 6)]

    def test_cp1252_and_utf16_decoded(self, write):
        doc = parse_file(str(write("ancien.txt", "Délai de préavis : trois mois.".encode("cp1252"))))
        assert texts(doc) == ["Délai de préavis : trois mois."]
        doc = parse_file(str(write("utf16.txt", "Sécurité des données.".encode("utf-16"))))
        assert texts(doc) == ["Sécurité des données."]


# ---- sniffing by content ------------------------------------------------------------------------------

class TestSniffing:
    def test_pdf_named_docx_is_read_as_pdf(self, sample_pdf, write):
        doc = parse_file(str(write("vraiment-un-pdf.docx", sample_pdf.read_bytes())))
        assert doc.format == "pdf"
        assert any(b.text.startswith("ARTICLE 1") for b in doc.blocks)

    def test_docx_named_pdf_is_read_as_docx(self, sample_docx, write):
        doc = parse_file(str(write("vraiment-un-docx.pdf", sample_docx.read_bytes())))
        assert doc.format == "docx"

    def test_docx_named_txt_is_read_as_docx(self, sample_docx, write):
        assert parse_file(str(write("contrat.txt", sample_docx.read_bytes()))).format == "docx"

    def test_text_named_pdf_is_corrupt(self, write):
        assert error_code(write("faux.pdf", "Ceci est du texte, pas un PDF.\n")) == "corrupt"

    def test_markdown_without_suffix_is_text(self, write):
        assert parse_file(str(write("CONTRAT", "Le Prestataire s'engage.\n"))).format == "text"


# ---- errors -------------------------------------------------------------------------------------------

class TestInputErrors:
    def test_missing_file(self, tmp_path):
        assert error_code(tmp_path / "absent.docx") == "not-found"

    @pytest.mark.parametrize("content", [b"", b"   \n\n\t  \n"])
    def test_empty_file(self, write, content):
        assert error_code(write("vide.txt", content)) == "no-text"

    def test_empty_docx_named_file(self, write):
        assert error_code(write("vide.docx", b"")) == "no-text"

    def test_random_bytes_named_docx(self, write):
        data = random.Random(7).randbytes(4096)
        assert not data.startswith((b"PK", b"%PDF", b"\xd0\xcf", b"{\\rtf"))
        assert error_code(write("bruit.docx", data)) == "corrupt"

    def test_truncated_docx(self, sample_docx, write):
        data = sample_docx.read_bytes()
        assert error_code(write("tronque.docx", data[: len(data) // 2])) == "corrupt"

    def test_docx_with_damaged_document_xml(self, write):
        import io
        import zipfile

        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body><w:p>")
        assert error_code(write("abime.docx", buf.getvalue())) == "corrupt"

    def test_legacy_doc(self, write):
        ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"Microsoft Word" + b"\x00" * 1000
        assert error_code(write("ancien.doc", ole)) == "unsupported"
        assert error_code(write("ancien-renomme.docx", ole)) == "unsupported"

    def test_rtf(self, write):
        assert error_code(write("contrat.rtf", r"{\rtf1\ansi Le Prestataire s'engage.\par}")) == "unsupported"

    def test_odt(self, write):
        assert error_code(write("contrat.odt", odt_bytes())) == "unsupported"
        assert error_code(write("contrat-odt.docx", odt_bytes())) == "unsupported"

    def test_encrypted_pdf(self, encrypted_pdf):
        assert error_code(encrypted_pdf) == "encrypted"

    def test_pdf_without_text(self, textless_pdf):
        assert error_code(textless_pdf) == "no-text"

    def test_truncated_pdf_is_corrupt_or_partial(self, sample_pdf, write):
        data = sample_pdf.read_bytes()
        path = write("tronque.pdf", data[:200])
        assert error_code(path) in ("corrupt", "no-text")

    def test_directory_is_unreadable(self, tmp_path):
        (tmp_path / "dossier.docx").mkdir()
        assert error_code(tmp_path / "dossier.docx") == "unreadable"

    def test_docx_fixture_builder_is_deterministic_in_content(self, tmp_path):
        a = parse_file(str(build_docx(tmp_path / "a.docx")))
        b = parse_file(str(build_docx(tmp_path / "b.docx")))
        assert texts(a) == texts(b)
