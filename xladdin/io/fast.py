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

from ..errors import InputError
from ..report import Report
from .assemble import assemble, at
from .names import Place, name_targets, resolve
from .parts import sheet_comments, sheet_formulas, workbook_part
from .safety import check_workbook
from .workbook import needed_sheets


def read_report_fast(path: str | Path) -> Report:
    """Read a filled template workbook with python-calamine; same result as read_report."""
    from python_calamine import CalamineWorkbook

    p = check_workbook(path).path
    try:
        with zipfile.ZipFile(p) as zf:
            parts, raw_names = workbook_part(zf)
            layout = resolve(name_targets(raw_names), list(parts), str(p))
            needed = needed_sheets(layout)
            formulas = {s: sheet_formulas(zf, parts[s]) for s in needed}
            notes = {s: sheet_comments(zf, parts[s]) for s in needed}
        book = CalamineWorkbook.from_path(str(p))
        grids = {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in needed}
        notes_rows = book.get_sheet_by_name(layout.notes_sheet).to_python() if layout.notes_sheet else None
        previous_rows = (
            [[_plain(v) for v in row] for row in book.get_sheet_by_name(layout.previous_sheet).to_python()]
            if layout.previous_sheet
            else None
        )
    except InputError as exc:
        if not exc.path:
            raise InputError(str(exc), path=str(p)) from exc
        raise
    except Exception as exc:  # calamine and lxml errors on damaged parts
        raise InputError(
            f"工作簿内容损坏或不是有效的 .xlsx，无法解析（{type(exc).__name__}: {exc}）", path=str(p)
        ) from exc

    def raw(place: Place) -> Any:
        return _plain(at(grids[place[0]], place[1]))

    def cached(places: dict[str, Place]) -> dict[str, Any]:
        return {key: raw(place) for key, place in places.items()}  # calamine gives cached values

    return assemble(p, layout, raw, formulas, cached, notes, notes_rows, previous_rows)


def _plain(value: Any) -> Any:
    """calamine -> what openpyxl gives: '' is empty, "<v>3</v>" is int 3 (calamine: 3.0)."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value
