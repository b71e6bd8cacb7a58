"""The official tables as grids of spans, derived from the spec.

One layout for every renderer: the template workbook, the Word and HTML exporters and the
Markdown flattener all place the same `GridCell`s; only the drawing differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Table


@dataclass(frozen=True)
class GridCell:
    row: int  # 0-based row in the table grid
    col: int  # 0-based column
    rowspan: int = 1
    colspan: int = 1
    text: str = ""  # label text (header, block title, row label)
    key: str | None = None  # data cell key, for value cells
    role: str = "label"  # "header" | "title" | "label" | "value"


@dataclass(frozen=True)
class Grid:
    table: str
    rows: int
    cols: int
    header_rows: int  # rows to repeat on each page
    cells: tuple[GridCell, ...]

    def at(self, row: int, col: int) -> GridCell | None:
        return next((c for c in self.cells if c.row == row and c.col == col), None)

    def value_cells(self) -> tuple[GridCell, ...]:
        return tuple(c for c in self.cells if c.role == "value")


def grid(table: Table) -> Grid:
    if table.blocks:
        return _blocks_grid(table)
    cells: list[GridCell] = [
        GridCell(h.row, h.col, h.rowspan, h.colspan, h.text, role="header") for h in table.header
    ]
    top = table.header_rows
    cells += [
        GridCell(top + lb.row, lb.col, lb.rowspan, lb.colspan, lb.text, role="label") for lb in table.body_labels
    ]
    for r, keys in enumerate(table.body):
        for c, key in enumerate(keys):
            cells.append(GridCell(top + r, table.label_cols + c, key=key, role="value"))
    return Grid(
        table.key,
        top + len(table.body),
        table.label_cols + table.data_cols,
        table.header_rows,
        tuple(sorted(cells, key=lambda g: (g.row, g.col))),
    )


def _blocks_grid(table: Table) -> Grid:
    """Table 二: per block a title row across all columns, a column-header row, data rows.
    Single-value blocks span their value (and its header) across the data columns, as published."""
    width = table.label_cols + table.data_cols
    cells: list[GridCell] = []
    r = 0
    for block in table.blocks:
        cells.append(GridCell(r, 0, 1, width, block.title, role="title"))
        r += 1
        span = table.data_cols // (len(block.columns) - 1)
        for i, text in enumerate(block.columns):
            col = 0 if i == 0 else table.label_cols + (i - 1) * span
            cells.append(GridCell(r, col, 1, 1 if i == 0 else span, text, role="header"))
        r += 1
        for label, keys in block.rows:
            cells.append(GridCell(r, 0, text=label, role="label"))
            for i, key in enumerate(keys):
                cells.append(GridCell(r, table.label_cols + i * span, 1, span, key=key, role="value"))
            r += 1
    return Grid(table.key, r, width, 0, tuple(cells))
