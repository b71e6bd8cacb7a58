"""Ruled tables of a prepared page image: ruling lines by morphology (an opening with a long
thin kernel keeps lines and drops letters), the grid they draw, and its merged cells.

A table is a connected set of ruling segments (pdf_tables.tables_of). Its row boundaries are
the distinct heights of its horizontal segments, its column boundaries the distinct positions
of its vertical ones; two neighbouring grid slots are one merged cell when no segment separates
them. Each cell keeps its box in the page's pixels, for the crop that is read and the overlay.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pdf_tables import Segment, cluster, covered, tables_of


@dataclass
class Cell:
    row: int  # first grid row
    col: int  # first grid column
    rows: int  # rows spanned
    cols: int  # columns spanned
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels (on the ruling lines)


@dataclass
class Table:
    ys: list[float]  # row boundaries, top to bottom
    xs: list[float]  # column boundaries, left to right
    cells: list[Cell]

    @property
    def box(self) -> tuple[int, int, int, int]:
        return int(self.xs[0]), int(self.ys[0]), int(self.xs[-1]), int(self.ys[-1])


def rulings(gray: np.ndarray, dpi: float) -> list[Segment]:
    """Horizontal and vertical ruling segments of a prepared page."""
    import cv2

    dark = (gray < 200).astype(np.uint8)  # lenient: a thin blurred rule is light grey
    hlen = max(15, int(0.3 * dpi))
    vlen = max(12, int(0.2 * dpi))
    bridge = max(3, int(0.02 * dpi))
    hmask = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hlen, 1)))
    hmask = cv2.morphologyEx(hmask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (bridge * 3, 3)))
    vmask = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vlen)))
    vmask = cv2.morphologyEx(vmask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, bridge * 3)))
    out: list[Segment] = []
    for mask, horizontal in ((hmask, True), (vmask, False)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, w, h, _area in stats[1:]:
            if horizontal and w >= hlen and h <= 0.08 * dpi:
                out.append(Segment(True, y + (h - 1) / 2, x, x + w - 1))
            elif not horizontal and h >= vlen and w <= 0.08 * dpi:
                out.append(Segment(False, x + (w - 1) / 2, y, y + h - 1))
    return out


def tables(segments: list[Segment], dpi: float) -> list[Table]:
    """The ruled tables drawn by `segments`, top to bottom."""
    tol = max(3.0, 0.03 * dpi)
    found = []
    for group in tables_of(segments, tol):
        t = _grid(group, tol)
        if t is not None:
            found.append(t)
    return sorted(found, key=lambda t: t.ys[0])


def _grid(segs: list[Segment], tol: float) -> Table | None:
    hs = [s for s in segs if s.horizontal]
    vs = [s for s in segs if not s.horizontal]
    ys = cluster([s.pos for s in hs], tol)
    xs = cluster([s.pos for s in vs], tol)
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr < 1 or nc < 1:
        return None
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
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for c in parent:
        spans.setdefault(find(c), []).append(c)
    cells = []
    for slots in spans.values():
        r0, r1 = min(s[0] for s in slots), max(s[0] for s in slots) + 1
        c0, c1 = min(s[1] for s in slots), max(s[1] for s in slots) + 1
        box = (int(xs[c0]), int(ys[r0]), int(xs[c1]), int(ys[r1]))
        cells.append(Cell(r0, c0, r1 - r0, c1 - c0, box))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(ys, xs, cells)
