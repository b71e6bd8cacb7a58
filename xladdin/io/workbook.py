"""Workbook <-> Report with openpyxl, through the template's defined names only.

Reading: every value goes through `parse_value` (so "/" stays text, floats become exact
Decimals); a derived cell holding a formula gives its cached value when the file has one
(Excel, WPS and LibreOffice save them), else the value is computed with `xladdin.fill`;
its formula text is kept in `report.formulas`.

Writing: into a copy of the template (or a given base workbook), only the keys asked for,
never replacing what the user typed unless asked, never replacing a formula; macros kept
for .xlsm and the ribbon relationship re-attached; saved atomically.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, OutputError
from ..names import SHEET_NOTES
from ..report import Meta, Report
from ..spec import SPEC
from ..values import Value, parse_value
from .names import Layout, Place, name_targets, resolve
from .safety import check_workbook
from .save import save_atomic

NOTE_AUTHOR = "xladdin"  # comments written by us carry report.notes; others are left alone
NOTES_HEADER = ("规则实例", "说明")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell


# --------------------------------------------------------------------------- opening


def open_workbook(path: str | Path, data_only: bool = False, keep_vba: bool = False) -> Any:
    """openpyxl.load_workbook after the pre-open checks, every failure an InputError."""
    import openpyxl

    checked = check_workbook(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" etc.
            return openpyxl.load_workbook(
                checked.path, data_only=data_only, keep_vba=keep_vba, keep_links=False, rich_text=False
            )
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to lxml errors on bad parts
        raise InputError(_parse_failure(exc), path=str(checked.path)) from exc


def _parse_failure(exc: Exception) -> str:
    name = type(exc).__name__
    if "Entities" in name or "DTD" in name or "Forbidden" in name:
        return "工作簿含有 XML 实体声明，疑似恶意文件，已拒绝"
    if name in ("BadZipFile", "error", "EOFError") or "CRC" in str(exc) or "zlib" in str(exc).lower():
        return f"工作簿已损坏或不完整，无法解压（{exc}），请重新获取文件"
    return f"工作簿内容损坏或不是有效的 .xlsx，无法解析（{name}: {exc}）"


def layout_of(wb: Any, path: str) -> Layout:
    raw: dict[str, str] = {}
    for ws in wb.worksheets:  # sheet-scoped names first, workbook-scoped ones win
        for name, defn in ws.defined_names.items():
            raw[name] = f"'{ws.title}'!{defn.value}" if "!" not in defn.value else defn.value
    for name, defn in wb.defined_names.items():
        raw[name] = defn.value
    return resolve(name_targets(raw), wb.sheetnames, path)


# --------------------------------------------------------------------------- reading


def read_report(path: str | Path) -> Report:
    """Read a filled template workbook (.xlsx/.xlsm) into a Report."""
    p = Path(path)
    wb = open_workbook(p)
    layout = layout_of(wb, str(p))
    report = Report(source=str(p))
    formulas: dict[str, str] = {}
    for key, place in layout.cells.items():
        cell = wb[place[0]][place[1]]
        report.addresses[key] = layout.address(place)
        formula = _formula(cell.value)
        if formula is not None:
            formulas[key] = formula
            continue
        report.values[key] = parse_value(cell.value, SPEC.cell(key).kind)
        note = _our_comment(cell)
        if note:
            report.notes[key] = note
    for key in formulas:
        note = _our_comment(wb[layout.cells[key][0]][layout.cells[key][1]])
        if note:
            report.notes[key] = note
    report.meta = _read_meta(wb, layout)
    report.sections = {part: _text(wb[s][c].value) for part, (s, c) in layout.sections.items()}
    report.explanations = read_explanations(wb)
    if formulas:
        cached = _cached_values(p, {k: layout.cells[k] for k in formulas})
        apply_formulas(report, formulas, cached)
    return report


def apply_formulas(report: Report, formulas: dict[str, str], cached: dict[str, object]) -> None:
    """Formula cells: the cached value when the file has one, else computed by `fill`."""
    from ..fill import fill

    report.formulas.update(formulas)
    uncached = []
    for key in formulas:
        raw = cached.get(key)
        if raw is None:
            uncached.append(key)
        else:
            report.values[key] = parse_value(raw, SPEC.cell(key).kind)
    if uncached:
        # Compute on a copy so that blank typed totals are not filled as a side effect.
        scratch = Report(values=dict(report.values), formulas=dict(formulas), spec=report.spec)
        fill(scratch)
        for key in uncached:
            report.values[key] = scratch.values.get(key)
            if report.values[key] is None and not report.spec.cell(key).derived:
                report.notes.setdefault(key, f"公式 {formulas[key]} 没有保存计算结果，请在 Excel/WPS 中重算后保存")


def _cached_values(path: Path, places: dict[str, Place]) -> dict[str, object]:
    wb = open_workbook(path, data_only=True)
    return {key: wb[s][c].value for key, (s, c) in places.items()}


def _formula(value: object) -> str | None:
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str) and text.startswith("="):
        return text
    return None


def _our_comment(cell: Any) -> str:
    comment = cell.comment
    if comment is not None and (comment.author or "").strip() == NOTE_AUTHOR:
        return comment.text.strip()
    return ""


def _text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).replace("\r\n", "\n").replace("\r", "\n")


_CN_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")


def _read_meta(wb: Any, layout: Layout) -> Meta:
    raw = {f: wb[s][c].value for f, (s, c) in layout.meta.items()}
    meta = Meta()
    for name in Meta.__dataclass_fields__:
        value = raw.get(name)
        if name == "year":
            meta.year = _year(value)
        elif name == "published":
            meta.published = _date(value)
        else:
            setattr(meta, name, _text(value).strip())
    return meta


def _year(raw: object) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, (int, float)) and float(raw).is_integer():
        return int(raw)
    digits = re.search(r"\d{4}", str(raw))
    return int(digits.group()) if digits else None


def _date(raw: object) -> str:
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    text = _text(raw).strip()
    m = _CN_DATE.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return text
    return text


def _notes_table(ws: Any) -> tuple[int, int, int] | None:
    """(header row, 规则实例 column, 说明 column) of the 说明 sheet, found by header text."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 20)):
        cols = {str(c.value).strip(): c.column for c in row if isinstance(c.value, str)}
        if NOTES_HEADER[0] in cols and NOTES_HEADER[1] in cols:
            return row[0].row, cols[NOTES_HEADER[0]], cols[NOTES_HEADER[1]]
    return None


def read_explanations(wb: Any) -> dict[str, str]:
    if SHEET_NOTES not in wb.sheetnames:
        return {}
    ws = wb[SHEET_NOTES]
    table = _notes_table(ws)
    if table is None:
        return {}
    header, ref_col, text_col = table
    out: dict[str, str] = {}
    for r in range(header + 1, ws.max_row + 1):
        ref = ws.cell(r, ref_col).value
        text = ws.cell(r, text_col).value
        if ref is None or str(ref).strip() == "" or text is None or str(text).strip() == "":
            continue
        out[str(ref).strip()] = _text(text).strip()
    return out


# --------------------------------------------------------------------------- writing


@dataclass
class WriteResult:
    path: Path
    written: list[str] = field(default_factory=list)  # cell keys written
    kept: list[str] = field(default_factory=list)  # typed values left alone (differ from report)
    formulas: list[str] = field(default_factory=list)  # derived cells whose formula was kept


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
    holding a formula always keeps it. `base` itself is never modified (unless it is `path`).
    """
    out = Path(path)
    macros = out.suffix.lower() in (".xlsm", ".xltm")
    if base is not None:
        wb = open_workbook(base, keep_vba=macros)
        layout = layout_of(wb, str(base))
    else:
        if macros:
            raise OutputError("新建的工作簿没有宏，请保存为 .xlsx（或以含宏的工作簿作为底稿）", path=str(out))
        wb = _template()
        layout = layout_of(wb, "模板")
    result = WriteResult(out)
    everything = keys is None
    for key in keys if keys is not None else SPEC.keys:
        if key not in layout.cells:
            raise OutputError(f"未知的单元格键“{key}”", path=str(out))
        sheet, coord = layout.cells[key]
        cell = wb[sheet][coord]
        new = report.values.get(key)
        if _formula(cell.value) is not None:
            result.formulas.append(key)
            _set_note(cell, report.notes.get(key, ""))
            continue
        current = parse_value(cell.value, SPEC.cell(key).kind)
        if current is not None and current != new and not overwrite:
            result.kept.append(key)
            continue
        if new is None and current is None:
            continue
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
        write_explanations(wb, report.explanations)
    save_atomic(wb, out, source=base)
    return result


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
    return value  # int, Decimal (openpyxl writes it as a number), text or None


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
    table = _notes_table(ws)
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
