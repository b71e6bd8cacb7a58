"""Where everything sits in the template workbook, derived from the spec's table grids.

Readers and writers never use these coordinates directly: they go through the defined names
(`xladdin.names`). This module is the one place that turns grids into sheet coordinates, so
the builder, the 校验 formulas and the tests agree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

from openpyxl.utils import get_column_letter

from ..names import SHEET_META, SHEET_TEXT, TABLE_SHEETS, cell_name, meta_name, section_name
from ..report import Meta
from ..spec import SPEC, Spec
from ..spec.layout import Grid, grid

# Table sheets: row 1 holds the section title, the grid starts on row 2, column A.
TABLE_TOP = 2
TABLE_LEFT = 1
# 基本信息: title row, column-header row, then one row per Meta field.
META_FIRST_ROW = 3
META_VALUE_COL = 2
# 正文: title row, column-header row, then parts and section headings. A part is a block of
# TEXT_PART_ROWS rows merged into one cell (Excel caps a row at 409 pt: one row shows only
# about 1,000 characters; the block shows about 4,000), its text in the top-left cell.
TEXT_FIRST_ROW = 3
TEXT_VALUE_COL = 2
TEXT_PART_ROWS = 3
CHECK_STATUS_NAME = "NB_check_status"  # the overall 校验 result cell (通过/不符/未填完)


@dataclass(frozen=True)
class Pos:
    sheet: str
    row: int  # 1-based
    col: int  # 1-based

    @property
    def a1(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def abs_ref(self) -> str:
        """'表三'!$D$5 — the form used in defined names."""
        return f"'{self.sheet}'!${get_column_letter(self.col)}${self.row}"

    @property
    def ref(self) -> str:
        """'表三'!D5 — a cross-sheet reference in formulas."""
        return f"'{self.sheet}'!{self.a1}"

    @property
    def address(self) -> str:
        """表三!D5 — how findings show a cell to users."""
        return f"{self.sheet}!{self.a1}"


@cache
def table_grid(table: str, spec: Spec = SPEC) -> Grid:
    return grid(spec.table(table))


def grid_pos(table: str, row: int, col: int) -> Pos:
    """Sheet position of a 0-based grid coordinate of `table`."""
    return Pos(TABLE_SHEETS[table], TABLE_TOP + row, TABLE_LEFT + col)


@cache
def cell_positions(spec: Spec = SPEC) -> dict[str, Pos]:
    """Cell key -> position of its (top-left) sheet cell, for all 200 keys."""
    out: dict[str, Pos] = {}
    for table in spec.tables:
        for gc in table_grid(table.key, spec).value_cells():
            assert gc.key is not None
            out[gc.key] = grid_pos(table.key, gc.row, gc.col)
    missing = set(spec.keys) - set(out)
    assert not missing, f"cells without a place in the layout: {sorted(missing)}"
    return out


def meta_positions() -> dict[str, Pos]:
    return {
        f.name: Pos(SHEET_META, META_FIRST_ROW + i, META_VALUE_COL) for i, f in enumerate(fields(Meta))
    }


def text_rows(spec: Spec = SPEC) -> list[tuple[str, str, str]]:
    """Rows of the 正文 sheet in order: ("heading", section key, title) or ("part", part key, title).

    A section heading (verbatim title) comes before the first part of its section; the preface
    has no section and comes first."""
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    titles = {s.key: s.title for s in spec.sections}
    for part in spec.parts:
        if part.section and part.section not in seen:
            seen.add(part.section)
            rows.append(("heading", part.section, titles[part.section]))
        rows.append(("part", part.key, part.title))
    return rows


def text_row_numbers(spec: Spec = SPEC) -> list[tuple[str, str, str, int]]:
    """`text_rows` with the sheet row each starts on (a heading takes one row, a part a block)."""
    out, row = [], TEXT_FIRST_ROW
    for kind, key, title in text_rows(spec):
        out.append((kind, key, title, row))
        row += TEXT_PART_ROWS if kind == "part" else 1
    return out


def section_positions(spec: Spec = SPEC) -> dict[str, Pos]:
    return {
        key: Pos(SHEET_TEXT, row, TEXT_VALUE_COL)
        for kind, key, _, row in text_row_numbers(spec)
        if kind == "part"
    }


@cache
def name_positions(spec: Spec = SPEC) -> dict[str, Pos]:
    """Every defined name of `xladdin.names.all_names()` -> the single cell it points at."""
    out = {cell_name(k): p for k, p in cell_positions(spec).items()}
    out.update({meta_name(f): p for f, p in meta_positions().items()})
    out.update({section_name(k): p for k, p in section_positions(spec).items()})
    return out


def addresses(spec: Spec = SPEC) -> dict[str, str]:
    """Cell key -> "表三!D5", for findings on a template-based workbook."""
    return {k: p.address for k, p in cell_positions(spec).items()}
