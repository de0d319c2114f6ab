"""Fuzz the parsers: any exception other than InputError (the documented "cannot read this file") is a bug.

One target per parser, chosen by the first argument; everything after it goes to libFuzzer (atheris) or to
the plain random-mutation fallback, which takes the same few flags:

    python fuzz/fuzz_parsers.py seed                      # write seed corpora under fuzz/corpus/<target>/
    python fuzz/fuzz_parsers.py docx fuzz/corpus/docx -max_total_time=1800 -timeout=20 -rss_limit_mb=1024
    python fuzz/fuzz_parsers.py docx-xml fuzz/corpus/docx-xml -max_total_time=600
    python fuzz/fuzz_parsers.py pdf fuzz/corpus/pdf -max_total_time=1800
    python fuzz/fuzz_parsers.py text fuzz/corpus/text -max_total_time=600
    python fuzz/fuzz_parsers.py sniff fuzz/corpus/sniff -max_total_time=600
    CCCLINT_FUZZ_PLAIN=1 python fuzz/fuzz_parsers.py pdf fuzz/corpus/pdf -max_total_time=60   # without atheris

Targets: `docx` (raw bytes to the Word reader), `docx-xml` (bytes as word/document.xml inside a valid ZIP, so
mutations reach the XML walker), `docx-parts` (bytes as styles.xml + numbering.xml beside a numbered document), `pdf`, `text` (Markdown and plain text) and `sniff` (format detection + the
chosen parser, as `parse_file` does). A crash leaves `crash-<sha1>` in the current folder (both engines);
replay it with `python fuzz/fuzz_parsers.py TARGET crash-…`.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import sys
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

try:
    if os.environ.get("CCCLINT_FUZZ_PLAIN"):
        raise ImportError
    import atheris
except ImportError:  # plain random-mutation fallback (same command line)
    atheris = None

if atheris is not None:
    with atheris.instrument_imports(include=["ccclint"]):
        from ccclint.errors import InputError
        from ccclint.parsers import Limits, PARSERS, _load_parsers, sniff
        _load_parsers()
else:
    from ccclint.errors import InputError
    from ccclint.parsers import Limits, PARSERS, _load_parsers, sniff

_load_parsers()
# small limits: a fuzzed "zip bomb" or 10,000-page PDF must answer too-large, not eat the fuzzer's memory
# the pdfplumber fallback's time budget, shortened likewise: `sniff` may parse one input three times
from ccclint.parsers import pdf as _pdf_parser  # noqa: E402

_pdf_parser.FALLBACK_SECONDS = 5.0
LIMITS = Limits(max_file_bytes=4 * 1024 * 1024, max_unzipped_bytes=16 * 1024 * 1024, max_pages=200,
                max_blocks=20_000)
DOCX_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')


def _call(fmt: str, name: str, data: bytes) -> None:
    try:
        PARSERS[fmt](name, data, LIMITS)
    except InputError:
        pass


def _wrap_docx(xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def target_docx(data: bytes) -> None:
    _call("docx", "fuzz.docx", data)


def target_docx_xml(data: bytes) -> None:
    _call("docx", "fuzz.docx", _wrap_docx(data))


PARTS_DOCUMENT = (DOCX_HEAD + "".join(
    f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr>'
    f"<w:r><w:t>Clause {lvl}</w:t></w:r></w:p>" for style in ("Heading1", "Titre2", "x") for lvl in range(10)
    for num in (1, 2)) + "</w:body></w:document>").encode()


SMALL_STYLES = (
    '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:style w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>'
    '<w:style w:styleId="Titre2"><w:name w:val="Titre 2"/><w:basedOn w:val="Heading1"/><w:pPr><w:numPr>'
    '<w:ilvl w:val="1"/><w:numId w:val="2"/></w:numPr></w:pPr></w:style>'
    '<w:style w:styleId="x"><w:name w:val="x"/><w:basedOn w:val="x"/></w:style></w:styles>').encode()


def target_docx_parts(data: bytes) -> None:
    """Bytes as word/styles.xml and word/numbering.xml (split on a blank line) beside a numbered document."""
    styles, _, numbering = data.partition(b"\n\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", PARTS_DOCUMENT)
        z.writestr("word/styles.xml", styles)
        z.writestr("word/numbering.xml", numbering)
    _call("docx", "fuzz.docx", buf.getvalue())


def target_pdf(data: bytes) -> None:
    _call("pdf", "fuzz.pdf", data)


def target_text(data: bytes) -> None:
    _call("markdown", "fuzz.md", data)
    _call("text", "fuzz.txt", data)


def target_sniff(data: bytes) -> None:
    for name in ("fuzz.docx", "fuzz.pdf", "fuzz.md"):
        try:
            PARSERS[sniff(name, data)](name, data, LIMITS)
        except InputError:
            pass


TARGETS = {"docx": target_docx, "docx-xml": target_docx_xml, "docx-parts": target_docx_parts, "pdf": target_pdf, "text": target_text,
           "sniff": target_sniff}


# ---- seeds --------------------------------------------------------------------------------------------

def seeds() -> dict[str, list[bytes]]:
    """Small valid inputs of each kind (built here: nothing binary is committed)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "tests"))
    import tempfile

    from conftest import FR_CONTRACT_MD, PDF_PAGES, build_docx, build_pdf  # type: ignore

    with tempfile.TemporaryDirectory() as tmp:
        docx = open(build_docx(__import__("pathlib").Path(tmp) / "s.docx"), "rb").read()
        pdf = open(build_pdf(__import__("pathlib").Path(tmp) / "s.pdf", PDF_PAGES[:2]), "rb").read()
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    small_xml = (DOCX_HEAD + '<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/>'
                 '</w:numPr></w:pPr><w:r><w:t>Article 1</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t>'
                 '</w:r></w:p></w:tc></w:tr></w:tbl><w:ins><w:r><w:t>x</w:t></w:r></w:ins></w:body></w:document>').encode()
    md = FR_CONTRACT_MD.encode()
    z = zipfile.ZipFile(io.BytesIO(docx))
    parts = SMALL_STYLES + b"\n\n" + z.read("word/numbering.xml")  # the template's styles.xml is 350 kB: too big
    return {"docx": [docx, _wrap_docx(small_xml)], "docx-xml": [xml, small_xml], "docx-parts": [parts], "pdf": [pdf],
            "text": [md, md.decode().encode("utf-16"), b"1. a\n  - b\n> c\n```\nx\n```\n| a | b |\n|--|--|\n"],
            "sniff": [docx, pdf, md, b"{\\rtf1 x}", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600]}


def write_seeds(root: str) -> None:
    for target, items in seeds().items():
        folder = os.path.join(root, target)
        os.makedirs(folder, exist_ok=True)
        for data in items:
            with open(os.path.join(folder, hashlib.sha1(data).hexdigest()), "wb") as fh:
                fh.write(data)
        print(f"{folder}: {len(items)} seeds")


# ---- plain fallback -----------------------------------------------------------------------------------

def _mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    b = bytearray(data or b"\0")
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        i = rng.randrange(len(b) + 1)
        if op == 0 and b:  # flip a byte
            b[min(i, len(b) - 1)] = rng.randrange(256)
        elif op == 1:  # insert interesting bytes
            b[i:i] = rng.choice([b"\0", b"\xff", b"<", b">", b"&", b"%", b"obj", b"endobj", b"<w:p>", b"</w:p>",
                                 b"999999999", b"-1", b"\n", b"#", b"|", b"PK\x03\x04", b"%PDF-1.7"])
        elif op == 2 and b:  # delete a range
            del b[i:i + rng.randint(1, 64)]
        elif op == 3 and b:  # duplicate a range
            j = rng.randrange(len(b))
            b[i:i] = b[j:j + rng.randint(1, 256)]
        elif op == 4:  # splice from another corpus entry
            other = rng.choice(pool)
            j = rng.randrange(len(other) + 1)
            b[i:] = other[j:]
        else:  # truncate
            del b[i:]
    return bytes(b)


def plain_fuzz(fn, args: list[str]) -> None:
    flags = {a[1:].split("=", 1)[0]: a.split("=", 1)[1] for a in args if a.startswith("-") and "=" in a}
    paths = [a for a in args if not a.startswith("-")]
    pool: list[bytes] = []
    for p in paths:
        files = [os.path.join(p, f) for f in sorted(os.listdir(p))] if os.path.isdir(p) else [p]
        pool += [open(f, "rb").read() for f in files]
    if any(os.path.isfile(p) for p in paths):  # replay mode
        for data in pool:
            fn(data)
        print(f"replayed {len(pool)} input(s): no crash")
        return
    pool = pool or [b""]
    rng = random.Random(int(flags.get("seed", "0")) or None)
    deadline = time.monotonic() + float(flags.get("max_total_time", "60"))
    runs, limit = 0, int(flags.get("runs", "-1"))
    while time.monotonic() < deadline and runs != limit:
        data = _mutate(rng, rng.choice(pool), pool)
        try:
            fn(data)
        except Exception:
            name = flags.get("artifact_prefix", "") + "crash-" + hashlib.sha1(data).hexdigest()
            with open(name, "wb") as fh:
                fh.write(data)
            print(f"CRASH after {runs} runs: {name}", file=sys.stderr)
            raise
        runs += 1
        if runs % 1000 == 0:
            print(f"#{runs} pool {len(pool)}", file=sys.stderr)
    print(f"done: {runs} runs, no crash", file=sys.stderr)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in (*TARGETS, "seed"):
        sys.exit(f"usage: {sys.argv[0]} seed [DIR] | {{{'|'.join(TARGETS)}}} [CORPUS_DIR|CRASH_FILE] [-max_total_time=N ...]")
    target = sys.argv[1]
    if target == "seed":
        write_seeds(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "corpus"))
        return
    fn = TARGETS[target]
    if atheris is None:
        plain_fuzz(fn, sys.argv[2:])
        return
    atheris.Setup([sys.argv[0], *sys.argv[2:]], fn)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
