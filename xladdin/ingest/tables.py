"""Find the table cells in the lines of sections 二, 三 and 四 by their labels (from SPEC).

Each line becomes an event: a label (matched to a spec row, a group heading, a header, or
nothing) and the value tokens printed with it. Labels and numbers are then paired in document
order: in PDF text the numbers of a row often sit on the line before or after its label, but
they always keep the order of the rows. Pairings that are not certain become alternative
readings for `repair.solve`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..spec import SPEC
from ..spec.format2021 import (
    T2_2019_COLUMNS,
    T2_DOC_MEASURES,
    T3_COLS,
    T3_GROUPS,
    T3_ROWS,
    T4_GROUPS,
    T4_SUFFIXES,
)
from ..values import PLACEHOLDERS, Value
from .labels import Target, header_words, match, norm, t2_rows, t2_targets, t3_targets
from .lines import Line, is_page_number
from .repair import Option, Row, absent_segment, plain_row, segment

_VALUE = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_GLUED = re.compile(r"^(.*?\D)(\d+(?:\.\d+)?)$")
MAX_ALTERNATIVES = 200
MAX_INSERT_JOINS = 2  # at most this many numbers split by a space in one row


def is_value(token: str) -> bool:
    t = token.strip().translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,"))
    return bool(_VALUE.match(t)) or t in PLACEHOLDERS


# One printed cell holding digits with spaces inside ("1 9": a copy-paste, a PDF extraction):
# a number with a space in it, never the label of its row.
_SPACED = re.compile(r"^\d+(?:[ \u3000\u00a0]+\d+)+$")


def spaced(token: str) -> bool:
    return bool(_SPACED.match(token.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))))


def _fw(token: str) -> str:
    return token.strip().translate(str.maketrans("０１２３４５６７８９．，−", "0123456789.,-")).replace(",", "")


@dataclass
class Event:
    line: Line
    label: str
    tokens: list[str]  # value tokens; "" is a printed blank cell
    blank_row: bool = False  # explicit cells, all blank
    target: Target | None = None
    earlier: list[Target] = field(default_factory=list)


_CELL_NOTE = re.compile(r"^\s*([-−]?\d[\d,]*(?:\.\d+)?)\s*[（(][^（）()]{1,40}[）)]\s*$")


def bare(text: str) -> str:
    """A cell without the note printed in it: "15（其中修订4件）" -> "15"."""
    m = _CELL_NOTE.match(text)
    return m.group(1) if m else text


def split_line(line: Line, width: int) -> tuple[str, list[str], bool]:
    """A line as (label text, value tokens, all-blank explicit row)."""
    if line.cells is not None:
        cells = _without_trailing_text([bare(c) for c in line.cells])
        last_label = -1
        for i, c in enumerate(cells):
            if c and not is_value(c) and not spaced(c):
                last_label = i
        label_cells = [c for c in cells[: last_label + 1] if c]
        values = cells[last_label + 1 :]
        if label_cells and not any(values):
            m = _GLUED.match(label_cells[-1])
            if m and m.group(1).strip():
                label_cells[-1] = m.group(1)
                values = [m.group(2)] + values
        while len(values) > width and values and values[0] == "":
            values.pop(0)
        while len(values) > width and values and values[-1] == "":
            values.pop()
        blank = bool(values) and not any(values)
        if not label_cells and not any(values):
            return "", [], False
        tokens = [re.sub(r"[\s\u3000]+", " ", _fw(v)) for v in values]
        return " ".join(label_cells), tokens if any(values) else [], blank
    words = [bare(w) for w in line.text.split()]
    values: list[str] = []
    trailing = _trailing_text(words)
    if trailing:  # "行政事业性收费 5949.09 2023年…": a year, a date, a page, the next paragraph
        words = words[: len(words) - trailing]
    while words and is_value(words[-1]):
        values.insert(0, _fw(words.pop()))
    if words and not values:
        m = _GLUED.match(words[-1])
        if m and m.group(1).strip() and not m.group(1).endswith((".", "、")):
            words[-1] = m.group(1)
            values = [m.group(2)]
    return " ".join(words), values, False


_TRAILING = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|第\d{1,3}页|[-—–]\d{1,3}[-—–]|\d{1,3}/\d{1,3}$)"
)


def _trailing_text(words: list[str]) -> int:
    """How many words at the end of a row's line are text glued after its last cell: a year or a
    date ("2023年…", "2024-01-29"), a page number ("第3页", "-3-"), or the opening of the next
    paragraph; 0 when the line ends with its cells (or has no cell before such text)."""
    for i in range(len(words) - 1, 0, -1):
        if not is_value(words[i - 1]):
            continue
        tail = words[i:]
        if _UNIT_START.match(tail[0]) and i >= 3 and is_value(words[i - 2]):
            i, tail = i - 1, words[i - 1 :]  # "… 2023 年，在…": the year's digits go with it
        joined = "".join(tail)
        if _TRAILING.match(joined) or (len(joined) >= 6 and re.search(r"[\u4e00-\u9fff]{4,}", joined[:12])):
            if i >= 2 and not is_value(words[0]):
                return len(tail)
        return 0
    return 0


_UNIT_START = re.compile(r"^[年月日号条件份篇个次项]")
_YEAR_GLUED = re.compile(r"^(\d+?(?:\.\d+?)?)((?:19|20)\d{2}\s*年.*)$")


def _without_trailing_text(cells: list[str]) -> list[str]:
    """A row of cells without the text a page glued after its last cell: a cell of its own
    holding a year, a date, a page number or a paragraph, or such text after the number in the
    last cell ("268.29 2024年，我局…"). Only after a cell holding a number."""
    out = list(cells)
    filled = [i for i, c in enumerate(out) if c.strip()]
    if len(filled) >= 2:
        m = _YEAR_GLUED.match(out[filled[-1]].strip())
        if m:  # "268.292023年，在…": the year's four digits open the paragraph glued to the cell
            out[filled[-1]] = f"{m.group(1)} {m.group(2)}"
    while len(filled) >= 2:
        last = out[filled[-1]].split()
        if len(last) > 1 and is_value(last[0]) and _trailing_text(["x", *last]) == len(last) - 1:
            out[filled[-1]] = last[0]
            break
        if len(filled) >= 3 and is_value(out[filled[-2]]) and _trailing_text(["x", out[filled[-2]], out[filled[-1]]]) == 1:
            out[filled[-1]] = ""
            filled.pop()
            continue
        break
    return out


def events(lines: list[Line], targets: tuple[Target, ...], width: int) -> list[Event]:
    out = []
    headers = header_words()
    for line in lines:
        if not line.text or is_page_number(line.text):
            continue
        label, tokens, blank = split_line(line, width)
        ev = Event(line, label, tokens, blank)
        if label:
            t, s, earlier = match(label, targets)
            if t is not None and s > 0:
                ev.target, ev.earlier = t, earlier
            elif all(norm(w) in headers for w in label.split()):
                ev.target = Target("header", "", "", norm(label))
        out.append(ev)
    return out


@dataclass
class TableRead:
    """What was found in one table region, ready for the solver."""

    rows: list[Row] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # cell key -> provenance
    notes: dict[str, str] = field(default_factory=dict)
    virtual: list[str] = field(default_factory=list)  # virtual keys read (printed subtotals)
    fixed: dict[str, Value] = field(default_factory=dict)  # cells settled without the solver (e.g. 待核)
    found: bool = False
    variant23: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # official row label -> label printed instead


def _absent_row(keys: tuple[str, ...]) -> Row:
    """A row the source never printed (neither its label nor its numbers): its cells are
    ABSENT, not blank and not unknowns to be solved from the identities."""
    return Row(keys, [Option([absent_segment(keys)])])


def _row(keys: tuple[str, ...], ev: Event | None, kinds: list[str], where: str = "") -> Row:
    if ev is None:
        return plain_row(keys, kinds, None, "", where)
    if ev.blank_row and not ev.tokens:
        return plain_row(keys, kinds, [""] * len(keys), "", ev.line.where)
    tokens = ev.tokens
    width = len(keys)
    raw = " ".join(t if t else "空" for t in ev.tokens)
    if any(" " in t for t in tokens):
        return _spaced_row(keys, kinds, tokens, raw, ev.line.where)
    glued = any(t.isdigit() and len(t) > 1 and t[0] == "0" for t in tokens)
    if "" in tokens and (len(tokens) > width or glued) and tokens.count("") >= len(tokens) - width:
        # stray empty cells (an extra <td>): every way of dropping them is a reading
        blanks = [i for i, t in enumerate(tokens) if t == ""]
        least = max(0, len(tokens) - width)
        drops = [d for n in range(least, len(blanks) + 1) for d in itertools.combinations(blanks, n)]
        options = []
        for drop in drops[:MAX_ALTERNATIVES]:
            kept = [t for i, t in enumerate(tokens) if i not in drop]
            options.append(Option([segment(keys, kinds, kept)], "原文此行多出空白格" if drop else ""))
        return Row(keys, options, raw, ev.line.where)
    if len(tokens) > width and "" not in tokens:
        joined = _joined(tokens, width)
        if joined:
            reason = "原文数字之间有空格（一个数可能被空格隔开）"
            return Row(keys, [Option([segment(keys, kinds, t)], reason) for t in joined], raw, ev.line.where)
    return plain_row(keys, kinds, tokens, raw, ev.line.where)


def _spaced_row(keys: tuple[str, ...], kinds: list[str], tokens: list[str], raw: str, where: str) -> Row:
    """A row with a printed cell holding spaced digits ("1 9"). Printed as one cell, it is one
    number (the space is inside it) and no other cell moves. Only when the row prints fewer cells
    than it has may such a cell be two cells run together: both readings go to the solver."""
    whole = [t.replace(" ", "") for t in tokens]
    shown = "、".join(f"“{t}”" for t in tokens if " " in t)
    reason = f"原文{shown}数字中间有空格，按一个数读取"
    if len(tokens) >= len(keys):
        return Row(keys, [Option([segment(keys, kinds, whole)], reason)], raw, where)
    choices = [(t.replace(" ", ""),) if " " not in t else (t.replace(" ", ""), tuple(t.split())) for t in tokens]
    options = []
    for combo in itertools.product(*choices):
        flat = [x for c in combo for x in (c if isinstance(c, tuple) else (c,))]
        if len(flat) > len(keys):
            continue
        split = any(isinstance(c, tuple) for c in combo)
        options.append(Option([segment(keys, kinds, flat)], f"原文{shown}或为两格" if split else reason))
        if len(options) >= MAX_ALTERNATIVES:
            break
    return Row(keys, options, raw, where)


def _joined(tokens: list[str], width: int) -> list[list[str]]:
    """Readings of a row printing more numbers than it has cells: adjacent digit tokens joined
    (one number with a space inside), as many joins as there are numbers too many."""
    extra = len(tokens) - width
    pairs = [i for i in range(len(tokens) - 1) if tokens[i].isdigit() and tokens[i + 1].isdigit()]
    if extra > len(pairs) or extra > MAX_INSERT_JOINS:
        return []
    out = []
    for chosen in itertools.combinations(pairs, extra):
        merged: list[str] = []
        for i, t in enumerate(tokens):
            if i - 1 in chosen:
                merged[-1] += t
            else:
                merged.append(t)
        out.append(merged)
        if len(out) >= MAX_ALTERNATIVES:
            break
    return out


# --------------------------------------------------------------------------- extent

_DATE_LINE = re.compile(r"^\(?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\)?$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")
_HEADING_LINE = re.compile(r"^#*\s*(?:[一二三四五六七八九十]{1,2}\s*[、.．]|第[一二三四五六七八九十]{1,2}部分)")
_SIGNED_LINE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def printed_table(lines: list[Line]) -> list[Line]:
    """The lines of a section up to the end of its printed table: a table ends at the next
    heading, narrative paragraph, sign-off or date, never running on into the text after it
    (a small fee table in place of 第五部分, the sign-off date, the next paragraph's numbers).
    Text before the table (a section's opening paragraph) is kept: the table starts later."""
    started = False
    for i, line in enumerate(lines):
        if not line.text or is_page_number(line.text):
            continue
        if not started:
            started = _table_line(line)
            continue
        if _ends_table(line):
            return lines[:i]
    return lines


def _table_line(line: Line) -> bool:
    if line.cells is not None and sum(1 for c in line.cells if c) >= 2:
        return True
    label = split_line(line, 7)[0]
    if not label:
        return False
    for targets in (t2_targets(), t3_targets()):
        t, score, _ = match(label, targets)
        if t is not None and score > 0:
            return True
    return all(norm(w) in header_words() for w in label.split())


def _ends_table(line: Line) -> bool:
    """A line that cannot be part of a table: a paragraph, a heading (not a row label of table
    三, which also start "一、" … "四、"), a date or a sign-off."""
    if line.cells is not None and sum(1 for c in line.cells if c) >= 2:
        return False
    text = line.text.strip()
    compact = re.sub(r"\s+", "", text)
    if _DATE_LINE.match(compact) or (len(compact) <= 60 and _SIGNED_LINE.search(compact)):
        return True
    if re.search(r"[。；！？]", text) and len(compact) > 15:
        return True
    if _HEADING_LINE.match(text):  # a part's heading (a renamed one too), not a garbled row label
        from .sections import heading_of

        return heading_of(Line(text, "")) is not None
    return False


# --------------------------------------------------------------------------- table 三

T3_ORDER = [r for r, _, _ in T3_ROWS]
_FIRST_MEMBER = {members[0]: g for g, (_, members) in T3_GROUPS.items()}


def t3_keys(row: str) -> tuple[str, ...]:
    return tuple(f"t3.{row}.{c}" for c, _ in T3_COLS)


def _loose(e: Event) -> bool:
    """Numbers printed without a recognisable label (PDF: before or after their label)."""
    t = e.target
    return bool(e.tokens) and (t is None or t.kind in ("header", "result", "title")) and "。" not in e.label


def _pair(
    items: list[tuple[str, str, Event]], width: int, order: tuple[str, ...] = ()
) -> tuple[dict[str, Event], list[list[dict[str, Event | None]]], dict[str, Event]]:
    """Pair labels and loose numbers between anchored rows, in document order. Where the counts
    differ, every order-preserving pairing is an alternative for the solver.

    With the table's row `order`: numbers are printed in row order (labels may stray, numbers do
    not), so numbers printed before an anchored row belong to rows before it; a label of a later
    row printed early (a PDF wrapping a tall label cell upwards) waits for the next segment."""
    items = _join_broken(items, width)
    anchored = {key for kind, key, _ in items if kind == "A"}
    assigned: dict[str, Event] = {}
    alternatives: list[list[dict[str, Event | None]]] = []
    subtotals: dict[str, Event] = {}
    segment: list[tuple[str, str, Event]] = []
    carried: list[str] = []  # labels printed without numbers nearby: their numbers may come later

    def flush(next_anchor: str = "") -> None:
        labels = [k for kind, k, _ in segment if kind == "L" and k not in assigned and k not in anchored]
        labels = list(dict.fromkeys(carried + labels))
        later: list[str] = []
        if next_anchor in order:
            limit = order.index(next_anchor)
            later = [k for k in labels if k in order and order.index(k) > limit]
            labels = [k for k in labels if k not in later]
        groups = [e for kind, _, e in segment if kind == "G"]
        segment.clear()
        carried.clear()
        carried.extend(later)
        if not groups:
            carried[:0] = labels
            return
        if not labels:
            return
        groups = _merge_short(groups, len(labels), width)
        if len(labels) == len(groups):
            assigned.update(zip(labels, groups, strict=True))
            return
        options: list[dict[str, Event | None]] = []
        if len(groups) < len(labels):
            for chosen in itertools.combinations(labels, len(groups)):
                opt: dict[str, Event | None] = {k: None for k in labels}
                opt.update(zip(chosen, groups, strict=True))
                options.append(opt)
        else:
            for chosen in itertools.combinations(groups, len(labels)):
                options.append(dict(zip(labels, chosen, strict=True)))
        alternatives.append(options[:MAX_ALTERNATIVES])

    for kind, key, e in items:
        if kind == "A":
            flush(key)
            assigned.setdefault(key, e)
        elif kind == "S":
            flush()
            subtotals[key] = e
        else:
            segment.append((kind, key, e))
    flush()
    return assigned, alternatives, subtotals


def read_t3(lines: list[Line]) -> TableRead:
    width = len(T3_COLS)
    evs = events(lines, t3_targets(), width)
    out = TableRead()
    seen_rows = {e.target.key for e in evs if e.target and e.target.kind == "row"}
    if not seen_rows:
        return out
    out.found = True
    items: list[tuple[str, str, Event]] = []  # (kind, key, event): A anchored row, L label, G numbers, S subtotal
    for i, e in enumerate(evs):
        t = e.target
        if t is not None and t.kind == "row":
            items.append(("A" if (e.tokens or e.blank_row) else "L", t.key, e))
        elif t is not None and t.kind == "group" and e.tokens:
            members = T3_GROUPS[t.key][1]
            nxt = next((x for x in evs[i + 1 :] if x.target is not None or x.tokens), None)
            if not any(m in seen_rows for m in members):
                items.append(("S", t.key, e))  # 23-row table: (六) printed as one row
                out.variant23 = out.variant23 or t.key == "other"
            elif nxt is not None and nxt.target and nxt.target.key == members[0] and not nxt.tokens:
                # the first member's numbers printed on the group's line (its own line blank)
                e2 = Event(e.line, e.label, e.tokens, False, nxt.target)
                nxt.blank_row = False
                nxt.target = None
                items.append(("A", members[0], e2))
                for k in t3_keys(members[0]):
                    out.notes[k] = f"“{T3_GROUPS[t.key][0]}”行印有数字而其下第 1 项空白，视为第 1 项的数字"
            else:
                items.append(("S", t.key, e))
        elif _loose(e):
            items.append(("G", "", e))
    assigned, alternatives, subtotals = _pair(items, width, tuple(T3_ORDER))
    kinds = ["count"] * width
    label_rows: set[str] = {k for alt in alternatives for opt in alt for k in opt}
    for row in T3_ORDER:
        keys = t3_keys(row)
        if row in assigned:
            ev = assigned[row]
            out.rows.append(_row(keys, ev, kinds))
            for k in keys:
                out.where[k] = ev.line.where
        elif row in label_rows:
            continue
        elif out.variant23 and row.startswith("other_"):
            out.rows.append(_row(keys, None, kinds, "（六）其他处理只印一行"))
            for k in keys:
                out.notes[k] = "原文“（六）其他处理”只印一行（2019 年格式的 23 行表），无细项"
        else:
            out.rows.append(_absent_row(keys))
            for k in keys:
                out.notes.setdefault(k, "原文未找到此行")
    for alt in alternatives:
        out.rows.append(_meta_row(alt, t3_keys, lambda keys: kinds))
        for opt in alt:
            for row, ev in opt.items():
                if ev is not None:
                    for k in t3_keys(row):
                        out.where.setdefault(k, ev.line.where)
    for group, ev in subtotals.items():
        if out.variant23 and group == "other":
            for row in T3_GROUPS["other"][1]:
                for k in t3_keys(row):
                    out.where.setdefault(k, ev.line.where)
        keys = tuple(f"t3.{group}.{c}" for c, _ in T3_COLS)
        out.rows.append(_row(keys, ev, kinds))
        out.virtual += list(keys)
        for k in keys:
            out.where[k] = ev.line.where
    return out


def _meta_row(alt: list[dict[str, Event | None]], keys_of, kinds_of) -> Row:
    """Several rows whose pairing with the printed numbers is uncertain, as one solver row with
    an option per pairing (times the options of each row's own printing)."""
    labels = list(alt[0])
    keys = tuple(k for row in labels for k in keys_of(row))
    options: list[Option] = []
    raws = []
    for opt in alt:
        rows = [_row(keys_of(row), opt[row], kinds_of(keys_of(row))) for row in labels]
        for combo in itertools.product(*(r.options for r in rows)):
            reason = "，".join(["数字与行标签的对应不唯一"] + [o.reason for o in combo if o.reason])
            options.append(Option([seg for o in combo for seg in o.segments], reason))
            if len(options) >= MAX_ALTERNATIVES:
                break
        raws += [r.raw for r in rows if r.raw]
    raw = " / ".join(dict.fromkeys(raws))
    return Row(keys, options, raw, "")


def _join_broken(items: list[tuple[str, str, Event]], width: int) -> list[tuple[str, str, Event]]:
    """A labelled row with too few numbers followed by loose numbers that complete it: one row
    broken over two lines."""
    out: list[tuple[str, str, Event]] = []
    for kind, key, e in items:
        if kind == "G" and out and out[-1][0] in ("A", "S"):
            pk, pkey, pe = out[-1]
            if pe.tokens and len(pe.tokens) + len(e.tokens) <= width:
                out[-1] = (pk, pkey, Event(pe.line, pe.label, pe.tokens + e.tokens, False, pe.target))
                continue
        out.append((kind, key, e))
    return out


def _merge_short(groups: list[Event], labels: int, width: int) -> list[Event]:
    """Numbers of one row broken over two lines: join neighbours while there are too many."""
    groups = list(groups)
    while len(groups) > labels:
        for i in range(len(groups) - 1):
            if len(groups[i].tokens) + len(groups[i + 1].tokens) <= width:
                a, b = groups[i], groups[i + 1]
                groups[i : i + 2] = [Event(a.line, a.label, a.tokens + b.tokens)]
                break
        else:
            break
    return groups


# --------------------------------------------------------------------------- table 二

def read_t2(lines: list[Line]) -> TableRead:
    rows = t2_rows()
    evs = events(lines, t2_targets(), 3)
    for e in evs:
        if e.tokens and (e.target is None or e.target.kind != "row"):
            row = _row_in_line(e.label)
            if row is not None:
                e.target = row
    out = TableRead()
    items: list[tuple[str, str, Event]] = []
    for e in evs:
        t = e.target
        if t is not None and t.kind == "row":
            out.found = True
            tokens = list(e.tokens)
            while len(tokens) > len(rows[t.key]) and tokens[-1] == "":
                tokens.pop()
            e = Event(e.line, e.label, tokens, e.blank_row, t)
            items.append(("A" if (tokens or e.blank_row) else "L", t.key, e))
        elif _loose(e):
            items.append(("G", "", e))
    assigned, alternatives, _ = _pair(items, 3)
    in_alt = {k for alt in alternatives for opt in alt for k in opt}

    def kinds_of(keys: tuple[str, ...]) -> list[str]:
        return [SPEC.cell(k).kind for k in keys]

    for label, keys in rows.items():
        if label in in_alt:
            continue
        ev = assigned.get(label)
        out.rows.append(_row(keys, ev, kinds_of(keys)) if ev is not None else _absent_row(keys))
        printed = _label_variant(ev)
        for k in keys:
            if ev is not None:
                out.where[k] = ev.line.where
                if printed:  # the old label 规范性文件, a typo: read, and said on the row's cells
                    out.notes[k] = f"原文行标签印作“{printed}”，格式为“{ev.target.key}”，按此行读取"
                    out.labels[label] = printed
            else:
                out.notes[k] = "原文未找到此行"
    for alt in alternatives:
        out.rows.append(_meta_row(alt, lambda label: rows[label], kinds_of))
        for opt in alt:
            for label, ev in opt.items():
                if ev is not None:
                    for k in rows[label]:
                        out.where.setdefault(k, ev.line.where)
    return out


def _label_variant(ev: Event | None) -> str:
    """The printed label of a table 二 row when it is not the official one ("规范性文件" for
    "行政规范性文件"); "" when it is, or when the line also holds its block title."""
    if ev is None or ev.target is None:
        return ""
    printed = norm(ev.label)
    if not printed or ev.target.core in printed:
        return ""
    return ev.label.strip()


def _row_in_line(label: str) -> Target | None:
    """The row of a table 二 line printed with its block title and column headers
    ("第二十条第（五）项 行政许可 本年处理决定数量"): the one row label it holds, when all else
    in it is titles and headers."""
    text = norm(label)
    rows = [t for t in t2_targets() if t.kind == "row" and t.core in text]
    if not rows:
        return None
    row = max(rows, key=lambda t: len(t.core))
    rest = text.replace(row.core, "", 1)
    for t in sorted((t for t in t2_targets() if t.kind in ("title", "header")), key=lambda t: -len(t.core)):
        rest = rest.replace(t.core, "")
    return row if len(rest) <= 2 else None


# --------------------------------------------------------------------------- table 四

def t4_keys() -> tuple[str, ...]:
    return tuple(f"t4.{g}_{s}" for g, _, _ in T4_GROUPS for s, _ in T4_SUFFIXES)


_T4_HEAD = re.compile("|".join(
    re.escape(norm(w)) for w in ("行政复议", "行政诉讼", "复议后起诉", "直接起诉", "结果维持", "结果纠正", "尚未审结")
))


def read_t4(lines: list[Line]) -> TableRead:
    keys = t4_keys()
    headers = header_words() | {"总计", "件数", "数量", "结果", "维持", "纠正", "其他", "尚未", "审结", "总"}
    tokens: list[str] = []
    where: list[str] = []
    out = TableRead()
    started = False  # table 四's own headings seen: numbers before them are another table's
    for line in lines:
        if not line.text or is_page_number(line.text):
            continue
        label, toks, blank = split_line(line, len(keys))
        words = [norm(w) for w in label.split()]
        started = started or bool(_T4_HEAD.search(norm(line.text)))
        if not started:
            continue
        if any(w in headers for w in words):
            out.found = True
        if not toks:
            if blank and not label:
                toks = [""] * len(keys)
            else:
                continue
        if label and not all(w in headers or len(w) <= 2 for w in words):
            continue  # prose with numbers, not the table
        tokens += toks
        where.append(line.where)
        out.found = True
        if len(tokens) >= len(keys):
            break
    if not tokens:
        out.rows.append(_absent_row(keys))
        for k in keys:
            out.notes[k] = "原文未找到表四的数字"
        return out
    ev = Event(Line(" ".join(tokens), "、".join(where)), "", tokens)
    out.rows.append(_row(keys, ev, ["count"] * len(keys)))
    for k in keys:
        out.where[k] = ev.line.where
    return out


def read_t2_2019(lines: list[Line]) -> TableRead:
    """Table 二 printed in the 2019 format: the columns that mean the same as a 2021 cell
    (T2_2019_COLUMNS: 本年新制作数量 as 本年制发件数, 处理决定数量 as 本年处理决定数量) are read
    into that cell; the 2021 cells with no 2019 counterpart are left out (absent)."""
    rows = t2_rows()
    out = TableRead()
    for e in events(lines, t2_targets(), 3):
        t = e.target
        if t is None or t.kind != "row" or t.key not in rows or not e.tokens:
            continue
        keys = rows[t.key]
        kind = "doc" if len(keys) == 3 else "fee" if SPEC.cell(keys[0]).kind == "amount" else "decision"
        columns = T2_2019_COLUMNS[kind]
        out.found = True
        if len(e.tokens) != len(columns):
            continue  # not the 2019 columns: nothing is taken for a 2021 cell
        for (label, measure), token in zip(columns, e.tokens, strict=True):
            if not measure:
                continue
            key = keys[T2_DOC_MEASURES.index(measure)] if kind == "doc" else keys[0]
            out.rows.append(plain_row((key,), [SPEC.cell(key).kind], [token], token, e.line.where))
            out.where[key] = e.line.where
            out.notes[key] = f"原文表二为 2019 年格式：此格按其“{label}”栏读取"
    return out


def old_format_labels(lines: list[Line]) -> list[tuple[str, str]]:
    """(label, where) for every 2019-format label printed in these lines."""
    found = []
    wanted = [(lb, norm(lb)) for lb in SPEC.old_format_labels]
    for line in lines:
        t = norm(line.text)
        for label, n in wanted:
            if n in t:
                found.append((label, line.where))
    return found


__all__ = ["TableRead", "old_format_labels", "printed_table", "read_t2", "read_t2_2019", "read_t3", "read_t4"]
