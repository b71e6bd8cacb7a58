"""The ruled grids read from a scan's pages -> tables 二, 三, 四 of the official format.

Which table a grid is, and which official row each grid row is, comes from the grid's label
cells: their text is matched to the spec's labels (labels.match, tolerant of OCR slips), and the
rows are aligned to the official rows in order (dynamic programming), so a row whose label the
OCR garbled still takes its place between the rows around it. The value cells of a row are the
cells at the right of its label, by position. Nothing is ever mapped by the order in which digits
happen to be found. Grids of one table on consecutive pages (table 三 split across a page, its
header not repeated) are one table.

Each value cell becomes a solver row of its own (repair.Row): a cell read with confidence is its
reading; a cell whose glyphs the recogniser was unsure of (a low probability, or a runner-up that
is a look-alike digit: 0/8/6, 1/7, 3/8 …) has one option per candidate reading, and the
identities decide between them (repair.solve) or leave it in doubt; a cell with ink that reads as
no number is 待核 at once (values.Doubt). A clearly empty crop is a printed blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..spec import SPEC
from ..spec.format2021 import T3_COLS, T3_ROWS, T4_SUFFIXES
from ..values import PLACEHOLDERS, Doubt
from .labels import Target, match, norm, t2_rows, t2_targets, t3_targets
from .ocr import Char
from .ocr_check import LOOKALIKE
from .repair import Option, Row, Segment
from .scan_page import CellRead, PageTable
from .tables import TableRead, t4_keys

P_SURE = 0.90  # a digit read with less probability than this is in doubt
ALT_SURE = 0.08  # a look-alike runner-up with more probability than this puts a digit in doubt
MAX_CANDIDATES = 6

_ZERO = set("oO〇○DQ°")
_ONE = set("lI|丨")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_PLACEHOLDER = {norm(p) for p in PLACEHOLDERS} | {"-", "—", "/"}


@dataclass
class SpecRow:
    key: str  # row id (t3: "new", …; t2: its label; t4: "")
    target: Target | None
    keys: tuple[str, ...]


@dataclass
class GridRow:
    page: int
    index: int  # grid row in its table (0-based)
    label: str
    values: list[CellRead]  # the cells at the right of the label, left to right
    where: str


@dataclass
class CellValue:
    """What one value cell says: certain text ("" blank), candidates in doubt, or unreadable."""

    text: str = ""
    candidates: tuple[str, ...] = ()
    unreadable: bool = False
    printed: str = ""
    why: str = ""


@dataclass
class Mapped:
    reads: list[TableRead]  # t2, t3, t4
    cells: dict[str, tuple[int, tuple[int, int, int, int]]] = field(default_factory=dict)  # key -> page, box
    doubtful: dict[str, CellValue] = field(default_factory=dict)  # keys read with candidates


def _t3_spec() -> list[SpecRow]:
    targets = {t.key: t for t in t3_targets() if t.kind == "row"}
    return [SpecRow(r, targets.get(r), tuple(f"t3.{r}.{c}" for c, _ in T3_COLS)) for r, _, _ in T3_ROWS]


def _t2_spec() -> list[SpecRow]:
    targets = {t.key: t for t in t2_targets() if t.kind == "row"}
    return [SpecRow(label, targets.get(label), keys) for label, keys in t2_rows().items()]


def _t4_spec() -> list[SpecRow]:
    return [SpecRow("", None, t4_keys())]


def _is_value_text(text: str) -> bool:
    t = norm(text).replace(",", "")
    return t == "" or bool(_NUMBER.match(t)) or t in _PLACEHOLDER or (len(t) <= 2 and set(t) <= (_ZERO | _ONE))


def _row_label(cells: list[CellRead], width: int) -> tuple[str, list[CellRead]] | None:
    """(label, value cells) of a grid row read as a row of `width` values: its last `width`
    cells must look like values (numbers, placeholders, blanks, or unreadable marks)."""
    if len(cells) < width:
        return None
    values = cells[len(cells) - width :]
    wordy = sum(1 for c in values if c.text and not _is_value_text(c.text) and len(norm(c.text)) > 2)
    if wordy > width // 3:
        return None
    label = " ".join(c.text for c in cells[: len(cells) - width] if c.text)
    return label, values


def _score(label: str, row: SpecRow, targets: tuple[Target, ...]) -> float:
    if row.target is None or not label:
        return 0.0
    best, s, earlier = match(label, targets)
    if best is not None and best.kind == "row" and best.key == row.key:
        return s
    return 0.0


def _align(grid: list[tuple[str, list[CellRead]] | None], spec: list[SpecRow], targets: tuple[Target, ...]) -> dict[int, int]:
    """Grid row index -> spec row index: the order-keeping alignment that matches the most
    rows, labels agreeing where they were read (dynamic programming)."""
    n, m = len(grid), len(spec)
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    move: list[list[str]] = [[""] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == neg:
                continue
            if i < n:  # a grid row that is no official row (a header; digits are a loss)
                cost = -1.0 if grid[i] is not None and any(c.text for c in grid[i][1]) else 0.0  # type: ignore[index]
                if here + cost > best[i + 1][j]:
                    best[i + 1][j], move[i + 1][j] = here + cost, "g"
            if j < m:  # an official row not printed
                if here - 0.5 > best[i][j + 1]:
                    best[i][j + 1], move[i][j + 1] = here - 0.5, "s"
            if i < n and j < m and grid[i] is not None and len(grid[i][1]) == len(spec[j].keys):  # type: ignore[index]
                gain = 1.0 + 2.0 * _score(grid[i][0], spec[j], targets)  # type: ignore[index]
                if here + gain > best[i + 1][j + 1]:
                    best[i + 1][j + 1], move[i + 1][j + 1] = here + gain, "m"
    out: dict[int, int] = {}
    i, j = n, m
    while i or j:
        mv = move[i][j]
        if mv == "m":
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif mv == "g":
            i -= 1
        else:
            j -= 1
    return out


T4_HEADS = {norm(label) for _, label in T4_SUFFIXES} - {"总计"}  # 总计 heads table 三 too


def _kind_scores(pt: PageTable) -> dict[str, float]:
    """How much a grid looks like each official table (label matches)."""
    t3 = t3_targets()
    t2 = t2_targets()
    out = {"t2": 0.0, "t3": 0.0, "t4": 0.0}
    for row in range(len(pt.table.ys) - 1):
        for c in pt.row_cells(row):
            if c.cell.row != row or not c.text or _is_value_text(c.text):
                continue
            text = norm(c.text)
            b3, s3, _ = match(c.text, t3)
            b2, s2, _ = match(c.text, t2)
            if b3 is not None and b3.kind in ("row", "group", "result"):
                out["t3"] += s3
            if b2 is not None and b2.kind in ("row", "title"):
                out["t2"] += s2
            if text in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"):
                out["t4"] += 1.0
            elif text in T4_HEADS:
                out["t4"] += 0.3
    return out


def classify(tables: list[tuple[int, PageTable]]) -> list[str]:
    """The official table of each grid ("t2", "t3", "t4" or ""), in reading order: by its
    labels; a grid without telling labels at the top of a page continues the table before it."""
    kinds: list[str] = []
    for n, (page, pt) in enumerate(tables):
        scores = _kind_scores(pt)
        kind, score = max(scores.items(), key=lambda kv: kv[1])
        if score < 1.0:
            prev = kinds[-1] if kinds else ""
            first_on_page = n > 0 and tables[n - 1][0] != page
            kind = prev if prev and first_on_page else ""
        kinds.append(kind)
    return kinds


def cell_value(read: CellRead, kind: str) -> CellValue:
    """What a value cell holds, from its crop's reading."""
    if not read.ink:
        return CellValue("")
    raw = read.text
    t = norm(raw).replace(",", "").replace("，", "")
    if not t:
        return CellValue(unreadable=True, printed="", why="格中有字迹，但文字识别未能读出")
    if t in _PLACEHOLDER:
        return CellValue(t, printed=raw)
    chars = [c for c in read.chars if c.text.strip() and c.text not in ",，"]
    fixed = "".join("0" if ch in _ZERO else "1" if ch in _ONE else ch for ch in t)
    if not _NUMBER.match(fixed) or (kind == "count" and "." in fixed):
        return CellValue(unreadable=True, printed=raw, why=f"文字识别读作“{raw}”，不是数字")
    if len(chars) != len(fixed):
        chars = [Char(ch, 0.0) for ch in fixed]
    options: list[list[str]] = []
    doubt = []
    for ch, c in zip(fixed, chars, strict=True):
        alts = [ch]
        looks = LOOKALIKE.get(ch, "")
        swapped = c.text != ch  # read as a letter (o for 0): in doubt
        alt_digit = c.alt if c.alt.isdigit() else "0" if c.alt in _ZERO else "1" if c.alt in _ONE else ""
        if swapped or c.prob < P_SURE or (alt_digit and alt_digit != ch and c.alt_prob >= ALT_SURE):
            if alt_digit and alt_digit != ch:
                alts.append(alt_digit)
            alts += [d for d in looks if d not in alts]
            doubt.append(ch)
        options.append(alts)
    if not doubt:
        return CellValue(fixed, printed=raw)
    cands = [""]
    for alts in options:
        cands = [c + a for c in cands for a in alts][: MAX_CANDIDATES * 4]
    cands = [c for c in cands if len(c) == 1 or c[0] != "0" or c.startswith("0.")]
    ordered = list(dict.fromkeys([fixed] + cands))[:MAX_CANDIDATES]
    why = f"文字识别存疑（读作“{raw}”，字形相近，也可能是 {'、'.join(ordered[1:])}）"
    return CellValue(fixed, tuple(ordered), printed=raw, why=why)


def _solver_row(key: str, value: CellValue, where: str) -> Row | None:
    kind = SPEC.cell(key).kind
    if value.unreadable:
        return None
    if value.candidates:
        opts = [Option([Segment((key,), (kind,), (c,))], value.why) for c in value.candidates]
        return Row((key,), opts, value.printed, where)
    return Row((key,), [Option([Segment((key,), (kind,), (value.text,))])], value.printed, where)


def map_tables(pages: list[tuple[int, list[PageTable]]], mark: str) -> Mapped:
    """Tables 二, 三, 四 from the grids of all pages (TableRead.found False for a table not seen)."""
    grids = [(page, pt) for page, pts in pages for pt in pts]
    kinds = classify(grids)
    specs = {"t2": _t2_spec(), "t3": _t3_spec(), "t4": _t4_spec()}
    targets = {"t2": t2_targets(), "t3": t3_targets(), "t4": ()}
    out = Mapped([TableRead(), TableRead(), TableRead()])
    for t_index, kind in enumerate(("t2", "t3", "t4")):
        mine = [(page, pt) for (page, pt), k in zip(grids, kinds, strict=True) if k == kind]
        if not mine:
            continue
        read = out.reads[t_index]
        read.found = True
        spec = specs[kind]
        widths = sorted({len(s.keys) for s in spec})
        rows: list[GridRow] = []
        shaped: list[tuple[str, list[CellRead]] | None] = []
        for page, pt in mine:
            for r in range(len(pt.table.ys) - 1):
                cover = pt.row_cells(r)
                if not any(c.cell.row == r for c in cover):
                    continue
                # the row read with each width its table has; the longest that fits
                got = None
                for w in reversed(widths):
                    got = _row_label(cover, w)
                    if got is not None:
                        break
                rows.append(GridRow(page, r, got[0] if got else "", got[1] if got else [], f"第{page}页表格第{r + 1}行{mark}"))
                shaped.append(got)
        pairing = _align(shaped, spec, targets[kind])
        taken: set[int] = set()
        for gi, si in sorted(pairing.items()):
            grow, srow = rows[gi], spec[si]
            taken.add(si)
            label_ok = _score(grow.label, srow, targets[kind]) > 0 or kind == "t4"
            for key, cell in zip(srow.keys, grow.values, strict=True):
                value = cell_value(cell, SPEC.cell(key).kind)
                read.where[key] = grow.where
                out.cells[key] = (grow.page, cell.cell.box)
                if not label_ok:
                    read.notes[key] = f"原文行标签“{grow.label or '（未能识别）'}”未能与格式对上，按此行在表格中的位置读取"
                if value.unreadable:
                    read.fixed[key] = Doubt(value.printed, (), value.why, grow.where)
                    read.notes[key] = f"无法读取：{value.why}"
                    continue
                if value.candidates:
                    out.doubtful[key] = value
                row = _solver_row(key, value, grow.where)
                if row is not None:
                    read.rows.append(row)
        for si, srow in enumerate(spec):
            if si in taken:
                continue
            read.rows.append(Row(srow.keys, [Option([Segment(srow.keys, tuple("count" for _ in srow.keys), None, absent=True)])]))
            for key in srow.keys:
                read.notes[key] = "原文未找到此行"
    return out


__all__ = ["CellValue", "Mapped", "cell_value", "classify", "map_tables"]
