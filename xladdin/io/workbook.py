"""Workbook <-> Report with openpyxl, through the template's defined names only.

Reading: every value goes through `parse_value` (so "/" stays text, floats become exact
Decimals); a derived cell holding a formula gives its cached value when the file has one
(Excel, WPS and LibreOffice save them), else the value is computed with `xladdin.fill`;
its formula text is kept in `report.formulas`.

Writing: into a copy of the template (or a given base workbook), only the keys asked for,
never replacing what the user typed unless asked, never replacing a formula; a total written
into a workbook laid out like the template gets the template's formula (its cached result is
the value written), so it keeps updating; macros kept
for .xlsm and the ribbon relationship re-attached; saved atomically.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError, describe
from ..names import SHEET_NOTES
from ..previous import SHEET_PREVIOUS, previous_rows
from ..report import Meta, Report
from ..sheetfit import fit_text_cells
from ..spec import SPEC
from ..values import Value, is_absent
from .assemble import (
    NOTES_HEADER,
    assemble,
    at,
    cell_value,
    notes_header,
    split,
    template_formulas,
)
from .cache import formula_results, write_results
from .cells import MAX_CELL_TEXT, formula_of, put, row, safe_text, set_value, unescape
from .names import Layout, Place, name_targets, resolve
from .parts import NOTE_AUTHOR, sheet_comments, sheet_scan, workbook_part
from .safety import check_workbook
from .save import save_atomic

# Listing sheets (说明, 上年数据) are read up to this many rows and columns; a sheet of the
# fast reader beyond MAX_GRID_CELLS goes to read_report, which reads only these bounds.
LIST_BOUNDS = (5000, 30)
MAX_GRID_CELLS = 2_000_000

# --------------------------------------------------------------------------- opening


def open_workbook(
    path: str | Path,
    data_only: bool = False,
    keep_vba: bool = False,
    read_only: bool = False,
    keep_user_content: bool = False,
) -> Any:
    """openpyxl.load_workbook after the pre-open checks, every failure an InputError: the one
    way every command (and `addin run`) opens a workbook. `keep_user_content` (a workbook
    that will be saved back) keeps rich-text runs and external links."""
    import openpyxl

    checked = check_workbook(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" etc.
            wb = openpyxl.load_workbook(
                checked.path,
                data_only=data_only,
                keep_vba=keep_vba,
                keep_links=keep_user_content,
                rich_text=keep_user_content,
                read_only=read_only,
            )
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to lxml errors on bad parts
        raise InputError(_parse_failure(exc), path=str(checked.path)) from exc
    if not read_only:
        refuse_unsavable_numbers(wb, str(checked.path))
    return wb


FLOAT_MAX = 1.7976931348623157e308


def refuse_unsavable_numbers(wb: Any, path: str) -> None:
    """InputError naming the cell of a number no workbook can hold (hundreds of digits: beyond
    a double, where openpyxl cannot save it back): found when the file is opened, not as an
    OverflowError when it is saved."""
    from openpyxl.utils import get_column_letter

    from ..values import digit_count

    for ws in wb.worksheets:
        for (r, c), cell in getattr(ws, "_cells", {}).items():
            value = cell.value
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > FLOAT_MAX:
                raise InputError(
                    f"数字有 {digit_count(value)} 位，超出 Excel 能保存的范围，"
                    "不是合理的件数；请在 Excel 中改正后再处理",
                    path=path, sheet=ws.title, cell=f"{get_column_letter(c)}{r}",
                )


def _parse_failure(exc: BaseException) -> str:
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:  # openpyxl wraps the real cause
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    for e in chain:
        name = type(e).__name__
        if "Entities" in name or "DTD" in name or "Forbidden" in name:
            return "工作簿含有 XML 文档类型/实体声明（DOCTYPE/ENTITY），正常的 Excel 文件不会有，疑似恶意文件，已拒绝"
    for e in chain:
        if type(e).__name__ in ("BadZipFile", "error", "EOFError") or "CRC" in str(e) or "zlib" in str(e).lower():
            return f"工作簿已损坏或不完整，无法解压（{describe(e)}），请重新获取文件"
    root = chain[-1]
    return f"工作簿内容损坏或不是有效的 .xlsx，无法解析（{describe(root)}）"


def layout_of(wb: Any, path: str) -> Layout:
    raw: dict[str, str] = {}
    for ws in wb.worksheets:  # sheet-scoped names first, workbook-scoped ones win
        for name, defn in getattr(ws, "defined_names", {}).items():
            raw[name] = f"'{ws.title}'!{defn.value}" if "!" not in defn.value else defn.value
    for name, defn in wb.defined_names.items():
        raw[name] = defn.value
    return resolve(name_targets(raw), wb.sheetnames, path)


# --------------------------------------------------------------------------- reading


def read_report(path: str | Path) -> Report:
    """Read a filled template workbook (.xlsx/.xlsm) into a Report.

    openpyxl in read-only mode (it skips styles and merged-cell formatting, which make a full
    load ~10 times slower); the results Excel/WPS/LibreOffice saved for formula cells come
    from the sheet scan, as for the fast reader. Only the rows and
    columns holding the template's cells are read (a stray cell at XFD1048576 costs
    nothing); formulas come from the sheet XML (`parts.sheet_scan`), so a text cell that
    begins with "=" is text, as for the fast reader."""
    p = Path(path)
    wb = open_workbook(p, read_only=True)
    try:
        layout = layout_of(wb, str(p))
        bounds = _bounds(layout)
        grids = {s: _grid(wb[s], *bounds[s]) for s in needed_sheets(layout)}
        notes_rows = _grid(wb[layout.notes_sheet], *LIST_BOUNDS) if layout.notes_sheet else None
        previous_rows = _grid(wb[layout.previous_sheet], *LIST_BOUNDS) if layout.previous_sheet else None
        with zipfile.ZipFile(p) as zf:
            parts, _ = workbook_part(zf)
            scans = {s: sheet_scan(zf, parts[s]) for s in needed_sheets(layout) if s in parts}
            notes = {s: sheet_comments(zf, parts[s]) for s in needed_sheets(layout) if s in parts}
    except InputError as exc:
        if not exc.path:
            raise InputError(str(exc), path=str(p)) from exc
        raise
    except Exception as exc:
        raise InputError(_parse_failure(exc), path=str(p)) from exc
    finally:
        wb.close()

    def cached(places: dict[str, Place]) -> dict[str, object]:  # the results the file saved
        return {key: scans[s].cached.get(c) for key, (s, c) in places.items() if s in scans}

    formulas = {s: scan.formulas for s, scan in scans.items()}

    return assemble(
        p, layout, lambda place: at(grids[place[0]], place[1]), formulas, cached, notes, notes_rows, previous_rows
    )


def needed_sheets(layout: Layout) -> list[str]:
    places = list(layout.cells.values()) + list(layout.meta.values()) + list(layout.sections.values())
    return list(dict.fromkeys(s for s, _ in places))


def _bounds(layout: Layout) -> dict[str, tuple[int, int]]:
    """Per sheet: the last row and column (1-based) holding a cell of the template."""
    out: dict[str, tuple[int, int]] = {}
    for sheet, coord in list(layout.cells.values()) + list(layout.meta.values()) + list(layout.sections.values()):
        col, row = split(coord)
        rows, cols = out.get(sheet, (1, 1))
        out[sheet] = (max(rows, row + 1), max(cols, col + 1))
    return out


def _grid(ws: Any, rows: int, cols: int) -> list[tuple[Any, ...]]:
    """Rows 1..rows, columns A..cols, strings decoded (`_x0007_` -> "\\x07", as calamine does)."""
    ws.reset_dimensions()  # do not trust the <dimension> a writer recorded
    return [
        tuple(unescape(v) for v in line)
        for line in ws.iter_rows(min_row=1, max_row=rows, min_col=1, max_col=cols, values_only=True)
    ]


# --------------------------------------------------------------------------- writing


@dataclass
class WriteResult:
    path: Path
    written: list[str] = field(default_factory=list)  # cell keys written
    kept: list[str] = field(default_factory=list)  # typed values left alone (differ from report)
    formulas: list[str] = field(default_factory=list)  # derived cells whose formula was kept


WRITE_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


def check_workbook_suffix(path: str | Path) -> Path:
    """OutputError unless `path` names a workbook (.xlsx/.xlsm): `import a.txt -o a.txt`
    replaced the text with a zip. Commands call it before anything else about their output."""
    out = Path(path)
    if out.suffix.lower() not in WRITE_SUFFIXES:
        raise OutputError(f"年报工作簿应保存为 .xlsx（或 .xlsm），不能保存为“{out.suffix or '无扩展名'}”", path=str(out))
    return out


def write_report(
    report: Report,
    path: str | Path,
    base: str | Path | None = None,
    keys: list[str] | tuple[str, ...] | None = None,
    overwrite: bool = False,
) -> WriteResult:
    """Write `report` into a copy of the template (or of `base`) and save it to `path`.

    keys: the cell keys to write (default: all 200, plus metadata, narrative, 说明 and notes).
    A cell that already holds a different typed value is kept unless `overwrite`; a cell
    holding a formula always keeps it; a derived cell written on the template's layout gets the
    template's formula back. `base` itself is never modified (unless it is `path`).
    """
    out = check_workbook_suffix(path)
    macros = out.suffix.lower() in (".xlsm", ".xltm")
    if base is not None:
        wb = open_workbook(base, keep_vba=macros)
        if macros and (wb.vba_archive is None or "xl/vbaProject.bin" not in wb.vba_archive.namelist()):
            raise OutputError("底稿不含宏，不能保存为启用宏的工作簿，请输出为 .xlsx", path=str(out))
        layout = layout_of(wb, str(base))
    else:
        if macros:
            raise OutputError("新建的工作簿没有宏，请保存为 .xlsx（或以含宏的工作簿作为底稿）", path=str(out))
        wb = _template()
        layout = layout_of(wb, "模板")
    result = WriteResult(out)
    everything = keys is None
    restore = template_formulas(layout)  # a total we write gets the template's formula back
    restored: dict[str, Value] = {}
    for key in keys if keys is not None else SPEC.keys:
        if key not in layout.cells:
            raise OutputError(f"未知的单元格键“{key}”", path=str(out))
        sheet, coord = layout.cells[key]
        cell = wb[sheet][coord]
        new = report.values.get(key)
        if formula_of(cell) is not None:
            result.formulas.append(key)
            _set_note(cell, report.notes.get(key, ""))
            continue
        current = cell_value(cell.value, SPEC.cell(key).kind)
        if current is not None and current != new and not overwrite:
            result.kept.append(key)
            continue
        if (new is None or is_absent(new)) and current is None:
            if is_absent(new):
                _set_note(cell, report.notes.get(key, ""))  # why it is empty: never printed
            continue
        if key in restore and new is not None and not is_absent(new):
            cell.value = restore[key]  # the template's own formula, deliberately a formula
            restored[key] = new
        else:
            set_value(cell, _cell_value(new), str(out))
        result.written.append(key)
        _set_note(cell, report.notes.get(key, ""))
    if everything:
        _write_meta(wb, layout, report.meta)
        for part, (sheet, coord) in layout.sections.items():
            text = report.sections.get(part, "")
            if len(text) > MAX_CELL_TEXT:
                raise OutputError(
                    f"正文“{part}”有 {len(text)} 字，超过 Excel 单元格上限 {MAX_CELL_TEXT} 字", path=str(out)
                )
            set_value(wb[sheet][coord], text or None, str(out))
        fit_text_cells(wb, layout.sections.values())  # a long section stays fully visible
        write_explanations(wb, report.explanations, str(out))
        if report.previous is not None:
            write_previous_sheet(wb, report.previous)
    cache = formula_results(wb, layout)
    for key, value in restored.items():  # e.g. a part typed as text "3", which SUM skips
        sheet, coord = layout.cells[key]
        if cache.get(sheet, {}).get(coord) != value:
            set_value(wb[sheet][coord], _cell_value(value), str(out))
            cache = formula_results(wb, layout)
    save_atomic(wb, out, source=base, after=lambda tmp: write_results(tmp, cache))
    return result


def write_previous_sheet(wb: Any, previous: Report) -> None:
    """Replace the hidden 上年数据 sheet with last year's figures (see xladdin/previous.py)."""
    if SHEET_PREVIOUS in wb.sheetnames:
        del wb[SHEET_PREVIOUS]
    ws = wb.create_sheet(SHEET_PREVIOUS)
    for values in previous_rows(previous):
        ws.append(row(ws, list(values)))
    ws.sheet_state = "hidden"


def _template() -> Any:
    """A fresh template workbook: built from the spec, or the committed file."""
    try:
        from ..template import build_workbook
    except ImportError:
        build_workbook = None
    if build_workbook is not None:
        return build_workbook()
    from . import TEMPLATE_PATH

    if not TEMPLATE_PATH.exists():
        raise OutputError("找不到年报模板，请先运行 `xladdin template`", path=str(TEMPLATE_PATH))
    return open_workbook(TEMPLATE_PATH)


def _cell_value(value: Value) -> object:
    """int, Decimal (openpyxl writes it as a number), text; None (an empty cell) for blank and
    for absent (the cell's note says the source never printed it)."""
    return None if is_absent(value) else value


def _set_note(cell: Any, text: str) -> None:
    from openpyxl.comments import Comment

    if text:
        comment = Comment(safe_text(text), NOTE_AUTHOR)
        comment.width, comment.height = 320, 120
        cell.comment = comment
    elif cell.comment is not None and (cell.comment.author or "").strip() == NOTE_AUTHOR:
        cell.comment = None


def _write_meta(wb: Any, layout: Layout, meta: Meta) -> None:
    for name, (sheet, coord) in layout.meta.items():
        value: object = getattr(meta, name, None)
        if name == "published" and value:
            try:
                value = dt.date.fromisoformat(str(value))
            except ValueError:
                pass  # not ISO: keep the text as given
        cell = set_value(wb[sheet][coord], value if value not in ("", None) else None)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def write_explanations(wb: Any, explanations: dict[str, str], where: str = "") -> None:
    if SHEET_NOTES not in wb.sheetnames:
        if not explanations:
            return
        ws = wb.create_sheet(SHEET_NOTES)
        ws.append(list(NOTES_HEADER))
    ws = wb[SHEET_NOTES]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 20), min_col=1)]
    found = notes_header(rows)
    table = (found[0] + 1, found[1] + 1, found[2] + 1) if found else None
    if table is None:
        header = ws.max_row + 1 if ws.max_row > 1 or ws["A1"].value is not None else 1
        ws.cell(header, 1, NOTES_HEADER[0])
        ws.cell(header, 2, NOTES_HEADER[1])
        table = (header, 1, 2)
    header, ref_col, text_col = table
    for r in range(header + 1, ws.max_row + 1):  # replace the old list
        ws.cell(r, ref_col).value = None
        ws.cell(r, text_col).value = None
    for i, (ref, text) in enumerate(sorted(explanations.items()), start=header + 1):
        put(ws, i, ref_col, ref, where)
        put(ws, i, text_col, text, where)
