"""Small XML parts of an .xlsx read directly (lxml, entities never resolved): defined names,
sheet paths, one scan of each sheet (formulas, error values, long integers, extent) and the
comments xladdin wrote. Used by both readers."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from lxml import etree

from ..errors import InputError
from .cells import unescape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
COMMENTS_TYPE = REL + "/comments"
NOTE_AUTHOR = "xladdin"  # comments written by us carry report.notes; others are left alone
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse(zf: zipfile.ZipFile, part: str) -> etree._Element:
    """A small XML part, entities never resolved, a DOCTYPE refused."""
    root = etree.fromstring(zf.read(part), _PARSER)
    refuse_dtd(root, part)
    return root


def refuse_dtd(root: etree._Element, part: str) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise InputError(
            f"部件“{part}”含有 XML 文档类型/实体声明（DOCTYPE/ENTITY），正常的 Excel 文件不会有，疑似恶意文件，已拒绝"
        )


def workbook_part(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """({sheet title: sheet part path}, {defined name: reference text})."""
    root = parse(zf, "xl/workbook.xml")
    found = rels(zf, "xl/workbook.xml")
    sheets: dict[str, str] = {}
    titles: list[str] = []
    for el in root.iter(f"{{{MAIN}}}sheet"):
        title = el.get("name", "")
        titles.append(title)
        target = found.get(el.get(f"{{{REL}}}id", ""), "")
        if target:
            sheets[title] = target
    names: dict[str, str] = {}
    scoped: dict[str, str] = {}
    for el in root.iter(f"{{{MAIN}}}definedName"):
        name, text = el.get("name", ""), (el.text or "")
        local = el.get("localSheetId")
        if local is None:
            names[name] = text
        elif local.isdigit() and int(local) < len(titles) and "!" not in text:
            scoped[name] = f"'{titles[int(local)]}'!{text}"
        else:
            scoped[name] = text
    return sheets, {**scoped, **names}


def rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> absolute part path, for the relationships of `part`."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in zf.namelist():
        return {}
    root = parse(zf, rels_path)
    out = {}
    for el in root.iter(f"{{{PKG}}}Relationship"):
        if el.get("TargetMode") == "External":
            continue
        target = el.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[el.get("Id", "")] = path
        out["type:" + el.get("Id", "")] = el.get("Type", "")
    return out


@dataclass
class SheetScan:
    """What one pass over a sheet's XML tells both readers: the formula of every formula cell
    (shared formulas expanded), the error values (`#REF!`…, typed or cached by a formula),
    whole numbers too long for a float (calamine would round them), and the extent — the
    farthest row and column holding a cell, so that no reader allocates a grid to a stray
    cell at XFD1048576."""

    formulas: dict[str, str] = field(default_factory=dict)  # {"D7": "=SUM(A7:C7)"}
    errors: dict[str, str] = field(default_factory=dict)  # {"D5": "#REF!"}
    big: dict[str, int] = field(default_factory=dict)  # {"D5": 9007199254740993}
    cached: dict[str, object] = field(default_factory=dict)  # formula cell -> its saved result
    rows: int = 0
    cols: int = 0


# Byte-level scan sizes: a sheet part up to this size is read whole and scanned with compiled
# regexes (the template's sheets are 8-70 KB); a larger one is streamed by the careful scan.
MAX_BYTE_SCAN = 8 * 1024 * 1024


def sheet_scan(zf: zipfile.ZipFile, part: str, data: bytes | None = None) -> SheetScan:
    """The scan of one sheet part: the byte scan when every cell is written the ordinary way
    (`<c r="D7" …>`), else the careful streaming scan (cells without `r`, lower-case or odd
    references, namespace prefixes, comments or CDATA in the sheet). `data`: the part's bytes
    when the caller already has them."""
    if data is None and zf.getinfo(part).file_size <= MAX_BYTE_SCAN:
        data = zf.read(part)
    if data is not None:
        scan = byte_scan(data)
        if scan is not None:
            return scan
        if len(data) > MAX_BYTE_SCAN:  # keep the streaming scan's memory bound
            data = None
    return careful_scan(zf.open(part) if data is None else io.BytesIO(data), part)


# Any cell start tag, prefixed or not (calamine matches cells by local name); `<col`, `<cfRule`
# do not match. Every real cell start tag matches one of these.
_CELL_ANY = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c[\s/>]")
_CELL_PLAIN = re.compile(rb"<c[\s/>]")
# The ordinary cell: `r` first with an upper-case reference, then (as Excel, WPS, LibreOffice
# and openpyxl write them) `s` and `t`, any other attributes, and the content up to `</c>`.
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]*")?(?: t="([A-Za-z]*)")?([^>/]*(?:/(?!>)[^>/]*)*)'
    rb"(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)"
)
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[\s/>]')
_HAS_F = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s/>]")  # a formula (not <formula> of a format rule)
# an error value, however the attribute is written (quotes, spaces, a character reference)
_HAS_E = re.compile(rb"""\st\s*=\s*["'](?:e["']|&)""")
# a whole number calamine would round, or a value written with character references
_HAS_LONG = re.compile(rb"<v(?:\s[^>]*)?>(?:\s*-?[0-9]{16}|[^<]*&)")
_HAS_F_PLAIN = re.compile(rb"<f[\s/>]")
# a whole formula cell as spreadsheet programs write most of them: r first, an optional style,
# a number type or none, no other attribute, <f> without attributes or entities, a number
_PLAIN_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(?: s="[0-9]*")?(?: t="n")?>'
    rb"<f>([^<&\r]+)</f>(?:<v>([^<&\s]*)</v>|<v\s*/>)?</c>"
)
# a formula cell as spreadsheet programs write most of them: no attributes, no entities
_PLAIN_FORMULA = re.compile(rb"<f>([^<&\r]+)</f>(?:<v>([^<&\s]*)</v>|<v\s*/>)?\Z")
_ATTR = re.compile(rb"""([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_F = re.compile(rb"<f(\s[^>]*?)?(?:/>|>([^<]*)</f>)")
_V = re.compile(rb"<v(?:\s[^>]*)?(?:/>|>([^<]*)</v>)")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_LONG = len(b"<v>") + 15 + len(b"</v>")  # a shorter <v> holds no whole number beyond 15 digits


class _Unusual(Exception):
    """Something the byte scan does not read exactly: the careful scan reads the part."""


def byte_scan(data: bytes) -> SheetScan | None:
    """The scan with compiled regexes over the raw XML bytes, no parse: None when any cell is
    not written the ordinary way (the careful scan then reads the part). The extent comes from
    the references alone; only a sheet holding a formula, an error value or a long number is
    read cell by cell, and there only those cells are looked at closely."""
    if b"<!" in data or data.find(b"<?", 5) >= 0:  # comments, CDATA, DTD, processing instructions
        return None
    refs = _CELL_REF.findall(data)
    every = _CELL_ANY if b":c" in data else _CELL_PLAIN
    if len(refs) != len(every.findall(data)):
        return None  # a cell without r, with r elsewhere, lower-case or prefixed
    scan = SheetScan()
    if not refs:
        return scan
    scan.rows = max(map(int, [row for _, row in refs]))
    scan.cols = column_number(max({col for col, _ in refs}, key=lambda c: (len(c), c)).decode())
    # an error type (t="e", or a character reference) among the cells: calamine reads cells in
    # <sheetData> only, and the attributes after it (validations) are full of "&#…;"
    lo, hi = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    if lo < 0 or hi < lo:
        lo, hi = 0, len(data)
    maybe_error = any(data.find(x, lo, hi) >= 0 for x in (b'"e"', b"'e'", b'"&', b"'&"))
    formulas = len((_HAS_F if b":f" in data else _HAS_F_PLAIN).findall(data))
    unusual = (maybe_error and _HAS_E.search(data, lo, hi)) or _HAS_LONG.search(data)
    if not (formulas or unusual):
        return scan
    if not unusual:  # formulas only: read just the formula cells, when every <f> is in one
        plain = _PLAIN_FORMULA_CELL.findall(data)
        if len(plain) == formulas:
            for col, row, formula, cached in plain:
                ref = (col + row).decode()
                scan.formulas[ref] = "=" + formula.decode()
                if cached:
                    scan.cached[ref] = cached_value("n", cached.decode())
                    _value(scan, ref, "n", cached.decode())
            return scan
    found = _CELL.findall(data)
    if len(found) != len(refs):
        return None
    try:
        shared: dict[str, tuple[str, str]] = {}
        for col, row, t, rest, body in found:
            if rest:
                if (rest.count(b'"') | rest.count(b"'")) & 1:
                    return None  # a ">" inside an attribute value cut the tag short
                if b"t=" in rest:
                    t = _attrs(rest).get("t", "n").encode()
            if not body:
                continue
            if b"<f" in body:
                plain = _PLAIN_FORMULA.match(body)
                if plain is not None and t in (b"", b"n"):  # <f>SUM(D5:I5)</f><v>10</v>: most totals
                    ref = (col + row).decode()
                    scan.formulas[ref] = "=" + plain.group(1).decode()
                    if plain.group(2):
                        cached = plain.group(2).decode()
                        scan.cached[ref] = cached_value("n", cached)
                        _value(scan, ref, "n", cached)
                    continue
                _formula(scan, shared, (col + row).decode(), (t or b"n").decode(), body)
            if t == b"e" or (t in (b"", b"n") and len(body) > _LONG):
                v = _V.search(body)
                raw = _text(v.group(1)).strip() if v and v.group(1) else ""
                _value(scan, (col + row).decode(), (t or b"n").decode(), raw)
    except (_Unusual, UnicodeDecodeError, ValueError):
        return None
    return scan


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode(): _text(a or b) for k, a, b in _ATTR.findall(raw)}


def _text(raw: bytes) -> str:
    """Character data as an XML parser gives it: line ends normalised, the five named entities
    and character references resolved; anything else (an undeclared entity) is unusual."""
    text = raw.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text
    out = _ENTITY.sub(lambda m: _NAMED[m[1]] if m[1] else chr(int(m[2]) if m[2] else int(m[3], 16)), text)
    if "&" in _ENTITY.sub("", text):
        raise _Unusual(text)
    return out


def _formula(scan: SheetScan, shared: dict[str, tuple[str, str]], ref: str, kind: str, body: bytes) -> None:
    m = _F.search(body)
    if m is None:
        raise _Unusual(ref)
    fattrs = _attrs(m.group(1) or b"")
    text = _text(m.group(2)) if m.group(2) else ""
    v = _V.search(body)
    cached = _text(v.group(1)) if v is not None and v.group(1) else None
    _record_formula(scan, shared, ref, kind, fattrs.get("t"), fattrs.get("si", ""), text, cached)


def _record_formula(
    scan: SheetScan, shared: dict[str, tuple[str, str]], ref: str, kind: str, ftype: str | None, si: str, text: str, cached: str | None
) -> None:
    """One formula cell, as both scans record it (shared formulas expanded)."""
    if ftype == "shared":
        if text:
            shared[si] = (ref, "=" + text)
        elif si in shared:
            from openpyxl.formula.translate import Translator  # rare: keep openpyxl unloaded

            origin, master = shared[si]
            text = Translator(master, origin=origin).translate_formula(ref)[1:]
    if text and ftype != "dataTable":
        scan.formulas[ref] = "=" + text
        if cached:
            scan.cached[ref] = cached_value(kind, cached)


def _value(scan: SheetScan, ref: str, kind: str, raw: str) -> None:
    if kind == "e" and raw:
        scan.errors[ref] = raw
    elif len(raw) > 15 and raw.lstrip("-").isdigit():
        scan.big[ref] = int(raw)


def column_number(letters: str) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def careful_scan(fh: BinaryIO, part: str) -> SheetScan:
    """One streaming pass with lxml (entities never resolved, a DOCTYPE refused) that places
    every cell as Excel, openpyxl and calamine do: by its `r` (any case), or, written without
    one, right after the cell before it (the row from `<row r>`, or the row after the last).
    Elements are matched by local name, whatever their namespace or prefix."""
    scan = SheetScan()
    shared: dict[str, tuple[str, str]] = {}
    row_counter = row = col = 0  # as openpyxl counts: a cell without r is in its <row>'s row
    with fh:
        events = etree.iterparse(fh, events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False)
        for event, el in events:
            tag = el.tag
            local = tag.rpartition("}")[2] if isinstance(tag, str) else ""
            if event == "start":
                if local == "row":
                    r = (el.get("r") or "").strip()
                    row_counter = int(r) if r.isdigit() else row_counter + 1
                    col = 0
                continue
            if local == "row":
                el.clear()
                continue
            if local != "c":
                continue
            m = _REF.match((el.get("r") or "").strip())
            if m:
                col, row = column_number(m.group(1)), int(m.group(2))
            else:
                col, row = col + 1, row_counter
            ref = f"{_letters(col)}{row}"
            scan.rows, scan.cols = max(scan.rows, row), max(scan.cols, col)
            kind = el.get("t", "n")
            f = v = None
            for child in el:
                name = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
                if name == "f":
                    f = child
                elif name == "v":
                    v = child
            cached = v.text if v is not None else None
            if f is not None:
                _record_formula(scan, shared, ref, kind, f.get("t"), f.get("si", ""), f.text or "", cached)
            if kind in ("e", "n"):
                _value(scan, ref, kind, (cached or "").strip())
            el.clear()
        if events.root is not None:
            refuse_dtd(events.root, part)
    return scan


def _letters(col: int) -> str:
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def cached_value(kind: str, text: str) -> object:
    """A formula's saved result as openpyxl reads it: a number (int when written without a
    point or exponent), an error value ("#REF!"), text, or a bool."""
    if kind == "n":
        try:
            return float(text) if any(ch in text for ch in ".eE") else int(text)
        except ValueError:
            return text
    if kind == "b":
        return text.strip() == "1"
    return unescape(text)


def sheet_comments(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{"D7": text} of the comments written by xladdin on a sheet."""
    found = rels(zf, part)
    out: dict[str, str] = {}
    for rid, target in found.items():
        if rid.startswith("type:") or found.get("type:" + rid) != COMMENTS_TYPE or target not in zf.namelist():
            continue
        root = parse(zf, target)
        authors = [a.text or "" for a in root.iter(f"{{{MAIN}}}author")]
        for com in root.iter(f"{{{MAIN}}}comment"):
            aid = int(com.get("authorId", "0"))
            if aid < len(authors) and authors[aid].strip() == NOTE_AUTHOR:
                text = "".join(t.text or "" for t in com.iter(f"{{{MAIN}}}t"))
                out[com.get("ref", "")] = unescape(text).strip()
    return out
