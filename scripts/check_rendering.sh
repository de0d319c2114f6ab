#!/usr/bin/env bash
# Look at ccclint's lawyer-facing outputs the way a lawyer will see them (a manual check, NOT run in CI).
#
#   scripts/check_rendering.sh [OUT_DIR]        (default OUT_DIR: build/rendering)
#
# 1. checks the three shipped examples with --format html/markdown and --annotate;
# 2. converts the annotated French example (Word comments in the margin) to PDF with LibreOffice
#    headless, then to PNG pages with pdftoppm;
# 3. screenshots the HTML report with headless Chromium (and prints it to PDF, to see @media print).
# Then open OUT_DIR/*.png in an image viewer.
#
# Needs Debian packages that are large, so they are not part of the CI image:
#   apt-get update && apt-get install -y --no-install-recommends chromium libreoffice-writer-nogui poppler-utils
# (libreoffice-writer works too). CCCLINT=path/to/ccclint overrides the default .venv/bin/ccclint, PYTHON its
# interpreter (default: the python beside it).
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=${1:-build/rendering}
CCCLINT=${CCCLINT:-.venv/bin/ccclint}
PYTHON=${PYTHON:-$(dirname "$CCCLINT")/python}  # an interpreter with ccclint's dependencies (pypdfium2)
for tool in soffice chromium pdftoppm; do
  command -v "$tool" >/dev/null || { echo "check_rendering: '$tool' not found (see the header of $0)" >&2; exit 2; }
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# exit 1 = findings (expected on the examples); anything above is a real failure
status=0
"$CCCLINT" check examples/contrat-centre-appels.docx examples/dpa-en.md examples/contrat-prestataire-maroc.pdf \
  --format html:"$OUT/report.html" --format markdown:"$OUT/report.md" --annotate "$OUT/annotated" \
  --no-progress --jobs 1 || status=$?
if [ "$status" -gt 1 ]; then echo "check_rendering: ccclint exited with $status" >&2; exit "$status"; fi

# Word comments are left out of a PDF export unless asked for: export them as PDF notes (LibreOffice 7.4
# cannot put them in the margin; pdftoppm draws a note icon where each comment is anchored), then list
# each note's page, height and first words so the anchors can be checked against the text
DOCX="$OUT/annotated/contrat-centre-appels.ccclint.docx"
PROFILE="$OUT/lo-profile"  # a private profile: no clash with a running LibreOffice, no user settings
soffice -env:UserInstallation=file://"$PROFILE" --headless \
  --convert-to 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}' \
  --outdir "$OUT" "$DOCX" >/dev/null 2>&1
rm -f "$OUT"/annotated-page-*.png
pdftoppm -png -r 70 "$OUT/contrat-centre-appels.ccclint.pdf" "$OUT/annotated-page" 2>/dev/null
"$PYTHON" - "$OUT/contrat-centre-appels.ccclint.pdf" <<'PY' | tee "$OUT/annotated-notes.txt"
import ctypes, sys
import pypdfium2 as pdfium, pypdfium2.raw as raw

pdf = pdfium.PdfDocument(sys.argv[1])
for number, page in enumerate(pdf, start=1):
    for k in range(raw.FPDFPage_GetAnnotCount(page)):
        annot = raw.FPDFPage_GetAnnot(page, k)
        if raw.FPDFAnnot_GetSubtype(annot) != raw.FPDF_ANNOT_TEXT:
            continue
        rect = raw.FS_RECTF()
        raw.FPDFAnnot_GetRect(annot, rect)
        size = raw.FPDFAnnot_GetStringValue(annot, b"Contents", None, 0)
        buf = ctypes.create_string_buffer(size)
        raw.FPDFAnnot_GetStringValue(annot, b"Contents", ctypes.cast(buf, ctypes.POINTER(raw.FPDF_WCHAR)), size)
        text = buf.raw[:size - 2].decode("utf-16-le")
        print(f"page {number}, {page.get_height() - rect.top:.0f} pt from the top: {' '.join(text.split())[:110]}")
PY

# the HTML report: a tall screenshot of the screen layout, and a PDF of the print layout
CHROME=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$OUT/chromium-profile")
"${CHROME[@]}" --window-size=1280,3000 --screenshot="$OUT/report.png" "file://$OUT/report.html" 2>/dev/null
"${CHROME[@]}" --no-pdf-header-footer --print-to-pdf="$OUT/report-print.pdf" "file://$OUT/report.html" 2>/dev/null
rm -f "$OUT"/report-print-*.png
pdftoppm -png -r 60 -f 1 -l 2 "$OUT/report-print.pdf" "$OUT/report-print"

ls -1 "$OUT"/*.png "$OUT"/*.pdf
