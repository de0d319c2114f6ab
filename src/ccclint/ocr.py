"""OCR for scanned PDFs: pages without a text layer are rendered with pdfium and read by the
`tesseract` binary (French + English language data), called through subprocess.

No Python OCR package is needed, only the binary (Debian/Ubuntu: `apt-get install tesseract-ocr
tesseract-ocr-fra`). Modes (`--ocr`): `auto` reads the pages that have an image and no text
layer, when tesseract is installed; `always` reads every page through OCR; `never` reads none.
The mode is process-wide state set by the engine around one parse (workers are processes).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from typing import Any, Iterator

MODES = ("auto", "always", "never")
DPI = 300
MIN_TEXT_CHARS = 20  # fewer characters than this on a page with an image: a scan (maybe a stamped page number)
INSTALL_HINT = "install tesseract-ocr (apt-get install tesseract-ocr tesseract-ocr-fra, or brew install tesseract " \
               "tesseract-lang) and run with --ocr auto (the default) or --ocr always"
_MODE = {"value": "auto"}


@contextlib.contextmanager
def mode(value: str) -> Iterator[None]:
    """Use OCR mode `value` for the parses inside the block."""
    saved = _MODE["value"]
    _MODE["value"] = value if value in MODES else "auto"
    try:
        yield
    finally:
        _MODE["value"] = saved


def current_mode() -> str:
    return _MODE["value"]


@lru_cache(maxsize=1)
def tesseract() -> str | None:
    return shutil.which("tesseract")


@lru_cache(maxsize=1)
def languages() -> str:
    """'fra+eng' restricted to the language data actually installed ('' = tesseract's default)."""
    exe = tesseract()
    if not exe:
        return ""
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    have = {line.strip() for line in out.splitlines()[1:]}
    return "+".join(lang for lang in ("fra", "eng") if lang in have)


def wanted(page_text: str, page: Any) -> bool:
    """Should this pdfium page be read by OCR under the current mode?"""
    m = current_mode()
    if m == "never" or not tesseract():
        return False
    if m == "always":
        return True
    return len(page_text.strip()) < MIN_TEXT_CHARS and has_image(page)


def has_image(page: Any) -> bool:
    try:
        import pypdfium2.raw as pdfium_c

        return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
    except Exception:  # an odd page tree: assume a scan, OCR will tell
        return True


def read_page(page: Any, timeout: float = 120.0) -> str:
    """Render one pdfium page at DPI and return tesseract's text ('' when it fails)."""
    exe = tesseract()
    if not exe:
        return ""
    image = page.render(scale=DPI / 72).to_pil()
    with tempfile.TemporaryDirectory(prefix="ccclint-ocr-") as tmp:
        png = os.path.join(tmp, "page.png")
        image.save(png)
        cmd = [exe, png, "stdout", "--psm", "3"]
        if languages():
            cmd += ["-l", languages()]
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread per page: workers already use the cores
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
        except (OSError, subprocess.SubprocessError):
            return ""
    return proc.stdout.decode("utf-8", "replace") if proc.returncode == 0 else ""


def no_text_message() -> str:
    """Why a PDF without text could not be read, and what to do about it."""
    if current_mode() == "never":
        return "PDF without a text layer (scanned?): run with --ocr auto (needs tesseract-ocr)"
    if not tesseract():
        return f"PDF without a text layer (scanned?): {INSTALL_HINT}"
    return "PDF without a text layer, and OCR found no text either"
