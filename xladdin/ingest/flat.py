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
from .sections import heading_of

_CN_NUMBERS = "一二三四五六"
_HEAD_START = re.compile(r"([一二三四五六])\s*[、．.]")
_SUFFIX = re.compile(r"\s*[（(]\s*文字描述[^）)]{0,30}[）)]")
_BREAK = re.compile(r"[0-9０-９。，,；;：:（(《“\"]")
_RUN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[/\-—]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_TEXT = re.compile(r"[^\d/\-—]+")
_NOTE = re.compile(r"\((?:其中|含|包括|另)[^()]{0,40}\)")
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


def _section_title(key: str) -> str:
    sec = next(s for s in SPEC.sections if s.key == key)
    return norm(f"{sec.number}、{sec.heading}")


def _heading_at(
    text: str, ntext: str, index: list[int], start: int, want: list[str]
) -> tuple[str, int, bool] | None:
    """(section key, end index in `text`, exact title) when a heading of `want` starts at `start`."""
    n0 = bisect.bisect_left(index, start)
    if n0 >= len(index):
        return None
    number = text[start]
    for key in want:
        title = _section_title(key)
        if title[0] != number:
            continue
        if ntext.startswith(title, n0):
            end = index[n0 + len(title) - 1] + 1
            m = _SUFFIX.match(text, end)
            return key, (m.end() if m else end), True
    # a variant heading ("四、政府信息公开行政复议与行政诉讼情况", "五、存在的主要问题及明年工作计划")
    window = ntext[n0 : n0 + 60]
    best, best_end = 0.0, 0
    for key in want:
        title = _section_title(key)
        if title[0] != number:
            continue
        for k in range(3, min(len(window), len(title) + 12) + 1):
            r = SequenceMatcher(None, window[:k], title, autojunk=False).ratio()
            if r >= best:
                best, best_end = r, k
        if best < 0.6:
            continue
        ext = len(window)
        b = _BREAK.search(window, 2)
        if b:
            ext = b.start()
        m = _labels().search(window, best_end)
        if m:
            ext = min(ext, m.start())
        ext = min(ext, len(title) + 12)
        end_n = ext if ext > best_end and SequenceMatcher(None, window[:ext], title).ratio() >= 0.6 else best_end
        candidate = text[start : index[n0 + end_n - 1] + 1]
        found = heading_of(Line(candidate, ""))
        if found is not None and found[0] == key:
            return key, index[n0 + end_n - 1] + 1, False
    return None


def _split_headings(line: Line, order: list[str], last: list[int]) -> list[Line]:
    """Cut a line before and after every section heading it holds (in the sections' order)."""
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
        found = _heading_at(text, ntext, index, m.start(), order[last[0] :])
        if found is None:
            continue
        key, end, exact = found
        if prev and _CJK.match(prev) and not exact:
            continue  # a variant title glued to a word: not taken for a heading
        cuts.append((m.start(), end))
        last[0] = order.index(key) + 1
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
    """Cut the table part of a line at every label, keeping each label's digit run with it."""
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
        pieces: list[tuple[str, list[str], int]] = [(ntext[a:b], [], a)]
        for kind, text_, offset in _gap(ntext[b:c]):
            if kind == "V":
                pieces[-1][1].append(text_)
            else:
                pieces.append((text_, [], b + offset))
        for label, runs, at in pieces:
            orig = index[at] if at < len(index) else len(text)
            _piece(out, line, orig, orig + 1, " ".join([label, *runs]))
    return out


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
    order = [s.key for s in SPEC.sections]
    last = [0]  # sections seen so far, in order
    out: list[Line] = []
    for line in lines:
        if line.cells is not None or len(line.text) < MIN_LENGTH:
            h = heading_of(line) if line.cells is None else None
            if h is not None and order.index(h[0]) + 1 > last[0]:
                last[0] = order.index(h[0]) + 1
            out.append(line)
            continue
        for piece in _split_headings(line, order, last):
            out += _split_table(piece) if len(piece.text) >= MIN_LENGTH else [piece]
    return out


__all__ = ["restore"]
