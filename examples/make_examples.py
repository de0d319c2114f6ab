#!/usr/bin/env python3
"""Regenerate the shipped example contracts from their text sources.

    examples/src/contrat-centre-appels.md      -> examples/contrat-centre-appels.docx   (python-docx)
    examples/src/contrat-prestataire-maroc.md  -> examples/contrat-prestataire-maroc.pdf (fpdf2, DejaVu Sans)

examples/dpa-en.md is itself the example (hand-written Markdown) and is not generated.

Usage (from the repository root, with the `dev` extra installed: pip install -e '.[dev]'):

    python examples/make_examples.py            # rewrite the .docx and .pdf next to this script
    python examples/make_examples.py --check    # exit 1 if a committed output differs from a fresh build
    python examples/make_examples.py --out DIR  # write the outputs into DIR instead

Outputs are byte-for-byte reproducible: fixed document dates, fixed ZIP entry timestamps, fixed PDF
creation date. The PDF embeds a subset of DejaVu Sans; a different DejaVu build gives a (textually
identical) PDF with other bytes, so --check compares the PDF only when the font files match
FONT_SHA256 below, and says so otherwise.

Source markup (one line = one paragraph): "# " title, "## " Heading 1, "### " Heading 2,
"- " bullet item, "| a | b |" table row (first row = header, "|---|" lines ignored),
"\\pagebreak" page break, <!-- comments --> dropped, blank lines ignored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"

FONT_CANDIDATES = {
    "": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
         "/usr/local/share/fonts/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans.ttf"],
    "B": ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
          "/usr/local/share/fonts/DejaVuSans-Bold.ttf", "/Library/Fonts/DejaVuSans-Bold.ttf"],
}
# DejaVu Sans 2.37 as shipped by Debian's fonts-dejavu-core (the build used for the committed PDF).
FONT_SHA256 = {
    "": "abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322",
    "B": "0d977336a6d5fba34eab8e3199eb218327161b5143749f802982c2bc34df0c96",
}


@dataclass
class Spec:
    source: str
    output: str
    title: str
    author: str
    subject: str
    date: dt.datetime
    running_header: str = ""
    meta: dict = field(default_factory=dict)


SPECS = [
    Spec(source="contrat-centre-appels.md", output="contrat-centre-appels.docx",
         title="Contrat de prestation de services de centre d'appels",
         author="Galeries Vercoren – Direction juridique", subject="Externalisation du service client",
         date=dt.datetime(2025, 3, 3, 9, 0, 0)),
    Spec(source="contrat-prestataire-maroc.md", output="contrat-prestataire-maroc.pdf",
         title="Contrat de prestations de centre de contacts",
         author="Norvelle Énergie – Direction juridique", subject="Externalisation du service clients (Casablanca)",
         date=dt.datetime(2025, 3, 10, 9, 0, 0, tzinfo=dt.timezone.utc),
         running_header="Norvelle Énergie / Atlas Relation Clients – Contrat de prestations de centre de contacts"),
]


# ----------------------------------------------------------------------------- source markup

@dataclass
class Block:
    kind: str                      # title | h1 | h2 | p | li | table | pagebreak
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


def parse_source(text: str) -> list[Block]:
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            if not blocks or blocks[-1].kind != "table":
                blocks.append(Block("table"))
            blocks[-1].rows.append(cells)
        elif line == "\\pagebreak":
            blocks.append(Block("pagebreak"))
        elif line.startswith("### "):
            blocks.append(Block("h2", line[4:]))
        elif line.startswith("## "):
            blocks.append(Block("h1", line[3:]))
        elif line.startswith("# "):
            blocks.append(Block("title", line[2:]))
        elif line.startswith("- "):
            blocks.append(Block("li", line[2:]))
        else:
            blocks.append(Block("p", line))
    return blocks


# ----------------------------------------------------------------------------- DOCX

def build_docx(blocks: list[Block], spec: Spec) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    for block in blocks:
        if block.kind == "title":
            doc.add_paragraph(block.text, style="Title").alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif block.kind == "h1":
            doc.add_heading(block.text, level=1)
        elif block.kind == "h2":
            doc.add_heading(block.text, level=2)
        elif block.kind == "li":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "pagebreak":
            doc.add_page_break()
        elif block.kind == "table":
            ncols = max(len(r) for r in block.rows)
            table = doc.add_table(rows=len(block.rows), cols=ncols)
            table.style = "Table Grid"
            for i, row in enumerate(block.rows):
                for j, value in enumerate(row):
                    cell = table.cell(i, j)
                    cell.text = value
                    if i == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
            doc.add_paragraph()
        else:
            para = doc.add_paragraph(block.text)
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    props = doc.core_properties
    props.title = spec.title
    props.subject = spec.subject
    props.author = spec.author
    props.last_modified_by = spec.author
    props.comments = "Exemple fictif généré par examples/make_examples.py (ccclint)"
    props.keywords = "centre d'appels; RGPD; article 28"
    props.revision = 1
    props.created = spec.date
    props.modified = spec.date
    props.last_printed = spec.date
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed entry timestamps and attributes so that builds are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# ----------------------------------------------------------------------------- PDF

_LATIN1_FALLBACK = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "•": "-", "œ": "oe",
                    "Œ": "OE", "≥": ">=", "≤": "<=", "…": "...", "\u202f": " "}


def find_fonts() -> dict[str, str] | None:
    fonts: dict[str, str] = {}
    for style, candidates in FONT_CANDIDATES.items():
        path = next((p for p in candidates if Path(p).is_file()), None)
        if path is None and shutil.which("fc-match"):
            family = "DejaVu Sans:style=Bold" if style == "B" else "DejaVu Sans"
            res = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True)
            if res.returncode == 0 and "DejaVuSans" in res.stdout and Path(res.stdout).is_file():
                path = res.stdout
        if path is None:
            return None
        fonts[style] = path
    return fonts


def fonts_match_reference(fonts: dict[str, str] | None) -> bool:
    if fonts is None:
        return False
    return all(hashlib.sha256(Path(p).read_bytes()).hexdigest() == FONT_SHA256[s] for s, p in fonts.items())


def build_pdf(blocks: list[Block], spec: Spec) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = find_fonts()
    if fonts is None:
        print("warning: DejaVu Sans not found (install fonts-dejavu-core); using core Helvetica, "
              "characters outside latin-1 replaced", file=sys.stderr)
        family = "Helvetica"

        def fix(s: str) -> str:
            s = "".join(_LATIN1_FALLBACK.get(ch, ch) for ch in s)
            return s.encode("latin-1", "replace").decode("latin-1")
    else:
        family = "DejaVu"

        def fix(s: str) -> str:
            return s

    header = fix(spec.running_header)

    class ContractPDF(FPDF):
        def header(self) -> None:
            if self.page_no() > 1 and header:
                self.set_font(family, "", 7.5)
                self.set_text_color(110)
                self.cell(0, 5, header, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                self.set_text_color(0)
                self.ln(2)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(family, "", 8)
            self.set_text_color(110)
            self.cell(0, 6, f"Page {self.page_no()}/{{nb}}", align="C")
            self.set_text_color(0)

    pdf = ContractPDF(format="A4", unit="mm")
    if fonts is not None:
        pdf.add_font("DejaVu", "", fonts[""])
        pdf.add_font("DejaVu", "B", fonts["B"])
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(fix(spec.title))
    pdf.set_author(fix(spec.author))
    pdf.set_subject(fix(spec.subject))
    pdf.set_creator("ccclint examples/make_examples.py")
    pdf.set_producer("fpdf2")
    pdf.set_lang("fr-FR")
    pdf.set_creation_date(spec.date)
    pdf.alias_nb_pages()
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(text: str, size: float = 10, style: str = "", align: str = "J", indent: float = 0,
             before: float = 0, after: float = 2.2, height: float = 5) -> None:
        if before:
            pdf.ln(before)
        pdf.set_font(family, style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, height, fix(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if after:
            pdf.ln(after)

    for block in blocks:
        if block.kind == "title":
            para(block.text, size=15, style="B", align="C", after=6, height=7)
        elif block.kind == "h1":
            if pdf.get_y() > pdf.h - 45:
                pdf.add_page()
            para(block.text, size=11.5, style="B", align="L", before=3, after=2.5, height=6)
        elif block.kind == "h2":
            if pdf.get_y() > pdf.h - 40:
                pdf.add_page()
            para(block.text, size=10.5, style="B", align="L", before=1.5, after=1.5, height=5.5)
        elif block.kind == "li":
            pdf.set_font(family, "", 10)
            y = pdf.get_y()
            pdf.set_xy(pdf.l_margin + 2, y)
            pdf.cell(4, 5, fix("•"))
            para(block.text, indent=6, after=1.2, align="L")
        elif block.kind == "pagebreak":
            pdf.add_page()
        elif block.kind == "table":
            pdf.set_font(family, "", 9)
            ncols = max(len(r) for r in block.rows)
            widths = (34, 96, 40) if ncols == 3 else None
            with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.6, padding=1.5,
                           first_row_as_headings=True) as table:
                for row in block.rows:
                    cells = table.row()
                    for value in row + [""] * (ncols - len(row)):
                        cells.cell(fix(value))
            pdf.ln(4)
        else:
            para(block.text)
    return bytes(pdf.output())


# ----------------------------------------------------------------------------- driver

def build(spec: Spec) -> bytes:
    blocks = parse_source((SRC / spec.source).read_text(encoding="utf-8"))
    if spec.output.endswith(".docx"):
        return build_docx(blocks, spec)
    return build_pdf(blocks, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare fresh builds with the committed files")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: examples/)")
    args = ap.parse_args(argv)
    status = 0
    for spec in SPECS:
        data = build(spec)
        target = args.out / spec.output
        if args.check:
            committed = (HERE / spec.output).read_bytes() if (HERE / spec.output).is_file() else b""
            if data == committed:
                print(f"ok       {spec.output}")
            elif spec.output.endswith(".pdf") and not fonts_match_reference(find_fonts()):
                print(f"skipped  {spec.output} (local DejaVu Sans differs from the reference build)")
            else:
                print(f"DIFFERS  {spec.output}: run python examples/make_examples.py")
                status = 1
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            print(f"wrote    {target} ({len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:16]}…)")
    return status


if __name__ == "__main__":
    sys.exit(main())
