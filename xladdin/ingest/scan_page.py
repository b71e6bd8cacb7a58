"""One page image read: prepared (scan_image), its ruled tables found (scan_grid) and read cell
by cell — each cell's crop split into its lines of ink and each line recognised alone — and the
text outside the tables detected and recognised line by line.

A cell is blank only when its crop is clearly empty (no mark the size of a stroke); a cell with
ink that reads as nothing is kept as unreadable, never as blank. Page numbers ("— 5 —") and
anything else outside a table are text lines, never cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .lines import Line, clean_cell, is_page_number, row_line
from .ocr import Char, Engine, Reading
from .pdf_tables import Word, join_line, visual_lines
from .scan_grid import Cell, Table, rulings, tables
from .scan_image import Prepared, prepare


@dataclass
class CellRead:
    cell: Cell
    lines: list[Reading] = field(default_factory=list)
    ink: bool = False  # marks the size of a stroke in the crop

    @property
    def text(self) -> str:
        return " ".join(r.text for r in self.lines if r.text).strip()

    @property
    def chars(self) -> tuple[Char, ...]:
        return tuple(c for r in self.lines for c in r.chars)


@dataclass
class PageTable:
    table: Table
    cells: list[CellRead]

    def row_cells(self, row: int) -> list[CellRead]:
        """The cells covering grid row `row`, left to right."""
        return sorted((c for c in self.cells if c.cell.row <= row < c.cell.row + c.cell.rows), key=lambda c: c.cell.col)


@dataclass
class ScanPage:
    number: int
    lines: list[Line]  # text lines and table rows, top to bottom (page numbers dropped)
    tables: list[PageTable]
    height: int
    prepared: Prepared | None = None  # kept for the overlay only


_FOLIO = re.compile(r"^[-—–－一~〜_=·.。\s]*\d{1,3}[-—–－一~〜_=·.。\s]*$")


def is_folio(text: str) -> bool:
    """A page number as OCR reads it in a page margin: "— 5 —" may come out as "-5一"."""
    t = text.replace(" ", "")
    return is_page_number(t) or (bool(_FOLIO.match(t)) and not t.isdigit()) or bool(re.fullmatch(r"\d{1,3}", t))


def _line_boxes(ink: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the lines of ink in a cell crop: rows of ink, split where a
    blank band runs across the crop (a slight dilation keeps 三's strokes one line)."""
    import cv2

    k = max(3, int(0.025 * dpi))
    grown = cv2.dilate(ink.astype(np.uint8), np.ones((k, 1), np.uint8))
    rows = grown.any(axis=1)
    out = []
    y = 0
    n = len(rows)
    while y < n:
        if not rows[y]:
            y += 1
            continue
        y1 = y
        while y1 < n and rows[y1]:
            y1 += 1
        band = ink[y:y1]
        cols = np.nonzero(band.any(axis=0))[0]
        if len(cols):
            ys = np.nonzero(band.any(axis=1))[0]
            out.append((int(cols[0]), y + int(ys[0]), int(cols[-1]) + 1, y + int(ys[-1]) + 1))
        y = y1
    return _join_thin(out)


def _join_thin(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Bands much lower than the cell's tallest (the strokes of 三 or 二 in a vertical label)
    joined to their nearer neighbour: a line of text is never a single stroke high."""
    boxes = list(boxes)
    while len(boxes) > 1:
        tallest = max(b[3] - b[1] for b in boxes)
        thin = next((i for i, b in enumerate(boxes) if b[3] - b[1] < 0.45 * tallest), None)
        if thin is None:
            break
        b = boxes[thin]
        gaps = []
        if thin > 0:
            gaps.append((b[1] - boxes[thin - 1][3], thin - 1))
        if thin + 1 < len(boxes):
            gaps.append((boxes[thin + 1][1] - b[3], thin + 1))
        other = min(gaps)[1]
        a, c = boxes[min(thin, other)], boxes[max(thin, other)]
        boxes[min(thin, other) : max(thin, other) + 1] = [(min(a[0], c[0]), a[1], max(a[2], c[2]), c[3])]
    return boxes


def _marks(ink: np.ndarray, dpi: float) -> np.ndarray:
    """The ink of a crop without specks smaller than a stroke, nor rule remnants along its edges."""
    import cv2

    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, dtype=bool)
    min_h = max(3, 0.03 * dpi)
    min_area = max(5, 0.0003 * dpi * dpi)
    h, w = ink.shape
    for c in range(1, n):
        x, y, bw, bh, area = stats[c]
        if area < min_area or (bh < min_h and bw < min_h):
            continue
        thin = 0.03 * dpi
        thin_rule = (bh <= thin and bw >= 0.6 * w) or (bw <= thin and bh >= 0.6 * h)
        # a sliver of a slightly tilted rule entering the crop along its edge
        edge_sliver = (bh <= thin and (y == 0 or y + bh == h)) or (bw <= thin and (x == 0 or x + bw == w))
        if thin_rule or edge_sliver:
            continue
        keep[c] = True
    return keep[labels]


def read_cells(engine: Engine, page: Prepared, table: Table) -> list[CellRead]:
    dpi = page.dpi
    margin = max(2, int(0.025 * dpi))
    reads: list[CellRead] = []
    crops: list[np.ndarray] = []
    owners: list[int] = []
    for cell in table.cells:
        x0, y0, x1, y1 = cell.box
        cx0, cy0, cx1, cy1 = x0 + margin, y0 + margin, x1 - margin, y1 - margin
        read = CellRead(cell)
        reads.append(read)
        if cx1 - cx0 < 4 or cy1 - cy0 < 4:
            continue
        marks = _marks(page.ink[cy0:cy1, cx0:cx1], dpi)
        if not marks.any():
            continue
        read.ink = True
        pad = max(3, int(0.03 * dpi))
        for lx0, ly0, lx1, ly1 in _line_boxes(marks, dpi):
            gx0, gy0 = max(0, cx0 + lx0 - pad), max(0, cy0 + ly0 - pad)
            gx1, gy1 = min(page.gray.shape[1], cx0 + lx1 + pad), min(page.gray.shape[0], cy0 + ly1 + pad)
            crop = page.gray[gy0:gy1, gx0:gx1].copy()
            # the rules around the cell are not part of its text
            crop[: max(0, y0 + margin - gy0)] = 255
            crop[max(0, y1 - margin - gy0) :] = 255
            crop[:, : max(0, x0 + margin - gx0)] = 255
            crop[:, max(0, x1 - margin - gx0) :] = 255
            crops.append(crop)
            owners.append(len(reads) - 1)
    for i, r in zip(owners, engine.recognise(crops), strict=True):
        reads[i].lines.append(r)
    return reads


def _prose_words(engine: Engine, page: Prepared, boxes: list[tuple[int, int, int, int]]) -> list[Word]:
    gray = page.gray.copy()
    for x0, y0, x1, y1 in boxes:
        gray[max(0, y0 - 4) : y1 + 5, max(0, x0 - 4) : x1 + 5] = 255
    found = engine.detect(gray)
    crops = [gray[y0:y1, x0:x1] for x0, y0, x1, y1 in found]
    words = []
    for (x0, y0, x1, y1), r in zip(found, engine.recognise(crops), strict=True):
        text = r.text.strip()
        if text:
            words.append(Word(text, x0, y0, x1, y1, r.conf))
    return words


def _table_rows(pt: PageTable) -> list[tuple[float, list[str]]]:
    """(top, cells) of each grid row: the cells that start in it (merged cells once)."""
    out = []
    for row in range(len(pt.table.ys) - 1):
        cells = [clean_cell(c.text) for c in sorted(pt.cells, key=lambda c: c.cell.col) if c.cell.row == row]
        if cells:
            out.append((pt.table.ys[row], cells))
    return out


def read_page(engine: Engine, image: object, dpi: float, number: int, keep: bool = False) -> ScanPage:
    from .pdf import OCR_MARK

    page = prepare(image, dpi)
    found = [t for t in tables(rulings(page.gray, dpi), dpi) if len(t.cells) >= 2]
    page_tables = [PageTable(t, read_cells(engine, page, t)) for t in found]
    words = _prose_words(engine, page, [t.box for t in found])
    items: list[tuple[float, int, object]] = []
    for pt in page_tables:
        items += [(top, 1, cells) for top, cells in _table_rows(pt)]
    lines = visual_lines(words)
    right = max((max(w.x1 for w in ln) for ln in lines), default=0.0)
    h = page.gray.shape[0]
    for ln in lines:
        text = join_line(ln)
        top = min(w.top for w in ln)
        edge = top < 0.1 * h or top > 0.88 * h
        if edge and is_folio(text):
            continue  # "— 5 —" is the page's number, never text nor a cell
        size = float(np.median([w.height for w in ln]))
        items.append((top, 0, (text, max(w.x1 for w in ln) >= right - 1.5 * size)))
    items.sort(key=lambda it: (it[0], it[1]))
    out: list[Line] = []
    for i, (_, kind, content) in enumerate(items, start=1):
        where = f"第{number}页第{i}行{OCR_MARK}"
        if kind:
            out.append(row_line(content, where, number))  # type: ignore[arg-type]
        else:
            text, wrapped = content  # type: ignore[misc]
            out.append(Line(clean_cell(text), where, None, number, wrapped))
    return ScanPage(number, out, page_tables, h, page if keep else None)
