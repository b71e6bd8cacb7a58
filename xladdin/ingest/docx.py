"""Word (.docx) -> lines: paragraphs and tables in body order; merged cells (gridSpan, vMerge)
appear once, in the row where they start."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..io.safety import check_package
from .lines import Line, row_line


def docx_lines(path: str | Path) -> list[Line]:
    check_package(path, "Word（.docx）")  # zip bombs, DOCTYPE, duplicate entries: as for workbooks
    doc = Document(str(path))
    out: list[Line] = []
    count = {"para": 0, "table": 0}

    def walk(parent) -> None:
        for el in parent.iterchildren():
            if el.tag == qn("w:p"):
                text = Paragraph(el, doc).text.strip()
                count["para"] += 1
                if text:
                    for piece in text.split("\n"):
                        out.append(Line(piece.strip(), f"第{count['para']}段"))
            elif el.tag == qn("w:sdt"):
                content = el.find(qn("w:sdtContent"))
                if content is not None:
                    walk(content)
            elif el.tag == qn("w:tbl"):
                tcs = [tc for tr in el.tr_lst for tc in tr.tc_lst]
                if len(tcs) <= 1 or any(tc.find(".//" + qn("w:tbl")) is not None for tc in tcs):
                    for tc in tcs:  # a layout table: read what it holds
                        walk(tc)
                    continue
                count["table"] += 1
                table = Table(el, doc)
                for r, tr in enumerate(el.tr_lst, start=1):
                    cells = []
                    for tc in tr.tc_lst:
                        if tc.vMerge == "continue":
                            continue
                        cells.append("\n".join(p.text for p in _Cell(tc, table).paragraphs))
                    if any(c.strip() for c in cells):
                        out.append(row_line(cells, f"第{count['table']}个表格第{r}行"))

    walk(doc.element.body)
    return out
