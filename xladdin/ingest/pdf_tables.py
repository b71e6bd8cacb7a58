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
_ZERO_LIKE = {"o", "O", "〇", "○", "D", "Q", "°"}
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


def cluster(values: list[float], tol: float) -> list[float]:
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


def covered(segs: list[Segment], pos: float, at: float, tol: float) -> bool:
    return any(abs(s.pos - pos) <= tol and s.a - tol <= at <= s.b + tol for s in segs)


def _cut_at(words: list[Word], bounds: list[float], tol: float) -> list[Word]:
    """Words that run across a column boundary (an OCR box over two cells, "10" and "0"
    read as "100") cut there, each character given an equal share of the box."""
    out: list[Word] = []
    for w in words:
        crossed = [x for x in bounds if w.x0 + tol < x < w.x1 - tol]
        if not crossed or len(w.text) < 2:
            out.append(w)
            continue
        unit = (w.x1 - w.x0) / len(w.text)
        pieces: list[list[int]] = []
        for i in range(len(w.text)):
            col = sum(1 for x in crossed if w.x0 + (i + 0.5) * unit > x)
            if pieces and pieces[-1][0] == col:
                pieces[-1][2] = i + 1
            else:
                pieces.append([col, i, i + 1])
        for _, a, b in pieces:
            out.append(replace(w, text=w.text[a:b], x0=w.x0 + a * unit, x1=w.x0 + b * unit))
    return out


def grid_rows(words: list[Word], segs: list[Segment], tol: float) -> list[Block]:
    """The table drawn by `segs` as rows of cells (each merged cell once, in the row it starts)."""
    hs = [s for s in segs if s.horizontal]
    vs = [s for s in segs if not s.horizontal]
    ys = cluster([s.pos for s in hs], tol)
    xs = cluster([s.pos for s in vs], tol)
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
            if j + 1 < nc and not covered(vs, xs[j + 1], ym, tol):
                union((i, j), (i, j + 1))
            if i + 1 < nr and not covered(hs, ys[i + 1], xm, tol):
                union((i, j), (i + 1, j))
    content: dict[tuple[int, int], list[Word]] = {}
    for w in _cut_at(words, xs[1:-1], tol):
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


_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[-/—－]$")


def _numbers(line: list[Word]) -> list[Word]:
    """The numbers a line ends with (its cells in a borderless table)."""
    out: list[Word] = []
    for w in reversed(line):
        if not _NUMBER.match(w.text):
            break
        out.insert(0, w)
    return out


def _header_columns(above: list[list[Word]], numbers: list[Word], h: float) -> list[float]:
    """Column centres from a header line just above a borderless table (table 四: one row of
    15 numbers under "结果维持 结果纠正 …"): the number-free line with the most words, used
    when every number stands under a word of it and no two under the same word."""
    heads = [ln for ln in above if not _numbers(ln) and len(ln) >= 2]
    if not heads:
        return []
    centers = [w.cx for w in max(heads, key=len)]
    taken = [min(range(len(centers)), key=lambda c: abs(centers[c] - w.cx)) for w in numbers]
    for w, c in zip(numbers, taken, strict=True):
        if abs(centers[c] - w.cx) > h:
            return []
    per_line: dict[float, list[int]] = {}
    for w, c in zip(numbers, taken, strict=True):
        per_line.setdefault(w.top, []).append(c)
    if any(len(set(cs)) != len(cs) for cs in per_line.values()):
        return []
    return centers


def _even_columns(numbers: list[Word]) -> list[float]:
    """One row of numbers (table 四 printed alone) in columns of about one width, with a gap
    of two or more widths where cells are blank: the column centres, the blank ones included.
    A blank first or last cell leaves no gap and is not seen."""
    if len(numbers) < 4:
        return []
    xs = [w.cx for w in numbers]
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    step = median(gaps)
    if step <= 0:
        return []
    cells = [1 if g < 1.5 * step else round(g / step) for g in gaps]  # narrower columns: one step
    if all(k == 1 for k in cells) or any(k > 1 and abs(g / step - k) > 0.2 for g, k in zip(gaps, cells, strict=True)):
        return []
    centers = [xs[0]]
    for g, k in zip(gaps, cells, strict=True):
        base = centers[-1]
        centers += [base + g * (j + 1) / k for j in range(k)]
    return centers


def aligned_rows(lines: list[list[Word]], h: float) -> dict[int, list[str]]:
    """Borderless tables: runs of lines ending with two or more numbers whose numbers stand in
    the same columns. Line index -> cells (label, then one cell per column, "" where the line
    prints nothing in that column). A run is used only when its fullest line fills every column."""
    out: dict[int, list[str]] = {}
    run: list[int] = []

    def flush() -> None:
        if not run:
            return
        nums = {i: _numbers(lines[i]) for i in run}
        centers = cluster([w.cx for i in run for w in nums[i]], h)
        if len(run) < 2 or len(centers) != max(len(v) for v in nums.values()):
            centers = _header_columns(lines[max(0, run[0] - 4) : run[0]], [w for i in run for w in nums[i]], h)
        if not centers and len(run) == 1:
            centers = _even_columns(nums[run[0]])
        if centers:
            for i in run:
                label = [w for w in lines[i] if w not in nums[i]]
                cells = [""] * len(centers)
                for w in nums[i]:
                    cells[min(range(len(centers)), key=lambda c: abs(centers[c] - w.cx))] = w.text
                out[i] = [join_line(label)] + cells
        run.clear()

    for i, ln in enumerate(lines):
        if sum(w.text[0].isdigit() for w in _numbers(ln)) >= 2:
            run.append(i)
        elif _numbers(ln) or not run or i - run[-1] > 2:
            flush()
    flush()
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
    aligned = aligned_rows(lines, h)
    for n, ln in enumerate(lines):
        size = line_height(ln)
        top = min(w.top for w in ln)
        if n in aligned:
            blocks.append(Block(top, " ".join(c for c in aligned[n] if c), aligned[n]))
        else:
            blocks.append(Block(top, join_line(ln), None, max(w.x1 for w in ln) >= right - 1.5 * size))
    blocks.sort(key=lambda b: b.top)
    return blocks
