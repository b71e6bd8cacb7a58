"""What the two findings workbooks (io.findings_xlsx for one report, audit.xlsx for a batch)
have in common: a table sheet with a styled, frozen header row, set column widths and a print
setup (A4 landscape, one page wide, the header row on every page), the autofilter over it, row
heights that show all of the wrapped text, the severity colours, short file names with the
full path behind a link, and how values and cells of a finding are shown.

Works in openpyxl's normal and write-only modes (the batch audit streams its rows).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..check import Finding
from ..sheetfit import MAX_ROW_HEIGHT, print_setup, row_height
from ..textsafety import file_name_text
from ..values import Value, format_value
from .cells import cell as text_cell
from .cells import safe_text

RED, AMBER, GREEN, GREY, HEADER = "FFC7CE", "FFEB9C", "C6EFCE", "D9D9D9", "D9E1F2"
BLUE = "BDD7EE"  # 待核: the reading is in doubt (not the report's error): its own colour

Columns = tuple[tuple[str, int], ...]  # (header text, column width in characters)


def table_sheet(wb: Any, title: str, columns: Columns, fill: str | None = HEADER, border: Any = None) -> Any:
    """A new sheet with the bold header row (`fill` colour, optional `border`), the column
    widths, the header frozen and printed on every page (A4 landscape, one page wide)."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for c, (_, width) in enumerate(columns, start=1):  # write-only: widths before any row
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    print_setup(ws, landscape=True, title_rows="1:1", centered=False)
    ws.row_dimensions[1].height = fit_height([name for name, _ in columns], columns)
    bold, head = Font(bold=True), []
    for name, _ in columns:
        cell = text_cell(ws, name)  # a plain Cell: append() takes it in both modes
        cell.font = bold
        if fill is not None:
            cell.fill = PatternFill("solid", fgColor=fill)
        if border is not None:
            cell.border = border
        head.append(cell)
    ws.append(head)
    return ws


def width_of(columns: Columns, name: str) -> float:
    return dict(columns)[name]


def set_filter(ws: Any, columns: Columns, last_row: int) -> None:
    """Autofilter over the header and rows 2..last_row."""
    from openpyxl.utils import get_column_letter

    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"


def fit_height(values: list[object], columns: Columns) -> float:
    """The height of a row of `values` (wrapped) under `columns`. Callers set it on the row
    before appending it (write-only sheets write a row's height with the row)."""
    return row_height(zip(values, (w for _, w in columns), strict=False), minimum=15)


def fit_row(ws: Any, row: int, values: list[object], columns: Columns) -> None:
    ws.row_dimensions[row].height = fit_height([_shown(v) for v in values], columns)


def _shown(value: object) -> object:
    return getattr(value, "value", value)  # a WriteOnlyCell shows its value


def short_names(sources: list[str]) -> dict[str, str]:
    """What a table shows of each source file: its path below the folder all of them share
    (just the name for one file), as full paths were cut until files looked alike; the full
    path goes into a link (`link_file`)."""
    import os

    paths = [s for s in dict.fromkeys(sources) if s]
    parents = {str(Path(s).parent) for s in paths}
    try:
        common = os.path.commonpath(list(parents)) if parents else ""
    except ValueError:  # relative and absolute, or different drives
        common = ""
    out = {"": ""}
    for s in paths:
        rel = os.path.relpath(s, common) if common and len(paths) > 1 else Path(s).name
        out[s] = file_name_text(rel if not rel.startswith("..") else s)
    return out


def link_file(cell: Any, source: str) -> None:
    """Link `cell` to the file `source` and note its full path (for a path that is a file)."""
    from openpyxl.comments import Comment

    if not source or not Path(source).is_absolute():
        return
    cell.hyperlink = Path(source).as_uri()  # percent-encoded: control characters included
    # a comment is XML text like a cell's: control characters escaped as _xHHHH_ (a vertical
    # tab in a file name made lxml refuse the whole workbook)
    cell.comment = Comment(safe_text(file_name_text(source)), "xladdin", width=360, height=60)


def severity_colour(severity: str) -> str:
    """强制 red, 待核 blue, 提示 amber."""
    return {"强制": RED, "待核": BLUE}.get(severity, AMBER)


def show(value: Value) -> object:
    """Numbers stay numbers (sortable); Decimal becomes its exact text; text stays text."""
    if value is None or isinstance(value, (int, str)):
        return value
    return format_value(value)


MAX_CELLS_SHOWN = 12  # an S7 finding may name 175 absent cells


def cells_text(finding: Finding, width: float | None = None) -> str:
    """The cells of a finding, one "address＝value" per line (the first few of a long list,
    then "……共 N 格"); for a narrative finding first where its sentence is. With a column
    `width`, cells that would not fit a row of the highest height run on, separated by "、",
    as many as fit (the findings workbook's 涉及单元格 sheet lists them all)."""
    lead = [f"正文：{finding.where}"] if finding.where else []
    parts = [f"{c.address or c.key}＝{format_value(c.value)}" for c in finding.cells]
    shown = parts[:MAX_CELLS_SHOWN]
    more = [f"……共 {len(parts)} 格"] if len(parts) > len(shown) else []
    text = "\n".join(lead + shown + more)
    if width is None or _fits(text, width):
        return text
    for k in range(len(shown), 0, -1):
        text = "\n".join(lead + ["、".join(shown[:k]) + ("" if k == len(parts) else f"……共 {len(parts)} 格")])
        if _fits(text, width):
            break
    return text


def _fits(text: str, width: float) -> bool:
    return row_height([(text, width)]) < MAX_ROW_HEIGHT
