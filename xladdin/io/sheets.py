"""What the two findings workbooks (io.findings_xlsx for one report, audit.xlsx for a batch)
have in common: a table sheet with a styled, frozen header row and set column widths, the
autofilter over it, the severity colours, and how values and cells of a finding are shown.

Works in openpyxl's normal and write-only modes (the batch audit streams its rows).
"""

from __future__ import annotations

from typing import Any

from ..check import Finding
from ..values import Value, format_value

RED, AMBER, GREEN, GREY, HEADER = "FFC7CE", "FFEB9C", "C6EFCE", "D9D9D9", "D9E1F2"

Columns = tuple[tuple[str, int], ...]  # (header text, column width in characters)


def table_sheet(wb: Any, title: str, columns: Columns, fill: str | None = HEADER, border: Any = None) -> Any:
    """A new sheet with the bold header row (`fill` colour, optional `border`), the column
    widths and the header frozen."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    for c, (_, width) in enumerate(columns, start=1):  # write-only: widths before any row
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    bold, head = Font(bold=True), []
    for name, _ in columns:
        cell = WriteOnlyCell(ws, name)  # a plain Cell: append() takes it in both modes
        cell.font = bold
        if fill is not None:
            cell.fill = PatternFill("solid", fgColor=fill)
        if border is not None:
            cell.border = border
        head.append(cell)
    ws.append(head)
    return ws


def set_filter(ws: Any, columns: Columns, last_row: int) -> None:
    """Autofilter over the header and rows 2..last_row."""
    from openpyxl.utils import get_column_letter

    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"


def severity_colour(severity: str) -> str:
    return RED if severity == "强制" else AMBER


def show(value: Value) -> object:
    """Numbers stay numbers (sortable); Decimal becomes its exact text; text stays text."""
    if value is None or isinstance(value, (int, str)):
        return value
    return format_value(value)


MAX_CELLS_SHOWN = 12  # an S7 finding may name 175 absent cells


def cells_text(finding: Finding) -> str:
    """The cells of a finding, one "address＝value" per line (the first few of a long list)."""
    lines = [f"{c.address or c.key}＝{format_value(c.value)}" for c in finding.cells[:MAX_CELLS_SHOWN]]
    if len(finding.cells) > MAX_CELLS_SHOWN:
        lines.append(f"……共 {len(finding.cells)} 格")
    return "\n".join(lines)
