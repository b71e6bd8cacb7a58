"""Word (.docx) -> lines: paragraphs and tables in body order; merged cells (gridSpan, vMerge)
appear once, in the row where they start.

Text is read as Word displays it (the "final" view with tracked changes shown): tracked
insertions, moves to, content controls (inline, around cells and around whole rows), smart
tags, custom XML and hyperlinks are read through; tracked deletions, moves from, field
instructions and hidden text (w:vanish, set on the run, its character style or its
paragraph style) are not. A row whose deletion is tracked is not read.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from ..io.safety import check_package
from .lines import Line, row_line

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Wrappers whose content is displayed as if they were not there.
_THROUGH = {qn(t) for t in ("w:hyperlink", "w:ins", "w:moveTo", "w:smartTag", "w:customXml", "w:fldSimple",
                            "w:bdo", "w:dir", "w:sdtContent")}
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
_RUN_TEXT = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_OFF = {"0", "false", "off"}


def _on(el: etree._Element | None) -> bool:
    """A toggle property (<w:vanish/>, <w:vanish w:val="false"/>) is on."""
    return el is not None and (el.get(qn("w:val")) or "true").lower() not in _OFF


class Styles:
    """Which paragraph and character styles hide their text (w:vanish in their run
    properties, or in a style they are based on)."""

    def __init__(self, doc) -> None:  # noqa: ANN001 - a python-docx Document
        self.hidden: set[str] = set()
        try:
            root = doc.styles.element
        except Exception:  # noqa: BLE001 - no styles part: nothing is hidden by style
            return
        based: dict[str, str] = {}
        direct: dict[str, bool] = {}
        for style in root.iter(qn("w:style")):
            sid = style.get(qn("w:styleId")) or ""
            parent = style.find(qn("w:basedOn"))
            if parent is not None:
                based[sid] = parent.get(qn("w:val")) or ""
            rpr = style.find(qn("w:rPr"))
            if rpr is not None and rpr.find(qn("w:vanish")) is not None:
                direct[sid] = _on(rpr.find(qn("w:vanish")))
        for sid in set(based) | set(direct):
            seen, node = set(), sid
            while node and node not in seen:  # the nearest style that says, through basedOn
                seen.add(node)
                if node in direct:
                    if direct[node]:
                        self.hidden.add(sid)
                    break
                node = based.get(node, "")

    def paragraph_hidden(self, p: etree._Element) -> bool:
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        return style is not None and (style.get(qn("w:val")) or "") in self.hidden

    def run_hidden(self, r: etree._Element, paragraph_hidden: bool) -> bool:
        rpr = r.find(qn("w:rPr"))
        if rpr is not None:
            vanish = rpr.find(qn("w:vanish"))
            if vanish is not None:
                return _on(vanish)
            style = rpr.find(qn("w:rStyle"))
            if style is not None and (style.get(qn("w:val")) or "") in self.hidden:
                return True
        return paragraph_hidden


def paragraph_text(p: etree._Element, styles: Styles) -> str:
    """What Word shows of a paragraph (see the module docstring)."""
    hidden_style = styles.paragraph_hidden(p)
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag == qn("w:r"):
                if styles.run_hidden(child, hidden_style):
                    continue
                for piece in child:
                    if piece.tag in _RUN_TEXT:
                        text = _RUN_TEXT[piece.tag]
                        parts.append(piece.text or "" if text is None else text)
            elif tag in _THROUGH or tag == _SDT:
                walk(child.find(_SDT_CONTENT) if tag == _SDT else child)

    walk(p)
    return "".join(parts)


def _through(el: etree._Element, wanted: str) -> list[etree._Element]:
    """The `wanted` children of `el`, also those inside content controls and custom XML."""
    out = []
    for child in el:
        if child.tag == wanted:
            out.append(child)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                out += _through(content, wanted)
        elif child.tag == qn("w:customXml"):
            out += _through(child, wanted)
    return out


def _deleted_row(tr: etree._Element) -> bool:
    return tr.find(f"{qn('w:trPr')}/{qn('w:del')}") is not None


def _continues_merge(tc: etree._Element) -> bool:
    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return merge is not None and (merge.get(qn("w:val")) or "continue") == "continue"


def docx_lines(path: str | Path) -> list[Line]:
    check_package(path, "Word（.docx）")  # zip bombs, DOCTYPE, duplicate entries: as for workbooks
    doc = Document(str(path))
    styles = Styles(doc)
    out: list[Line] = []
    count = {"para": 0, "table": 0}

    def walk(parent: etree._Element) -> None:
        for el in parent.iterchildren():
            if el.tag == qn("w:p"):
                text = paragraph_text(el, styles).strip()
                count["para"] += 1
                if text:
                    for piece in text.split("\n"):
                        out.append(Line(piece.strip(), f"第{count['para']}段"))
            elif el.tag in (_SDT, qn("w:customXml")):
                content = el.find(_SDT_CONTENT) if el.tag == _SDT else el
                if content is not None:
                    walk(content)
            elif el.tag == qn("w:tbl"):
                rows = [tr for tr in _through(el, qn("w:tr")) if not _deleted_row(tr)]
                cells = [[tc for tc in _through(tr, qn("w:tc"))] for tr in rows]
                tcs = [tc for row in cells for tc in row]
                if len(tcs) <= 1 or any(tc.find(".//" + qn("w:tbl")) is not None for tc in tcs):
                    for tc in tcs:  # a layout table: read what it holds
                        walk(tc)
                    continue
                count["table"] += 1
                for r, row in enumerate(cells, start=1):
                    texts = [
                        "\n".join(paragraph_text(p, styles) for p in _through(tc, qn("w:p")))
                        for tc in row if not _continues_merge(tc)
                    ]
                    if any(t.strip() for t in texts):
                        out.append(row_line(texts, f"第{count['table']}个表格第{r}行"))

    walk(doc.element.body)
    return out
