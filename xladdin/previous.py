"""Last year's figures carried inside this year's workbook (hidden sheet 上年数据).

导入上年数据 (Excel) writes the sheet; every reader turns it back into `Report.previous`, so the
cross-year rules (Y1, T2-C) run wherever the workbook goes: the 校验 button, the NB_ functions,
`xladdin check` and the batch audit, with no second file to hand over.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .report import META_LABELS, Report
from .spec import SPEC
from .spec.format2021 import T2_DOCS, T3_COLS
from .values import is_number

SHEET_PREVIOUS = "上年数据"
HEADER = ["键", "项目", "数值", "来源"]
# (last year's key, this year's key): 结转下年度 -> 上年结转, column by column.
CARRY = tuple((f"t3.carry_out.{col}", f"t3.carry_in.{col}") for col, _ in T3_COLS)
VALID_KEYS = tuple(f"t2.{row}_valid" for row, _ in T2_DOCS)  # for T2-C
DRAFT_KEYS = ("t3.new.total",)  # 生成正文: "本年新收申请较上年增加 N 件"


def previous_rows(previous: Report) -> list[list[Any]]:
    """The sheet's rows: header, agency, year, then one row per kept cell with its source."""
    rows: list[list[Any]] = [list(HEADER)]
    rows.append(["meta.agency", META_LABELS["agency"], previous.meta.agency, previous.source])
    rows.append(["meta.year", META_LABELS["year"], previous.meta.year, previous.source])
    for key in [k for k, _ in CARRY] + list(VALID_KEYS) + list(DRAFT_KEYS):
        value = previous.value(key)
        if is_number(value) and SPEC.cell(key).kind == "amount":
            value = float(value)
        rows.append([key, SPEC.cell(key).short, value, previous.address(key)])
    return rows


def previous_from_rows(rows: Sequence[Sequence[Any]] | None) -> Report | None:
    """A partial Report of last year from the sheet's rows; None when absent or not ours."""
    if not rows or [str(v) for v in list(rows[0])[:4]] != HEADER:
        return None
    previous = Report()
    for row in rows[1:]:
        row = list(row) + [None] * 4
        key, value, address = row[0], row[2], row[3]
        if key == "meta.agency":
            previous.meta.agency = str(value or "")
        elif key == "meta.year":
            try:
                previous.meta.year = int(value) if value not in (None, "") else None
            except (TypeError, ValueError):
                previous.meta.year = None
        elif isinstance(key, str) and SPEC.has_cell(key):
            previous.set(key, value)
            if address:
                previous.addresses[key] = str(address)
    return previous
