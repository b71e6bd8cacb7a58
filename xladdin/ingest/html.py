"""HTML (a saved government web page) -> lines: block text in document order; tables as grids
honouring rowspan/colspan, each row given as the cells that start in it. Parsed with lxml
(libxml2's forgiving HTML parser: ten times faster than BeautifulSoup on a report page)."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from ..errors import InputError
from .decode import decode_bytes
from .lines import Line, clean_cell, row_line

BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "form", "figure",
    "figcaption", "hr", "address", "tr", "caption",
}  # fmt: skip
SKIP = {"script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "option", "title"}
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_POSITIONS = 20_000  # grid positions of one table (the report's largest: ~30 rows x 10 columns)


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of nested tables), through thead/tbody/tfoot."""
    out = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            out.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            out += [tr for tr in child if tr.tag == "tr"]
    return out


def grid(table: etree._Element) -> list[list[tuple[str, bool]]]:
    """The table as a grid: (text, is_origin) per position. Spanned positions hold the spanning
    cell's text with is_origin False. A table spanning more than MAX_POSITIONS positions
    (rowspan=100 on every cell) is refused: the report's tables have a few hundred."""
    out: list[list[tuple[str, bool]]] = []
    pending: dict[tuple[int, int], str] = {}
    budget = MAX_POSITIONS
    for r, tr in enumerate(_rows(table)):
        row: list[tuple[str, bool]] = []
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in pending:
                row.append((pending.pop((r, c)), False))
                c += 1
            text = clean_cell(_text(td))
            rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
            budget -= rs * cs
            if budget < 0:
                raise InputError(f"网页中的表格过大（合并单元格展开后超过 {MAX_POSITIONS} 格），不像年报表格，已拒绝")
            for dc in range(cs):
                row.append((text, dc == 0))
                for dr in range(1, rs):
                    pending[(r + dr, c + dc)] = text
            c += cs
        while (r, c) in pending:
            row.append((pending.pop((r, c)), False))
            c += 1
        out.append(row)
    return out


def _owner(cell: etree._Element) -> etree._Element | None:
    p = cell.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _layout(table: etree._Element) -> bool:
    """A table used for page layout (one cell, or cells holding tables): read its content."""
    cells = [c for c in table.iter("td", "th") if _owner(c) is table]
    if len(cells) <= 1:
        return True
    return any(c.find(".//table") is not None for c in cells)


def _text(el: etree._Element) -> str:
    """A cell's text: inline pieces joined as printed (a number split over two spans stays one
    number), block pieces (paragraphs, line breaks) separated by a space."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP:
            return
        block = tag in BLOCKS or tag == "br"
        if block:
            parts.append(" ")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append(" ")

    walk(el)
    return "".join(parts)


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


def html_lines(data: bytes | str, source: str = "") -> list[Line]:
    text = decode_bytes(data, html=True, source=source) if isinstance(data, bytes) else data
    text = _XML_DECL.sub("", text)
    if not text.strip():
        return []
    root = lxml.html.document_fromstring(text)
    body = root.find("body")
    out: list[Line] = []
    buf: list[str] = []
    counters = {"para": 0, "table": 0}

    def flush() -> None:
        t = clean_cell("".join(buf))
        buf.clear()
        if t:
            counters["para"] += 1
            out.append(Line(t, f"第{counters['para']}段"))

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP or not tag:
            pass
        elif tag == "table" and _layout(el):
            flush()
            for cell in el.iter("td", "th"):
                if _owner(cell) is el:
                    for child in cell:
                        walk(child)
                    if cell.text:
                        buf.append(cell.text)
                    flush()
        elif tag == "table":
            flush()
            counters["table"] += 1
            n = counters["table"]
            for r, row in enumerate(grid(el), start=1):
                cells = [t for t, origin in row if origin]
                if any(cells):
                    out.append(row_line(cells, f"第{n}个表格第{r}行"))
        elif tag == "br":
            flush()
        else:
            block = tag in BLOCKS
            if block:
                flush()
            if el.text:
                buf.append(el.text)
            for child in el:
                walk(child)
            if block:
                flush()
        if el.tail:
            buf.append(el.tail)

    walk(body if body is not None else root)
    flush()
    return out
