"""Small XML parts of an .xlsx read directly (lxml, entities never resolved): defined names,
sheet paths, formulas and the comments xladdin wrote. Used by both readers."""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree

from ..errors import InputError

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


def sheet_formulas(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{"D7": "=SUM(A7:C7)"} for every formula cell of a sheet (shared formulas expanded)."""
    out: dict[str, str] = {}
    shared: dict[str, tuple[str, str]] = {}
    with zf.open(part) as fh:
        events = etree.iterparse(fh, events=("end",), tag=f"{{{MAIN}}}c", resolve_entities=False, no_network=True)
        for _, c in events:
            f = c.find(f"{{{MAIN}}}f")
            if f is not None:
                ref = c.get("r", "")
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
                    out[ref] = "=" + text
            c.clear()
        if events.root is not None:
            refuse_dtd(events.root, part)
    return out


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
                out[com.get("ref", "")] = text.strip()
    return out
