"""Word (.docx) reader on the raw XML: body paragraphs and tables in document order.

Tracked changes are read as accepted (insertions in, deletions out); comments, headers, footers
and footnotes live in other parts and are not read. XML is parsed without entity resolution or
network access, with a bound on the decompressed size (zip bombs).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from lxml import etree

from ccclint.errors import InputError
from ccclint.model import Block, Document
from ccclint.parsers import Limits, register

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W
_HEADING_STYLE = re.compile(r"^(heading|titre|title|berschrift|kop)\s*(\d*)$", re.I)
_SKIP = {_W + "del", _W + "moveFrom", _W + "instrText", _W + "delText", _W + "footnoteReference",
         _W + "commentReference", _W + "fldSimple_instr"}


def _read(zf: zipfile.ZipFile, name: str, path: str, limits: Limits) -> etree._Element | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limits.max_unzipped_bytes:
        raise InputError(path, "too-large", f"{name} expands to {info.file_size} bytes (zip bomb?)")
    parser = _safe_parser()  # fed 1 MB at a time: no copy of the inflated part is ever held in memory
    total = tags = 0
    try:
        with zf.open(info) as fh:  # small reads: one big read() inflates up to its size even if the header lies
            while chunk := fh.read(1 << 20):
                total += len(chunk)
                tags += chunk.count(b"<")
                if total > limits.max_unzipped_bytes:
                    raise InputError(path, "too-large", f"{name} expands beyond {limits.max_unzipped_bytes} bytes (zip bomb?)")
                if tags > limits.max_xml_tags:  # ~120 bytes of tree per element: bound the tree, not just the text
                    raise InputError(path, "too-large", f"{name} has more than {limits.max_xml_tags} XML tags")
                parser.feed(chunk)
        return parser.close()
    except etree.XMLSyntaxError as exc:
        raise InputError(path, "corrupt", f"damaged XML in {name}: {exc.msg}") from None


_SLICE_LIMIT = 4 << 20  # styles parts up to this size are cut down in memory before parsing
_STYLE_START = re.compile(rb"<w:style\b([^>]*)>")
_STYLE_TYPE = re.compile(rb'\bw:type="([^"]*)"')


def _read_styles(zf: zipfile.ZipFile, path: str, limits: Limits) -> etree._Element | None:
    """word/styles.xml with only its paragraph styles, the ones headings and list numbers come from: Word's
    templates carry hundreds of table styles (350 KB, 15 ms to parse for a 2-page contract). Any surprise in
    the layout (another namespace prefix, a damaged part) means the whole part is parsed as usual."""
    name = "word/styles.xml"
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size <= _SLICE_LIMIT:
        with zf.open(info) as fh:
            data = fh.read(_SLICE_LIMIT + 1)  # bounded even when the header lies about the size
        cut = _paragraph_styles(data) if len(data) <= _SLICE_LIMIT else None
        if cut is not None:
            try:
                return etree.fromstring(cut, _safe_parser())
            except etree.XMLSyntaxError:
                pass
    return _read(zf, name, path, limits)


def _paragraph_styles(data: bytes) -> bytes | None:
    """The part's root tag, its paragraph styles (w:type="paragraph", the default) and the closing tag."""
    root = data.find(b"<w:styles")
    root_end = data.find(b">", root)
    if root < 0 or root_end < 0 or b'xmlns:w="' + W.encode() + b'"' not in data[root:root_end] \
            or data[root_end - 1:root_end] == b"/":
        return None
    parts = [data[:root_end + 1]]
    for m in _STYLE_START.finditer(data, root_end):
        attrs = m.group(1)
        if attrs.endswith(b"/"):
            continue  # an empty style tells nothing
        kind = _STYLE_TYPE.search(attrs)
        if kind and kind.group(1) != b"paragraph":
            continue
        end = data.find(b"</w:style>", m.end())
        if end < 0:
            return None
        parts.append(data[m.start():end + len(b"</w:style>")])
    parts.append(b"</w:styles>")
    return b"".join(parts)


def _safe_parser() -> etree.XMLParser:
    """No entity expansion, no DTD, no network: XXE and billion-laughs documents stay inert."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _styles(root: etree._Element | None) -> dict[str, tuple[int, tuple[str, int] | None]]:
    """styleId -> (heading level or 0, numbering (numId, ilvl) inherited from the style)."""
    out: dict[str, tuple[int, tuple[str, int] | None]] = {}
    if root is None:
        return out
    raw: dict[str, tuple[str, str | None, int, tuple[str, int] | None]] = {}
    for st in root.iter(_W + "style"):
        sid = st.get(_W + "styleId") or ""
        name_el = st.find(_W + "name")
        name = name_el.get(_W + "val") if name_el is not None else sid
        based = st.find(_W + "basedOn")
        outline = st.find(f"{_W}pPr/{_W}outlineLvl")
        level = int(outline.get(_W + "val")) + 1 if outline is not None and outline.get(_W + "val", "").isdigit() else 0
        m = _HEADING_STYLE.match((name or "").strip())
        if m and not level:
            level = int(m.group(2)) if m.group(2) else 1
        num = st.find(f"{_W}pPr/{_W}numPr")
        numpr = _numpr(num)
        raw[sid] = (name or sid, based.get(_W + "val") if based is not None else None, level, numpr)
    for sid in raw:
        level, numpr, cur, seen = 0, None, sid, set()
        while cur in raw and cur not in seen:
            seen.add(cur)
            _, based, lvl, npr = raw[cur]
            level = level or lvl
            numpr = numpr or npr
            cur = based
        out[sid] = (level if level <= 9 else 0, numpr)
    return out


def _numpr(num: etree._Element | None) -> tuple[str, int] | None:
    if num is None:
        return None
    nid = num.find(_W + "numId")
    ilvl = num.find(_W + "ilvl")
    if nid is None:
        return None
    lvl = ilvl.get(_W + "val") if ilvl is not None else "0"
    return (nid.get(_W + "val") or "0", int(lvl) if (lvl or "").isdigit() else 0)


class _Numbering:
    """Renders visible list numbers ("5.2", "a)") from numbering.xml and running counters."""

    def __init__(self, root: etree._Element | None):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(_W + "abstractNum"):
            lv: dict[int, tuple[str, str, int]] = {}
            for lvl in an.iter(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl") or 0)
                if not 0 <= ilvl <= 9:  # Word uses 0-8; anything else would size the counters below
                    continue
                fmt = lvl.find(_W + "numFmt")
                txt = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                lv[ilvl] = (fmt.get(_W + "val") if fmt is not None else "decimal",
                            txt.get(_W + "val") if txt is not None else "",
                            int(start.get(_W + "val")) if start is not None and (start.get(_W + "val") or "").isdigit() else 1)
            abstract[an.get(_W + "abstractNumId") or ""] = lv
        for num in root.iter(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is not None:
                self.levels[num.get(_W + "numId") or ""] = abstract.get(ref.get(_W + "val") or "", {})

    def render(self, num_id: str, ilvl: int) -> str | None:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return None
        counters = self.counters.setdefault(num_id, [levels[k][2] - 1 if k in levels else 0 for k in range(20)])
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, len(counters)):
            if deeper in levels:
                counters[deeper] = levels[deeper][2] - 1
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return None

        def value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f = levels.get(k, ("decimal", "", 1))[0] if k != ilvl else fmt
            return _format_number(max(counters[k], 1), f)

        return re.sub(r"%(\d)", value, text)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26)
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("lowerRoman", "upperRoman") and n < 4000:  # a hostile start value must not spin here
        vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        out, rest = "", n
        for v, s in vals:
            while rest >= v:
                out, rest = out + s, rest - v
        return out.upper() if fmt == "upperRoman" else out
    return str(n)


def _text(el: etree._Element) -> str:
    """Visible text of a paragraph or cell, tracked changes accepted."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append(" ")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "sym":
                parts.append(" ")
            else:
                walk(child)

    walk(el)
    return "".join(parts)


@register("docx")
def parse_docx(path: str, data: bytes, limits: Limits) -> Document:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise InputError(path, "corrupt", f"corrupt Word file ({exc})") from None
    total = sum(i.file_size for i in zf.infolist())
    if total > limits.max_unzipped_bytes * 3:
        raise InputError(path, "too-large", f"archive expands to {total} bytes (zip bomb?)")
    try:
        root = _read(zf, "word/document.xml", path, limits)
        styles = _styles(_read_styles(zf, path, limits))
        numbering = _Numbering(_read(zf, "word/numbering.xml", path, limits))
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error, NotImplementedError, RuntimeError) as exc:
        # damaged deflate data, an unknown compression method or an encrypted member (all found by fuzzing)
        raise InputError(path, "corrupt", f"corrupt Word file ({exc.__class__.__name__}: {exc})") from None
    if root is None:
        raise InputError(path, "corrupt", "Word file without a document body")
    body = root.find(_W + "body")
    blocks: list[Block] = []
    page = [1]

    def paragraph(p: etree._Element) -> Block | None:
        ppr = p.find(_W + "pPr")
        style_id = None
        level = 0
        numpr = None
        if ppr is not None:
            ps = ppr.find(_W + "pStyle")
            style_id = ps.get(_W + "val") if ps is not None else None
            ol = ppr.find(_W + "outlineLvl")
            if ol is not None and (ol.get(_W + "val") or "").isdigit():
                level = int(ol.get(_W + "val")) + 1
            numpr = _numpr(ppr.find(_W + "numPr"))
            if ppr.find(f"{_W}rPr/{_W}del") is not None and not _text(p).strip():
                return None
        slevel, snum = styles.get(style_id or "", (0, None))
        level = level or slevel
        numpr = numpr or snum
        number = numbering.render(*numpr) if numpr else None
        page_breaks = len(p.findall(f".//{_W}lastRenderedPageBreak")) + sum(
            1 for br in p.iter(_W + "br") if br.get(_W + "type") == "page")
        text = _text(p).strip()
        block_page = page[0]
        page[0] += page_breaks
        if not text:
            return None
        if number and not re.match(re.escape(number), text):
            text_number = number
        else:
            text_number = None
        kind = "heading" if 0 < level <= 9 else ("item" if number else "paragraph")
        return Block(text, kind, level=level if kind == "heading" else 0, page=block_page, number=text_number)

    def table(tbl: etree._Element) -> None:
        for tr in tbl.iter(_W + "tr"):
            cells = []
            for tc in tr.findall(_W + "tc"):
                cell = " ".join(t for t in (_text(p).strip() for p in tc.iter(_W + "p")) if t)
                if cell:
                    cells.append(cell)
            if cells:
                blocks.append(Block(" | ".join(cells), "row", page=page[0]))

    def walk(container: etree._Element) -> None:
        for child in container:
            if len(blocks) > limits.max_blocks:
                raise InputError(path, "too-large", f"more than {limits.max_blocks} paragraphs")
            if child.tag == _W + "p":
                b = paragraph(child)
                if b is not None:
                    blocks.append(b)
            elif child.tag == _W + "tbl":
                table(child)
            elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "ins", _W + "customXml", _W + "smartTag"):
                walk(child)

    if body is not None:
        walk(body)
    pages = page[0] if page[0] > 1 else None
    return Document(path, "docx", blocks, pages=pages)
