"""The one way the package writes a value into a worksheet cell (openpyxl, normal or
write-only), and reads text back.

Text is always a string cell: openpyxl turns any str beginning with "=" into a live formula,
so report text such as `=HYPERLINK(...)` or `=WEBSERVICE(...)` became a formula in every
workbook we wrote. `put`/`cell` store text with data type "s" (an inline string), whatever
it begins with. Control characters, which XML cannot hold, are written with the OOXML escape
`_xHHHH_` (as Excel does), a literal `_xHHHH_` in the text is protected as `_x005F_xHHHH_`,
and `unescape` undoes both on reading, so any text survives write -> read exactly. A lone
surrogate (not a character at all) and text over Excel's 32,767-character limit are refused
with an `OutputError`.
"""

from __future__ import annotations

import re
from typing import Any

from ..chars import CONTROL as _CONTROL
from ..chars import SURROGATE as _SURROGATE
from ..errors import OutputError

MAX_CELL_TEXT = 32767  # Excel's limit for one cell
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def safe_text(text: str, where: str = "") -> str:
    """`text` as stored in a string cell (escaped); OutputError when it cannot be stored."""
    bad = _SURROGATE.search(text)
    if bad:
        raise OutputError(
            f"文字含有无效字符（孤立的 UTF-16 代理项 U+{ord(bad.group()):04X}，第 {bad.start() + 1} 个字符），"
            "无法写入工作簿；请检查输入文件的编码",
            path=where,
        )
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if len(text) > MAX_CELL_TEXT:
        raise OutputError(f"一段文字有 {len(text)} 字，超过 Excel 单元格上限 {MAX_CELL_TEXT} 字", path=where)
    return text


def unescape(value: Any) -> Any:
    """What a string cell written by `safe_text` (or by Excel) holds; other values unchanged.
    (calamine decodes `_xHHHH_` itself; openpyxl does not.)"""
    if isinstance(value, str) and "_x" in value:
        return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def formula_of(target: Any) -> str | None:
    """The formula of an openpyxl cell ("=SUM(…)", also an array formula's text), or None —
    by the cell's type, so a text cell that begins with "=" is text, not a formula."""
    if getattr(target, "data_type", None) != "f":
        return None
    value = target.value
    text = value if isinstance(value, str) else getattr(value, "text", None)
    if isinstance(text, str) and text.startswith("=") and len(text) > 1:
        return text
    return None


def set_value(target: Any, value: Any, where: str = "") -> Any:
    """Store `value` in an openpyxl cell: str as a string cell, anything else as openpyxl
    would (numbers, dates, None). Returns the cell."""
    if isinstance(value, str):
        target.value = None  # resets the data type and number format of a formula cell
        target._value = safe_text(value, where)  # noqa: SLF001 - the only way to bypass the "=" -> formula rule
        target.data_type = "s"
    else:
        target.value = value
    return target


def put(ws: Any, row: int, column: int, value: Any = None, where: str = "") -> Any:
    """ws.cell(row, column, value) for a normal worksheet, text always a string cell."""
    return set_value(ws.cell(row, column), value, where)


def cell(ws: Any, value: Any, where: str = "") -> Any:
    """A cell for `ws.append([...])` (write-only or normal worksheet), text always a string cell."""
    from openpyxl.cell import WriteOnlyCell

    return set_value(WriteOnlyCell(ws), value, where)


def row(ws: Any, values: list[Any], where: str = "") -> list[Any]:
    """A row for `ws.append`: plain values become safe cells, cells given are kept."""
    from openpyxl.cell.cell import Cell

    return [v if isinstance(v, Cell) else cell(ws, v, where) for v in values]
