"""HTML (a saved government web page) -> lines: block text in document order; tables as grids
honouring rowspan/colspan, each row given as the cells that start in it."""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString, Tag

from .decode import decode_bytes
from .lines import Line, clean_cell, row_line

BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "center", "form", "figure",
    "figcaption", "hr", "address",
}  # fmt: skip
SKIP = {"script", "style", "noscript", "template", "head", "iframe", "svg", "button", "select", "option"}


def grid(table: Tag) -> list[list[tuple[str, bool] | None]]:
    """The table as a grid: (text, is_origin) per position, None where nothing is printed.
    Spanned positions hold the spanning cell's text with is_origin False."""
    rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    out: list[list[tuple[str, bool] | None]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(rows):
        row: list[tuple[str, bool] | None] = []
        c = 0
        cells = [td for td in tr.find_all(["td", "th"]) if td.find_parent("tr") is tr]
        for td in cells:
            while (r, c) in pending:
                row.append((pending.pop((r, c)), False))
                c += 1
            text = clean_cell(td.get_text(" "))
            rs = _span(td.get("rowspan"))
            cs = _span(td.get("colspan"))
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


def _span(value: object) -> int:
    try:
        return max(1, min(int(str(value).strip()), 100))
    except (TypeError, ValueError):
        return 1


def html_lines(data: bytes | str) -> list[Line]:
    text = decode_bytes(data, html=True) if isinstance(data, bytes) else data
    soup = BeautifulSoup(text, "lxml")
    root = soup.body or soup
    out: list[Line] = []
    buf: list[str] = []
    counters = {"para": 0, "table": 0}

    def flush() -> None:
        t = clean_cell("".join(buf))
        buf.clear()
        if t:
            counters["para"] += 1
            out.append(Line(t, f"第{counters['para']}段"))

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not comments, CDATA, doctype
                    buf.append(str(child))
                continue
            if not isinstance(child, Tag) or child.name in SKIP:
                continue
            if child.name == "table":
                flush()
                counters["table"] += 1
                n = counters["table"]
                for r, row in enumerate(grid(child), start=1):
                    cells = [text for cell in row if cell is not None for text, origin in [cell] if origin]
                    if any(cells):
                        out.append(row_line(cells, f"第{n}个表格第{r}行"))
            elif child.name == "br":
                flush()
            elif child.name in BLOCKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(root)
    flush()
    return out
