"""The overview workbook (总览.xlsx) the office reports upward with: one row per agency (level,
parent, counts by severity, 缺报/迟报, review state, a link to its rows of findings), counts by
rule and by parent, native Excel charts (findings by rule, by parent, by review state),
conditional formatting, and A4 print setup (landscape, one page wide, header rows repeated)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .. import __version__
from ..check.findings import DOUBT, HARD, SOFT
from ..spec import SPEC
from ..store import RULES_VERSION
from . import review as rv
from .collect import Collected

AGENCY_COLUMNS = (
    ("机关", 28), ("层级", 6), ("上级机关", 20), ("在名单上", 8), ("发布日期", 12), ("强制", 6), ("待核", 6), ("提示", 6),
    ("缺报", 6), ("迟报", 6), ("未复核", 7), ("已确认", 7), ("已处理", 7), ("已重开", 7), ("问题明细", 10),
)
DETAIL_COLUMNS = (
    ("机关", 24), ("级别", 6), ("规则", 6), ("规则名称", 14), ("问题", 60), ("复核状态", 9), ("复核说明", 24), ("文件", 24),
)
RULE_COLUMNS = (("规则", 8), ("规则名称", 20), ("级别", 6), ("处数", 8), ("涉及机关", 9))
PARENT_COLUMNS = (("上级机关", 28), ("机关数", 8), ("强制", 8), ("待核", 8), ("提示", 8), ("缺报", 8), ("迟报", 8))
STATE_COLUMNS = (("复核状态", 12), ("处数", 8))
DONE_STATES = (rv.DISMISSED, rv.EXPLAINED, rv.SETTLED)


def build(collected: Collected):  # noqa: ANN201 - an openpyxl Workbook
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.label import DataLabelList
    from openpyxl.formatting.rule import CellIsRule, DataBarRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    from ..io.sheets import AMBER, BLUE, RED, list_row, set_filter, severity_colour, table_sheet
    from ..sheetfit import print_setup

    wb = Workbook()
    wb.remove(wb.active)
    overview = table_sheet(wb, "总览", AGENCY_COLUMNS)
    detail = table_sheet(wb, "问题明细", DETAIL_COLUMNS)
    rows = sorted(collected.agencies.values(), key=lambda r: (r.parent, r.name))
    by_rule: Counter[str] = Counter()
    agencies_by_rule: dict[str, set[str]] = {}
    by_parent: dict[str, Counter[str]] = {}
    by_state: Counter[str] = Counter()
    for row in rows:
        first = detail.max_row + 1
        n = Counter(i.finding.severity for i in row.items)
        rules = Counter(i.finding.rule for i in row.items)
        states = Counter(i.state for i in row.items)
        for item in row.items:
            f, d = item.finding, item.decision
            by_rule[f.rule] += 1
            agencies_by_rule.setdefault(f.rule, set()).add(row.name)
            by_state[item.state] += 1
            list_row(detail, [row.name, f.severity, f.rule, f.title, f.message, item.state,
                              d.note if d is not None else "", Path(item.source).name if item.source else ""],
                     DETAIL_COLUMNS)
            detail.cell(detail.max_row, 2).fill = PatternFill("solid", fgColor=severity_colour(f.severity))
        parent = by_parent.setdefault(row.parent or "（无上级）", Counter())
        parent["机关数"] += 1
        for key in (HARD, DOUBT, SOFT):
            parent[key] += n[key]
        parent["缺报"] += rules["R1"]
        parent["迟报"] += rules["R2"]
        list_row(overview, [
            row.name, row.level, row.parent, "是" if row.on_roster else "否", row.published, n[HARD], n[DOUBT], n[SOFT],
            rules["R1"], rules["R2"], states[rv.UNREVIEWED], states[rv.CONFIRMED], sum(states[s] for s in DONE_STATES),
            states[rv.REOPENED], f"{len(row.items)} 处" if row.items else "无",
        ], AGENCY_COLUMNS)
        if row.items:
            link = overview.cell(overview.max_row, len(AGENCY_COLUMNS))
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'问题明细'!A{first}")  # within the workbook
            link.font = Font(color="0563C1", underline="single")
    last = max(overview.max_row, 2)
    set_filter(overview, AGENCY_COLUMNS, last)
    set_filter(detail, DETAIL_COLUMNS, max(detail.max_row, 2))
    for col, colour in (("F", RED), ("G", BLUE), ("H", AMBER), ("I", RED), ("J", RED), ("N", RED)):
        overview.conditional_formatting.add(
            f"{col}2:{col}{last}", CellIsRule(operator="greaterThan", formula=["0"], fill=PatternFill("solid", bgColor=colour)))

    rule_ws = table_sheet(wb, "按规则", RULE_COLUMNS)
    order = {r.id: i for i, r in enumerate(SPEC.rules)}
    for rule, count in sorted(by_rule.items(), key=lambda rc: (-rc[1], order.get(rc[0], 999))):
        r = SPEC.rule(rule)
        list_row(rule_ws, [rule, r.title, r.severity, count, len(agencies_by_rule[rule])], RULE_COLUMNS)
    rule_last = max(rule_ws.max_row, 2)
    rule_ws.conditional_formatting.add(f"D2:D{rule_last}", DataBarRule(start_type="min", end_type="max", color="5B9BD5"))

    parent_ws = table_sheet(wb, "按上级", PARENT_COLUMNS)
    for name, c in sorted(by_parent.items()):
        list_row(parent_ws, [name, c["机关数"], c[HARD], c[DOUBT], c[SOFT], c["缺报"], c["迟报"]], PARENT_COLUMNS)
    parent_last = max(parent_ws.max_row, 2)
    parent_ws.conditional_formatting.add(f"C2:C{parent_last}", DataBarRule(start_type="min", end_type="max", color="FF6B6B"))

    state_ws = table_sheet(wb, "按复核状态", STATE_COLUMNS)
    for state in rv.STATES:
        list_row(state_ws, [state, by_state[state]], STATE_COLUMNS)

    charts = wb.create_sheet("图表")
    print_setup(charts, landscape=True)
    charts.page_setup.fitToHeight = 1

    bar = BarChart()
    bar.type = "bar"
    bar.title = "各规则问题数"
    bar.y_axis.title = "处数"
    bar.add_data(Reference(rule_ws, min_col=4, min_row=1, max_row=rule_last), titles_from_data=True)
    bar.set_categories(Reference(rule_ws, min_col=2, min_row=2, max_row=rule_last))
    bar.legend = None
    bar.width, bar.height = 16, 9

    stacked = BarChart()
    stacked.type = "col"
    stacked.grouping = "stacked"
    stacked.overlap = 100
    stacked.title = "各上级机关所属问题数（按级别）"
    stacked.add_data(Reference(parent_ws, min_col=3, max_col=5, min_row=1, max_row=parent_last), titles_from_data=True)
    stacked.set_categories(Reference(parent_ws, min_col=1, min_row=2, max_row=parent_last))
    stacked.width, stacked.height = 16, 9
    for series, colour in zip(stacked.series, ("C00000", "5B9BD5", "FFC000"), strict=False):
        series.graphicalProperties.solidFill = colour  # 强制 red, 待核 blue, 提示 amber

    pie = PieChart()
    pie.title = "复核状态"
    pie.add_data(Reference(state_ws, min_col=2, min_row=1, max_row=1 + len(rv.STATES)), titles_from_data=True)
    pie.set_categories(Reference(state_ws, min_col=1, min_row=2, max_row=1 + len(rv.STATES)))
    pie.dataLabels = DataLabelList()
    pie.dataLabels.showVal = True
    pie.width, pie.height = 12, 9

    charts.add_chart(bar, "A1")
    charts.add_chart(stacked, "K1")
    charts.add_chart(pie, "A20")
    for c in range(1, 21):
        charts.column_dimensions[get_column_letter(c)].width = 9
    charts["K20"] = f"第 {collected.run} 次审核；{collected.year or ''} 年度；规则版本 {RULES_VERSION}；xladdin {__version__}"
    wb.move_sheet("图表", offset=-(len(wb.sheetnames) - 1) + 1)
    return wb


def write_overview(collected: Collected, path: str | Path) -> Path:
    from ..io.save import save_atomic

    return save_atomic(build(collected), path)


__all__ = ["build", "write_overview"]
