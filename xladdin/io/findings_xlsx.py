"""Findings -> a workbook a user can filter and sort (one row per finding, one sheet per view).

Sheets: 审核结果 (every finding: severity, rule, scope, message, cells, expected, actual,
imbalance, rule text, 说明), 涉及单元格 (one row per cell of each finding, to look cells up),
概况 (report, counts per rule). Every sheet prints on A4 one page wide with its header row
repeated, its rows tall enough for their wrapped text. Saved atomically.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..check import Finding, group_blanks, summary
from ..check.findings import DOUBT, HARD, SOFT, counts
from ..report import Report
from ..sheetfit import print_setup, row_height
from ..textsafety import file_name_text
from .cells import put
from .outputs import mark
from .save import save_atomic
from .sheets import (
    AMBER,
    BLUE,
    GREEN,
    RED,
    cells_text,
    fit_row,
    link_file,
    set_filter,
    severity_colour,
    short_names,
    show,
    table_sheet,
    width_of,
)

# Widths add up to what prints legibly on A4 landscape one page wide (about 75 %).
COLUMNS = (
    ("序号", 5),
    ("严重程度", 9),
    ("规则", 7),
    ("规则名称", 12),
    ("范围", 6),
    ("问题说明", 50),
    ("涉及单元格", 22),
    ("应为", 8),
    ("实为", 8),
    ("差额", 8),
    ("规则原文", 40),
    ("规则实例", 14),
    ("情况说明", 20),
)
CELL_COLUMNS = (("序号", 6), ("规则实例", 30), ("单元格键", 26), ("位置", 22), ("值", 12))
OVERVIEW_WIDTHS = (14, 60, 10, 8)


def findings_workbook(findings: list[Finding], report: Report | None = None, previous: Report | None = None):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    findings = group_blanks(findings)  # blanks of a table row: one row listing its cells
    wb = Workbook()
    mark(wb, "findings")
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    ov = wb.active
    ov.title = "概况"
    for col, width in zip("ABCD", OVERVIEW_WIDTHS, strict=True):
        ov.column_dimensions[col].width = width
    title = report.meta.title if report is not None and report.meta.agency else "年报审核结果"
    head = put(ov, 1, 1, title)
    head.font = Font(bold=True, size=14)
    head.alignment = wrap
    ov.merge_cells("A1:D1")  # the title wraps inside the printed width, never across pages
    ov.row_dimensions[1].height = row_height([(title, sum(OVERVIEW_WIDTHS) / 1.3)], line_height=21)
    rows: list[tuple[str, object]] = []
    if report is not None:
        rows.append(("来源文件", file_name_text(report.source)))
    if previous is not None:
        rows.append(("上年报告", file_name_text(previous.source) or previous.meta.title))
    n = counts(findings)
    rows += [
        ("结论", summary(findings)),
        ("强制错误", n[HARD]),
        ("待核", n[DOUBT]),  # the reading is in doubt: a person settles it, it is not the report's error
        ("提示", n[SOFT]),
    ]
    names = short_names([str(v) for label, v in rows if label in ("来源文件", "上年报告")])
    for i, (label, value) in enumerate(rows, start=3):
        put(ov, i, 1, label).font = bold
        cell = put(ov, i, 2, names.get(str(value), value) if label in ("来源文件", "上年报告") else value)
        cell.alignment = wrap
        if label in ("来源文件", "上年报告"):
            link_file(cell, str(value))
        ov.merge_cells(start_row=i, start_column=2, end_row=i, end_column=4)
        ov.row_dimensions[i].height = row_height([(cell.value, sum(OVERVIEW_WIDTHS[1:]))], minimum=15)
    conclusion = ov.cell(3 + [r[0] for r in rows].index("结论"), 2)
    colour = RED if n[HARD] else BLUE if n[DOUBT] else AMBER if findings else GREEN
    conclusion.fill = PatternFill("solid", fgColor=colour)
    r0 = 4 + len(rows)
    put(ov, r0, 1, "规则").font = bold
    put(ov, r0, 2, "规则名称").font = bold
    put(ov, r0, 3, "严重程度").font = bold
    put(ov, r0, 4, "处数").font = bold
    per_rule = Counter(f.rule for f in findings)
    first = {f.rule: f for f in reversed(findings)}
    for i, (rule, n) in enumerate(per_rule.items(), start=r0 + 1):  # findings order: 强制 first, spec order
        put(ov, i, 1, rule)
        put(ov, i, 2, first[rule].title).alignment = wrap
        put(ov, i, 3, first[rule].severity)
        put(ov, i, 4, n)
    print_setup(ov, landscape=False, title_rows=None)
    ov.print_area = f"A1:D{max(r0 + len(per_rule), r0)}"

    ws = table_sheet(wb, "审核结果", COLUMNS, border=border)
    for i, f in enumerate(findings, start=1):
        row = (
            i,
            f.severity,
            f.rule,
            f.title,
            f.scope,
            f.message,
            cells_text(f, width_of(COLUMNS, "涉及单元格")),
            show(f.expected),
            "空白" if f.actual is None and f.rule.endswith("-N") else show(f.actual),
            show(f.imbalance),
            f.text,
            f.ref,
            f.explanation,
        )
        for c, value in enumerate(row, start=1):
            cell = put(ws, i + 1, c, value)
            cell.border = border
            cell.alignment = wrap
        ws.cell(i + 1, 2).fill = PatternFill("solid", fgColor=severity_colour(f.severity))
        fit_row(ws, i + 1, list(row), COLUMNS)
    set_filter(ws, COLUMNS, max(2, len(findings) + 1))

    wc = table_sheet(wb, "涉及单元格", CELL_COLUMNS, fill=None)
    r = 2
    for i, f in enumerate(findings, start=1):
        for ref in f.cells:
            values = [i, f.ref, ref.key, ref.address, show(ref.value)]
            for c, value in enumerate(values, start=1):
                put(wc, r, c, value).alignment = wrap
            fit_row(wc, r, values, CELL_COLUMNS)
            r += 1
    set_filter(wc, CELL_COLUMNS, max(2, r - 1))
    return wb


def write_findings(
    findings: list[Finding], path: str | Path, report: Report | None = None, previous: Report | None = None
) -> Path:
    """Write the findings workbook atomically; returns the path."""
    return save_atomic(findings_workbook(findings, report, previous), path)


def summary_text(findings: list[Finding], report: Report | None = None) -> str:
    """A short Chinese summary in Markdown (for the demo folder and e-mails)."""
    findings = group_blanks(findings)
    lines = []
    title = report.meta.title if report is not None and report.meta.agency else "年报"
    lines.append(f"# {title} 审核摘要\n")
    if report is not None and report.source:
        lines.append(f"- 来源：{file_name_text(report.source)}")
    lines.append(f"- 结论：{summary(findings)}")
    if not findings:
        lines.append("\n全部勾稽关系成立，所有数字均为非负整数（收费金额为非负数）。")
    for f in findings:
        where = "、".join(c.address or c.key for c in f.cells[:4])
        more = f" 等 {len(f.cells)} 格" if len(f.cells) > 4 else ""
        lines.append(f"- 【{f.severity}】{f.rule} {f.title}：{f.message}（{where}{more}）")
    return "\n".join(lines) + "\n"
