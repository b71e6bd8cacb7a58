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


def file_name_text(path: str) -> str:
    """A file name as text any output can hold: the bytes of a name that is not UTF-8 (which
    Python carries as lone surrogates) written visibly as `\\udcff`. Control characters stay for
    each writer to escape its own way (a workbook as `_x000B_`, the terminal as `\\u000b`)."""
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", path)


def refuse_unwritable(report: object, path: str, xml: bool = True) -> None:
    """OutputError naming the first field of `report` that `path`'s format cannot hold."""
    source = getattr(report, "source", "")
    origin = f"（来自“{source}”）" if source else ""
    for where, text in report_texts(report):
        why = unwritable(text, xml)
        if why:
            raise OutputError(f"{where}{origin}的{why}，无法写出", path=path)


# --------------------------------------------------------------------------- the terminal

# What must never reach a terminal raw: C0 controls but tab and line feed (ESC starts OSC 52
# "write the clipboard", DSR "ESC[6n" makes the terminal type into the shell, CR overwrites
# the line), DEL, C1 controls (U+009B is CSI to some terminals), the line and paragraph
# separators, bidirectional overrides and isolates (they reorder what is shown), and lone
# surrogates (no encoding can print them).
UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def visible(text: str) -> str:
    """`text` with every character of UNPRINTABLE written as a visible escape `\\u001b`: the
    one way report text, file names and messages reach a terminal (stdout and stderr of every
    command, rich tables included). The escape is also valid inside a JSON string, so JSON
    output keeps its value."""
    if not UNPRINTABLE.search(text):
        return text
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
