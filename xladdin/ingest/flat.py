"""Text that lost its line structure: restore the lines the readers expect.

A crawler's get_text(), a copy from a browser or a CMS export can put a whole report on one or a
few lines: headings mid-line ("…基本持平。二、主动公开政府信息情况2022年，…"), table labels and
numbers run together, the cells of a row concatenated ("一、本年新收政府信息公开申请数量310010234"),
stray spaces inside number runs and header words ("法律服务 机构"). `restore` cuts such lines
at the six section headings and, inside a table, at every spec label (found anywhere in the
character stream, ignoring whitespace), so that each heading, each label and the digit run
printed after it become lines of their own. Splitting a run into its cells is the solver's job
(repair.py): a run keeps all its digits and loses its spaces, since a space in a flattened
table may or may not sit between two cells.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from ..spec import SPEC
from ..spec.format2021 import T2_BLOCKS, T3_CORNER, T3_GROUPS, T3_RESULT_LABEL, T3_ROWS
from .labels import _QUOTES, header_words, norm, t3_targets
from .lines import Line
from .sections import FEE_PREFIX, SIGNATURE, HeadingOrder, heading_number, heading_of

_CN_NUMBERS = "一二三四五六"
_HEAD_START = re.compile(r"第([一二三四五六])部分\s*[、:：.．]?|([一二三四五六])\s*[、．.]")
_SUFFIX = re.compile(r"\s*[（(]\s*文字描述[^）)]{0,30}[）)]")
_BREAK = re.compile(r"[0-9０-９。，,；;：:（(《“\"]")
_RUN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[/\-—]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TEXT = re.compile(r"[^\d/\-—]+")
_NOTE = re.compile(r"\((?:其中|含|包括|另)[^()]{0,40}\)")
_YEAR_TAIL = re.compile(r"^(\d+?(?:\.\d+?)?)((?:19|20)\d{2})$")
_CELL_UNIT = re.compile(r"(?:万元|元|件|个|项)(?![\u4e00-\u9fff])")
_OFFSET = re.compile(r"^(.*?)(?:第(\d+)字)?$")
MIN_LENGTH = 60  # shorter lines are left alone


def _normal(text: str) -> tuple[str, list[int]]:
    """`labels.norm` of `text`, character by character, with each character's original index."""
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        n = unicodedata.normalize("NFKC", c).translate(_QUOTES)
        for d in n:
            if not d.isspace():
                chars.append(d)
                index.append(i)
    return "".join(chars), index


@lru_cache(maxsize=1)
def _labels() -> re.Pattern[str]:
    """Every label the tables print (normalised), longest first: rows with and without their
    numbers, group headings, headers, table 二's block titles and columns, and old labels."""
    words = set(header_words())
    words |= {norm(label) for _, _, label in T3_ROWS}
    words |= {t.core for t in t3_targets() if len(t.core) > 3}
    words |= {norm(name) for name, _ in T3_GROUPS.values()}
    words |= {norm(T3_RESULT_LABEL), norm(T3_CORNER)}
    for block in T2_BLOCKS:
        words.add(norm(block.title))
        words |= {norm(label) for label, _ in block.rows}
        words |= {norm(col) for col in block.columns}
    words |= {norm(lb) for lb in SPEC.old_format_labels}
    words.add(norm("规范性文件"))
    ordered = sorted((w for w in words if len(w) >= 2), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ordered))


SECTION_NUMBER = {s.key: i for i, s in enumerate(SPEC.sections, start=1)}


def _title_body(key: str) -> str:
    return norm(next(s.heading for s in SPEC.sections if s.key == key))


def _heading_at(
    text: str, ntext: str, index: list[int], marker: re.Match[str], order: HeadingOrder
) -> tuple[str, int, bool] | None:
    """(section key, end index in `text`, exact title) when a heading the outline still allows
    starts with `marker` ("五、", "第五部分"): printed under its own number, or under another one
    when the words say which part it is."""
    nb = bisect.bisect_left(index, marker.end())  # where the heading's words start (normalised)
    if nb >= len(index):
        return None
    start = marker.start()
    number = _CN_NUMBERS.index(marker.group(1) or marker.group(2)) + 1
    want = [k for k in order.unseen() if order.allows(k, number)]
    body = ntext[nb:]
    for key in want:
        title = _title_body(key)
        if body.startswith(title):
            end = index[nb + len(title) - 1] + 1
            m = _SUFFIX.match(text, end)
            return key, (m.end() if m else end), True
    window = body[:60]
    m_fee = FEE_PREFIX.match(window)
    if m_fee and "s6" in want:
        return "s6", index[nb + m_fee.end() - 1] + 1, False
    # a variant heading ("四、政府信息公开行政复议与行政诉讼情况", "五、存在的主要问题及明年工作计划",
    # "六、需要说明的其他事项与附表"): as long as the words go before a break (a digit, a
    # sentence mark, a table label), taken when it reads as that part's heading
    for key in want:
        title = _title_body(key)
        if SECTION_NUMBER[key] != number and not all(w in window[: len(title) + 12] for w in SIGNATURE[key]):
            continue  # under another number only when its words name the part plainly
        best, best_end = 0.0, 0
        for k in range(2, min(len(window), len(title) + 12) + 1):
            r = SequenceMatcher(None, window[:k], title, autojunk=False).ratio()
            if r >= best:
                best, best_end = r, k
        ext = len(window)
        b = _BREAK.search(window, 1)
        if b:
            ext = b.start()
        m = _labels().search(window, max(best_end, 1))
        if m:
            ext = min(ext, m.start())
        ext = min(ext, len(title) + 12)
        ends = [ext] + ([best_end] if best >= 0.6 and best_end != ext else [])
        for end_n in ends:
            end = index[nb + end_n - 1] + 1
            found = heading_of(Line(text[start:end], ""))
            if found is not None and found[0] == key:
                return key, end, False
    return None


def _split_headings(line: Line, order: HeadingOrder) -> list[Line]:
    """Cut a line before and after every section heading it holds."""
    text = line.text
    ntext, index = _normal(text)
    cuts: list[tuple[int, int]] = []  # (start, end) of headings
    pos = 0
    for m in _HEAD_START.finditer(text):
        if m.start() < pos:
            continue
        prev = text[: m.start()].rstrip()[-1:] if m.start() else ""
        if prev in ("（", "("):
            continue
        found = _heading_at(text, ntext, index, m, order)
        if found is None:
            continue
        key, end, exact = found
        if prev and _CJK.match(prev) and not exact:
            continue  # a variant title glued to a word: not taken for a heading
        cuts.append((m.start(), end))
        order.take(key, _CN_NUMBERS.index(m.group(1) or m.group(2)) + 1)
        pos = end
    if not cuts:
        return [line]
    out: list[Line] = []
    prev_end = 0
    for a, b in cuts:
        _piece(out, line, prev_end, a)
        _piece(out, line, a, b)
        prev_end = b
    _piece(out, line, prev_end, len(text))
    return out


def _piece(out: list[Line], line: Line, a: int, b: int, text: str | None = None) -> None:
    """Characters a..b of `line` (or `text` in their place) as a line of their own; its place is
    the original line's with the character offset ("第12行第1343字")."""
    t = line.text[a:b].strip() if text is None else text
    if not t:
        return
    origin, base = _OFFSET.match(line.where).groups()  # type: ignore[union-attr]
    at = (int(base) - 1 if base else 0) + a
    out.append(Line(t, f"{origin}第{at + 1}字" if at else origin, None, line.page))


def _split_table(line: Line) -> list[Line]:
    """Cut the table part of a line at every label, keeping each label's digit run with it. The
    table ends where the printed table ends (`_table_end`): what follows is text again (and is
    searched for another table)."""
    text = line.text
    ntext, index = _normal(text)
    found = [(m.start(), m.end()) for m in _labels().finditer(ntext)]
    # the table starts at the first two labels printed side by side (prose mentions one at a time)
    first = next((i for i in range(len(found) - 1) if found[i][1] == found[i + 1][0]), None)
    if first is None or len(found) - first < 3:
        return [line]
    found = found[first:]
    out: list[Line] = []
    start = index[found[0][0]]
    _piece(out, line, 0, start)
    bounds = found + [(len(ntext), len(ntext))]
    for (a, b), (c, _) in zip(bounds, bounds[1:], strict=False):
        items = _gap(ntext[b:c])
        end = _table_end(ntext[b:c], items)
        pieces: list[tuple[str, list[str], int]] = [(ntext[a:b], [], a)]
        for kind, text_, offset in items:
            if end is not None and offset >= end:
                break
            if kind == "V":
                pieces[-1][1].append(text_)
            else:
                pieces.append((text_, [], b + offset))
        for label, runs, at in pieces:
            orig = index[at] if at < len(index) else len(text)
            _piece(out, line, orig, orig + 1, " ".join([label, *runs]))
        if end is not None:
            rest: list[Line] = []
            _piece(rest, line, index[b + end], len(text))
            for piece in rest:
                out += _split_table(piece) if len(piece.text) >= MIN_LENGTH else [piece]
            return out
    return out


# After a digit run, a unit or a date says the run is a count in a sentence or a date, not a cell
# ("…收费5949.09(二)…主要类别2023年，在…107条…", "…管理局2026年1月20日").
_UNIT_AFTER = re.compile(r"^(?:[年月日号时条件份篇个次项家人页期届名位天%％]|万元|元)")
_DATE_AFTER = re.compile(r"^[年月日号时]")
_HEADING_TEXT = re.compile(r"^(?:[一二三四五六七八九十]{1,2}、|第[一二三四五六七八九十]{1,2}部分)")
_SENTENCE = re.compile(r"[。；！？;!?]")
MAX_LABEL = 40  # an unrecognised label is never longer: longer text is a paragraph


def _table_end(gap: str, items: list[tuple[str, str, int]]) -> int | None:
    """Where, in a gap between two labels (or after the last one), the printed table ends: at a
    heading, a paragraph, a date, or a number that a unit marks as part of a sentence; the text
    item before such a number goes with it (it opens the paragraph). None: the table goes on."""
    for i, (kind, text, offset) in enumerate(items):
        if kind == "T":
            if _SENTENCE.search(text) or len(text) > MAX_LABEL:
                return offset
            if _HEADING_TEXT.match(text) and not _table_label(text):
                return offset
            continue
        after = gap[offset + len(text) :]
        if not _UNIT_AFTER.match(after):
            continue
        if i == 0 and not _DATE_AFTER.match(after) and offset == 0:
            continue  # a cell printed with its unit ("0件", "5949.09万元"): the unit is dropped by _gap
        prev = items[i - 1] if i else None
        return prev[2] if prev is not None and prev[0] == "T" else offset
    return None


def _table_label(text: str) -> bool:
    """An unrecognised piece that still reads as a table label (a typo in "四、结转下年度…")."""
    from .labels import match, t2_targets

    for targets in (t3_targets(), t2_targets()):
        target, score, _ = match(text, targets)
        if target is not None and score > 0 and target.kind in ("row", "group", "result"):
            return True
    return False


def _gap(gap: str) -> list[tuple[str, str, int]]:
    """A gap between two recognised labels as ("V", value run, offset) and ("T", text, offset)
    items: the runs printed after the first label, then any unrecognised label (a typo, a
    shortened label) with the runs printed after it."""
    items: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(gap):
        m = _RUN.match(gap, pos)
        if m:
            run, end = m.group(0), m.end()
            year = _YEAR_TAIL.match(run) if gap[end : end + 1] == "年" else None
            if year and year.group(1):  # "268.292023年": a cell, then a year opening a paragraph
                run, end = year.group(1), pos + len(year.group(1))
            if run.isdigit() and gap[end : end + 1] in (".", "、") and not gap[end + 1 : end + 2].isdigit():
                # "00000002.其他…": the last digit numbers the next (unrecognised) label
                if len(run) > 1:
                    items.append(("V", run[:-1], pos))
                t = _TEXT.match(gap, end + 1)
                stop = t.end() if t else end + 1
                items.append(("T", gap[end - 1 : stop], end - 1))
                pos = stop
                continue
            items.append(("V", run, pos))
            pos = end
            unit = _CELL_UNIT.match(gap, pos) if len(items) == 1 and items[0][2] == 0 else None
            if unit:  # "0件", "5949.09万元": a cell printed with its unit
                pos = unit.end()
            note = _NOTE.match(gap, pos)
            if note:  # "15（其中修订4件）": a note printed in the cell, not a number of the row
                pos = note.end()
            continue
        t = _TEXT.match(gap, pos)
        stop = t.end() if t else pos + 1
        items.append(("T", gap[pos:stop], pos))
        pos = stop
    return items


def restore(lines: list[Line]) -> list[Line]:
    """Lines with headings and table labels found mid-line cut out into lines of their own."""
    order = HeadingOrder()
    out: list[Line] = []
    for line in lines:
        if line.cells is not None or len(line.text) < MIN_LENGTH:
            h = heading_of(line) if line.cells is None else None
            if h is not None and order.allows(h[0], heading_number(h[1])):
                order.take(h[0], heading_number(h[1]))
            out.append(line)
            continue
        for piece in _split_headings(line, order):
            out += _split_table(piece) if len(piece.text) >= MIN_LENGTH else [piece]
    return out


__all__ = ["restore"]
