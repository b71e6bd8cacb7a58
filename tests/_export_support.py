"""Shared helpers for the export tests: distinct-value reports, grids read back, seed numbers."""

from __future__ import annotations

import re
from decimal import Decimal

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from xladdin.export import content as C
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.spec.layout import grid

TABLE_OF_SECTION = {s.key: s.table for s in SPEC.sections if s.table}
HEADING_OF_TABLE = {s.table: C.section_heading(s) for s in SPEC.sections if s.table}


def distinct_report(example: Report) -> Report:
    """The example with every one of the 200 cells holding a different value, so a value in the
    wrong cell cannot go unnoticed; the fee keeps a trailing zero to test Decimal printing."""
    for i, key in enumerate(SPEC.keys):
        if SPEC.cell(key).kind == "amount":
            example.values[key] = Decimal("1234.50")
        else:
            example.values[key] = 1000 + i
    return example


def expected_texts(report: Report) -> dict[str, dict[tuple[int, int], str]]:
    """table key -> grid position -> the text the cell must print."""
    out = {}
    for table in SPEC.tables:
        g = grid(table)
        out[table.key] = {(c.row, c.col): C.cell_text(report.values[c.key]) for c in g.value_cells()}
    return out


def html_grid(table) -> dict[tuple[int, int], tuple[object, int, int]]:
    """Expand a bs4 <table> into grid position -> (tag, rowspan, colspan) of the cell that
    starts there (the usual HTML table algorithm)."""
    taken: set[tuple[int, int]] = set()
    starts = {}
    for r, tr in enumerate(table.find_all("tr")):
        c = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while (r, c) in taken:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            starts[(r, c)] = (cell, rs, cs)
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
    return starts


def docx_tables_by_heading(doc: DocumentObject) -> dict[str, object]:
    """Heading text (一级标题) -> the first table after it, in body order."""
    from docx.table import Table

    found = {}
    heading = None
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(qn("w:pPr") + "/" + qn("w:pStyle"))
            if style is not None and style.get(qn("w:val")) == "Heading1":
                heading = "".join(t.text or "" for t in child.iter(qn("w:t")))
        elif child.tag == qn("w:tbl") and heading and heading not in found:
            found[heading] = Table(child, doc._body)
    return found


def docx_text(doc: DocumentObject) -> str:
    """All text of the body, paragraphs and table cells, one item per line."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def digit_runs(text: str) -> set[str]:
    return set(re.findall(r"\d+", text))


class CellGrid:
    """Grid-position access to a python-docx table, computed once (Table.cell is O(n) a call)."""

    def __init__(self, table) -> None:
        self.table = table
        self.cols = len(table.columns)
        self.cells = table._cells

    def __call__(self, row: int, col: int):
        return self.cells[row * self.cols + col]
