"""Characters a file format cannot hold, found before anything is written.

A lone surrogate (`"\\ud800"` from JSON) is no character at all: no UTF-8 file can hold it.
C0 control characters (`\\x07`, `\\x1b`) are not allowed in XML, so a Word document, a web
page or a PDF cannot hold them (a workbook can, escaped as `_xHHHH_`: see io/cells.py).
`refuse_unwritable` names the field and the position instead of a library traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .errors import OutputError

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


def report_texts(report: object) -> Iterator[tuple[str, str]]:
    """(where, text) of every text field of a Report: metadata, narrative, text values,
    explanations and notes."""
    from .report import META_LABELS, Report

    assert isinstance(report, Report)
    for name, label in META_LABELS.items():
        value = getattr(report.meta, name, "")
        if isinstance(value, str):
            yield f"基本信息“{label}”", value
    for key, text in report.sections.items():
        yield f"正文“{key}”", text
    for key, value in report.values.items():
        if isinstance(value, str):
            yield f"单元格 {key}", value
    for ref, text in report.explanations.items():
        yield f"说明“{ref}”", ref + text
    for key, text in report.notes.items():
        yield f"单元格 {key} 的批注", text


def refuse_unwritable(report: object, path: str, xml: bool = True) -> None:
    """OutputError naming the first field of `report` that `path`'s format cannot hold."""
    source = getattr(report, "source", "")
    origin = f"（来自“{source}”）" if source else ""
    for where, text in report_texts(report):
        why = unwritable(text, xml)
        if why:
            raise OutputError(f"{where}{origin}的{why}，无法写出", path=path)
