"""The batch audit as a workbook: 汇总 (one row per report) and 明细 (one row per finding).

Both sheets have a frozen header, an autofilter and widths that fit Chinese text, so a
supervising office can sort by agency or filter by rule. Saved atomically (io.save).
"""

from __future__ import annotations

from pathlib import Path

from ..io.save import save_atomic
from ..io.sheets import AMBER, GREEN, GREY, RED, cells_text, set_filter, severity_colour, show, table_sheet
from .runner import AuditRecord

SUMMARY_COLUMNS = (
    ("来源文件", 40),
    ("机关名称", 28),
    ("报告年度", 9),
    ("机关层级", 9),
    ("发布日期", 12),
    ("强制", 7),
    ("提示", 7),
    ("未说明提示", 10),
    ("结论", 12),
    ("上年报告", 30),
    ("错误", 50),
)
DETAIL_COLUMNS = (
    ("来源文件", 30),
    ("机关名称", 22),
    ("报告年度", 9),
    ("规则", 8),
    ("规则名称", 16),
    ("严重程度", 9),
    ("范围", 7),
    ("问题说明", 70),
    ("涉及单元格", 28),
    ("应为", 12),
    ("实为", 12),
    ("差额", 10),
    ("原文摘录", 60),
    ("规则实例", 22),
    ("情况说明", 24),
)


def _conclusion(r: AuditRecord) -> tuple[str, str]:
    if r.error:
        return "无法读取", GREY
    if r.hard:
        return "有强制错误", RED
    if r.findings:
        return "有提示", AMBER
    return "通过", GREEN


def audit_workbook(records: list[AuditRecord]):
    """Build the workbook in openpyxl's write-only mode (streams rows: ~3× faster for big batches)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    wb = Workbook(write_only=True)
    fills = {c: PatternFill("solid", fgColor=c) for c in (RED, AMBER, GREEN, GREY)}

    # One styled cell per row (the severity colour): styling every text cell (wrap) costs a
    # third of the time on large batches, and unwrapped rows filter and scan better.
    def styled(ws, value: object, fill: str):  # type: ignore[no-untyped-def]
        cell = WriteOnlyCell(ws, value)
        cell.fill = fills[fill]
        return cell

    ws = table_sheet(wb, "汇总", SUMMARY_COLUMNS)
    for r in records:
        conclusion, colour = _conclusion(r)
        m = r.meta
        ws.append([
            r.source, m.get("agency", ""), m.get("year"), m.get("level", ""), m.get("published", ""),
            r.hard if not r.error else None, r.soft if not r.error else None,
            r.unexplained if not r.error else None, styled(ws, conclusion, colour), r.previous, r.error,
        ])
    set_filter(ws, SUMMARY_COLUMNS, max(2, len(records) + 1))

    wd = table_sheet(wb, "明细", DETAIL_COLUMNS)
    n = 1
    for r in records:
        agency, year = r.meta.get("agency", ""), r.meta.get("year")
        for f in r.findings:
            n += 1
            wd.append([
                r.source, agency, year, f.rule, f.title,
                styled(wd, f.severity, severity_colour(f.severity)),
                f.scope, f.message, cells_text(f),
                show(f.expected), show(f.actual), show(f.imbalance),
                f.snippet, f.ref, f.explanation,
            ])
    set_filter(wd, DETAIL_COLUMNS, max(2, n))
    return wb


def write_audit_xlsx(records: list[AuditRecord], path: str | Path) -> Path:
    """Write the 汇总/明细 workbook atomically; returns the path."""
    return save_atomic(audit_workbook(records), path)


__all__ = ["audit_workbook", "write_audit_xlsx"]
