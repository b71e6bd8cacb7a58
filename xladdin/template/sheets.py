"""The input sheets: 基本信息, 正文, 表二/表三/表四 and 说明."""

from __future__ import annotations

from dataclasses import fields

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..names import NOTES_HEADER, SHEET_META, SHEET_NOTES, SHEET_TEXT, meta_name
from ..report import META_LABELS, Meta
from ..sheetfit import fit_text_cells, print_setup, wrapped_lines
from ..spec import SPEC, Spec, Table
from . import styles as st
from .formulas import IDENTITY_RULES, derived_formula, local_args, rectangles, sum_of
from .layout import (
    META_FIRST_ROW,
    TABLE_LEFT,
    TABLE_TOP,
    TEXT_PART_ROWS,
    Pos,
    cell_positions,
    grid_pos,
    section_positions,
    table_grid,
    text_row_numbers,
)

# Width (Excel column units) of the table columns; a CJK character is about two units.
COLUMN_WIDTHS = {
    "t2": (24, 17, 17, 17),
    "t3": (5, 9, 40) + (8.5,) * 7,
    "t4": (7.5,) * 15,
}
LANDSCAPE = {"t4"}
LINE_HEIGHT = 14.0  # points per text line at 10.5 pt
TEXT_LABEL_WIDTH = 24
TEXT_WIDTH = 100
# Empty narrative cells get a box of several lines; `fit_text_rows` grows it to the text, as
# neither Excel nor LibreOffice re-fits stored row heights (nor merged cells) when a file is opened.
TEXT_ROW_HEIGHT = 90.0


def protect(ws: Worksheet) -> None:
    """Lock labels and formulas: protection on, no password, rows/columns still resizable."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = True


def validation(**options: str) -> DataValidation:
    """A data validation as all of ours are: blank allowed (not yet filled in), with an input
    prompt and an error alert (`promptTitle`, `prompt`, `errorTitle`, `error` in `options`)."""
    return DataValidation(allow_blank=True, showInputMessage=True, showErrorMessage=True, **options)


def count_validation() -> DataValidation:
    return validation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="0",
        promptTitle="填写件数",
        prompt="请填写非负整数（件）。没有发生的请填 0，不要留空或填“/”“-”。",
        errorTitle="件数须为非负整数",
        error="此处只能填写 0 或正整数（件）。没有发生的请填 0。",
    )


def amount_validation() -> DataValidation:
    return validation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        promptTitle="填写金额（万元）",
        prompt="请填写非负数，单位：万元，可带小数（如 268.29）。没有收费的请填 0。",
        errorTitle="金额须为非负数",
        error="此处只能填写 0 或正数（单位：万元）。没有收费的请填 0。",
    )


# --------------------------------------------------------------------------- tables


def build_table_sheet(wb: Workbook, table: Table, spec: Spec = SPEC) -> Worksheet:
    ws = wb.create_sheet(table.sheet)
    g = table_grid(table.key, spec)
    widths = COLUMN_WIDTHS[table.key]
    for i, w in enumerate(widths):
        ws.column_dimensions[get_column_letter(TABLE_LEFT + i)].width = w

    title = ws.cell(1, TABLE_LEFT, table.title)
    title.font = st.HEADING
    title.alignment = st.LEFT
    ws.merge_cells(start_row=1, start_column=TABLE_LEFT, end_row=1, end_column=TABLE_LEFT + g.cols - 1)
    ws.row_dimensions[1].height = 28

    counts, amounts = count_validation(), amount_validation()
    heights: dict[int, float] = {}
    for gc in g.cells:
        pos = grid_pos(table.key, gc.row, gc.col)
        c = ws.cell(pos.row, pos.col)
        c.border = st.GRID
        if gc.role == "value":
            assert gc.key is not None
            cell = spec.cell(gc.key)
            c.number_format = st.AMOUNT_FORMAT if cell.kind == "amount" else st.COUNT_FORMAT
            c.alignment = st.CENTER
            c.font = st.BODY
            if cell.derived:
                c.value = derived_formula(gc.key, spec)
                c.fill = st.DERIVED_FILL
                c.protection = st.LOCKED
            else:
                c.fill = st.INPUT_FILL
                c.protection = st.UNLOCKED
                (amounts if cell.kind == "amount" else counts).add(c.coordinate)
        else:
            c.value = gc.text
            c.font = st.BOLD if gc.role == "title" else st.BODY
            c.protection = st.LOCKED
            if gc.role in ("header", "title"):
                c.fill = st.HEADER_FILL
            if table.key == "t3" and gc.role == "label" and gc.rowspan == 1:
                c.alignment = st.LEFT
            elif gc.rowspan > 8 and gc.colspan == 1:
                c.alignment = st.VERTICAL  # 三、本年度办理结果, printed vertically
            else:
                c.alignment = st.CENTER
            if gc.rowspan == 1:
                span = sum(widths[gc.col : gc.col + gc.colspan])
                need = wrapped_lines(gc.text, span) * LINE_HEIGHT + 4
                heights[pos.row] = max(heights.get(pos.row, 0), need)
        if gc.rowspan > 1 or gc.colspan > 1:
            ws.merge_cells(
                start_row=pos.row,
                start_column=pos.col,
                end_row=pos.row + gc.rowspan - 1,
                end_column=pos.col + gc.colspan - 1,
            )
    for row, h in heights.items():
        ws.row_dimensions[row].height = max(h, 18)
    for dv in (counts, amounts):
        if dv.sqref:
            ws.add_data_validation(dv)

    _table_conditional_formats(ws, table, spec)
    last = get_column_letter(TABLE_LEFT + g.cols - 1)
    header_end = TABLE_TOP + g.header_rows - 1
    ws.print_area = f"A1:{last}{TABLE_TOP + g.rows - 1}"
    print_setup(ws, table.key in LANDSCAPE, f"{TABLE_TOP}:{header_end}" if g.header_rows else None)
    if g.header_rows:
        ws.freeze_panes = ws.cell(header_end + 1, TABLE_LEFT + table.label_cols)
    protect(ws)
    return ws


def input_positions(table: str, spec: Spec = SPEC) -> list[Pos]:
    pos = cell_positions(spec)
    return [pos[c.key] for c in spec.cells_of(table) if not c.derived]


def _table_conditional_formats(ws: Worksheet, table: Table, spec: Spec) -> None:
    """Red: a total whose identity fails (all operands numbers, sums differ) and an input cell
    holding text or a negative number."""
    pos = cell_positions(spec)
    for rule_id in IDENTITY_RULES:
        for ident in spec.rule(rule_id).identities:
            keys = ident.left + ident.right
            if spec.cell(keys[0]).table != table.key:
                continue
            n = len(keys)
            left, right = sum_of(local_args(ident.left, spec)), sum_of(local_args(ident.right, spec))
            count = f"COUNT({','.join(local_args(keys, spec))})"
            formula = f"AND({count}={n},{left}<>{right})"
            targets = [k for k in keys if spec.cell(k).derived] or list(keys)
            for k in targets:
                ws.conditional_formatting.add(
                    pos[k].a1, FormulaRule(formula=[formula], fill=st.FAIL_FILL, font=st.FAIL_FONT)
                )
    for a, b in rectangles(input_positions(table.key, spec)):
        ref = a.a1
        formula = f'OR(AND({ref}<>"",NOT(ISNUMBER({ref}))),AND(ISNUMBER({ref}),{ref}<0))'
        ws.conditional_formatting.add(
            f"{a.a1}:{b.a1}", FormulaRule(formula=[formula], fill=st.FAIL_FILL, font=st.FAIL_FONT)
        )


# --------------------------------------------------------------------------- 基本信息

META_HINTS = {
    "agency": "机关全称，与报告标题一致，如：威海市人力资源和社会保障局",
    "year": "报告所属年度，四位数字，如 2024",
    "level": "从下拉列表选择，决定发布时限：",
    "published": "报告在政府网站发布的日期，如 2025-01-14",
    "contact_address": "受理政府信息公开申请的联系地址",
    "contact_phone": "联系电话，如 0631-5235693",
    "website": "发布报告的政府网站或信息公开专栏网址",
    "office": "负责编制年度报告的机构，如 办公室",
}


def _level_hint(spec: Spec) -> str:
    by_deadline: dict[tuple[int, int], list[str]] = {}
    for lv in spec.levels:
        by_deadline.setdefault(lv.deadline, []).append(lv.name)
    return "；".join(f"{'、'.join(names)} 次年{m}月{d}日前" for (m, d), names in by_deadline.items())


def build_meta_sheet(wb: Workbook, spec: Spec = SPEC) -> Worksheet:
    ws = wb.active
    ws.title = SHEET_META
    for col, w in zip("ABC", (14, 44, 60), strict=True):
        ws.column_dimensions[col].width = w
    title = ws.cell(1, 1, "基本信息")
    title.font = st.TITLE
    ws.merge_cells("A1:C1")
    ws.row_dimensions[1].height = 30
    for col, text in enumerate(("项目", "填写内容", "填写说明"), start=1):
        header_style(ws.cell(2, col, text))

    level_dv = validation(
        type="list",
        formula1='"' + ",".join(lv.name for lv in spec.levels) + '"',
        promptTitle="机关层级",
        prompt="请从下拉列表选择：" + "、".join(lv.name for lv in spec.levels),
        errorTitle="机关层级无效",
        error="只能选择：" + "、".join(lv.name for lv in spec.levels),
    )
    year_dv = validation(
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        promptTitle="报告年度",
        prompt="请填写四位数字年份，如 2024。",
        errorTitle="报告年度无效",
        error="报告年度须为 2000 至 2100 之间的整数，如 2024。",
    )
    date_dv = validation(
        type="date",
        operator="greaterThanOrEqual",
        formula1="36526",  # 2000-01-01 as a serial number: portable across spreadsheet programs
        promptTitle="发布日期",
        prompt="请填写日期，如 2025-01-14。",
        errorTitle="发布日期无效",
        error="请填写 2000-01-01 以后的日期，如 2025-01-14。",
    )
    for i, f in enumerate(fields(Meta)):
        row = META_FIRST_ROW + i
        _label(ws.cell(row, 1, META_LABELS[f.name]))
        c = ws.cell(row, 2)
        _input(c)
        c.alignment = st.LEFT
        hint = META_HINTS.get(f.name, "")
        if f.name == "level":
            hint += _level_hint(spec)
            level_dv.add(c.coordinate)
        elif f.name == "year":
            c.number_format = "0"
            year_dv.add(c.coordinate)
        elif f.name == "published":
            c.number_format = st.DATE_FORMAT
            date_dv.add(c.coordinate)
        else:
            c.number_format = st.TEXT_FORMAT
        h = ws.cell(row, 3, hint)
        h.font = st.NOTE
        h.alignment = st.LEFT
        h.border = st.GRID
        ws.row_dimensions[row].height = max(22, wrapped_lines(hint, 60 * 1.15) * 12 + 6)
    for dv in (level_dv, year_dv, date_dv):
        ws.add_data_validation(dv)

    # Information derived from the fields above (formulas, locked).
    row = META_FIRST_ROW + len(fields(Meta)) + 1
    suffix = Meta().title  # the title without agency and year
    agency, year, level = meta_name("agency"), meta_name("year"), meta_name("level")
    _label(ws.cell(row, 1, "报告标题"))
    c = ws.cell(row, 2, f'=IF({agency}="","",{agency}&IF({year}<>"",{year}&"年","")&"{suffix}")')
    _derived(c)
    c.alignment = st.LEFT
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    row += 1
    _label(ws.cell(row, 1, "发布时限"))
    deadline = '""'
    for lv in reversed(spec.levels):
        m, d = lv.deadline
        deadline = f'IF({level}="{lv.name}",DATE({year}+1,{m},{d}),{deadline})'
    c = ws.cell(row, 2, f'=IF(OR({year}="",{level}=""),"",{deadline})')
    _derived(c)
    c.number_format = st.DATE_FORMAT
    c.alignment = st.LEFT
    note = ws.cell(row, 3, "按机关层级计算：报告须在此日期前向社会公布")
    note.font = st.NOTE
    note.border = st.GRID
    print_setup(ws, landscape=False)
    protect(ws)
    return ws


# --------------------------------------------------------------------------- 正文


def build_text_sheet(wb: Workbook, spec: Spec = SPEC) -> Worksheet:
    ws = wb.create_sheet(SHEET_TEXT)
    ws.column_dimensions["A"].width = TEXT_LABEL_WIDTH
    ws.column_dimensions["B"].width = TEXT_WIDTH
    title = ws.cell(1, 1, "正文（每个部分填一格；段落之间用 Alt+Enter 换行）")
    title.font = st.TITLE
    ws.merge_cells("A1:B1")
    ws.row_dimensions[1].height = 30
    header_style(ws.cell(2, 1, "部分"))
    header_style(ws.cell(2, 2, "内容"))
    for kind, _key, text, row in text_row_numbers(spec):
        if kind == "heading":
            c = ws.cell(row, 1, text)
            c.font = st.HEADING
            c.fill = st.HEADER_FILL
            c.alignment = st.LEFT
            c.border = st.GRID
            c.protection = st.LOCKED
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
            ws.row_dimensions[row].height = 24
        else:
            _label(ws.cell(row, 1, text))
            c = ws.cell(row, 2)
            _input(c)
            c.alignment = st.TOP_LEFT
            c.number_format = st.TEXT_FORMAT
            ws.cell(row, 1).alignment = st.TOP_LEFT
            for col in (1, 2):
                ws.merge_cells(start_row=row, start_column=col, end_row=row + TEXT_PART_ROWS - 1, end_column=col)
            for r in range(row, row + TEXT_PART_ROWS):
                ws.row_dimensions[r].height = TEXT_ROW_HEIGHT / TEXT_PART_ROWS
    ws.freeze_panes = "A3"
    print_setup(ws, landscape=False, title_rows="2:2")
    protect(ws)
    return ws


def fit_text_rows(wb: Workbook, spec: Spec = SPEC) -> None:
    """Grow the 正文 blocks to their text (call after writing narrative into a template copy)."""
    places = [(p.sheet, p.a1) for p in section_positions(spec).values()]
    fit_text_cells(wb, places)


# --------------------------------------------------------------------------- 说明

NOTE_ROWS = 100


def build_notes_sheet(wb: Workbook) -> Worksheet:
    """Explanations for 提示 findings: 规则实例 (finding ref, e.g. T2-C:norm) | 说明. Not protected:
    users add rows freely."""
    ws = wb.create_sheet(SHEET_NOTES)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["D"].width = 60
    for col, text in enumerate(NOTES_HEADER, start=1):
        header_style(ws.cell(1, col, text))
    for row in range(2, NOTE_ROWS + 2):
        for col in (1, 2):
            c = ws.cell(row, col)
            _input(c)
            c.alignment = st.TOP_LEFT
    help_text = (
        "用法：审核发现“提示”类问题（如 T2-C 现行有效件数衔接）且数据确实无误时，"
        "在 A 列填写规则实例（审核结果中的编号，如 T2-C:norm），在 B 列写明原因（如 文件有效期届满失效 3 件）。"
        "“强制”类问题须改正数据，不能以说明代替。"
    )
    c = ws.cell(1, 4, help_text)
    c.font = st.NOTE
    c.alignment = st.TOP_LEFT
    ws.merge_cells("D1:D6")
    ws.freeze_panes = "A2"
    print_setup(ws, landscape=False, title_rows="1:1")
    return ws


# --------------------------------------------------------------------------- helpers


def header_style(c) -> None:  # type: ignore[no-untyped-def]
    c.font = st.BOLD
    c.fill = st.HEADER_FILL
    c.alignment = st.CENTER
    c.border = st.GRID
    c.protection = st.LOCKED


def _label(c) -> None:  # type: ignore[no-untyped-def]
    c.font = st.BODY
    c.alignment = st.LEFT
    c.border = st.GRID
    c.protection = st.LOCKED


def _input(c) -> None:  # type: ignore[no-untyped-def]
    c.font = st.BODY
    c.fill = st.INPUT_FILL
    c.border = st.GRID
    c.protection = st.UNLOCKED


def _derived(c) -> None:  # type: ignore[no-untyped-def]
    c.font = st.BODY
    c.fill = st.DERIVED_FILL
    c.border = st.GRID
    c.protection = st.LOCKED
