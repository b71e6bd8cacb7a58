"""The batch audit as a workbook: 汇总 (one row per report) and 明细 (one row per finding).

Both sheets have a frozen header, an autofilter and widths that fit Chinese text, so a
supervising office can sort by agency or filter by rule; they print on A4 landscape one page
wide with the header on every page, long text wrapped in rows tall enough for it, and files
named by their path below the audited folder (the full path behind a link). Saved atomically
(io.save).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..io.cells import cell as safe_cell
from ..io.cells import row as safe_row
from ..io.outputs import mark
from ..io.save import save_atomic
from ..io.sheets import (
    AMBER,
    BLUE,
    GREEN,
    GREY,
    RED,
    cells_text,
    fit_height,
    link_file,
    set_filter,
    severity_colour,
    show,
    table_sheet,
    width_of,
)
from ..textsafety import file_name_text
from .runner import AuditRecord

# Widths add up to what prints legibly on A4 landscape one page wide.
SUMMARY_COLUMNS = (
    ("来源文件", 32),
    ("机关名称", 24),
    ("报告年度", 9),
    ("机关层级", 9),
    ("发布日期", 11),
    ("强制", 6),
    ("待核", 6),
    ("提示", 6),
    ("未说明提示", 10),
    ("结论", 11),
    ("上年报告", 26),
    ("错误", 40),
)
DETAIL_COLUMNS = (
    ("来源文件", 22),
    ("机关名称", 18),
    ("报告年度", 9),
    ("规则", 7),
    ("规则名称", 12),
    ("严重程度", 9),
    ("范围", 6),
    ("问题说明", 50),
    ("涉及单元格", 24),
    ("应为", 8),
    ("实为", 8),
    ("差额", 8),
    ("原文摘录", 40),
    ("情况说明", 20),
    ("规则实例", 14),  # the rule instance (the 说明's number, as in the JSON): last
)


def _conclusion(r: AuditRecord) -> tuple[str, str]:
    if r.error:
        return "无法读取", GREY
    if r.hard:
        return "有强制错误", RED
    if r.pending:
        return "有待核", BLUE  # the reading is in doubt: a person settles it before a verdict
    if r.findings:
        return "有提示", AMBER
    return "通过", GREEN


LINKS_LIMIT = 2_000  # reports: above this no links nor path notes (openpyxl keeps them all in memory)


def audit_workbook(records: Iterable[AuditRecord], sources: Iterable[str] | None = None, links: bool = True):
    """Build the workbook in openpyxl's write-only mode (streams rows: ~3× faster for big batches,
    and memory stays flat). `records`: a list, or a stream read once (then `sources`: every
    source and last year's file of the records, a separate stream, for the short names)."""
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, PatternFill

    wb = Workbook(write_only=True)
    mark(wb, "audit")
    fills = {c: PatternFill("solid", fgColor=c) for c in (RED, BLUE, AMBER, GREEN, GREY)}
    wrap = Alignment(wrap_text=True, vertical="top")
    if sources is None:
        records = list(records)
        sources = [r.source for r in records] + [r.previous or "" for r in records]
    names = ShortNames(sources)

    # Every cell of a row is aligned to the top (a year or a count level with the first line of
    # a long text beside it), each with a copy of a style registered once: building a style
    # per cell costs a third of the time on large batches.
    def style_of(ws, **attrs: object):  # type: ignore[no-untyped-def]
        cell = safe_cell(ws, None)
        for attr, value in attrs.items():
            setattr(cell, attr, value)
        return cell._style  # indexes into the workbook's style lists: valid on every sheet

    def styled(ws, value: object, fill: str):  # type: ignore[no-untyped-def]
        cell = safe_cell(ws, value)
        cell._style = copy(fill_styles[fill])
        return cell

    def wrapped(ws, value: object):  # type: ignore[no-untyped-def]
        if value in (None, ""):
            return None
        cell = safe_cell(ws, value)
        cell._style = copy(wrap_style)
        return cell

    def source(ws, path: str):  # type: ignore[no-untyped-def]
        cell = wrapped(ws, names(path))
        if links:
            link_file(cell, path)
        return cell

    def top(ws, value: object):  # type: ignore[no-untyped-def]
        cell = safe_cell(ws, value)
        cell._style = copy(top_style)
        return cell

    def append(ws, row: list[object], columns, n: int) -> None:  # type: ignore[no-untyped-def]
        ws.row_dimensions[n].height = fit_height([getattr(v, "value", v) for v in row], columns)
        cells = [v if v is None or hasattr(v, "value") else top(ws, v) for v in row]
        ws.append(safe_row(ws, cells))
        ws.row_dimensions.pop(n, None)  # written with the row: holding it would grow with the run

    ws = table_sheet(wb, "汇总", SUMMARY_COLUMNS)
    wrap_style = style_of(ws, alignment=wrap)
    top_style = style_of(ws, alignment=Alignment(vertical="top"))
    fill_styles = {c: style_of(ws, fill=f, alignment=wrap) for c, f in fills.items()}
    wd = table_sheet(wb, "明细", DETAIL_COLUMNS)
    # One pass over the records (a write-only workbook takes rows of both sheets in turn): the
    # records may be a stream from the store, read once.
    n, k = 1, 1
    for r in records:
        n += 1
        conclusion, colour = _conclusion(r)
        m = r.meta
        append(ws, [
            source(ws, r.source), wrapped(ws, m.get("agency", "")), m.get("year"), m.get("level", ""),
            m.get("published", ""), r.hard if not r.error else None, r.pending if not r.error else None,
            r.soft if not r.error else None,
            r.unexplained if not r.error else None, styled(ws, conclusion, colour),
            source(ws, r.previous or ""), wrapped(ws, r.error),
        ], SUMMARY_COLUMNS, n)
        agency, year = m.get("agency", ""), m.get("year")
        for f in r.shown:
            k += 1
            append(wd, [
                source(wd, r.source), wrapped(wd, agency), year, f.rule, wrapped(wd, f.title),
                styled(wd, f.severity, severity_colour(f.severity)),
                f.scope, wrapped(wd, f.message), wrapped(wd, cells_text(f, width_of(DETAIL_COLUMNS, "涉及单元格"))),
                show(f.expected), show(f.actual), show(f.imbalance),
                wrapped(wd, f.snippet), wrapped(wd, f.explanation), wrapped(wd, f.ref),
            ], DETAIL_COLUMNS, k)
    set_filter(ws, SUMMARY_COLUMNS, max(2, n))
    set_filter(wd, DETAIL_COLUMNS, max(2, k))
    return wb


def write_audit_xlsx(
    records: Iterable[AuditRecord], path: str | Path, sources: Iterable[str] | None = None, links: bool = True
) -> Path:
    """Write the 汇总/明细 workbook atomically; returns the path. `records`, `sources` and
    `links` as in audit_workbook (streams from the store for a big run)."""
    return save_atomic(audit_workbook(records, sources, links), path)


class ShortNames:
    """short_names without a table of every path: what a table shows of a source is its path
    below the folder all sources share (just the name when there is one source), so only that
    folder is kept, found in one pass over the sources."""

    def __init__(self, sources: Iterable[str]) -> None:
        import os

        self.common: str | None = None
        self.first, self.many = "", False
        for s in sources:
            if not s:
                continue
            if not self.first:
                self.first = s
            elif s != self.first:
                self.many = True
            parent = str(Path(s).parent)
            try:
                self.common = parent if self.common is None else os.path.commonpath([self.common, parent])
            except ValueError:  # relative and absolute, or different drives
                self.common = ""

    def __call__(self, path: str) -> str:
        import os

        if not path:
            return ""
        if self.common and self.many:
            rel = os.path.relpath(path, self.common)
            return file_name_text(rel if not rel.startswith("..") else path)
        return file_name_text(Path(path).name)


__all__ = ["audit_workbook", "write_audit_xlsx"]
