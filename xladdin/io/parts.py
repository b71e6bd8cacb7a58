"""Small XML parts of an .xlsx read directly (lxml, entities never resolved): defined names,
sheet paths, one scan of each sheet (formulas, error values, long integers, extent) and the
comments xladdin wrote. Used by both readers."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

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


_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})$")


def sheet_scan(zf: zipfile.ZipFile, part: str) -> SheetScan:
    """One streaming pass over a sheet part (entities never resolved, a DOCTYPE refused)."""
    scan = SheetScan()
    shared: dict[str, tuple[str, str]] = {}
    f_tag, v_tag = f"{{{MAIN}}}f", f"{{{MAIN}}}v"
    with zf.open(part) as fh:
        events = etree.iterparse(fh, events=("end",), tag=f"{{{MAIN}}}c", resolve_entities=False, no_network=True)
        for _, c in events:
            ref = c.get("r", "")
            m = _REF.match(ref)
            if m:
                col = 0
                for ch in m.group(1):
                    col = col * 26 + ord(ch) - 64
                scan.rows, scan.cols = max(scan.rows, int(m.group(2))), max(scan.cols, col)
            f = c.find(f_tag)
            if f is not None:
                text = f.text or ""
                if f.get("t") == "shared":
                    si = f.get("si", "")
                    if text:
                        shared[si] = (ref, "=" + text)
                    elif si in shared:
                        from openpyxl.formula.translate import Translator  # rare: keep openpyxl unloaded

                        origin, master = shared[si]
                        text = Translator(master, origin=origin).translate_formula(ref)[1:]
                if text and f.get("t") != "dataTable":
                    scan.formulas[ref] = "=" + text
                    v = c.find(v_tag)
                    if v is not None and v.text:
                        scan.cached[ref] = cached_value(c.get("t", "n"), v.text)
            t = c.get("t", "n")
            if t in ("e", "n"):
                v = c.find(v_tag)
                raw = (v.text or "").strip() if v is not None else ""
                if t == "e" and raw:
                    scan.errors[ref] = raw
                elif len(raw) > 15 and raw.lstrip("-").isdigit():
                    scan.big[ref] = int(raw)
            c.clear()
        if events.root is not None:
            refuse_dtd(events.root, part)
    return scan


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
