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
# The work one page may cost, in grid positions and cells looked at, all its tables together:
# the report's three tables take about a thousand; 8,000 tables just under the per-table limit
# were 160 million (minutes).
PAGE_WORK = 200_000
TOO_MUCH = "网页中的表格过多或过大（合并单元格展开后合计超过 {n} 格），不像一份年度报告，已拒绝"


class Budget:
    """The work left for one page, spent by every table of it."""

    def __init__(self, units: int = PAGE_WORK) -> None:
        self.left = units

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise InputError(TOO_MUCH.format(n=PAGE_WORK))


# --------------------------------------------------------------------------- what is displayed

_HIDING = (
    ("display", re.compile(r"^none$")),
    ("visibility", re.compile(r"^(hidden|collapse)$")),
    ("font-size", re.compile(r"^[+]?0*\.?0*(px|pt|em|rem|ex|ch|%|vw|vh|mm|cm|in|pc|q)?$")),
)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE = re.compile(r"^([a-z][a-z0-9]*)?(?:([.#])([\w-]+))?$", re.I)


def _declarations(css: str) -> dict[str, str]:
    out = {}
    for decl in css.split(";"):
        name, sep, value = decl.partition(":")
        if sep:
            out[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def _hides(decls: dict[str, str]) -> str:
    """"" (shown), "subtree" (display:none, a zero-size font) or "visibility" (inherited,
    a descendant may show itself again with visibility:visible)."""
    for prop, pattern in _HIDING:
        value = decls.get(prop)
        if value is not None and pattern.match(value.strip()):
            return "visibility" if prop == "visibility" else "subtree"
    return ""


class Display:
    """Which elements of a page a reader sees: the `hidden` attribute, inline styles and the
    page's own style sheet (rules on a tag, a class or an id) that hide text with display:none,
    visibility:hidden or a zero font size. Text a browser does not show is not read."""

    def __init__(self, root: etree._Element) -> None:
        self.rules: dict[tuple[str, str, str], str] = {}  # (tag, "."/"#", name) -> how it hides
        for style in root.iter("style"):
            for selectors, body in _RULE.findall(style.text or ""):
                how = _hides(_declarations(body))
                if not how:
                    continue
                for selector in selectors.split(","):
                    m = _SIMPLE.match(selector.strip())
                    if m:
                        self.rules[((m.group(1) or "").lower(), m.group(2) or "", m.group(3) or "")] = how

    def hides(self, el: etree._Element) -> str:
        """How `el` hides its text: "" (it does not), "subtree" or "visibility"."""
        if el.get("hidden") is not None:
            return "subtree"
        found = _hides(_declarations(el.get("style") or ""))
        if found or not self.rules:
            return found
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        names = [(".", c) for c in (el.get("class") or "").split()] + ([("#", el.get("id"))] if el.get("id") else [])
        keys = [(tag, "", "")] + [(t, kind, name) for kind, name in names for t in ("", tag)]
        for key in keys:
            if key in self.rules:
                return self.rules[key]
        return ""

    def shows_again(self, el: etree._Element) -> bool:
        """visibility:visible on a descendant of a visibility:hidden element."""
        return _declarations(el.get("style") or "").get("visibility", "").strip() == "visible"


def _rows(table: etree._Element, display: Display | None = None) -> list[etree._Element]:
    """The table's own rows (not those of nested tables), through thead/tbody/tfoot; rows a
    browser does not display are left out."""
    out = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            out.append(child)
        elif child.tag in ("thead", "tbody", "tfoot") and not (display and display.hides(child) == "subtree"):
            out += [tr for tr in child if tr.tag == "tr"]
    return [tr for tr in out if not (display and display.hides(tr) == "subtree")]


def grid(table: etree._Element, budget: Budget | None = None, display: Display | None = None) -> list[list[tuple[str, bool]]]:
    """The table as a grid: (text, is_origin) per position. Spanned positions hold the spanning
    cell's text with is_origin False. A table spanning more than MAX_POSITIONS positions
    (rowspan=100 on every cell) is refused: the report's tables have a few hundred; the
    positions are spent from the page's `budget` too. Cells a browser does not display take
    no position, as in the browser."""
    out: list[list[tuple[str, bool]]] = []
    pending: dict[tuple[int, int], str] = {}
    own = MAX_POSITIONS
    budget = budget or Budget()
    for r, tr in enumerate(_rows(table, display)):
        row: list[tuple[str, bool]] = []
        c = 0
        for td in tr:
            if td.tag not in ("td", "th") or (display and display.hides(td) == "subtree"):
                continue
            while (r, c) in pending:
                row.append((pending.pop((r, c)), False))
                c += 1
            text = clean_cell(_text(td, display))
            rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
            own -= rs * cs
            if own < 0:
                raise InputError(f"网页中的表格过大（合并单元格展开后超过 {MAX_POSITIONS} 格），不像年报表格，已拒绝")
            budget.spend(rs * cs)
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


def _layout(table: etree._Element, budget: Budget | None = None) -> bool:
    """A table used for page layout (one cell, or cells holding tables): read its content."""
    cells = []
    for c in table.iter("td", "th"):
        if budget is not None:
            budget.spend(1)
        if _owner(c) is table:
            cells.append(c)
    if len(cells) <= 1:
        return True
    return any(c.find(".//table") is not None for c in cells)


def _text(el: etree._Element, display: Display | None = None) -> str:
    """A cell's text as displayed: inline pieces joined as printed (a number split over two
    spans stays one number), block pieces (paragraphs, line breaks) separated by a space;
    hidden pieces left out."""
    parts: list[str] = []

    def walk(node: etree._Element, invisible: bool) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in SKIP:
            return
        if display is not None and tag:
            how = display.hides(node)
            if how == "subtree":
                return
            invisible = (invisible or how == "visibility") and not display.shows_again(node)
        block = tag in BLOCKS or tag == "br"
        if block:
            parts.append(" ")
        if node.text and tag and not invisible:
            parts.append(node.text)
        for child in node:
            walk(child, invisible)
            if child.tail and not invisible:
                parts.append(child.tail)
        if block:
            parts.append(" ")

    walk(el, False)
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
    display = Display(root)
    budget = Budget()  # one page, one budget: every table spends from it
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

    def seen(el: etree._Element, outer: bool) -> bool:
        """Whether el's own text is invisible, given its parent's (visibility inherits)."""
        if display.shows_again(el):
            return False
        return outer or display.hides(el) == "visibility"

    def walk(el: etree._Element, outer: bool = False) -> None:
        """`outer`: the parent's text is invisible (so is el's tail, which is the parent's)."""
        tag = el.tag if isinstance(el.tag, str) else ""
        invisible = seen(el, outer) if tag else outer
        if tag in SKIP or not tag or display.hides(el) == "subtree":
            pass
        elif tag == "table" and _layout(el, budget):
            flush()
            for cell in el.iter("td", "th"):
                if _owner(cell) is el and display.hides(cell) != "subtree":
                    hidden = seen(cell, invisible)
                    if cell.text and not hidden:
                        buf.append(cell.text)
                    for child in cell:
                        walk(child, hidden)
                    flush()
        elif tag == "table":
            flush()
            counters["table"] += 1
            n = counters["table"]
            for r, row in enumerate(grid(el, budget, display), start=1):
                cells = [t for t, origin in row if origin]
                if any(cells):
                    out.append(row_line(cells, f"第{n}个表格第{r}行"))
        elif tag == "br":
            flush()
        else:
            block = tag in BLOCKS
            if block:
                flush()
            if el.text and not invisible:
                buf.append(el.text)
            for child in el:
                walk(child, invisible)
            if block:
                flush()
        if el.tail and not outer:
            buf.append(el.tail)

    walk(body if body is not None else root)
    flush()
    return out
