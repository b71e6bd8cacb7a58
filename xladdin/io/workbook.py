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

from ..errors import InputError, OutputError
from ..names import SHEET_NOTES
from ..previous import SHEET_PREVIOUS, previous_rows
from ..report import Meta, Report
from ..sheetfit import fit_text_cells
from ..spec import SPEC
from ..values import Value, is_absent
from .assemble import NOTES_HEADER, assemble, at, cell_value, formula_text, notes_header, template_formulas
from .cache import formula_results, write_results
from .names import Layout, Place, name_targets, resolve
from .parts import NOTE_AUTHOR, sheet_comments, workbook_part
from .safety import check_workbook
from .save import save_atomic

MAX_CELL_TEXT = 32767  # Excel's limit for one cell


# --------------------------------------------------------------------------- opening


def open_workbook(
    path: str | Path, data_only: bool = False, keep_vba: bool = False, read_only: bool = False
) -> Any:
    """openpyxl.load_workbook after the pre-open checks, every failure an InputError."""
    import openpyxl

    checked = check_workbook(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" etc.
            return openpyxl.load_workbook(
                checked.path,
                data_only=data_only,
                keep_vba=keep_vba,
                keep_links=False,
                rich_text=False,
                read_only=read_only,
            )
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to lxml errors on bad parts
        raise InputError(_parse_failure(exc), path=str(checked.path)) from exc


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
            return f"工作簿已损坏或不完整，无法解压（{e}），请重新获取文件"
    root = chain[-1]
    return f"工作簿内容损坏或不是有效的 .xlsx，无法解析（{type(root).__name__}: {root}）"


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

    openpyxl in read-only mode, twice: once for contents and formulas, once (only when there
    are formula cells) for the values Excel/WPS/LibreOffice cached. Read-only mode skips
    styles and merged-cell formatting, which make a full load ~10 times slower."""
    p = Path(path)
    wb = open_workbook(p, read_only=True)
    try:
        layout = layout_of(wb, str(p))
        grids = {s: _grid(wb[s]) for s in needed_sheets(layout)}
        notes_rows = _grid(wb[layout.notes_sheet]) if layout.notes_sheet else None
        previous_rows = _grid(wb[layout.previous_sheet]) if layout.previous_sheet else None
    except InputError:
        raise
    except Exception as exc:
        raise InputError(_parse_failure(exc), path=str(p)) from exc
    finally:
        wb.close()
    formulas: dict[str, dict[str, str]] = {}
    for sheet, coord in layout.cells.values():
        formula = formula_text(at(grids[sheet], coord))
        if formula is not None:
            formulas.setdefault(sheet, {})[coord] = formula
    notes = _comments(p, layout)

    def cached(places: dict[str, Place]) -> dict[str, object]:
        data = open_workbook(p, read_only=True, data_only=True)
        try:
            values = {s: _grid(data[s]) for s in {s for s, _ in places.values()}}
        finally:
            data.close()
        return {key: at(values[s], c) for key, (s, c) in places.items()}

    return assemble(
        p, layout, lambda place: at(grids[place[0]], place[1]), formulas, cached, notes, notes_rows, previous_rows
    )


def needed_sheets(layout: Layout) -> list[str]:
    places = list(layout.cells.values()) + list(layout.meta.values()) + list(layout.sections.values())
    return list(dict.fromkeys(s for s, _ in places))


def _grid(ws: Any) -> list[tuple[Any, ...]]:
    ws.reset_dimensions()  # do not trust the <dimension> a writer recorded
    return list(ws.iter_rows(min_row=1, min_col=1, values_only=True))


def _comments(path: Path, layout: Layout) -> dict[str, dict[str, str]]:
    with zipfile.ZipFile(path) as zf:
        if not any("comments" in n for n in zf.namelist()):
            return {}
        sheets, _ = workbook_part(zf)
        return {s: sheet_comments(zf, sheets[s]) for s in needed_sheets(layout) if s in sheets}


# --------------------------------------------------------------------------- writing


@dataclass
class WriteResult:
    path: Path
    written: list[str] = field(default_factory=list)  # cell keys written
    kept: list[str] = field(default_factory=list)  # typed values left alone (differ from report)
    formulas: list[str] = field(default_factory=list)  # derived cells whose formula was kept


WRITE_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


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
    out = Path(path)
    if out.suffix.lower() not in WRITE_SUFFIXES:  # `import a.txt -o a.txt` replaced the text with a zip
        raise OutputError(f"年报工作簿应保存为 .xlsx（或 .xlsm），不能保存为“{out.suffix or '无扩展名'}”", path=str(out))
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
        if formula_text(cell.value) is not None:
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
            cell.value = restore[key]
            restored[key] = new
        else:
            cell.value = _cell_value(new)
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
            wb[sheet][coord].value = text or None
        fit_text_cells(wb, layout.sections.values())  # a long section stays fully visible
        write_explanations(wb, report.explanations)
        if report.previous is not None:
            write_previous_sheet(wb, report.previous)
    cache = formula_results(wb, layout)
    for key, value in restored.items():  # e.g. a part typed as text "3", which SUM skips
        sheet, coord = layout.cells[key]
        if cache.get(sheet, {}).get(coord) != value:
            wb[sheet][coord].value = _cell_value(value)
            cache = formula_results(wb, layout)
    save_atomic(wb, out, source=base, after=lambda tmp: write_results(tmp, cache))
    return result


def write_previous_sheet(wb: Any, previous: Report) -> None:
    """Replace the hidden 上年数据 sheet with last year's figures (see xladdin/previous.py)."""
    if SHEET_PREVIOUS in wb.sheetnames:
        del wb[SHEET_PREVIOUS]
    ws = wb.create_sheet(SHEET_PREVIOUS)
    for row in previous_rows(previous):
        ws.append(row)
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
        comment = Comment(text, NOTE_AUTHOR)
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
        cell = wb[sheet][coord]
        cell.value = value if value not in ("", None) else None
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"


def write_explanations(wb: Any, explanations: dict[str, str]) -> None:
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
        ws.cell(i, ref_col).value = ref
        ws.cell(i, text_col).value = text
