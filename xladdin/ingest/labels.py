"""Matching printed labels to the spec's labels, tolerant of the ways real reports differ.

Both sides are normalised the same way (NFKC: full-width brackets and digits to half-width;
spaces removed; quotes unified). A label is cut into numbered segments ("(三)不予公开",
"1.属于国家秘密"); the last segment is compared with the spec's row labels: exactly, by prefix
(truncated or split headers), or by similarity (typos such as 其他法律法规禁止公开).
Every target label comes from SPEC; nothing here repeats a label.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from ..spec import SPEC
from ..spec.format2021 import (
    T2_BLOCKS,
    T3_COLS,
    T3_CORNER,
    T3_GROUPS,
    T3_RESULT_LABEL,
    T3_ROWS,
    T4_GROUPS,
    T4_SUFFIXES,
)

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "〝": '"', "〞": '"'})
_NUM = r"(?:\((?P<a>[一二三四五六七八九十]{1,2})\)|(?P<b>[一二三四五六七八九十]{1,2})、|(?P<c>\d{1,2})[.、](?!\d))"
_SEGMENT = re.compile(_NUM)


def norm(text: str) -> str:
    """Comparison form: NFKC, no whitespace, unified quotes, 、 kept."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return re.sub(r"\s+", "", t)


def segments(text: str) -> list[tuple[str, str]]:
    """(number, text) pieces of a normalised label: "(四)无法提供1.本机关…" ->
    [("四", "无法提供"), ("1", "本机关…")]. Text before the first number gets number ""."""
    t = norm(text)
    out: list[tuple[str, str]] = []
    pos, num = 0, ""
    for m in _SEGMENT.finditer(t):
        if m.start() > pos or out or num:
            out.append((num, t[pos : m.start()]))
        num = m.group("a") or m.group("b") or m.group("c")
        pos = m.end()
    out.append((num, t[pos:]))
    return [(n, s) for n, s in out if n or s]


@dataclass(frozen=True)
class Target:
    kind: str  # "row" | "group" | "result" | "header" | "title"
    key: str  # row key for rows, group key for groups, "" otherwise
    num: str  # number printed before the label, "" if none
    core: str  # normalised label text without its number


def _target(kind: str, key: str, label: str) -> Target:
    segs = segments(label)
    num, core = segs[-1] if segs else ("", "")
    if len(segs) > 1 and not segs[-1][0]:  # e.g. "(二)部分公开(区分处理的,…)": keep the whole tail
        num, core = segs[0][0], "".join(s for _, s in segs)
    return Target(kind, key, num, core)


@lru_cache(maxsize=1)
def t3_targets() -> tuple[Target, ...]:
    out = [_target("row", row, label) for row, _, label in T3_ROWS]
    out += [_target("group", g, name) for g, (name, _) in T3_GROUPS.items()]
    out.append(_target("result", "", T3_RESULT_LABEL))
    out.append(Target("header", "", "", norm(T3_CORNER).strip("()")))
    return tuple(out)


def t2_rows() -> dict[str, tuple[str, ...]]:
    """Table 二 row label (verbatim) -> its cell keys in column order."""
    return {label: keys for block in T2_BLOCKS for label, keys in block.rows}


@lru_cache(maxsize=1)
def t2_targets() -> tuple[Target, ...]:
    out = []
    for block in T2_BLOCKS:
        out.append(Target("title", block.title, "", norm(block.title)))
        out += [Target("row", label, "", norm(label)) for label, _ in block.rows]
        out += [Target("header", "", "", norm(col)) for col in block.columns]
    return tuple(out)


def header_words() -> set[str]:
    """Normalised header texts of tables 三 and 四 (column headings, never rows)."""
    words = {norm(name) for _, name in T3_COLS} | {norm(h.text) for t in SPEC.tables for h in t.header}
    words |= {norm(label) for _, label in T4_SUFFIXES} | {norm(top) for _, top, _ in T4_GROUPS}
    words |= {norm(sub) for _, _, sub in T4_GROUPS if sub}
    return words


def _similar(a: str, b: str, threshold: float) -> float:
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:
        return 0.0
    sm = SequenceMatcher(None, a, b, autojunk=False)
    if sm.quick_ratio() < threshold:
        return 0.0
    return sm.ratio()


def score(num: str, core: str, target: Target) -> float:
    """How well a printed (number, text) segment matches a target; 0 when it does not."""
    if not core or not target.core:
        return 0.0
    if num and target.num and num != target.num:
        return 0.0
    tc = target.core
    if len(tc) <= 3:  # short labels (总计, 其他, 规章) only match exactly, with their number
        if core != tc:
            return 0.0
        if target.num and num != target.num:
            return 0.0
        return 1.0
    if core == tc:
        return 1.0
    if len(core) >= 4 and (tc.startswith(core) and len(core) >= 0.4 * len(tc)):
        return 0.85  # truncated or split label
    if core.startswith(tc):
        return 0.9  # label with trailing noise
    if num and num == target.num and tc.startswith(core):
        return 0.5  # a numbered label cut short (narrow PDF column): "3.补"
    threshold = 0.6 if (num and num == target.num) else 0.8
    ratio = _similar(core, tc, threshold)
    return ratio if ratio >= threshold else 0.0


@lru_cache(maxsize=4096)
def match(text: str, targets: tuple[Target, ...]) -> tuple[Target | None, float, list[Target]]:
    """Best target for a printed label (last segment first), the score, and the targets of
    earlier segments that matched too (e.g. the group of "(四)无法提供1.本机关…")."""
    segs = segments(text)
    best: Target | None = None
    best_score = 0.0
    earlier: list[Target] = []
    for i, (num, core) in enumerate(segs):
        cands = [(score(num, core, t), t) for t in targets]
        s, t = max(cands, key=lambda x: x[0]) if cands else (0.0, None)
        if s <= 0 or t is None:
            continue
        if best is not None:
            earlier.append(best)
        if i == len(segs) - 1 or best is None or t.kind == "row" or best.kind != "row":
            best, best_score = t, s
    # the whole text, for labels whose parentheses were read as numbers
    whole = norm(text)
    for t in targets:
        s = score("", whole, t) if t.kind in ("row", "header") and len(t.core) > 3 else 0.0
        if s > best_score and (best is None or best.kind != "row" or s >= 1.0):
            best, best_score = t, s
    return best, best_score, earlier
