"""Lawyer-facing outputs: the Markdown and HTML reports (golden files from a small hand-made Run, not from
the packs, so rule tuning never breaks them; escaping; HTML well-formed and self-contained) and the
annotated Word copies of --annotate (comments on the right paragraphs, originals untouched).

Regenerate the golden files after an intended change:  CCCLINT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_human_reports.py   (then review the diff of tests/golden/human-*).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import assert_golden, rule_yaml, write_pack
from ccclint import annotate
from ccclint.engine import DocumentResult, Options, check_file
from ccclint.errors import UsageError
from ccclint.findings import Evidence, Finding
from ccclint.packs import loader
from ccclint.reporters import FORMATS, Run, get

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_DOCX = ROOT / "examples" / "contrat-centre-appels.docx"
HOSTILE = "<script>alert('x')</script> | *gras* [lien](http://evil.example) & co"


# ---- a small fixed run ------------------------------------------------------------------------------------

def _f(rule, pack, status, severity, title, message, evidence=(), fix="", reference="") -> Finding:
    return Finding(rule, pack, status, severity, title, message, reference, fix, evidence=list(evidence))


def make_run() -> Run:
    fr = DocumentResult(
        path="contrats/acme <v2>.docx", format="docx", sha256="a" * 64, language="fr", kind="call-centre", pages=3,
        results=[
            _f("ART33-BREACH", "gdpr", "weak", "warning", "Notification des violations",
               "Clause insuffisante : Notification des violations (délai de 72 h, au-delà de 48 h).",
               [Evidence("Le Prestataire notifie au Client toute violation dans un délai de 72 heures. " + HOSTILE,
                         2, 57, "9.2", "ARTICLE 9 – SÉCURITÉ")],
               fix="Le Prestataire notifie au Client toute violation sous 24 heures.\n\n"
                   "La notification décrit la nature de la violation.",
               reference="RGPD art. 33(2) ; art. 28(3)(f)"),
            _f("ART28-AUDIT", "gdpr", "missing", "error", "Audits et inspections", "Clause absente : Audits et inspections.",
               fix="Le Prestataire permet la réalisation d'audits sur place.", reference="RGPD art. 28(3)(h)"),
            _f("NFX-SLA", "nf-x50-798", "present", None, "Niveaux de service", "Clause présente : Niveaux de service.",
               [Evidence("Taux de décroché | 90 %", 3, 80, "10", None)]),
            _f("NFX-OUTBOUND", "nf-x50-798", "not_applicable", None, "Appels sortants", "Sans objet."),
        ])
    en = DocumentResult(
        path="dpa-en.md", format="markdown", sha256="b" * 64, language="en", kind="dpa",
        results=[
            _f("ART33-BREACH", "gdpr", "present", None, "Breach notification", "Clause present: Breach notification.",
               [Evidence("Supplier notifies Customer within 24 hours.", None, 12, "5", "5. Breaches", line=30)]),
            _f("ART28-AUDIT", "gdpr", "weak", "warning", "Audits and inspections",
               "Weak clause: Audits and inspections (audit limited to certificates).",
               [Evidence("Customer receives a copy of the ISO 27001 certificate.", None, 20, "7.1", "7. Audits", line=44)],
               fix="Supplier allows on-site audits by Customer.", reference="GDPR Art. 28(3)(h)"),
            _f("NFX-SLA", "nf-x50-798", "missing", "info", "Service levels", "Missing clause: Service levels."),
        ])  # no NFX-OUTBOUND result: shown as "not checked"
    scan = DocumentResult(path="scan.pdf", error={"code": "no-text", "message": "no text layer (scanned PDF?)"})
    return Run([fr, en, scan], "9.9.9-test", [])


# ---- golden files ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt,name", [("markdown", "human-report.md"), ("html", "human-report.html")])
def test_golden(fmt, name):
    assert fmt in FORMATS
    assert_golden(get(fmt).render(make_run()), name)


# ---- HTML ---------------------------------------------------------------------------------------------

class _Checker(HTMLParser):
    """Tag balance (void elements aside), every attribute, and the text of <style>."""

    VOID = {"meta", "br", "wbr", "img", "hr", "link", "input", "col", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.style = ""
        self.decl = ""

    def handle_decl(self, decl):
        self.decl = decl

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'} at {self.getpos()}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "style":
            self.style += data


def _checked(text: str) -> _Checker:
    c = _Checker()
    c.feed(text)
    c.close()
    return c


def test_html_is_well_formed_and_self_contained():
    text = get("html").render(make_run())
    c = _checked(text)
    assert c.decl.lower() == "doctype html"
    assert c.errors == [] and c.stack == []
    tags = {t for t, _ in c.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for tag, attrs in c.tags:
        for key, value in attrs.items():
            assert not key.startswith("on"), (tag, key)
            assert not re.match(r"\s*(https?:)?//", value or ""), (tag, key, value)
    assert "url(" not in c.style and "@import" not in c.style and "@media print" in c.style
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", text)


def test_html_parses_with_lxml_and_shows_the_matrix():
    lxml_html = pytest.importorskip("lxml.html")
    root = lxml_html.fromstring(get("html").render(make_run()))
    tables = root.xpath("//table[@class='matrix']")
    assert [t.xpath("string(caption)") for t in tables] == ["gdpr", "nf-x50-798"]
    rows = [[c.text_content() for c in tr.xpath("td")] for tr in tables[0].xpath("tbody/tr")]
    assert rows == [["◐", "✗"], ["✓", "◐"], ["⊘", "⊘"]]
    assert "illisible (no-text)" in tables[0].xpath("string(tbody/tr[3]/th)")
    rows = [[c.text_content() for c in tr.xpath("td")] for tr in tables[1].xpath("tbody/tr")]
    assert rows[:2] == [["✓", "–"], ["✗", "·"]]
    # each document section speaks its own language
    fr, en, scan = root.xpath("//section[@class='document']")
    assert fr.get("lang") == "fr" and "Référence" in fr.text_content() and "Clause type" in fr.text_content()
    assert en.get("lang") == "en" and "Reference" in en.text_content() and "Model clause" in en.text_content()
    assert "illisible" in scan.text_content() and "no text layer" in scan.text_content()


def test_html_escapes_contract_text():
    text = get("html").render(make_run())
    assert "<script>" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "contrats/<wbr>acme &lt;v2&gt;.docx" in text
    assert 'href="http://evil' not in text


# ---- Markdown -----------------------------------------------------------------------------------------

def test_markdown_escapes_contract_text_and_keeps_tables_intact():
    text = get("markdown").render(make_run())
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert r"\| \*gras\* \[lien\](http://evil.example)" in text  # inert: no link, no emphasis, no cell break
    for line in text.splitlines():
        if line.startswith("| [") or line.startswith("| Document"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == 5, line  # each pack has 2 rules: edge, document, rule 1, rule 2, edge


def test_markdown_follows_each_documents_language():
    text = get("markdown").render(make_run())
    fr, en = text.split("## contrats/acme")[1].split("## dpa-en.md")
    assert "**Référence** :" in fr and "**Extrait** (p. 2, § 57, art. 9.2, « ARTICLE 9 – SÉCURITÉ ») :" in fr
    assert "**Reference**:" in en and "**Evidence** (l. 44, para. 20, art. 7.1, “7. Audits”):" in en
    # a two-paragraph model clause stays two paragraphs inside one quote
    assert "  > Le Prestataire notifie au Client toute violation sous 24 heures.\n  >\n  > La notification" in fr


# ---- annotate: a DOCX built here ----------------------------------------------------------------------

BREACH = "Le Prestataire notifie au Client toute violation de données dans un délai de soixante-douze (72) heures."
INSERTED = "Clause insérée en révision par le Client."


def build_contract(path: Path) -> Path:
    """Heading, an empty paragraph (not a block), a table, a paragraph whose text sits only in a tracked
    insertion (no direct run), an existing comment, then the breach clause."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    d = docx.Document()
    d.add_heading("CONTRAT DE PRESTATIONS", level=0)
    d.add_heading("Article 1 – Objet", level=1)
    d.add_paragraph("")
    d.add_paragraph("Le Prestataire assure la gestion des appels entrants pour le compte du Client.")
    table = d.add_table(rows=2, cols=2)
    for i, row in enumerate([("Indicateur", "Cible"), ("Taux de décroché", "90 %")]):
        for j, value in enumerate(row):
            table.cell(i, j).text = value
    p = d.add_paragraph()
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "7")
    ins.set(qn("w:author"), "Client")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = INSERTED
    r.append(t)
    ins.append(r)
    p._p.append(ins)
    commented = d.add_paragraph("Paragraphe déjà commenté par le juriste.")
    d.add_comment(commented.runs[0], text="Remarque du juriste", author="Juriste", initials="J")
    d.add_heading("Article 2 – Données personnelles", level=1)
    d.add_paragraph(BREACH)
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def testpack_rules(tmp_path_factory):
    root = tmp_path_factory.mktemp("packs")
    write_pack(root, "testpack", {"TST-BREACH": rule_yaml("TST-BREACH", missing="warning"),
                                  "TST-OTHER": rule_yaml("TST-OTHER", missing="info")})
    return loader.load((str(root / "testpack"),), ("testpack",))


def _comments(path: Path) -> list[tuple[str, str]]:
    """(comment text, text of the paragraph where its range starts), in comment-id order."""
    import docx

    document = docx.Document(str(path))
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    anchors = {}
    for start in document.element.body.iter(W + "commentRangeStart"):
        p = start.getparent()
        while p.tag != W + "p":
            p = p.getparent()
        anchors[int(start.get(W + "id"))] = "".join(t.text or "" for t in p.iter(W + "t"))
    return [(c.text, anchors.get(c.comment_id, "")) for c in document.comments]


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def test_annotate_built_docx(tmp_path, testpack_rules):
    (tmp_path / "in").mkdir()
    src = build_contract(tmp_path / "in" / "contrat.docx")
    before = _fingerprint(src)
    result = check_file(str(src), testpack_rules, Options())
    assert {f.rule: f.status for f in result.results} == {"TST-BREACH": "weak", "TST-OTHER": "weak"}
    outcome = annotate.annotate_run([result], str(tmp_path / "out" / "deep"))
    target = tmp_path / "out" / "deep" / "contrat.ccclint.docx"
    assert outcome.written == [str(target)] and outcome.notes == []
    assert _fingerprint(src) == before
    with zipfile.ZipFile(target) as z:
        assert "word/comments.xml" in z.namelist()
    comments = _comments(target)
    assert comments[0] == ("Remarque du juriste", "Paragraphe déjà commenté par le juriste.")  # kept
    ours = {text.split(" (")[0]: anchor for text, anchor in comments[1:]}
    assert ours["ccclint TST-BREACH"] == BREACH and ours["ccclint TST-OTHER"] == BREACH
    weak = next(text for text, _ in comments if text.startswith("ccclint TST-BREACH"))
    assert "Clause type : Notifier sous 24 heures." in weak and "Référence : RGPD art. 33(2)" in weak
    top = [text for text, anchor in comments if anchor == "CONTRAT DE PRESTATIONS"]
    assert top == ["ccclint : aucune clause absente."]
    # the copy still reads as the same contract
    assert [b.text for b in check_file(str(target), testpack_rules, Options()).results[0].evidence] == \
        [e.text for e in result.results[0].evidence]


def test_annotate_anchors_rows_and_insertion_only_paragraphs(tmp_path):
    src = build_contract(tmp_path / "contrat.docx")
    from ccclint.parsers import parse_file

    blocks = [b.text for b in parse_file(str(src)).blocks]
    row, inserted = blocks.index("Taux de décroché | 90 %") + 1, blocks.index(INSERTED) + 1

    def weak(rule, paragraph, quote):
        return _f(rule, "p", "weak", "warning", rule, f"{rule} is weak", [Evidence(quote, None, paragraph, None, None)])

    doc = DocumentResult(str(src), "docx", hashlib.sha256(src.read_bytes()).hexdigest(), "en", "other", None, None, [
        weak("ROW", row, "Taux de décroché | 90 %"),
        weak("INS", inserted, "…insérée en révision…"),
        weak("MOVED", 1, "Le Prestataire assure la gestion"),  # wrong number, right quote: found by the quote
        weak("LOST", 999, "nowhere in this contract"),  # listed in the top comment
        _f("GONE", "p", "missing", "error", "Gone clause", "Missing clause: Gone clause.", reference="Art. 1"),
    ])
    annotate.annotate_run([doc], str(tmp_path / "out"))
    comments = dict((text.split(" (")[0], anchor) for text, anchor in _comments(tmp_path / "out" / "contrat.ccclint.docx"))
    assert comments["ccclint ROW"] == "Taux de décroché"
    assert comments["ccclint INS"] == INSERTED
    assert comments["ccclint MOVED"].startswith("Le Prestataire assure la gestion")
    top = next(text for text, anchor in _comments(tmp_path / "out" / "contrat.ccclint.docx") if "GONE" in text)
    assert "• GONE (error) — Gone clause. Reference: Art. 1" in top and "LOST — LOST is weak" in top


def test_annotate_example_contract(tmp_path, testpack_rules):
    before = _fingerprint(EXAMPLE_DOCX)
    result = check_file(str(EXAMPLE_DOCX), testpack_rules, Options())
    breach = next(f for f in result.results if f.rule == "TST-BREACH")
    assert breach.status == "weak"
    outcome = annotate.annotate_run([result], str(tmp_path))
    assert outcome.written == [str(tmp_path / "contrat-centre-appels.ccclint.docx")]
    assert _fingerprint(EXAMPLE_DOCX) == before
    anchors = {text.split(" (")[0]: anchor for text, anchor in _comments(tmp_path / "contrat-centre-appels.ccclint.docx")}
    assert anchors["ccclint TST-BREACH"].startswith("Le Prestataire notifie au Client toute violation")
    assert "soixante-douze" in anchors["ccclint TST-BREACH"]


def test_annotate_refuses_to_write_over_an_input(tmp_path, testpack_rules):
    # a contract and an earlier annotated copy of it, both checked, annotated into their own folder
    sources = [build_contract(tmp_path / "contrat.docx"), build_contract(tmp_path / "contrat.ccclint.docx")]
    before = [_fingerprint(p) for p in sources]
    results = [check_file(str(p), testpack_rules, Options()) for p in sources]
    with pytest.raises(UsageError, match="refusing to write over an input file: .*contrat.ccclint.docx"):
        annotate.annotate_run(results, str(tmp_path))
    assert [_fingerprint(p) for p in sources] == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contrat.ccclint.docx", "contrat.docx"]  # nothing written


def test_annotate_skips_non_docx_unreadable_and_changed_files(tmp_path):
    md = DocumentResult("a.md", "markdown", "c" * 64, "fr", "other", None, None, [])
    bad = DocumentResult("b.docx", error={"code": "corrupt", "message": "corrupt Word file"})
    changed = DocumentResult(str(build_contract(tmp_path / "c.docx")), "docx", "d" * 64, "fr", "other", None, None, [])
    outcome = annotate.annotate_run([md, bad, changed], str(tmp_path / "out"))
    assert outcome.written == []
    assert outcome.notes == ["a.md: not a Word file, no annotated copy",
                             f"{changed.path}: no annotated copy: the file changed since it was checked"]
    assert not (tmp_path / "out").exists()


# ---- the command line -----------------------------------------------------------------------------------

def test_cli_writes_reports_and_annotated_copy(tmp_path):
    build_contract(tmp_path / "contrat.docx")
    (tmp_path / "notes.md").write_text("# Notes\n\nLe Client paie chaque mois.\n", encoding="utf-8")
    write_pack(tmp_path / "packs", "testpack")
    inputs = [tmp_path / "contrat.docx", tmp_path / "notes.md"]
    before = [_fingerprint(p) for p in inputs]
    args = [sys.executable, "-m", "ccclint", "check", "contrat.docx", "notes.md", "--rules", "packs/testpack",
            "--pack", "testpack", "--jobs", "1", "--no-progress", "--format", "markdown:r.md", "--format", "html:r.html"]
    proc = subprocess.run([*args, "--annotate", "annotated"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr  # TST-BREACH: weak / missing, both warnings (below --fail-on error)
    assert "notes.md: not a Word file, no annotated copy" in proc.stderr
    assert (tmp_path / "annotated" / "contrat.ccclint.docx").is_file()
    assert "TST-BREACH" in (tmp_path / "r.md").read_text(encoding="utf-8")
    assert _checked((tmp_path / "r.html").read_text(encoding="utf-8")).errors == []
    assert [_fingerprint(p) for p in inputs] == before
    # refused (exit 2, nothing written) when an earlier copy, checked again, would be overwritten
    copy = tmp_path / "contrat.ccclint.docx"
    copy.write_bytes((tmp_path / "annotated" / "contrat.ccclint.docx").read_bytes())
    before = [_fingerprint(p) for p in [*inputs, copy]]
    proc = subprocess.run([*args, "contrat.ccclint.docx", "--annotate", "."], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "refusing to write over an input file" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert [_fingerprint(p) for p in [*inputs, copy]] == before
