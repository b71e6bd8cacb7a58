"""Markdown export: the text as written, tables flattened with every label kept.

Markdown tables have no spans, so each table is flattened from the layout grid: a row's label is
the path of every label covering it ("三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密"), a
column's header the path of every header covering it. A table with a single data row (表四) is
turned on its side: one line per column, so its 15 headers stay readable.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..fileio import atomic_write
from ..report import Report
from ..spec.layout import Grid, GridCell
from . import content as C

SEP = " / "


# Report text is text: nothing in it may become Markdown structure. Inside a line, every
# character that opens an inline construct (code `, emphasis * _, strike ~, links [ ], raw HTML
# and autolinks < >, the escape itself \\) is escaped, and an entity (&amp; &#35;) keeps its
# ampersand as text; in a title, heading or table cell also | and # (cell borders, heading
# closers); at the start of a paragraph what opens a block (a list "1." "-" "+", a heading
# "#", a setext "=", indentation). Line ends of every spelling (CR, CRLF, U+2028…) never reach
# the file: in a paragraph they are paragraph breaks (content.paragraphs), elsewhere a space.
_INLINE = re.compile(r"([\\`*_~\[\]<>])")
_CELL = re.compile(r"([|#])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_BLOCK_START = re.compile(r"^([0-9]{1,9})([.)])(?=[ \t]|$)|^([+\-=#])")


def _inline(text: str) -> str:
    """Text on one line with no Markdown meaning: line ends become spaces, markup is escaped."""
    text = C.LINE_BREAKS.sub(" ", text)
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))


def _md(text: str) -> str:
    """A title, heading or table cell."""
    return _CELL.sub(r"\\\1", _inline(text)).strip()


def _text(text: str) -> str:
    """Paragraph text that Markdown will not turn into a list, heading, code or emphasis."""
    text = _inline(text).strip(" \t")
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", text)


def _owner(g: Grid) -> dict[tuple[int, int], GridCell]:
    owner = {}
    for cell in g.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = cell
    return owner


def _path(cells: list[GridCell | None]) -> str:
    seen: list[str] = []
    for cell in cells:
        if cell is not None and cell.text and (not seen or seen[-1] != cell.text):
            seen.append(cell.text)
    return SEP.join(seen)


def _pipe_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_md(h) for h in header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    return out


def _value_columns(g: Grid, owner: dict, rows: range) -> list[int]:
    """Grid columns where a value cell starts, in order."""
    return sorted({c.col for c in g.value_cells() if c.row in rows})


def _block_table(block: C.TableBlock) -> list[str]:
    """表二: a title line and a small table per block."""
    g, owner = block.grid, _owner(block.grid)
    out: list[str] = []
    header: list[str] = []
    rows: list[list[str]] = []
    cols: list[int] = []

    def flush() -> None:
        if header:
            out.extend(_pipe_table(header, rows))
            out.append("")

    for r in range(g.rows):
        starts = [c for c in g.cells if c.row == r]
        if len(starts) == 1 and starts[0].role == "title":
            flush()
            header, rows = [], []
            out.append(f"**{_md(starts[0].text)}**")
            out.append("")
        elif all(c.role == "header" for c in starts):
            starts.sort(key=lambda c: c.col)
            header = [c.text for c in starts]
            cols = [c.col for c in starts]
        else:
            rows.append([owner[(r, c)].text if owner[(r, c)].role != "value" else block.texts.get((r, c), "") for c in cols])
    flush()
    return out


def _grid_table(block: C.TableBlock) -> list[str]:
    g, owner = block.grid, _owner(block.grid)
    body = range(g.header_rows, g.rows)
    value_cols = _value_columns(g, owner, body)
    label_cols = [c for c in range(g.cols) if c not in value_cols]
    col_header = {c: _path([owner.get((r, c)) for r in range(g.header_rows)]) for c in value_cols}
    label_header = _path([owner.get((r, c)) for r in range(g.header_rows) for c in label_cols])
    if len(body) == 1 and not label_cols:
        r = body.start
        return _pipe_table(["项目", "数量"], [[col_header[c], block.texts.get((r, c), "")] for c in value_cols])
    rows = []
    for r in body:
        label = _path([owner.get((r, c)) for c in label_cols])
        rows.append([label] + [block.texts.get((r, c), "") for c in value_cols])
    return _pipe_table([label_header] + [col_header[c] for c in value_cols], rows)


def render_markdown(report: Report) -> str:
    out: list[str] = []
    for block in C.build(report):
        if isinstance(block, C.Title):
            out += [f"# {_md(block.text)}", ""]
        elif isinstance(block, C.Heading):
            out += [("## " if block.level == 1 else "### ") + _md(block.text), ""]
        elif isinstance(block, C.Paragraph):
            lead = f"**{_text(block.lead)}**" if block.lead else ""
            rest = block.text[len(block.lead) :]
            out += [lead + _text(rest), ""]
        elif isinstance(block, C.TableBlock):
            blocks = any(c.role == "title" for c in block.grid.cells)
            out += _block_table(block) if blocks else _grid_table(block)
            if out[-1] != "":
                out.append("")
        elif isinstance(block, C.Signature):
            # Agency and date on two lines (a trailing double space is a Markdown line break).
            out += ["  \n".join(_text(line) for line in (block.agency, block.date) if line), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def write_markdown(report: Report, path: str | Path) -> Path:
    return atomic_write(path, render_markdown(report), make_dirs=True)
