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
    """Build the workbook in openpyxl's write-only mode (streams rows: ~3× faster for big batches)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fills = {c: PatternFill("solid", fgColor=c) for c in (RED, AMBER, GREEN, GREY, HEADER)}

    def sheet(title: str, columns: tuple[tuple[str, int], ...]):  # type: ignore[no-untyped-def]
        ws = wb.create_sheet(title)
        for c, (_, width) in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = "A2"
        head = []
        for name, _ in columns:
            cell = WriteOnlyCell(ws, name)
            cell.font, cell.fill = bold, fills[HEADER]
            head.append(cell)
        ws.append(head)
        return ws

    # One styled cell per row (the severity colour): styling every text cell (wrap) costs a
    # third of the time on large batches, and unwrapped rows filter and scan better.
    def styled(ws, value: object, fill: str):  # type: ignore[no-untyped-def]
        cell = WriteOnlyCell(ws, value)
        cell.fill = fills[fill]
        return cell

    ws = sheet("汇总", SUMMARY_COLUMNS)
    for r in records:
        conclusion, colour = _conclusion(r)
        m = r.meta
        ws.append([
            r.source, m.get("agency", ""), m.get("year"), m.get("level", ""), m.get("published", ""),
            r.hard if not r.error else None, r.soft if not r.error else None,
            r.unexplained if not r.error else None, styled(ws, conclusion, colour), r.previous, r.error,
        ])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SUMMARY_COLUMNS))}{max(2, len(records) + 1)}"

    wd = sheet("明细", DETAIL_COLUMNS)
    n = 1
    for r in records:
        agency, year = r.meta.get("agency", ""), r.meta.get("year")
        for f in r.findings:
            n += 1
            cells = "\n".join(f"{c.address or c.key}＝{format_value(c.value)}" for c in f.cells)
            wd.append([
                r.source, agency, year, f.rule, f.title,
                styled(wd, f.severity, RED if f.severity == "强制" else AMBER),
                f.scope, f.message, cells,
                _show(f.expected), _show(f.actual), _show(f.imbalance),
                f.snippet, f.ref, f.explanation,
            ])
    wd.auto_filter.ref = f"A1:{get_column_letter(len(DETAIL_COLUMNS))}{max(2, n)}"
    return wb


def write_audit_xlsx(records: list[AuditRecord], path: str | Path) -> Path:
    """Write the 汇总/明细 workbook atomically; returns the path."""
    return save_atomic(audit_workbook(records), path)


__all__ = ["audit_workbook", "write_audit_xlsx"]
