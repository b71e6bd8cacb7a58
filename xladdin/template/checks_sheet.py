"""The 校验 sheet: every identity instance as live formulas, input-cell counts, overall status.

Missing-value policy as in `xladdin.check`: an instance is evaluated only when every operand
is a number; otherwise it shows 未核对 and the blank/non-numeric cell is counted in the
数值格检查 block instead, so one bad cell never also yields a misleading sum failure.
"""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..names import SHEET_CHECKS
from ..sheetfit import line_height, print_setup, row_height, wrapped_lines
from ..spec import SPEC, Identity, Spec
from ..spec.format2021 import T3_COLS, T3_GROUPS
from . import styles as st
from .formulas import IDENTITY_RULES, blank_until_filled, named_args, qualified, rectangles, sum_of
from .layout import CHECK_STATUS_NAME, cell_positions
from .sheets import LINE_HEIGHT, header_style, input_positions, protect

PASS, FAIL, SKIP, INCOMPLETE = "通过", "不符", "未核对", "未填完"
COLUMNS = ("规则实例", "规则", "核对内容", "等式", "左边合计", "右边合计", "差额", "结果", "数值格", "应有数值格")
WIDTHS = (15, 14, 24, 64, 10, 10, 8, 8, 7, 9)
STATUS_COL = 8  # H
TABLE_NAMES = {"t2": "表二", "t3": "表三", "t4": "表四"}


def equation_text(ident: Identity, spec: Spec = SPEC) -> str:
    """The instance as an equation of short names; the part every term shares (the row or the
    column, already named in 核对内容) is left out: 本年新收 + 上年结转 = （七）总计 + 结转下年度."""
    keys = ident.left + ident.right
    parts = [spec.cell(k).short.split("·", 1) for k in keys]
    if all(len(p) == 2 for p in parts):
        if len({p[0] for p in parts}) == 1:
            names = {k: p[1] for k, p in zip(keys, parts, strict=True)}
        elif len({p[1] for p in parts}) == 1:
            names = {k: p[0] for k, p in zip(keys, parts, strict=True)}
        else:
            names = {k: spec.cell(k).short for k in keys}
    else:
        names = {k: spec.cell(k).short for k in keys}

    def side(ks: tuple[str, ...]) -> str:
        if len(ks) > 6:
            return f"{names[ks[0]]} + … + {names[ks[-1]]}（{len(ks)} 项）"
        return " + ".join(names[k] for k in ks)

    return f"{side(ident.left)} = {side(ident.right)}"


def build_checks_sheet(wb: Workbook, spec: Spec = SPEC) -> Worksheet:
    ws = wb.create_sheet(SHEET_CHECKS)
    for i, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    last_col = get_column_letter(len(COLUMNS))

    t = ws.cell(1, 1, "校验（由公式自动计算，无需填写；“不符”标红，修改表格后即时更新）")
    t.font = st.TITLE
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 30

    # Row 2: overall status; its formula is written once the blocks below are laid out.
    _bold(ws.cell(2, 1, "总体结果"))
    overall = ws.cell(2, 2)
    overall.font = st.BOLD
    overall.alignment = st.CENTER
    overall.border = st.GRID
    ws.merge_cells("B2:C2")
    note = ws.cell(2, 4, f"{PASS}：全部勾稽关系成立、所有格均已填数；{FAIL}：有等式不成立或格内为文字/负数/小数；"
                         f"{INCOMPLETE}：仍有空白格（没有发生的请填 0）")
    note.font = st.NOTE
    note.alignment = st.LEFT
    ws.merge_cells(f"D2:{last_col}2")
    ws.row_dimensions[2].height = 30

    # ------------------------------------------------------------ 数值格检查
    row = 4
    _section(ws, row, "一、数值格检查（只数需要填写的格；合计格由公式计算）", last_col)
    row += 1
    for col, text in enumerate(("表格", "应填格数", "空白", "非数字", "负数或小数", "结果"), start=1):
        header_style(ws.cell(row, col, text))
    _fit_row(ws, row)
    count_rows: list[int] = []
    for table in spec.tables:
        row += 1
        count_rows.append(row)
        rects = rectangles(input_positions(table.key, spec))
        refs = [qualified(a, b) for a, b in rects]
        n = len(input_positions(table.key, spec))
        _cell(ws.cell(row, 1, TABLE_NAMES.get(table.key, table.sheet)))
        _cell(ws.cell(row, 2, n))
        _cell(ws.cell(row, 3, "=" + "+".join(f"COUNTBLANK({r})" for r in refs)))
        _cell(ws.cell(row, 4, "=" + "+".join(f"(COUNTA({r})-COUNT({r}))" for r in refs)))
        negative = "+".join(f'COUNTIF({r},"<0")' for r in refs)
        count_refs = [
            qualified(a, b) for a, b in rects if spec.cell(_key_at(a, spec)).kind == "count"
        ]
        fraction = "+".join(f"SUMPRODUCT(--(MOD({r},1)<>0))" for r in count_refs)
        # MOD on text errors, so fractions are counted only once no text is left.
        _cell(ws.cell(row, 5, f'=IF(D{row}>0,{negative},{negative}+{fraction})'))
        _cell(ws.cell(row, 6, f'=IF(D{row}+E{row}>0,"{FAIL}",IF(C{row}>0,"{INCOMPLETE}","{PASS}"))'))
    first_count, last_count = count_rows[0], count_rows[-1]
    _status_formats(ws, f"A{first_count}:F{last_count}", f"$F{first_count}")

    # ------------------------------------------------------------ 勾稽关系
    row += 2
    _section(ws, row, "二、勾稽关系（每个等式一行；有空白或文字时“未核对”，先补齐数值）", last_col)
    row += 1
    for col, text in enumerate(COLUMNS, start=1):
        header_style(ws.cell(row, col, text))
    _fit_row(ws, row)
    header_row = row
    first_instance = row + 1
    for rule_id in IDENTITY_RULES:
        rule = spec.rule(rule_id)
        row += 1
        c = ws.cell(row, 1, f"{rule.id} {rule.title}（{rule.severity}）：{rule.text}")
        c.font = st.BOLD
        c.fill = st.HEADER_FILL
        c.alignment = st.LEFT
        c.border = st.GRID
        ws.merge_cells(f"A{row}:{last_col}{row}")
        ws.row_dimensions[row].height = wrapped_lines(c.value, sum(WIDTHS)) * LINE_HEIGHT + 4
        for ident in rule.identities:
            row += 1
            _instance_row(ws, row, rule.title, ident, spec)
    last_instance = row
    statuses = f"H{first_instance}:H{last_instance}"
    _status_formats(ws, f"A{first_instance}:{last_col}{last_instance}", f"$H{first_instance}")

    # ------------------------------------------------------------ overall
    counts = f"D{first_count}:E{last_count}"
    blanks = f"C{first_count}:C{last_count}"
    overall.value = (
        f'=IF(COUNTIF({statuses},"{FAIL}")+SUM({counts})>0,"{FAIL}",'
        f'IF(SUM({blanks})>0,"{INCOMPLETE}","{PASS}"))'
    )
    wb.defined_names[CHECK_STATUS_NAME] = DefinedName(CHECK_STATUS_NAME, attr_text=f"'{SHEET_CHECKS}'!$B$2")
    _status_formats(ws, "B2", "$B2")

    # ------------------------------------------------------------ group subtotals (information)
    row += 2
    _section(
        ws,
        row,
        "三、参考：表三分组小计（2021 年格式不印小计行，规则 T3-G3～G6 无对应格；此处仅供与正文叙述对照，不参与校验）",
        last_col,
    )
    ws.row_dimensions[row].height = 30
    row += 1
    header_style(ws.cell(row, 1, "分组"))
    for j, (_, name) in enumerate(T3_COLS):
        header_style(ws.cell(row, 2 + j, name))
    _fit_row(ws, row)
    pos = cell_positions(spec)
    for name, members in T3_GROUPS.values():
        row += 1
        _cell(ws.cell(row, 1, name))
        for j, (col, _) in enumerate(T3_COLS):
            keys = [f"t3.{m}.{col}" for m in members]
            args = named_args(keys, spec)
            _cell(ws.cell(row, 2 + j, "=" + blank_until_filled(args, sum_of(args))))
    del pos

    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_area = f"A1:{last_col}{row}"
    print_setup(ws, landscape=True, title_rows=f"{header_row}:{header_row}")
    protect(ws)
    return ws


def _instance_row(ws: Worksheet, row: int, title: str, ident: Identity, spec: Spec) -> None:
    left, right = named_args(ident.left, spec), named_args(ident.right, spec)
    n = len(ident.left) + len(ident.right)
    values = [
        ident.ref,
        title,
        ident.where,
        equation_text(ident, spec),
        "=" + blank_until_filled(left, sum_of(left)),
        "=" + blank_until_filled(right, sum_of(right)),
        f'=IF(I{row}<J{row},"",E{row}-F{row})',
        f'=IF(I{row}<J{row},"{SKIP}",IF(G{row}=0,"{PASS}","{FAIL}"))',
        f"=COUNT({','.join(left + right)})",
        n,
    ]
    for col, v in enumerate(values, start=1):
        c = ws.cell(row, col, v)
        _cell(c)
        if col in (3, 4):
            c.alignment = st.LEFT
    _fit_row(ws, row)


def _fit_row(ws: Worksheet, row: int) -> None:
    """Height for the wrapped text of the row's cells (headers, names, equations)."""
    cells = [(ws.cell(row, col).value, w) for col, w in enumerate(WIDTHS, start=1)]
    texts = [(v, w) for v, w in cells if isinstance(v, str) and not v.startswith("=")]
    ws.row_dimensions[row].height = row_height(texts, line_height(st.BODY.sz), minimum=18)


def _key_at(p, spec: Spec) -> str:  # type: ignore[no-untyped-def]
    return next(k for k, q in cell_positions(spec).items() if q == p)


def _status_formats(ws: Worksheet, rng: str, status: str) -> None:
    for value, fill, font in ((FAIL, st.FAIL_FILL, st.FAIL_FONT), (SKIP, st.WARN_FILL, st.WARN_FONT),
                              (INCOMPLETE, st.WARN_FILL, st.WARN_FONT)):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'{status}="{value}"'], fill=fill, font=font))
    if ":" not in rng:  # the overall cell also shows green when all is well
        ws.conditional_formatting.add(
            rng, FormulaRule(formula=[f'{status}="{PASS}"'], fill=st.PASS_FILL, font=st.PASS_FONT)
        )


def _section(ws: Worksheet, row: int, text: str, last_col: str) -> None:
    c = ws.cell(row, 1, text)
    c.font = st.HEADING
    c.alignment = st.LEFT
    ws.merge_cells(f"A{row}:{last_col}{row}")
    ws.row_dimensions[row].height = 22


def _cell(c) -> None:  # type: ignore[no-untyped-def]
    c.font = st.BODY
    c.alignment = st.CENTER
    c.border = st.GRID


def _bold(c) -> None:  # type: ignore[no-untyped-def]
    _cell(c)
    c.font = st.BOLD
