"""The batch audit as a workbook: 汇总 (one row per report) and 明细 (one row per finding).

Both sheets have a frozen header, an autofilter and widths that fit Chinese text, so a
supervising office can sort by agency or filter by rule. Saved atomically (io.save).
"""

from __future__ import annotations

from pathlib import Path

from ..io.save import save_atomic
from ..values import Value, format_value
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
RED, AMBER, GREEN, GREY, HEADER = "FFC7CE", "FFEB9C", "C6EFCE", "D9D9D9", "D9E1F2"


def _show(value: Value) -> object:
    if value is None or isinstance(value, (int, str)):
        return value
    return format_value(value)


def _conclusion(r: AuditRecord) -> tuple[str, str]:
    if r.error:
        return "无法读取", GREY
    if r.hard:
        return "有强制错误", RED
    if r.findings:
        return "有提示", AMBER
    return "通过", GREEN


def audit_workbook(records: list[AuditRecord]):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    bold = Font(bold=True)
    top = Alignment(vertical="top", wrap_text=True)

    def header(ws, columns) -> None:  # type: ignore[no-untyped-def]
        for c, (name, width) in enumerate(columns, start=1):
            cell = ws.cell(1, c, name)
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor=HEADER)
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = "A2"

    ws = wb.active
    ws.title = "汇总"
    header(ws, SUMMARY_COLUMNS)
    for i, r in enumerate(records, start=2):
        conclusion, colour = _conclusion(r)
        m = r.meta
        row = (
            r.source, m.get("agency", ""), m.get("year"), m.get("level", ""), m.get("published", ""),
            r.hard if not r.error else None, r.soft if not r.error else None,
            r.unexplained if not r.error else None, conclusion, r.previous, r.error,
        )
        for c, value in enumerate(row, start=1):
            ws.cell(i, c, value)
        ws.cell(i, 9).fill = PatternFill("solid", fgColor=colour)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_COLUMNS))}{max(2, len(records) + 1)}"

    wd = wb.create_sheet("明细")
    header(wd, DETAIL_COLUMNS)
    n = 1
    for r in records:
        for f in r.findings:
            n += 1
            cells = "\n".join(f"{c.address or c.key}＝{format_value(c.value)}" for c in f.cells)
            row = (
                r.source, r.meta.get("agency", ""), r.meta.get("year"), f.rule, f.title, f.severity,
                f.scope, f.message, cells, _show(f.expected), _show(f.actual), _show(f.imbalance),
                f.snippet, f.ref, f.explanation,
            )
            for c, value in enumerate(row, start=1):
                cell = wd.cell(n, c, value)
                if c in (8, 9, 13):
                    cell.alignment = top
            wd.cell(n, 6).fill = PatternFill("solid", fgColor=RED if f.severity == "强制" else AMBER)
    wd.auto_filter.ref = f"A1:{get_column_letter(len(DETAIL_COLUMNS))}{max(2, n)}"
    return wb


def write_audit_xlsx(records: list[AuditRecord], path: str | Path) -> Path:
    """Write the 汇总/明细 workbook atomically; returns the path."""
    return save_atomic(audit_workbook(records), path)


__all__ = ["audit_workbook", "write_audit_xlsx"]
