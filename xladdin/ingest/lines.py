"""The common intermediate of every reader: a list of lines with provenance.

A line is either running text or a table row. Rows keep their cells when the source had
them (tab- or |-separated text, HTML/Word/PDF tables): merged cells appear once, blank cells
stay "" (a printed blank is not a missing number). Plain PDF text has no cells: the table
parser splits such lines into a label and trailing numbers itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[/，,]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|[Pp]age\s*\d{1,3}(?:\s*of\s*\d{1,3})?)\s*$"
)
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+|[\w.+-]+@[\w-]+\.[\w.-]+)>")
_MD_LINK = re.compile(r"\[([^\[\]]+)\]\((?:https?://|mailto:)[^()\s]*\)")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


@dataclass
class Line:
    text: str  # the line's text; for rows the cells joined by a space
    where: str  # provenance, e.g. "第57行", "第3页第12行", "第2个表格第5行"
    cells: tuple[str, ...] | None = None  # explicit cells, when the source had them
    page: int | None = None
    wrapped: bool | None = None  # PDF: the line runs to the right margin (its paragraph goes on)


def clean_cell(text: str) -> str:
    """Cell text as one line: inner line breaks and runs of spaces collapsed."""
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def row_line(cells: list[str], where: str, page: int | None = None) -> Line:
    cells_t = tuple(clean_cell(c) for c in cells)
    return Line(" ".join(c for c in cells_t if c), where, cells_t, page)


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text))


def split_cells(raw: str) -> tuple[str, ...] | None:
    """Cells of a text line: tab-separated, or a Markdown/pipe table row; None for prose."""
    if "\t" in raw:
        return tuple(clean_cell(c) for c in raw.split("\t"))
    if "|" in raw and raw.count("|") >= 1 and not raw.strip().startswith("http"):
        body = raw.strip()
        if body.startswith("|"):
            body = body[1:]
        if body.endswith("|"):
            body = body[:-1]
        return tuple(clean_cell(c) for c in body.split("|"))
    return None


def plain_markdown(raw: str) -> str:
    """Markdown links as the reader sees them: <https://x> -> https://x, [text](url) -> text."""
    if "<" in raw or "](" in raw:
        raw = _MD_LINK.sub(r"\1", _MD_AUTOLINK.sub(r"\1", raw))
    return raw


def text_lines(text: str, page: int | None = None, first: int = 1) -> list[Line]:
    """Lines of plain text or Markdown; numbering is 1-based, page-relative when `page`."""
    out: list[Line] = []
    for i, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=first):
        raw = plain_markdown(raw)
        where = f"第{page}页第{i}行" if page is not None else f"第{i}行"
        if _MD_RULE.match(raw) and "-" in raw:
            continue  # Markdown table rule |---|---|
        cells = split_cells(raw)
        if cells is not None and any(cells):
            out.append(Line(" ".join(c for c in cells if c), where, cells, page))
        else:
            out.append(Line(clean_cell(raw), where, None, page))
    return out
