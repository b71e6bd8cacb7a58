"""A fast reader for batch audits: python-calamine for values (cached values included), the
small XML parts for defined names, formulas and our notes. Same Report as
`workbook.read_report` (a test compares them) and several times faster, because calamine
builds no styles, validations or cell objects.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from ..errors import InputError, describe
from ..report import Report
from .assemble import assemble, at, column_letter
from .names import Place, name_targets, resolve
from .parts import SheetScan, sheet_comments, sheet_scan, workbook_part
from .safety import check_workbook
from .workbook import MAX_GRID_CELLS, needed_sheets


def read_report_fast(path: str | Path) -> Report:
    """Read a filled template workbook with python-calamine; same result as read_report.
    A sheet reaching far beyond what a report needs (a stray cell at XFD1048576, which
    calamine would expand to a dense 512 GiB grid) is read by read_report instead, which
    reads only the template's cells."""
    from python_calamine import CalamineWorkbook

    p = check_workbook(path).path
    try:
        with zipfile.ZipFile(p) as zf:
            parts, raw_names = workbook_part(zf)
            layout = resolve(name_targets(raw_names), list(parts), str(p))
            needed = needed_sheets(layout)
            listed = [s for s in (layout.notes_sheet, layout.previous_sheet) if s and s in parts]
            scans = {s: sheet_scan(zf, parts[s]) for s in dict.fromkeys([*needed, *listed]) if s in parts}
            if any(scan.rows * max(scan.cols, 1) > MAX_GRID_CELLS for scan in scans.values()):
                from .workbook import read_report

                return read_report(p)
            notes = {s: sheet_comments(zf, parts[s]) for s in needed}
        book = CalamineWorkbook.from_path(str(p))
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


def _rows(book: Any, sheet: str | None, scans: dict[str, SheetScan]) -> list[list[Any]] | None:
    """All rows of a listing sheet (说明, 上年数据), values as openpyxl gives them."""
    if not sheet:
        return None
    scan = scans.get(sheet)
    rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
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
