"""A fast reader for batch audits: python-calamine for values (cached values included), the
small XML parts for defined names, formulas and our notes. Same Report as
`workbook.read_report` (a test compares them) and several times faster, because calamine
builds no styles, validations or cell objects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError, describe
from ..fileio import check_input
from ..report import Report
from .assemble import assemble, at, column_letter
from .names import Layout, Place, name_targets, resolve
from .parts import SheetScan, sheet_comments, sheet_scan, workbook_part
from .safety import MAX_IN_MEMORY, open_checked, refuse_kind, sniff, sniff_bytes
from .workbook import MAX_GRID_CELLS, needed_sheets


def read_report_fast(path: str | Path) -> Report:
    """Read a filled template workbook with python-calamine; same result as read_report.
    A sheet reaching far beyond what a report needs (a stray cell at XFD1048576, which
    calamine would expand to a dense 512 GiB grid) is read by read_report instead, which
    reads only the template's cells.

    The file is opened once: its bytes (when not huge) serve the pre-open checks, the sheet
    scans and calamine; the XML parts inflated for the checks are not inflated again; the
    defined names are parsed once per distinct workbook.xml (every report made from one
    template shares it)."""
    from python_calamine import CalamineWorkbook

    size = check_input(path)
    p = Path(path)
    data: bytes | None = None
    if size <= MAX_IN_MEMORY:
        data = _read_all(p)
        refuse_kind(sniff_bytes(data), p)
    else:
        refuse_kind(sniff(p), p)
    zf, _ = open_checked(io.BytesIO(data) if data is not None else p, p)
    try:
        with zf:
            parts, layout, needed, scanned = _layout(zf, str(p))
            scans = {s: sheet_scan(zf, parts[s]) for s in scanned}
            if any(scan.rows * max(scan.cols, 1) > MAX_GRID_CELLS for scan in scans.values()):
                from .workbook import read_report

                return read_report(p)
            notes = {s: sheet_comments(zf, parts[s]) for s in needed}
        book = CalamineWorkbook.from_filelike(io.BytesIO(data)) if data is not None else CalamineWorkbook.from_path(str(p))
        grids = {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in needed}
        notes_rows = _rows(book, layout.notes_sheet, scans)
        previous_rows = _rows(book, layout.previous_sheet, scans)
    except InputError as exc:
        if not exc.path:
            raise InputError(str(exc), path=str(p)) from exc
        raise
    except Exception as exc:  # calamine and lxml errors on damaged parts
        raise InputError(f"工作簿内容损坏或不是有效的 .xlsx，无法解析（{describe(exc)}）", path=str(p)) from exc

    def raw(place: Place) -> Any:
        sheet, coord = place
        scan = scans.get(sheet)
        if scan is not None and coord in scan.errors:  # calamine gives "" for #REF!, #N/A…
            return scan.errors[coord]
        if scan is not None and coord in scan.big:  # and a float for 9007199254740993
            return scan.big[coord]
        return _plain(at(grids[sheet], coord))

    def cached(places: dict[str, Place]) -> dict[str, Any]:
        return {key: scans[s].cached.get(c) for key, (s, c) in places.items() if s in scans}

    formulas = {s: scans[s].formulas for s in needed if s in scans}
    return assemble(p, layout, raw, formulas, cached, notes, notes_rows, previous_rows)


def _read_all(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取（{describe(exc)}）", path=str(p)) from exc


# workbook.xml + its relationships -> (sheet parts, layout, needed sheets, sheets to scan).
# Bounded: a batch of reports made from a few templates holds a few entries.
_LAYOUTS: dict[bytes, tuple[dict[str, str], Layout, list[str], list[str]]] = {}
_MAX_LAYOUTS = 64


def _layout(zf: zipfile.ZipFile, where: str) -> tuple[dict[str, str], Layout, list[str], list[str]]:
    """The template layout of the workbook, parsed once per distinct workbook.xml and
    relationships (a digest of their bytes is the key; an error is never cached)."""
    try:
        rels_bytes = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        rels_bytes = b""
    key = hashlib.blake2b(zf.read("xl/workbook.xml") + b"\0" + rels_bytes, digest_size=20).digest()
    hit = _LAYOUTS.get(key)
    if hit is not None:
        return hit
    parts, raw_names = workbook_part(zf)
    layout = resolve(name_targets(raw_names), list(parts), where)
    needed = needed_sheets(layout)
    listed = [s for s in (layout.notes_sheet, layout.previous_sheet) if s and s in parts]
    scanned = [s for s in dict.fromkeys([*needed, *listed]) if s in parts]
    if len(_LAYOUTS) >= _MAX_LAYOUTS:
        _LAYOUTS.clear()
    _LAYOUTS[key] = (parts, layout, needed, scanned)
    return _LAYOUTS[key]


def _rows(book: Any, sheet: str | None, scans: dict[str, SheetScan]) -> list[list[Any]] | None:
    """All rows of a listing sheet (说明, 上年数据), values as openpyxl gives them."""
    if not sheet:
        return None
    scan = scans.get(sheet)
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if scan is None or not (scan.errors or scan.big):  # nothing calamine misreads: no coordinates needed
        return [[_plain(value) for value in values] for values in rows]
    out = []
    for r, values in enumerate(rows, start=1):
        line = []
        for c, value in enumerate(values):
            coord = f"{column_letter(c + 1)}{r}"
            line.append(scan.errors.get(coord, scan.big.get(coord, _plain(value))) if scan else _plain(value))
        out.append(line)
    return out


def _plain(value: Any) -> Any:
    """calamine -> what openpyxl gives: '' is empty, "<v>3</v>" is int 3 (calamine: 3.0)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value
