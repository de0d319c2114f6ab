"""Hostile and broken inputs (issue 6): never crash, never hang, never lose or alter a file.

Every bad input is generated here, cheaply: a zip bomb is one compressed megabyte of zeros repeated
(a full flush makes deflate chunks independent), a 5,000-page PDF comes from a 40-line PDF writer.
Each CLI run goes through `cli()`, which fingerprints every file of the work folder (sha256 + mtime_ns)
before and after and fails if anything changed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import FR_CONTRACT_MD, odt_bytes, write_pack
from ccclint.errors import InputError
from ccclint.parsers import Limits, parse_file

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MEMORY_CEILING_MB = 500
MISSING_TXT = "The Supplier shall invoice the Customer monthly.\n"


# ---- generators ---------------------------------------------------------------------------------------

def many_page_pdf(n: int) -> bytes:
    """A valid PDF of n tiny pages, each with its own words (so no line looks like a running header)."""
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    kids = []
    for i in range(n):
        page, content = 4 + 2 * i, 5 + 2 * i
        word = "".join(chr(97 + (i // 26 ** k) % 26) for k in range(4))
        stream = f"BT /F1 9 Tf 20 60 Td (Clause {word} : le Prestataire {word}.) Tj ET".encode()
        objs[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        objs[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents %d 0 R "
                      b"/Resources << /Font << /F1 3 0 R >> >> >>" % content)
        kids.append(b"%d 0 R" % page)
    objs[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % n
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = {}
    for num in sorted(objs):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (num, objs[num]))
    xref, size = out.tell(), max(objs) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    out.write(b"".join(b"%010d 00000 n \n" % offsets[num] for num in range(1, size)))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def zero_deflate(size: int, chunk: int = 1 << 20) -> bytes:
    """Raw deflate of `size` zero bytes in ~size/1000 bytes, without ever compressing more than one chunk."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * chunk) + c.flush(zlib.Z_FULL_FLUSH)
    n, rest = divmod(size, chunk)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    return block * n + tail.compress(b"\0" * rest) + tail.flush()


def raw_zip(members: list[tuple[str, bytes, int]]) -> bytes:
    """ZIP of pre-deflated members (name, deflate data, DECLARED size). CRCs are left at 0: the declared
    sizes are what a reader trusts first, and a lying member must fail, not be trusted."""
    out, central = io.BytesIO(), []
    for name, data, size in members:
        off, nm = out.tell(), name.encode()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, 0, len(data), size, len(nm), 0) + nm)
        out.write(data)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, 0, len(data), size,
                                   len(nm), 0, 0, 0, 0, 0, off) + nm)
    cd = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - cd, cd, 0))
    return out.getvalue()


GIB3 = 3 << 30


def zip_bomb() -> bytes:
    """word/document.xml declared (honestly) at 3 GiB."""
    return raw_zip([("word/document.xml", zero_deflate(GIB3), GIB3)])


def lying_zip_bomb() -> bytes:
    """word/document.xml declared at 1 kB but inflating to 3 GiB."""
    return raw_zip([("word/document.xml", zero_deflate(GIB3), 1000)])


def many_members_bomb(limits: Limits = Limits()) -> bytes:
    """Each member under the per-part limit, the archive together far over it."""
    size = limits.max_unzipped_bytes - 1
    data = zero_deflate(size)
    return raw_zip([("word/document.xml", data, size)] + [(f"word/media/m{i}.bin", data, size) for i in range(4)])


def docx_with(document_xml: str | bytes, **parts: str) -> bytes:
    """A minimal Word file; `parts` adds word/<name>.xml (numbering=..., styles=...)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document_xml)
        for name, xml in parts.items():
            z.writestr(f"word/{name}.xml", xml)
    return buf.getvalue()


def body(xml: str, doctype: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<w:document xmlns:w="{W_NS}"><w:body>{xml}'
            f"</w:body></w:document>")


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


SECRET = "TOP-SECRET-ENTITY-TARGET"


def xxe_docx(target: Path) -> bytes:
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{target}">]>\n'
    return docx_with(body(para("Le Prestataire notifie [&xxe;] au Client.") + para("Second paragraphe."), doctype))


def laughs_docx() -> bytes:
    ents = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    return docx_with(body(para("Début &lol9; fin.") + para("Clause ordinaire."), f"<!DOCTYPE w:document [{ents}]>\n"))


def big_docx(paragraphs: int, tables: int) -> bytes:
    parts = [para(f"Paragraphe {i} : le Prestataire exécute la prestation {i}.") for i in range(paragraphs)]
    row = "<w:tr>" + "<w:tc><w:p><w:r><w:t>cellule</w:t></w:r></w:p></w:tc>" * 3 + "</w:tr>"
    parts += [f"<w:tbl>{row * 3}</w:tbl>" for _ in range(tables)]
    return docx_with(body("".join(parts)))


def encrypted_pdf(user_password: str | None) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    if user_password:
        pdf.set_encryption(owner_password="owner", user_password=user_password)
    else:
        pdf.set_encryption(owner_password="owner")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 5, "Le Prestataire notifie au Client toute violation de données.")
    return bytes(pdf.output())


def textless_pdf() -> bytes:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    return bytes(pdf.output())


# ---- read-only guarantee ------------------------------------------------------------------------------

def fingerprints(root: Path) -> dict[bytes, tuple]:
    """(sha256, mtime_ns, size, mode) of every file under root; symlinks by lstat, never followed."""
    out: dict[bytes, tuple] = {}
    for dirpath, dirs, files in os.walk(bytes(root)):
        for name in dirs + files:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            if os.path.islink(p) or os.path.isdir(p):
                out[p] = ("link" if os.path.islink(p) else "dir", st.st_mtime_ns, st.st_mode)
                continue
            try:
                with open(p, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            except PermissionError:
                digest = None
            out[p] = (digest, st.st_mtime_ns, st.st_size, st.st_mode)
    return out


def python_cmd() -> list[str]:
    """Run the CLI and print its peak RSS (self and worker processes) on the last stderr line."""
    code = ("import resource, sys\nfrom ccclint.cli import main\nsys.argv[0] = 'ccclint'\n"
            "try:\n    main()\nfinally:\n"
            "    r = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "    sys.stderr.write(f'\\nPEAK-RSS-KB {r}\\n')\n")
    return [sys.executable, "-c", code]


class Result:
    def __init__(self, proc: subprocess.CompletedProcess, seconds: float):
        self.code = proc.returncode
        self.stdout = proc.stdout
        lines = proc.stderr.decode("utf-8", "surrogateescape").splitlines()
        self.peak_mb = int(lines[-1].split()[1]) / 1024 if lines and lines[-1].startswith("PEAK-RSS-KB") else None
        self.stderr_lines = [l for l in lines if l.strip() and not l.startswith("PEAK-RSS-KB")]
        self.stderr = "\n".join(self.stderr_lines)
        self.seconds = seconds

    def report(self) -> dict:
        return json.loads(self.stdout.decode("utf-8"))  # the JSON report is valid UTF-8, whatever the file names

    def documents(self) -> dict[str, dict]:
        return {d["path"]: d for d in self.report()["documents"]}


def cli(work: Path, *args: str | bytes, outputs: tuple[str, ...] = ()) -> Result:
    """Run `ccclint check ARGS` in `work` with the test pack; assert no file of `work` changed."""
    before = fingerprints(work)
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    start = time.monotonic()
    proc = subprocess.run([*python_cmd(), "check", *args, "--rules", "packs/testpack", "--pack", "testpack",
                           "--no-progress"], cwd=work, capture_output=True, timeout=120, env=env)
    result = Result(proc, time.monotonic() - start)
    after = {p: v for p, v in fingerprints(work).items()
             if not any(p.startswith(os.fsencode(str(work / o))) for o in outputs)}
    assert after == before, "an input file was created, changed or removed"
    assert "Traceback" not in result.stderr and b"Traceback" not in proc.stdout, result.stderr
    return result


@pytest.fixture
def work(tmp_path) -> Path:
    """A folder with two good contracts and the two-rule test pack."""
    (tmp_path / "good.md").write_text(FR_CONTRACT_MD, encoding="utf-8")
    (tmp_path / "good2.txt").write_text(MISSING_TXT, encoding="utf-8")
    write_pack(tmp_path / "packs", "testpack")
    return tmp_path


def assert_one_line_per_bad_file(result: Result, bad: dict[str, str]) -> None:
    """One stderr line per unreadable file, naming it and its error code; no other output."""
    assert len(result.stderr_lines) == len(bad), result.stderr
    for name, code in bad.items():
        (line,) = [l for l in result.stderr_lines if l.startswith(f"{name}: ")]
        assert f": error: {code}: " in line, line


def assert_checked(docs: dict[str, dict], names: list[str]) -> None:
    for name in names:
        assert docs[name]["error"] is None, docs[name]["error"]
        assert len(docs[name]["results"]) == 1


# ---- one batch, every kind of bad input ---------------------------------------------------------------

def hostile_corpus(work: Path, sample_docx: Path) -> dict[str, str]:
    """Write the bad inputs into `work`; return {name: expected error code}."""
    rng = random.Random(6)
    docx = sample_docx.read_bytes()
    files = {
        "empty.docx": (b"", "no-text"),
        "random.docx": (b"\x13" + rng.randbytes(4095), "corrupt"),
        "random.pdf": (b"\x13" + rng.randbytes(4095), "corrupt"),
        "truncated.docx": (docx[: len(docx) // 2], "corrupt"),
        "truncated.pdf": (many_page_pdf(3)[:-300], None),  # pdfium rebuilds a lost xref: read or corrupt
        "bomb.docx": (zip_bomb(), "too-large"),
        "bomb-lying.docx": (lying_zip_bomb(), "corrupt"),
        "bomb-parts.docx": (many_members_bomb(), "too-large"),
        "xxe.docx": (xxe_docx(Path("/etc/passwd")), None),  # read, entity left out
        "lol.docx": (laughs_docx(), None),  # libxml2 refuses the amplification (corrupt) or leaves it unexpanded
        "encrypted.pdf": (encrypted_pdf("secret"), "encrypted"),
        "scan.pdf": (textless_pdf(), "no-text"),
        "5000-pages.pdf": (many_page_pdf(5000), "too-large"),
        "contrat.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"Microsoft Word" + b"\0" * 1000,
                        "unsupported"),
        "contrat.rtf": (rb"{\rtf1\ansi Le Prestataire s'engage.\par}", "unsupported"),
        "contrat.odt": (odt_bytes(), "unsupported"),
    }
    for name, (data, _) in files.items():
        (work / name).write_bytes(data)
    return {name: code for name, (_, code) in files.items()}


def test_batch_of_hostile_inputs(work, sample_docx):
    expected = hostile_corpus(work, sample_docx)
    (work / "owner-only.pdf").write_bytes(encrypted_pdf(None))  # no user password: readable, must be read
    names = ["good.md", *expected, "owner-only.pdf", "good2.txt"]
    result = cli(work, *names, "--format", "json", "--fail-on", "never", "--jobs", "2")
    assert result.code == 3, result.stderr
    docs = result.documents()
    assert list(docs) == names  # input order kept, nothing dropped
    for name in ("truncated.pdf", "lol.docx"):  # either outcome is a clean one
        error = docs[name]["error"]
        expected[name] = error["code"] if error else None
        assert error is None or error["code"] == "corrupt"
    bad = {n: c for n, c in expected.items() if c}
    assert_one_line_per_bad_file(result, bad)
    for name, code in bad.items():
        assert docs[name]["error"]["code"] == code, (name, docs[name]["error"])
        assert docs[name]["error"]["message"] and docs[name]["results"] == []
    assert_checked(docs, ["good.md", "owner-only.pdf", "good2.txt", "xxe.docx"])
    assert "root:" not in json.dumps(docs["xxe.docx"])
    assert result.report()["summary"]["unreadable"] == len(bad)


# ---- zip bombs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("build, code, words", [
    (zip_bomb, "too-large", "expands to 3221225472 bytes"),
    (lying_zip_bomb, "corrupt", "corrupt"),
    (many_members_bomb, "too-large", "archive expands"),
])
def test_zip_bombs_are_refused_fast(write, build, code, words):
    path = write("bomb.docx", build())
    start = time.process_time()
    with pytest.raises(InputError) as info:
        parse_file(str(path))
    assert time.process_time() - start < 2
    assert (info.value.code, str(path) in str(info.value)) == (code, True)
    assert words in info.value.message


def test_xml_tag_bomb_inside_the_size_limit(write):
    """Tiny elements under the byte limit would still build a huge tree: the tag count bounds it."""
    xml = body("<w:p/>" * 200_000)
    with pytest.raises(InputError) as info:
        parse_file(str(write("tags.docx", docx_with(xml))), Limits(max_xml_tags=100_000))
    assert info.value.code == "too-large" and "XML tags" in info.value.message


def test_zip_bomb_peak_memory(work):
    (work / "bomb.docx").write_bytes(zip_bomb())
    (work / "bomb-lying.docx").write_bytes(lying_zip_bomb())
    result = cli(work, "bomb.docx", "bomb-lying.docx", "good.md", "--format", "json", "--jobs", "1",
                 "--fail-on", "never")
    assert result.code == 3
    assert_one_line_per_bad_file(result, {"bomb.docx": "too-large", "bomb-lying.docx": "corrupt"})
    assert_checked(result.documents(), ["good.md"])
    print(f"zip bombs (3 GiB declared / 3 GiB behind a 1 kB header): peak RSS {result.peak_mb:.0f} MB, "
          f"{result.seconds:.1f} s")
    assert result.peak_mb < MEMORY_CEILING_MB


# ---- XML entities -------------------------------------------------------------------------------------

def test_external_entity_is_not_resolved(write, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    for target in (secret, Path("/etc/passwd")):
        doc = parse_file(str(write("xxe.docx", xxe_docx(target))))
        text = "\n".join(b.text for b in doc.blocks)
        assert SECRET not in text and "root:" not in text
        assert "Second paragraphe." in text and "Le Prestataire notifie [" in text


def test_billion_laughs_is_not_expanded(write):
    """Either read with the entity left unexpanded or refused as corrupt (libxml2's amplification guard)."""
    path = write("lol.docx", laughs_docx())
    start = time.process_time()
    try:
        doc = parse_file(str(path))
    except InputError as exc:
        assert exc.code == "corrupt" and "entit" in exc.message, exc.message
    else:
        text = "\n".join(b.text for b in doc.blocks)
        assert "lollol" not in text and len(text) < 200
        assert "Clause ordinaire." in text
    assert time.process_time() - start < 2


HOSTILE_NUMBERING = f"""<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="999999999"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
<w:lvl w:ilvl="15"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%9"/></w:lvl>
<w:lvl w:ilvl="99999999999"/></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>"""


def numbered(ilvl: int, text: str) -> str:
    return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="1"/></w:numPr></w:pPr>'
            f"<w:r><w:t>{text}</w:t></w:r></w:p>")


def test_hostile_numbering_definitions(write):
    """Sparse or absurd list levels and a start value of 999,999,999 in roman numerals (found while fuzzing)."""
    xml = body(numbered(0, "Premier article.") + numbered(15, "Niveau quinze.") + numbered(0, "Second article."))
    start = time.process_time()
    doc = parse_file(str(write("num.docx", docx_with(xml, numbering=HOSTILE_NUMBERING))))
    assert time.process_time() - start < 2
    assert [(b.text, b.number) for b in doc.blocks] == [
        ("Premier article.", "999999999."), ("Niveau quinze.", None), ("Second article.", "1000000000.")]


def test_damaged_deflate_stream_is_corrupt(write):
    """A member whose deflate data is damaged raises zlib.error inside zipfile (found by fuzzing)."""
    data = bytearray(docx_with(body(para("Texte " * 2000))))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode())
    data[start + 20: start + 60] = bytes(range(40))
    with pytest.raises(InputError) as exc:
        parse_file(str(write("deflate.docx", bytes(data))))
    assert exc.value.code == "corrupt"


def test_zip_needing_a_future_version_is_corrupt(write):
    """zipfile raises NotImplementedError for an entry that needs zip version 11.6 (found by fuzzing)."""
    data = bytearray(docx_with(body(para("Texte."))))
    cd = data.rindex(b"PK\x01\x02", 0, data.rindex(b"PK\x05\x06"))
    data[cd + 6: cd + 8] = struct.pack("<H", 116)  # version needed to extract
    for name in ("future.docx", "future.txt"):  # read as a Word file, and sniffed as one
        with pytest.raises(InputError) as exc:
            parse_file(str(write(name, bytes(data))))
        assert exc.value.code == "corrupt"


# ---- PDFs: passwords, pages, memory -------------------------------------------------------------------

def test_pdf_with_user_password_is_encrypted_and_owner_only_is_read(write):
    with pytest.raises(InputError) as info:
        parse_file(str(write("user.pdf", encrypted_pdf("secret"))))
    assert info.value.code == "encrypted"
    doc = parse_file(str(write("owner.pdf", encrypted_pdf(None))))
    assert doc.blocks[0].text == "Le Prestataire notifie au Client toute violation de données."


def test_pdfminer_warnings_stay_off_stderr(tmp_path):
    """The pdfplumber fallback reads damaged files; pdfminer's WARNING logs must not add lines to the one error
    line (a subprocess: under pytest, its log capture would hide Python's last-resort stderr handler)."""
    data = many_page_pdf(2).replace(b"/BaseFont /Helvetica", b"/BaseFont /Foo /FontDescriptor << /FontBBox null >>", 1)
    (tmp_path / "odd.pdf").write_bytes(data)
    code = ("import sys\nfrom ccclint.parsers import Limits, pdf\n"
            "data = open(sys.argv[1], 'rb').read()\nprint(pdf._pages_pdfplumber('odd.pdf', data, Limits()))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "odd.pdf")], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.strip() == "[['Clause aaaa : le Prestataire aaaa.'], ['Clause baaa : le Prestataire baaa.']]"
    assert proc.stderr == ""


# Found by the fuzzer: pypdfium2 opens it but fails on a page, and pdfminer (the fallback) loops for ever on
# its cross-reference. 370 bytes, kept as a literal: no smaller generator reproduces the loop.
PDFMINER_LOOP = b'%PDF-1.3\n%\xe9\xeb\xf1\xbf\n1 0 obj\n<<\n/Count 2\n/Kids [3 0 R\n5 0 R]\n/MediaBox [0 0 595.28 841.89]\n/Type /Pages\n>>\nendobj\n2 0 obj\n<<\n/OnAction [3 0 R /FitH \xc5ull]\n/Pa/OneColumn\n/Pages 1 0 R\n/Type /Catalondobj\n3 0 obj\n<<\n/Contents 4 0 R\n/Parent 2 0 R\n/R_source/Page\n>\xc1\nendobj\n4 0 ref\n0n \n000000160!7 0000 n \ntrailer\n<<\n/Size 11\n/Root 2 0 R\n/Info 10 0 R\n/ID [<16ImageI]\n>>\nendobj [< 0bj\n'


# Found next: pdfminer loops in its page tree, and again in pdfplumber's close() once given up on.
PDFMINER_PAGE_TREE_LOOP = b'%PDF-1.3\n%\xff\xff\xf1\xbf\n1 0 obj\n<<\n/Count 2\n/Kids [3 0 R\n5 0 R]\n/28 8%41.89]\n/Type /Pages\n>>\nendobj\n2 0 obj\n<<\n/OpenA\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00ction [tH null]\n/PagkLayout /OneColumn\n/Pages 1 0 R\n/Type /Catalog\n>>\nendobj\n3 0 obj\n<<\n/Contents 3 0 R\n/P w\x80\x84%\nendstream\nendobj\n5 ) obj\n<<\n/C\x91\x91\x8b\x9a\x91\x8b\x8c\xd56 0 R\n/Pa0 n \n0000000975 00000 n \n000000 00000 n \n0000001716 00000 n \ntrailer\n<<\n/*Size 12\n/Root 2 0 R\n/Inf1A14A0FE><1621D25586C9933A86D5DB9E1A14A0FE>]\n>>\nstartxref\n1772\n%%EOF\n'


@pytest.mark.parametrize("data", [PDFMINER_LOOP, PDFMINER_PAGE_TREE_LOOP], ids=["xref", "page-tree"])
def test_fallback_reader_cannot_hang(write, monkeypatch, data):
    from ccclint.parsers import pdf

    monkeypatch.setattr(pdf, "FALLBACK_SECONDS", 0.5)
    path = write("loop.pdf", data)
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        parse_file(str(path))
    assert time.monotonic() - start < 5
    assert info.value.code == "corrupt" and "gave up after 0.5 s" in info.value.message


def test_page_limit_answers_fast(write):
    path = write("many.pdf", many_page_pdf(5000))
    start = time.process_time()
    with pytest.raises(InputError) as info:
        parse_file(str(path))
    assert time.process_time() - start < 1
    assert info.value.code == "too-large" and "5000 pages exceed the 2000-page limit" in info.value.message
    with pytest.raises(InputError):
        parse_file(str(path), Limits(max_pages=4999))


def test_5000_page_pdf_under_raised_limit_bounded_memory(work):
    (work / "many.pdf").write_bytes(many_page_pdf(5000))
    result = cli(work, "many.pdf", "--max-pages", "5000", "--format", "json", "--jobs", "1", "--fail-on", "never")
    assert result.code == 0, result.stderr
    doc = result.documents()["many.pdf"]
    assert doc["error"] is None and doc["pages"] == 5000 and len(doc["results"]) == 1
    print(f"5,000-page PDF: peak RSS {result.peak_mb:.0f} MB, {result.seconds:.1f} s")
    assert result.peak_mb < MEMORY_CEILING_MB


# ---- very long Word files -----------------------------------------------------------------------------

def test_docx_with_tens_of_thousands_of_paragraphs_and_tables(write):
    start = time.process_time()
    doc = parse_file(str(write("long.docx", big_docx(30_000, 2_000))))
    assert time.process_time() - start < 10
    assert sum(b.kind == "paragraph" for b in doc.blocks) == 30_000
    assert sum(b.kind == "row" for b in doc.blocks) == 6_000
    assert doc.blocks[-1].text == "cellule | cellule | cellule"
    with pytest.raises(InputError) as info:
        parse_file(str(write("long2.docx", big_docx(3_000, 0))), Limits(max_blocks=1_000))
    assert info.value.code == "too-large"


# ---- folders: symlink loops, unreadable files, odd names ----------------------------------------------

def test_folder_with_symlink_loops_and_odd_names(work):
    folder = work / "lot"
    (folder / "sub").mkdir(parents=True)
    os.symlink("..", folder / "sub" / "loop")  # a directory loop
    os.symlink("self.md", folder / "self.md")  # a file that points at itself
    odd = [b"non-utf8-\xff\xfe.md", b"with space.md", b"new\nline.md", "accentué ü.md".encode()]
    for name in odd:
        with open(os.path.join(os.fsencode(folder), name), "w", encoding="utf-8") as fh:
            fh.write(FR_CONTRACT_MD)
    result = cli(work, "lot", "--format", "json", "--jobs", "2", "--fail-on", "never")
    assert result.code == 3, result.stderr
    docs = result.documents()
    checked = [os.path.join("lot", os.fsdecode(n)) for n in odd]
    assert sorted(docs) == sorted(checked + [os.path.join("lot", "self.md")])  # the loop is walked once
    assert_checked(docs, checked)
    assert docs[os.path.join("lot", "self.md")]["error"]["code"] == "unreadable"
    assert len(result.stderr_lines) == 1 and "lot/self.md: error: unreadable" in result.stderr
    for path in checked:  # the JSON path gives back the exact bytes of the name
        assert os.path.exists(work / os.fsencode(path).decode("utf-8", "surrogateescape"))


def test_vendor_folder_with_corrupt_file_scan_and_loop_still_writes_the_matrix(work):
    """Issue 7's audit case: the batch completes with exit 3, every other file checked, the CSV matrix written."""
    folder = work / "vendors"
    (folder / "sub").mkdir(parents=True)
    (folder / "a-good.md").write_text(FR_CONTRACT_MD, encoding="utf-8")
    (folder / "sub" / "b-good.txt").write_text(MISSING_TXT, encoding="utf-8")
    (folder / "c-corrupt.pdf").write_bytes(b"%PDF-1.7\n" + random.Random(7).randbytes(3000))
    (folder / "d-scan.pdf").write_bytes(textless_pdf())
    os.symlink("..", folder / "sub" / "loop")
    result = cli(work, "vendors", "--format", "csv:matrix.csv", "--ocr", "never", "--jobs", "2",
                 outputs=("matrix.csv",))
    assert result.code == 3, result.stderr
    rows = list(csv.reader(io.StringIO((work / "matrix.csv").read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["path", "kind", "language"] and len(rows[0]) == 4  # the test pack's rules: one column
    by_path = {r[0]: r for r in rows[1:]}
    names = ["a-good.md", "c-corrupt.pdf", "d-scan.pdf", os.path.join("sub", "b-good.txt")]
    assert sorted(by_path) == sorted(os.path.join("vendors", n) for n in names)  # the loop walked once
    assert by_path[os.path.join("vendors", "a-good.md")][3] in ("present", "weak", "missing")
    assert by_path[os.path.join("vendors", "sub", "b-good.txt")][3] == "missing"
    assert by_path[os.path.join("vendors", "c-corrupt.pdf")][3] == "error:corrupt"
    assert by_path[os.path.join("vendors", "d-scan.pdf")][3] == "error:no-text"
    assert len(result.stderr_lines) == 2, result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_unreadable_file_is_reported_and_others_checked(work):
    locked = work / "locked.md"
    locked.write_text(FR_CONTRACT_MD, encoding="utf-8")
    locked.chmod(0)
    try:
        result = cli(work, "good.md", "locked.md", "good2.txt", "--format", "json", "--jobs", "1", "--fail-on", "never")
    finally:
        locked.chmod(0o644)
    assert result.code == 3
    assert_one_line_per_bad_file(result, {"locked.md": "unreadable"})
    assert_checked(result.documents(), ["good.md", "good2.txt"])


# ---- rule packs ---------------------------------------------------------------------------------------

ANCHOR_BOMB = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
    f'{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n' for p, c in zip("abcdefgh", "bcdefghi"))
PYTHON_TAG = "id: TST-EVIL\ntitle: !!python/object/apply:os.system ['echo pwned > pwned.txt']\n"


@pytest.mark.parametrize("text, line, words", [
    (ANCHOR_BOMB, 2, "aliases"),
    (PYTHON_TAG, 2, "python/object"),
])
def test_hostile_rule_pack_exits_2_with_file_line(work, text, line, words):
    (work / "packs" / "testpack" / "TST-EVIL.yaml").write_text(text, encoding="utf-8")
    result = cli(work, "good.md", "--jobs", "1")
    assert result.code == 2 and result.seconds < 30
    assert len(result.stderr_lines) == 1, result.stderr
    assert f"TST-EVIL.yaml:{line}:" in result.stderr and words in result.stderr
    assert not (work / "pwned.txt").exists()


# ---- limits from the command line ---------------------------------------------------------------------

def test_max_file_mb(work):
    (work / "big.txt").write_text("Le Prestataire s'engage.\n" * 50_000, encoding="utf-8")  # ~1.2 MB
    result = cli(work, "good.md", "big.txt", "--max-file-mb", "1", "--format", "json", "--jobs", "1",
                 "--fail-on", "never")
    assert result.code == 3
    assert_one_line_per_bad_file(result, {"big.txt": "too-large"})
    assert "exceeds the 1048576-byte limit" in result.documents()["big.txt"]["error"]["message"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_timeout_turns_a_slow_file_into_its_error_entry(work, jobs):
    (work / "many.pdf").write_bytes(many_page_pdf(20000))  # ~3 s just to parse: far over 1 s, however fast the rules
    result = cli(work, "good.md", "many.pdf", "good2.txt", "--max-pages", "20000", "--timeout", "1", "--format",
                 "json", "--jobs", jobs, "--fail-on", "never")
    assert result.code == 3, result.stderr
    assert_one_line_per_bad_file(result, {"many.pdf": "too-large"})
    docs = result.documents()
    assert docs["many.pdf"]["error"] == {"code": "too-large", "message": "timed out after 1 s"}
    assert_checked(docs, ["good.md", "good2.txt"])


def test_bad_limit_values_are_usage_errors(work):
    from ccclint.cli import _limits
    from ccclint.errors import UsageError

    for args, option in [((0, None, None), "--max-file-mb"), ((None, -2, None), "--max-pages"),
                         ((None, None, -5), "--timeout")]:
        with pytest.raises(UsageError, match=option):
            _limits(*args)
    assert _limits(None, None, 0) is None
    assert _limits(1.5, 10, None) == Limits(max_file_bytes=1572864, max_pages=10)
    result = cli(work, "good.md", "--max-pages", "0", "--jobs", "1")
    assert result.code == 2 and result.stderr_lines == ["ccclint: --max-pages: must be a positive number, not 0"]


# ---- --annotate writes copies, never the inputs -------------------------------------------------------

def test_annotate_leaves_inputs_untouched(work, sample_docx):
    (work / "contrat.docx").write_bytes(sample_docx.read_bytes())
    (work / "bomb.docx").write_bytes(zip_bomb())
    result = cli(work, "contrat.docx", "bomb.docx", "good.md", "--annotate", "annotated", "--jobs", "1",
                 "--format", "json", "--fail-on", "never", outputs=("annotated",))
    if result.code == 2 and "not available" in result.stderr:
        pytest.skip("--annotate is not available in this version")
    assert result.code == 3, result.stderr
    assert (work / "annotated").is_dir()
    assert_checked(result.documents(), ["contrat.docx", "good.md"])


# ---- the fuzz harness stays runnable ------------------------------------------------------------------

def test_fuzz_targets_run_on_mutated_seeds(tmp_path, monkeypatch, capsys):
    """A few hundred plain (non-atheris) mutations per target: the harness works and finds nothing quickly."""
    import importlib.util

    from ccclint.parsers import pdf

    monkeypatch.setenv("CCCLINT_FUZZ_PLAIN", "1")
    monkeypatch.setattr(pdf, "FALLBACK_SECONDS", pdf.FALLBACK_SECONDS)  # the harness shortens it: restored after
    here = Path(__file__).resolve().parent.parent / "fuzz" / "fuzz_parsers.py"
    spec = importlib.util.spec_from_file_location("fuzz_parsers_under_test", here)
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    assert fuzz.atheris is None
    fuzz.write_seeds(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for name, target in fuzz.TARGETS.items():
        fuzz.plain_fuzz(target, [str(tmp_path / name), "-runs=40", "-seed=6", "-max_total_time=20"])
        assert "done: 40 runs, no crash" in capsys.readouterr().err
    assert not list(tmp_path.glob("crash-*"))
