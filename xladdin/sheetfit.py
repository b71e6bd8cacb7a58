"""Print setup and text fitting shared by every workbook we write (template, findings, audit).

- `print_setup`: A4, portrait or landscape, one page wide (as many tall as needed), margins
  that leave the footer room (LibreOffice gives the footer bottom margin − footer distance:
  0.6″ − 0.5″ cut "第 1 页，共 8 页" in half), the page footer, repeated title rows.
- `wrapped_lines` / `row_height`: how many lines a wrapped cell needs in a column `width`
  units wide (Excel's unit is about one Latin digit; a CJK character takes about two), and the
  row height that shows them all, capped at Excel's maximum of 409 pt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MAX_ROW_HEIGHT = 409.0  # Excel's limit (points)
A4 = "9"  # paperSize code
LINE_HEIGHT = 16.0  # points per line at 11 pt (LibreOffice's CJK fonts are taller than Excel's)
FOOTER = "第 &P 页，共 &N 页"
_WORD = re.compile(r"[\x21-\x7e]+|\s|.", re.S)  # a run of printable ASCII wraps as one word


_WIDE = re.compile("[\u2e80-\U0010ffff]")  # CJK, full-width forms and the rest above U+2E7F


def text_units(text: str) -> float:
    """Width of `text` in column units: CJK and full-width characters ≈ 2, the rest ≈ 1."""
    return float(len(text) + len(_WIDE.findall(text)))


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes when wrapped in a column (or merged span) `width` units wide: each
    paragraph on its own lines, ASCII words kept whole unless longer than a line."""
    room = max(width - 1.5, 1.0)  # cell padding
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        if text_units(paragraph) <= room:
            continue
        used = 0.0
        for token in _WORD.findall(paragraph):  # an ASCII run (1 unit a character) or one character
            w = float(len(token)) if len(token) > 1 else (2.0 if ord(token) > 0x2E7F else 1.0)
            for piece, pw in ((token, w),) if w <= room else ((ch, 1.0) for ch in token):  # a URL breaks anywhere
                if used + pw <= room:
                    used += pw
                elif not piece.isspace():  # a space at a line end takes no room
                    lines += 1
                    used = pw
    return max(lines, 1)


def row_height(cells: Iterable[tuple[object, float]], line_height: float = LINE_HEIGHT, minimum: float = 0.0) -> float:
    """Height (points) of a row whose wrapped cells are (value, width) pairs: the tallest
    one's lines plus padding, at least `minimum`, at most 409 pt."""
    lines = max((wrapped_lines(str(v), w) for v, w in cells if v not in (None, "")), default=1)
    return min(MAX_ROW_HEIGHT, max(minimum, lines * line_height + 4))


def print_setup(ws: Any, landscape: bool, title_rows: str | None = None, centered: bool = True) -> None:
    """A4, one page wide, page numbers in the footer, `title_rows` ("1:1") on every page.
    Works on normal and write-only openpyxl sheets."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = centered
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 9
    if title_rows:
        ws.print_title_rows = title_rows


def line_height(font_size: float | None) -> float:
    """Points per wrapped line for a font size (LibreOffice's CJK fonts: about 1.45 em)."""
    return 1.45 * (font_size or 11.0)


def fit_text_cells(wb: Any, places: Iterable[tuple[str, str]]) -> None:
    """Grow the rows under each text cell (sheet, "B3") — or under the merged range it heads,
    spread evenly over its rows — until the wrapped text fits; rows never shrink, and none
    grows past 409 pt. For cells a user types long text into (the 正文 parts)."""
    from openpyxl.utils import get_column_letter

    for sheet, coord in places:
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        cell = ws[coord]
        if not isinstance(cell.value, str) or not cell.value:
            continue
        c1 = c2 = cell.column
        r1 = r2 = cell.row
        for merged in ws.merged_cells.ranges:
            if merged.min_row == r1 and merged.min_col == c1:
                c2, r2 = merged.max_col, merged.max_row
        width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(c1, c2 + 1))
        size = float(cell.font.sz or 11) if cell.font is not None else 11.0
        need = wrapped_lines(cell.value, width * 11.0 / size) * line_height(size) + 6
        rows = range(r1, r2 + 1)
        for r in rows:
            current = ws.row_dimensions[r].height or 15.0
            ws.row_dimensions[r].height = min(MAX_ROW_HEIGHT, max(current, need / len(rows)))
