"""A Report's text fields checked before anything is written (the characters: chars.py).

`refuse_unwritable` names the field and the position instead of a library traceback.
"""

from __future__ import annotations

from collections.abc import Iterator

from .chars import CONTROL, SURROGATE, unwritable
from .errors import OutputError
from .report import META_LABELS, Report

__all__ = ["CONTROL", "SURROGATE", "refuse_unwritable", "report_texts", "unwritable"]


def report_texts(report: Report) -> Iterator[tuple[str, str]]:
    """(where, text) of every text field of a Report: metadata, narrative, text values,
    explanations and notes."""
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


def refuse_unwritable(report: Report, path: str, xml: bool = True) -> None:
    """OutputError naming the first field of `report` that `path`'s format cannot hold."""
    source = getattr(report, "source", "")
    origin = f"（来自“{source}”）" if source else ""
    for where, text in report_texts(report):
        why = unwritable(text, xml)
        if why:
            raise OutputError(f"{where}{origin}的{why}，无法写出", path=path)
