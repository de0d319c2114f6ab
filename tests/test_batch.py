"""Batch audits (issue 7): folder globs, the result cache (counted parses), stable order with workers,
the progress/summary gate, the on-disk pack cache, the matcher's pre-checks (same hits as a full
scan) and OCR of scanned PDFs (skipped when the tesseract binary is absent)."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import FR_CONTRACT_MD, write_pack
from ccclint import engine, ocr, progress
from ccclint.engine import expand_paths, glob_wanted
from ccclint.runner import run_check

EN_MD = """# Services agreement

This Agreement is made between ACME Ltd (the "Customer") and CALLPRO Limited (the "Supplier").

## 1. Personal Data Breach

The Supplier shall notify the Customer of any Personal Data Breach within {hours} hours.
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "contracts"
    (root / "drafts").mkdir(parents=True)
    for i in range(4):
        (root / f"c{i}.md").write_text(EN_MD.format(hours=24 + i), encoding="utf-8")
    (root / "drafts" / "old.md").write_text(EN_MD.format(hours=99), encoding="utf-8")
    (root / "notes.txt").write_text(FR_CONTRACT_MD, encoding="utf-8")
    return root


# ---- folder walks ----------------------------------------------------------------------------------

def test_include_exclude_globs_filter_walked_files(folder):
    names = lambda files: sorted(os.path.relpath(f, folder) for f in files)  # noqa: E731
    assert names(expand_paths([str(folder)], include=("*.md",))) == ["c0.md", "c1.md", "c2.md", "c3.md",
                                                                     os.path.join("drafts", "old.md")]
    assert names(expand_paths([str(folder)], exclude=("drafts/*", "c[12].md"))) == ["c0.md", "c3.md", "notes.txt"]
    assert names(expand_paths([str(folder)], include=("*.md",), exclude=("**/drafts/*",))) == \
        ["c0.md", "c1.md", "c2.md", "c3.md"]
    # a glob without '/' looks at the file name only, not at the folders above it
    assert not glob_wanted(str(folder / "c0.md"), include=("contracts*",))
    # a file named on the command line is checked whatever the globs say
    assert expand_paths([str(folder / "notes.txt")], include=("*.md",)) == [str(folder / "notes.txt")]


# ---- result cache ----------------------------------------------------------------------------------

def _statuses(run):
    return {os.path.basename(d.path): [(f.rule, f.status, f.severity, f.message) for f in d.results]
            for d in run.documents}


def test_cache_reparses_only_changed_files(folder, tmp_path, monkeypatch):
    parsed: list[str] = []
    real_parse = engine.parse_file

    def counting_parse(path, *args, **kwargs):
        parsed.append(os.path.basename(path))
        return real_parse(path, *args, **kwargs)

    monkeypatch.setattr(engine, "parse_file", counting_parse)
    cache = str(tmp_path / "cache")
    first = run_check([str(folder)], jobs=1, cache_dir=cache, exclude=("notes.txt",))
    assert len(parsed) == 5
    parsed.clear()
    again = run_check([str(folder)], jobs=1, cache_dir=cache, exclude=("notes.txt",))
    assert parsed == []  # nothing changed: nothing parsed, same results
    assert _statuses(again) == _statuses(first)
    for i in (0, 2, 3):
        (folder / f"c{i}.md").write_text(EN_MD.format(hours=200 + i), encoding="utf-8")
    third = run_check([str(folder)], jobs=1, cache_dir=cache, exclude=("notes.txt",))
    assert sorted(parsed) == ["c0.md", "c2.md", "c3.md"]
    uncached = run_check([str(folder)], jobs=1, exclude=("notes.txt",))
    assert _statuses(third) == _statuses(uncached)
    assert [d.path for d in third.documents] == [d.path for d in uncached.documents]


def test_cache_entry_that_is_damaged_is_a_miss(folder, tmp_path):
    cache = tmp_path / "cache"
    first = run_check([str(folder / "c1.md")], jobs=1, cache_dir=str(cache))
    for entry in cache.rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    again = run_check([str(folder / "c1.md")], jobs=1, cache_dir=str(cache))
    assert _statuses(again) == _statuses(first)


def test_workers_keep_input_order(folder):
    run = run_check([str(folder)], jobs=2, include=("c*.md",))
    assert [os.path.basename(d.path) for d in run.documents] == ["c0.md", "c1.md", "c2.md", "c3.md"]
    assert all(d.error is None and d.results for d in run.documents)


# ---- progress and summary --------------------------------------------------------------------------

class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_and_summary_only_for_batches_on_a_terminal():
    assert progress.wanted(True, 3, _Tty())
    assert not progress.wanted(True, 3, io.StringIO())  # piped / CI
    assert not progress.wanted(False, 3, _Tty())  # --no-progress
    assert not progress.wanted(True, 1, _Tty())  # one file
    with progress.Bar(2, enabled=False) as bar:  # disabled: counts, draws nothing
        bar.advance(type("D", (), {"error": {"code": "corrupt"}})())
    assert bar.errors == 1


def test_summary_counts_and_worst_documents(folder):
    run = run_check([str(folder / "c0.md"), str(folder / "missing.pdf"), str(folder / "notes.txt")], jobs=1)
    s = progress.summarise(run.documents)
    assert (s.documents, s.unreadable) == (3, 1)
    assert sum(s.findings.values()) == sum(1 for d in run.documents for f in d.results if f.is_finding)
    errors = [sum(1 for f in d.results if f.is_finding and f.severity == "error") for d in run.documents]
    assert s.worst[0][1] == max(errors)
    out = _Tty()
    progress.print_summary(run.documents, True, out)
    assert "documents" in out.getvalue() and "worst documents" in out.getvalue()
    quiet = io.StringIO()
    progress.print_summary(run.documents, True, quiet)
    assert quiet.getvalue() == ""


# ---- pack cache ------------------------------------------------------------------------------------

def test_pack_cache_reuses_and_invalidates(tmp_path, monkeypatch):
    from ccclint.packs import loader

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CCCLINT_NO_PACK_CACHE", raising=False)
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "common.yaml").write_text("lexicon: {}\n", encoding="utf-8")
    pack = write_pack(rules, "testpack")
    first = loader.load(rules_dir=str(rules))
    cached = list((tmp_path / "xdg" / "ccclint" / "packs").glob("*.pickle"))
    assert len(cached) == 1
    assert [r.id for r in loader.load(rules_dir=str(rules)).rules] == [r.id for r in first.rules]
    (pack / "TST-OTHER.yaml").write_text((pack / "TST-BREACH.yaml").read_text().replace("TST-BREACH", "TST-OTHER"))
    assert [r.id for r in loader.load(rules_dir=str(rules)).rules] == ["TST-BREACH", "TST-OTHER"]
    for f in (tmp_path / "xdg" / "ccclint" / "packs").glob("*.pickle"):
        f.write_bytes(b"garbage")
    assert [r.id for r in loader.load(rules_dir=str(rules)).rules] == ["TST-BREACH", "TST-OTHER"]


def test_regex_cache_compiles_the_same_patterns_and_survives_damage(tmp_path, monkeypatch):
    from ccclint import regexcache
    from ccclint.phrases import compile_phrase

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CCCLINT_NO_PACK_CACHE", raising=False)
    monkeypatch.setattr(regexcache, "_loaded", None)
    monkeypatch.setattr(regexcache, "_added", {})
    none = {"provider": "(?!)", "client": "(?!)"}
    patterns = [compile_phrase(p, none) for p in ("notifi* (au|le) client", "[N] heures", "sous-traitant*")]
    patterns += [r"(?x) loi \s (?:no\s?)? 78-17", r"(?P<g0>uk)|(?P<g1>(?<=the )us)", r"(?i)ABC(?=d)"]
    text = "le prestataire notifie au client sous quarante-huit heures ; loi no 78-17, the us, uk, abcd, sous-traitants"

    def same(pattern):
        mine, ref = regexcache.compile(pattern), re.compile(pattern)
        assert [(m.span(), m.lastgroup) for m in mine.finditer(text)] == [(m.span(), m.lastgroup) for m in ref.finditer(text)]
        assert (mine.groupindex, mine.groups, mine.flags) == (ref.groupindex, ref.groups, ref.flags)

    for p in patterns:
        same(p)
    regexcache.save()
    files = list((tmp_path / "xdg" / "ccclint" / "regex").glob("*.pickle"))
    assert len(files) == 1
    monkeypatch.setattr(regexcache, "_loaded", None)  # a new process: the code comes from the file
    assert set(patterns) <= set(regexcache._table())
    for p in patterns:
        same(p)
    monkeypatch.setattr(regexcache, "_loaded", {patterns[0]: (0, [1, 2, 3], 0, {}, ())})  # invalid code
    same(patterns[0])
    files[0].write_bytes(b"garbage")
    monkeypatch.setattr(regexcache, "_loaded", None)
    same(patterns[1])
    with pytest.raises(re.error):
        regexcache.compile("(unbalanced")


def test_phrase_facts_kept_on_disk_under_the_code_that_derived_them(tmp_path, monkeypatch):
    """A phrase's regex, literals and first words come from the file in a new process; a file written by
    other code (another tag) is never read and is removed when the new one is written."""
    from ccclint import phrases, regexcache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(regexcache, "_loaded", None)
    monkeypatch.setattr(regexcache, "_added", {})
    folder = tmp_path / "xdg" / "ccclint" / "regex"
    folder.mkdir(parents=True)
    stale = folder / (os.path.basename(regexcache._path()).rsplit("-", 1)[0] + "-0123456789abcdef.pickle")
    stale.write_bytes(b"old")
    phrase, parties = "notifi* {client} sous [N] heures", ("(?:client|\x02+)", "(?:prestataire|\x01+)")
    expected = phrases._compile_phrase(phrase, {"provider": parties[1], "client": parties[0]})
    phrases._compile_cached.cache_clear()
    assert phrases._compile_cached(phrase, parties[1], parties[0]) == expected
    assert phrases.first_words("notifi* le client") == {("notifi", False)}
    regexcache.save()
    assert not stale.exists() and len(list(folder.glob("*.pickle"))) == 1
    monkeypatch.setattr(regexcache, "_loaded", None)  # a new process
    table = regexcache._table()
    assert table[("phrase", (phrase, parties[1], parties[0]))] == expected
    assert table[("first-words", "notifi* le client")] == {("notifi", False)}
    monkeypatch.setattr(phrases, "_compile_phrase", lambda *a: pytest.fail("compiled again"))
    phrases._compile_cached.cache_clear()
    assert phrases._compile_cached(phrase, parties[1], parties[0]) == expected
    phrases._compile_cached.cache_clear()


# ---- matcher pre-checks: same hits as scanning the whole text ------------------------------------------

def test_prechecked_hits_equal_full_scans(tmp_path):
    from ccclint.engine import Options, context, index_document
    from ccclint.matcher import evaluate_rule
    from ccclint.packs import loader
    from ccclint.packs.loader import builtin_rules_dir
    from ccclint.parsers import parse_file

    path = tmp_path / "contrat.md"
    path.write_text(FR_CONTRACT_MD, encoding="utf-8")
    ruleset = loader.load()
    index = index_document(parse_file(str(path)), ruleset, Options(), builtin_rules_dir())
    checked = 0
    for pack in ruleset.packs:
        lexicon = ruleset.lexicon_for(pack.name)
        ctx = context(index, lexicon)
        for rule in pack.rules:
            evaluate_rule(rule, ctx)
        for pattern, hits in ctx._hits.items():
            full = [(m.start(), m.end()) for m in re.finditer(pattern, ctx.text_for(pattern)) if m.end() > m.start()]
            assert [(s, e) for s, e, _ in hits] == full, pattern[:120]
            checked += 1
    assert checked > 50


def test_literal_runs_are_required_parts_of_every_match():
    from ccclint.phrases import _literal_runs

    assert _literal_runs("notifi* (au|le) client") == ("notifi", "client")
    assert _literal_runs("violations? de donnees") == ("violation", "de", "donnees")
    assert _literal_runs("{provider} ... [N] heures") == ("heures",)
    assert _literal_runs("a|b") == ()  # top-level alternatives: nothing is required
    assert _literal_runs("Sécurité") == ("securite",)


def test_first_words_say_where_a_phrase_can_start():
    from ccclint.phrases import first_words
    from ccclint.rawregex import regex_needs

    assert first_words("notifi* le client") == {("notifi", False)}
    assert first_words("(du|de) traitement") == {("du", True), ("de", True)}
    assert first_words("(les )?obligations du responsable") == {("les", True), ("obligations", True)}
    assert first_words("(re)?vis*") == {("re", False), ("vis", False)}  # glued to the next letters: prefixes
    assert first_words("sous-traitant") == {("sous", False)}  # also "soustraitant"
    assert first_words("audits?") == {("audit", False)}
    assert first_words("{client} garantit") == {("{client}", False)}
    assert ("48", False) not in first_words("[N] heures") and ("4", False) in first_words("[N] heures")
    assert first_words("@") == {("\x00@", False)}  # a symbol: wherever it stands
    assert first_words("s?x") is None and first_words("\\(x") is None
    assert regex_needs(r"95/46|data\sprotection\sdirective") == (("95/46",), ("data protection directive",))
    assert regex_needs(r"\w+\s(?:a|b)") is None


# ---- OCR -------------------------------------------------------------------------------------------

def _scanned_pdf(path: Path, lines: list[str]) -> Path:
    """Text drawn into an image, the image placed in a PDF: no text layer at all."""
    pytest.importorskip("fpdf")
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 40)
    except OSError:
        font = ImageFont.load_default(size=40)
    image = Image.new("L", (1700, 900), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((60, 60 + 70 * i), line, fill=0, font=font)
    pdf = FPDF(format=(170, 90))  # a small page: fewer pixels for tesseract, a faster test
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=170)
    pdf.output(str(path))
    return path


SCAN_LINES = ["ARTICLE 8 - VIOLATIONS DE DONNEES", "Le Prestataire notifie au Client toute",
              "violation de donnees dans un delai de 24 heures."]


def test_scanned_pdf_without_tesseract_says_how_to_read_it(tmp_path, monkeypatch):
    from ccclint.errors import InputError
    from ccclint.parsers import parse_file

    pdf = _scanned_pdf(tmp_path / "scan.pdf", SCAN_LINES)
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    with pytest.raises(InputError) as err:
        parse_file(str(pdf))
    assert err.value.code == "no-text" and "install tesseract-ocr" in err.value.message
    with ocr.mode("never"), pytest.raises(InputError) as err:
        parse_file(str(pdf))
    assert err.value.code == "no-text" and "--ocr" in err.value.message


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="the tesseract binary is not installed")
def test_ocr_reads_a_scanned_pdf(tmp_path):
    from ccclint.parsers import parse_file

    pdf = _scanned_pdf(tmp_path / "scan.pdf", SCAN_LINES)
    with ocr.mode("auto"):
        doc = parse_file(str(pdf))
    text = " ".join(b.text for b in doc.blocks).lower()
    assert "prestataire" in text and "violation" in text and "24 heures" in text
