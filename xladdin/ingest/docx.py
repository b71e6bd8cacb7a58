"""Word (.docx) -> lines: paragraphs and tables in body order; merged cells (gridSpan, vMerge)
appear once, in the row where they start."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .lines import Line, row_line


def docx_lines(path: str | Path) -> list[Line]:
    doc = Document(str(path))
    out: list[Line] = []
    para = 0
    tables = 0
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            text = Paragraph(el, doc).text.strip()
            para += 1
            if text:
                for piece in text.split("\n"):
                    out.append(Line(piece.strip(), f"第{para}段"))
        elif el.tag == qn("w:tbl"):
            tables += 1
            table = Table(el, doc)
            for r, tr in enumerate(el.tr_lst, start=1):
                cells = []
                for tc in tr.tc_lst:
                    if tc.vMerge == "continue":
                        continue
                    cell = _Cell(tc, table)
                    cells.append("\n".join(p.text for p in cell.paragraphs))
                if any(c.strip() for c in cells):
                    out.append(row_line(cells, f"第{tables}个表格第{r}行"))
    return out
