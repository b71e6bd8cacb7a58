"""A fast reader for batch audits: python-calamine for values, a few small XML parts for the
rest (defined names, formulas of the formula cells, our notes). Same Report as
`workbook.read_report` (a test compares them), several times faster because no styles,
no validations and no cell objects are built.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import InputError
from ..names import SHEET_NOTES
from ..report import Meta, Report
from ..spec import SPEC
from ..values import parse_value
from .names import Layout, Place, name_targets, resolve
from .safety import check_workbook
from .workbook import NOTE_AUTHOR, NOTES_HEADER, _date, _text, _year, apply_formulas

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
COMMENTS_TYPE = REL + "/comments"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def read_report_fast(path: str | Path) -> Report:
    """Read a filled template workbook with python-calamine; same result as read_report."""
    from python_calamine import CalamineWorkbook

    checked = check_workbook(path)
    p = checked.path
    try:
        with zipfile.ZipFile(p) as zf:
            sheets, raw_names = _workbook_part(zf)
            layout = resolve(name_targets(raw_names), list(sheets), str(p))
            needed = _needed_sheets(layout)
            formulas_by_sheet = {s: _sheet_formulas(zf, sheets[s]) for s in needed if s in sheets}
            comments_by_sheet = {s: _sheet_comments(zf, sheets[s]) for s in needed if s in sheets}
        book = CalamineWorkbook.from_path(str(p))
        grids = {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in needed}
    except InputError:
        raise
    except Exception as exc:  # calamine and lxml errors on damaged parts
        raise InputError(f"工作簿内容损坏或不是有效的 .xlsx，无法解析（{type(exc).__name__}: {exc}）", path=str(p)) from exc

    def value(place: Place) -> Any:
        return _at(grids[place[0]], place[1])

    report = Report(source=str(p))
    formulas: dict[str, str] = {}
    cached: dict[str, object] = {}
    for key, place in layout.cells.items():
        report.addresses[key] = layout.address(place)
        raw = value(place)
        formula = formulas_by_sheet[place[0]].get(place[1])
        note = comments_by_sheet[place[0]].get(place[1], "")
        if note:
            report.notes[key] = note
        if formula is not None:
            formulas[key] = formula
            cached[key] = raw
            continue
        report.values[key] = parse_value(raw, SPEC.cell(key).kind)
    meta = Meta()
    for name, place in layout.meta.items():
        raw = value(place)
        if name == "year":
            meta.year = _year(raw)
        elif name == "published":
            meta.published = _date(raw)
        else:
            setattr(meta, name, _text(raw).strip())
    report.meta = meta
    report.sections = {part: _text(value(place)) for part, place in layout.sections.items()}
    if layout.notes_sheet:
        report.explanations = _explanations(book.get_sheet_by_name(layout.notes_sheet).to_python())
    if formulas:
        apply_formulas(report, formulas, cached)
    return report


def _needed_sheets(layout: Layout) -> list[str]:
    places = list(layout.cells.values()) + list(layout.meta.values()) + list(layout.sections.values())
    return list(dict.fromkeys(s for s, _ in places))


def _at(grid: list[list[Any]], coord: str) -> Any:
    """Value at "D7" in a calamine grid starting at A1; '' (empty) becomes None, integral
    floats become int (openpyxl reads "<v>3</v>" as int, calamine as 3.0)."""
    col, row = _split(coord)
    if row >= len(grid) or col >= len(grid[row]):
        return None
    raw = grid[row][col]
    if raw == "":
        return None
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        return int(raw)
    if isinstance(raw, dt.time):
        return raw
    return raw


def _split(coord: str) -> tuple[int, int]:
    """"D7" -> (3, 6), 0-based column and row."""
    i = 0
    col = 0
    while coord[i].isalpha():
        col = col * 26 + (ord(coord[i]) - 64)
        i += 1
    return col - 1, int(coord[i:]) - 1


def _workbook_part(zf: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """({sheet title: sheet part path}, {defined name: reference text})."""
    root = etree.fromstring(zf.read("xl/workbook.xml"), _PARSER)
    rels = _rels(zf, "xl/workbook.xml")
    sheets: dict[str, str] = {}
    titles: list[str] = []
    for el in root.iter(f"{{{MAIN}}}sheet"):
        title = el.get("name", "")
        titles.append(title)
        target = rels.get(el.get(f"{{{REL}}}id", ""), "")
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


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> absolute part path, for the relationships of `part`."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in zf.namelist():
        return {}
    root = etree.fromstring(zf.read(rels_path), _PARSER)
    out = {}
    for el in root.iter(f"{{{PKG}}}Relationship"):
        if el.get("TargetMode") == "External":
            continue
        target = el.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[el.get("Id", "")] = path
        out["type:" + el.get("Id", "")] = el.get("Type", "")
    return out


def _sheet_formulas(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{"D7": "=SUM(A7:C7)"} for every formula cell of a sheet (shared formulas expanded)."""
    from openpyxl.formula.translate import Translator

    out: dict[str, str] = {}
    shared: dict[str, tuple[str, str]] = {}
    with zf.open(part) as fh:
        for _, c in etree.iterparse(fh, events=("end",), tag=f"{{{MAIN}}}c", resolve_entities=False):
            f = c.find(f"{{{MAIN}}}f")
            if f is not None:
                ref = c.get("r", "")
                text = f.text or ""
                if f.get("t") == "shared":
                    si = f.get("si", "")
                    if text:
                        shared[si] = (ref, "=" + text)
                    elif si in shared:
                        origin, master = shared[si]
                        text = Translator(master, origin=origin).translate_formula(ref)[1:]
                if text and f.get("t") != "dataTable":
                    out[ref] = "=" + text
            c.clear()
    return out


def _sheet_comments(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{"D7": text} of the comments written by xladdin on a sheet."""
    rels = _rels(zf, part)
    out: dict[str, str] = {}
    for rid, target in rels.items():
        if rid.startswith("type:") or rels.get("type:" + rid) != COMMENTS_TYPE or target not in zf.namelist():
            continue
        root = etree.fromstring(zf.read(target), _PARSER)
        authors = [a.text or "" for a in root.iter(f"{{{MAIN}}}author")]
        for com in root.iter(f"{{{MAIN}}}comment"):
            aid = int(com.get("authorId", "0"))
            if aid < len(authors) and authors[aid].strip() == NOTE_AUTHOR:
                text = "".join(t.text or "" for t in com.iter(f"{{{MAIN}}}t"))
                out[com.get("ref", "")] = text.strip()
    return out


def _explanations(rows: list[list[Any]]) -> dict[str, str]:
    for i, row in enumerate(rows[:20]):
        cols = {str(v).strip(): j for j, v in enumerate(row) if isinstance(v, str)}
        if NOTES_HEADER[0] in cols and NOTES_HEADER[1] in cols:
            rc, tc = cols[NOTES_HEADER[0]], cols[NOTES_HEADER[1]]
            out = {}
            for r in rows[i + 1 :]:
                ref = r[rc] if rc < len(r) else ""
                text = r[tc] if tc < len(r) else ""
                if str(ref).strip() and str(text).strip():
                    out[str(ref).strip()] = _text(text).strip()
            return out
    return {}


__all__ = ["read_report_fast", "SHEET_NOTES"]
