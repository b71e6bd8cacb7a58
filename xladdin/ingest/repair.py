"""Constraint repair: choose among candidate readings of mangled rows using the identities.

A *row* is a run of cells printed together (a table 三 row, table 四's 15 cells, a table 二
row). A row read cleanly has one candidate; a mangled one has several: six numbers for seven
columns (a cell dropped somewhere), digits glued together (52348 -> 5/23/48, 52/3/48 …), a
row whose numbers are missing (all cells unknown). Unknown cells are solved from identities
that have exactly one unknown (or a zero balance with unknowns on one side: counts are
non-negative, so they are all 0). A reading is *consistent* when every identity whose operands
are all numbers holds. When all consistent readings agree on a cell, that is its value; when
they disagree the cell is ambiguous; when no reading is consistent the mangled rows are
unreadable. Nothing is guessed: the caller marks ambiguous and unreadable cells as such.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from ..spec import SPEC, Identity
from ..values import Value, is_number, parse_value

UNKNOWN = object()  # a cell whose value must come from the identities
MAX_CANDIDATES = 4000  # per row
MAX_COMBINATIONS = 20000  # across rows
MAX_INSERT = 2  # at most this many dropped cells per row


@dataclass
class Candidate:
    values: tuple  # Value or UNKNOWN per key
    reason: str = ""  # Chinese: how this reading arises ("" for the literal reading)


@dataclass
class Row:
    keys: tuple[str, ...]
    candidates: list[Candidate]
    raw: str = ""  # printed text of the row, for notes and ambiguous cells
    where: str = ""


Clue = Callable[[dict[str, Value]], "bool | None"]


@dataclass
class Outcome:
    values: dict[str, Value] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)
    readings: int = 0  # number of consistent readings found


def is_digits(token: str) -> bool:
    return token.isdigit()


def _splits(token: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Ways to cut a digit string into `parts` numbers without leading zeros."""
    if parts == 1:
        if len(token) == 1 or token[0] != "0":
            yield (token,)
        return
    if not token.isdigit() or len(token) < parts:
        return
    for i in range(1, len(token) - parts + 2):
        head = token[:i]
        if len(head) > 1 and head[0] == "0":
            break
        for rest in _splits(token[i:], parts - 1):
            yield (head,) + rest


def _compositions(total: int, slots: int, caps: list[int]) -> Iterator[tuple[int, ...]]:
    if slots == 0:
        if total == 0:
            yield ()
        return
    for n in range(0, min(total, caps[0]) + 1):
        for rest in _compositions(total - n, slots - 1, caps[1:]):
            yield (n,) + rest


def token_candidates(tokens: list[str], width: int, kinds: list[str]) -> list[Candidate]:
    """Readings of printed value tokens for a row of `width` cells ("" is a printed blank)."""

    def conv(parts: list) -> tuple:
        return tuple(p if p is UNKNOWN else parse_value(p, kinds[i]) for i, p in enumerate(parts))

    # a count printed with a leading zero ("03") is two numbers glued together
    forced = [t.isdigit() and len(t) > 1 and t[0] == "0" and "." not in t for t in tokens]
    if len(tokens) == width and not any(forced):
        return [Candidate(conv(list(tokens)))]
    if len(tokens) > width or not tokens:
        return [] if tokens else [Candidate(tuple([UNKNOWN] * width), "此行数字缺失")]
    missing = width - len(tokens)
    out: list[Candidate] = []
    seen: set[tuple] = set()
    for inserts in range(0, min(MAX_INSERT, missing) + 1):
        extra = missing - inserts
        caps = [max(0, len(t) - 1) if is_digits(t) else 0 for t in tokens]
        for dist in _compositions(extra, len(tokens), caps):
            if any(f and d == 0 for f, d in zip(forced, dist, strict=True)):
                continue
            per_token = [list(_splits(t, d + 1)) if d else [(t,)] for t, d in zip(tokens, dist, strict=True)]
            for choice in itertools.product(*per_token):
                flat = [p for piece in choice for p in piece]
                glued = [t for t, d in zip(tokens, dist, strict=True) if d]
                for pos in itertools.combinations(range(width), inserts):
                    parts: list = []
                    it = iter(flat)
                    for i in range(width):
                        parts.append(UNKNOWN if i in pos else next(it))
                    values = conv(parts)
                    if values in seen:
                        continue
                    seen.add(values)
                    why = []
                    if inserts:
                        why.append(f"原文此行只印 {len(tokens) + extra} 个数（应为 {width} 个）")
                    if glued:
                        shown = "、".join(f"“{t}”" for t in glued)
                        why.append(f"原文数字 {shown} 粘连")
                    out.append(Candidate(values, "，".join(why)))
                    if len(out) > MAX_CANDIDATES:
                        return out
    return out


def identities(keys: set[str] | None = None) -> list[Identity]:
    """The identities of the 200 cells (T3-G* only when their subtotal cells are in `keys`)."""
    from ..check.engine import IDENTITY_RULES

    out = []
    for rule_id in IDENTITY_RULES:
        for ident in SPEC.rule(rule_id).identities:
            if keys is None or all(k in keys for k in ident.left + ident.right):
                out.append(ident)
    return out


def _propagate(values: dict[str, object], idents: list[Identity]) -> bool:
    """Solve unknowns in place; False when a solved value is impossible or an identity fails."""
    changed = True
    while changed:
        changed = False
        for ident in idents:
            keys = ident.left + ident.right
            vals = [values.get(k) for k in keys]
            if any(v is not UNKNOWN and not is_number(v) for v in vals):
                continue  # blanks, text and absent cells: not evaluable
            unknown = [k for k, v in zip(keys, vals, strict=True) if v is UNKNOWN]
            left = sum((values[k] for k in ident.left if values[k] is not UNKNOWN), start=0)
            right = sum((values[k] for k in ident.right if values[k] is not UNKNOWN), start=0)
            if not unknown:
                if left != right:
                    return False
                continue
            ul = [k for k in unknown if k in ident.left]
            ur = [k for k in unknown if k in ident.right]
            if len(unknown) == 1:
                v = (right - left) if ul else (left - right)
                if v < 0:
                    return False
                values[unknown[0]] = v
                changed = True
            elif not (ul and ur):
                # all unknowns on one side: their sum is fixed; zero means each is zero
                s = (right - left) if ul else (left - right)
                if s < 0:
                    return False
                if s == 0:
                    for k in unknown:
                        values[k] = 0
                    changed = True
    return True


def solve(
    rows: list[Row],
    fixed: dict[str, Value] | None = None,
    clues: list[Clue] | None = None,
    extra_identities: list[Identity] | None = None,
) -> Outcome:
    """Pick the consistent reading(s) of `rows` (plus `fixed` cells read without doubt)."""
    fixed = dict(fixed or {})
    all_keys = set(fixed) | {k for r in rows for k in r.keys}
    # Identities among cells read without doubt hold or fail alike in every reading: they cannot
    # choose between readings, and a report's own error there must not block the repair.
    variable = {
        k
        for r in rows
        if len(r.candidates) != 1 or any(v is UNKNOWN for v in r.candidates[0].values)
        for k in r.keys
    }
    idents = [
        i for i in identities(all_keys) + list(extra_identities or []) if any(k in variable for k in i.left + i.right)
    ]
    out = Outcome()
    # prune each row by the identities that involve it alone
    pruned: list[list[Candidate]] = []
    for row in rows:
        local = [i for i in idents if all(k in row.keys for k in i.left + i.right)]
        keep = []
        for cand in row.candidates:
            vals = dict(zip(row.keys, cand.values, strict=True))
            if _propagate(vals, local):
                keep.append(Candidate(tuple(vals[k] for k in row.keys), cand.reason))
        pruned.append(_dedupe(keep))
    total = 1
    for c in pruned:
        total *= max(1, len(c))
    consistent: list[tuple[dict[str, object], list[Candidate]]] = []
    if total <= MAX_COMBINATIONS and all(pruned):
        for combo in itertools.product(*pruned):
            vals: dict[str, object] = dict(fixed)
            for row, cand in zip(rows, combo, strict=True):
                vals.update(zip(row.keys, cand.values, strict=True))
            if _propagate(vals, idents):
                consistent.append((vals, list(combo)))
    if consistent and clues:
        scored = [(sum(1 for c in clues if c(v) is True), v, cs) for v, cs in consistent]  # type: ignore[arg-type]
        best = max(s for s, _, _ in scored)
        consistent = [(v, cs) for s, v, cs in scored if s == best]
    out.readings = len(consistent)
    out.values.update(fixed)
    for i, row in enumerate(rows):
        if not consistent:
            literal = [c for c in row.candidates if not c.reason and UNKNOWN not in c.values]
            if len(row.candidates) == 1 and literal:
                out.values.update(zip(row.keys, literal[0].values, strict=True))
            else:
                for k in row.keys:
                    out.values[k] = row.raw or None
                    out.unreadable.add(k)
                    out.notes[k] = (
                        f"无法读取：原文“{row.raw}”没有一种读法能满足全部勾稽关系"
                        if row.raw
                        else "无法读取：原文未找到此行的数字"
                    )
            continue
        for j, key in enumerate(row.keys):
            seen = {_hashable(v[key]) for v, _ in consistent}
            reasons = {cs[i].reason for _, cs in consistent}
            if len(seen) == 1 and consistent[0][0][key] is not UNKNOWN:
                out.values[key] = consistent[0][0][key]  # type: ignore[assignment]
                reason = "；".join(sorted(r for r in reasons if r))
                if reason:
                    whole = all(len({_hashable(v[k]) for v, _ in consistent}) == 1 for k in row.keys)
                    if whole and UNKNOWN not in [consistent[0][0][k] for k in row.keys]:
                        shown = ",".join(_show(consistent[0][0][k]) for k in row.keys)
                        out.notes[key] = f"{reason}，按勾稽关系唯一确定为 {shown}"
                    else:
                        out.notes[key] = f"{reason}；此格在所有满足勾稽关系的读法中均为 {_show(out.values[key])}"
                elif consistent[0][1][i].values[j] is UNKNOWN and row.candidates[0].reason:
                    out.notes[key] = f"{row.candidates[0].reason}，按勾稽关系推得 {_show(out.values[key])}"
            else:
                out.values[key] = row.raw or None
                out.ambiguous.add(key)
                options = sorted({_show(v[key]) for v, _ in consistent})
                out.notes[key] = (
                    f"无法确定：原文“{row.raw}”有多种读法均满足勾稽关系（此格可能为 {' / '.join(options)}）"
                    if len(seen) > 1
                    else f"无法确定：原文“{row.raw}”缺数，勾稽关系不足以推出此格"
                )
    return out


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    seen: dict[tuple, Candidate] = {}
    for c in cands:
        key = tuple(_hashable(v) for v in c.values)
        if key not in seen or (c.reason and len(c.reason) < len(seen[key].reason)):
            seen.setdefault(key, c)
    return list(seen.values())


def _hashable(v: object) -> object:
    return "?" if v is UNKNOWN else v


def _show(v: object) -> str:
    if v is UNKNOWN:
        return "未知"
    if isinstance(v, Decimal):
        return format(v, "f")
    return "空白" if v is None else str(v)
