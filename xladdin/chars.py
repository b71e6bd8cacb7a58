"""Characters no file format can hold, or that XML (Word, web pages, PDF) cannot.

A lone surrogate (`"\\ud800"` from JSON) is no character at all: no UTF-8 file can hold it.
C0 control characters (`\\x07`, `\\x1b`) are not allowed in XML, so a Word document, a web
page or a PDF cannot hold them (a workbook can, escaped as `_xHHHH_`: see io/cells.py).
This module imports nothing of the package: the JSON reader (below the Report) and the
output checks (above it, textsafety.py) share it.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def unwritable(text: str, xml: bool = True) -> str | None:
    """Why `text` cannot be written (Chinese), or None."""
    m = SURROGATE.search(text)
    if m:
        return f"第 {m.start() + 1} 个字符是无效字符（孤立的 UTF-16 代理项 U+{ord(m.group()):04X}）"
    m = CONTROL.search(text) if xml else None
    if m:
        return f"第 {m.start() + 1} 个字符是控制字符 U+{ord(m.group()):04X}（文档格式不允许，请删除）"
    return None
