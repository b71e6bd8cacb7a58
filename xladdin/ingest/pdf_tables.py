"""A page's words and ruling lines -> lines and table rows, by geometry.

Used for pages read by OCR (word boxes from the engine, ruling lines found in the image) and
for born-digital pages whose tables pdfplumber could not cut (its word boxes, lines and rect
edges). Units do not matter (pixels or points): tolerances are relative to the median height
of the words.

A table is a connected set of ruling segments. Its row boundaries are the distinct heights of
its horizontal segments, its column boundaries the distinct positions of its vertical ones;
two neighbouring grid cells are one merged cell when no segment separates them. Each word goes
to the grid cell holding its centre, so a cell printed blank stays blank, a dropped number does
not shift the others, and a label written over several lines in one cell is joined. A table
row is given as the cells that start in it (as the HTML reader does with rowspan/colspan), in
a form the table reader (tables.py) already understands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from statistics import median


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = 1.0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True)
class Segment:
    """A ruling line: horizontal (pos = y, from x a to b) or vertical (pos = x, from y a to b)."""

    horizontal: bool
    pos: float
    a: float
    b: float


@dataclass
class Block:
    """A visual text line (cells None) or a table row (cells), with its top for ordering."""

    top: float
    text: str
    cells: list[str] | None = None
    wrapped: bool = False


_SEP = re.compile(r"[\s|｜]+")
_ZERO_LIKE = {"o", "O", "〇", "○", "D", "Q"}
_ONE_LIKE = {"l", "I", "|", "丨"}


def split_words(words: list[Word]) -> list[Word]:
    """OCR boxes that hold several pieces ("商业企业 科研机构", "社会公益|法律服务") cut into
    one word per piece, each given a share of the box in proportion to its characters."""
    out: list[Word] = []
    for w in words:
        parts = [p for p in _SEP.split(w.text.strip()) if p]
        if len(parts) <= 1:
            if parts:
                out.append(replace(w, text=parts[0]))
            continue
        total = sum(len(p) for p in parts) + len(parts) - 1
        unit = (w.x1 - w.x0) / total
        x = w.x0
        for p in parts:
            out.append(replace(w, text=p, x0=x, x1=x + unit * len(p)))
            x += unit * (len(p) + 1)
    return out


def line_height(words: list[Word]) -> float:
    return median(w.height for w in words) if words else 10.0


def visual_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines (vertical overlap with the line's first word), left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.cy, w.x0)):
        for line in lines:
            ref = line[0]
            overlap = min(ref.bottom, w.bottom) - max(ref.top, w.top)
            if overlap > 0.5 * min(ref.height, w.height):
                line.append(w)
                break
        else:
            lines.append([w])
    for line in lines:
        line.sort(key=lambda w: w.x0)
    lines.sort(key=lambda ln: min(w.top for w in ln))
    return lines


def join_line(line: list[Word]) -> str:
    """A line's words as text: a space where the gap is wide, none inside CJK runs."""
    out = ""
    prev: Word | None = None
    for w in line:
        if prev is not None:
            gap = w.x0 - prev.x1
            out += " " if gap > 0.6 * max(prev.height, w.height) else ""
        out += w.text
        prev = w
    return out


def cell_text(words: list[Word]) -> str:
    """The words of one cell: lines top to bottom joined by a space; a cell that reads as a
    number with OCR look-alikes (o for 0, l for 1) or stray spaces between digits is cleaned."""
    text = " ".join(join_line(ln) for ln in visual_lines(words))
    squeezed = text.replace(" ", "")
    if squeezed in _ZERO_LIKE:
        return "0"
    if squeezed in _ONE_LIKE:
        return "1"
    if re.fullmatch(r"[\d,.]+", squeezed):
        return squeezed
    return text


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _touch(s: Segment, t: Segment, tol: float) -> bool:
    if s.horizontal == t.horizontal:
        return abs(s.pos - t.pos) <= tol and s.a <= t.b + tol and t.a <= s.b + tol
    h, v = (s, t) if s.horizontal else (t, s)
    return h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol


def tables_of(segments: list[Segment], tol: float) -> list[list[Segment]]:
    """Connected groups of segments with at least 3 horizontal and 3 vertical lines."""
    groups: list[list[Segment]] = []
    for s in segments:
        joined = [g for g in groups if any(_touch(s, t, tol) for t in g)]
        merged = [s] + [t for g in joined for t in g]
        groups = [g for g in groups if all(g is not j for j in joined)] + [merged]
    return [g for g in groups if sum(s.horizontal for s in g) >= 3 and sum(not s.horizontal for s in g) >= 3]


def _covered(segs: list[Segment], pos: float, at: float, tol: float) -> bool:
    return any(abs(s.pos - pos) <= tol and s.a - tol <= at <= s.b + tol for s in segs)


def grid_rows(words: list[Word], segs: list[Segment], tol: float) -> list[Block]:
    """The table drawn by `segs` as rows of cells (each merged cell once, in the row it starts)."""
    hs = [s for s in segs if s.horizontal]
    vs = [s for s in segs if not s.horizontal]
    ys = _cluster([s.pos for s in hs], tol)
    xs = _cluster([s.pos for s in vs], tol)
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = {(i, j): (i, j) for i in range(nr) for j in range(nc)}

    def find(c: tuple[int, int]) -> tuple[int, int]:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i in range(nr):
        ym = (ys[i] + ys[i + 1]) / 2
        for j in range(nc):
            xm = (xs[j] + xs[j + 1]) / 2
            if j + 1 < nc and not _covered(vs, xs[j + 1], ym, tol):
                union((i, j), (i, j + 1))
            if i + 1 < nr and not _covered(hs, ys[i + 1], xm, tol):
                union((i, j), (i + 1, j))
    content: dict[tuple[int, int], list[Word]] = {}
    for w in words:
        i = next((k for k in range(nr) if ys[k] <= w.cy < ys[k + 1]), None)
        j = next((k for k in range(nc) if xs[k] <= w.cx < xs[k + 1]), None)
        if i is not None and j is not None:
            content.setdefault(find((i, j)), []).append(w)
    origins = sorted({find(c) for c in parent})
    out: list[Block] = []
    for i in range(nr):
        cells = [cell_text(content.get(o, [])) for o in origins if o[0] == i]
        if cells and any(cells):
            out.append(Block(ys[i], " ".join(c for c in cells if c), cells))
        elif cells:
            out.append(Block(ys[i], "", cells))
    return out


def page_blocks(words: list[Word], segments: list[Segment]) -> list[Block]:
    """A page as blocks in reading order: table rows for words inside ruled tables, visual
    lines for the rest (with `wrapped` when the line runs to the right margin)."""
    words = split_words(words)
    h = line_height(words)
    tol = max(2.0, 0.3 * h)
    blocks: list[Block] = []
    rest = list(words)
    for table in tables_of([s for s in segments if s.b - s.a >= h], tol):
        x0 = min(s.pos if not s.horizontal else s.a for s in table) - tol
        x1 = max(s.pos if not s.horizontal else s.b for s in table) + tol
        y0 = min(s.pos if s.horizontal else s.a for s in table) - tol
        y1 = max(s.pos if s.horizontal else s.b for s in table) + tol
        inside = [w for w in rest if x0 <= w.cx <= x1 and y0 <= w.cy <= y1]
        blocks += grid_rows(inside, table, tol)
        rest = [w for w in rest if not (x0 <= w.cx <= x1 and y0 <= w.cy <= y1)]
    lines = visual_lines(rest)
    right = max((max(w.x1 for w in ln) for ln in lines), default=0.0)
    for ln in lines:
        size = line_height(ln)
        blocks.append(Block(min(w.top for w in ln), join_line(ln), None, max(w.x1 for w in ln) >= right - 1.5 * size))
    blocks.sort(key=lambda b: b.top)
    return blocks
