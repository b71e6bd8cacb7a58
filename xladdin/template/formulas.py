"""Excel formulas generated from the spec's identities.

Only functions that Excel, WPS and LibreOffice evaluate alike are used: IF, COUNT and SUM in
the derived cells (blank until a part is filled, so a blank template prints no 0 totals and its
校验 sheet says 未核对, not 通过); COUNT, COUNTBLANK, COUNTA, COUNTIF, IF and SUMPRODUCT/MOD on the 校验 sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..names import cell_name
from ..spec import SPEC, Identity, Spec
from .layout import Pos, cell_positions

# Rules whose instances have cells in the 2021 table (T3-G* subtotals are virtual: not printed).
IDENTITY_RULES = ("E1", "T3-R", "T3-T", "T4-1", "T4-2", "T4-3")


def derivation(key: str, spec: Spec = SPEC) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(plus, minus): the parts whose sums give derived cell `key`.

    Among the identities that derive `key`, the one with the fewest parts wins (the grand total
    comes from the （七）总计 row's party columns, as `xladdin.fill` computes it)."""
    candidates: list[Identity] = [
        ident for rule in spec.rules for ident in rule.identities if ident.derive == key
    ]
    if not candidates:
        raise KeyError(f"no identity derives {key}")
    ident = min(candidates, key=lambda i: len(i.left) + len(i.right))
    if key in ident.left:
        return ident.right, tuple(k for k in ident.left if k != key)
    return ident.left, tuple(k for k in ident.right if k != key)


def runs(positions: Sequence[Pos]) -> list[tuple[Pos, Pos]]:
    """Split positions (in the given order) into maximal runs along a row or a column."""
    out: list[tuple[Pos, Pos]] = []
    for p in positions:
        if out:
            start, end = out[-1]
            same_sheet = p.sheet == end.sheet
            along_row = start.row == end.row and p.row == end.row and p.col == end.col + 1
            along_col = start.col == end.col and p.col == end.col and p.row == end.row + 1
            if same_sheet and (along_row or along_col):
                out[-1] = (start, p)
                continue
        out.append((p, p))
    return out


def rectangles(positions: Iterable[Pos]) -> list[tuple[Pos, Pos]]:
    """Cover positions on one sheet by rectangles: row runs, then equal runs stacked."""
    ordered = sorted(positions, key=lambda p: (p.row, p.col))
    row_runs: list[tuple[Pos, Pos]] = []
    for p in ordered:
        if row_runs and row_runs[-1][1].row == p.row and row_runs[-1][1].col + 1 == p.col:
            row_runs[-1] = (row_runs[-1][0], p)
        else:
            row_runs.append((p, p))
    out: list[tuple[Pos, Pos]] = []
    for start, end in row_runs:
        if out:
            s, e = out[-1]
            if s.col == start.col and e.col == end.col and e.row + 1 == start.row:
                out[-1] = (s, end)
                continue
        out.append((start, end))
    return out


def local(a: Pos, b: Pos) -> str:
    return a.a1 if a == b else f"{a.a1}:{b.a1}"


def qualified(a: Pos, b: Pos) -> str:
    return a.ref if a == b else f"{a.ref}:{b.a1}"


def local_args(keys: Sequence[str], spec: Spec = SPEC) -> list[str]:
    """Same-sheet references (D5:I5) for keys, as SUM arguments."""
    pos = cell_positions(spec)
    return [local(a, b) for a, b in runs([pos[k] for k in keys])]


def named_args(keys: Sequence[str], spec: Spec = SPEC) -> list[str]:
    """Cross-sheet SUM arguments: a run of three or more cells as a range ('表三'!D7:D28),
    shorter runs through the defined names (NB_t3_new_natural)."""
    pos = cell_positions(spec)
    out: list[str] = []
    for a, b in runs([pos[k] for k in keys]):
        if (b.row - a.row) + (b.col - a.col) >= 2:
            out.append(qualified(a, b))
        else:
            cells = [k for k in keys if a.row <= pos[k].row <= b.row and a.col <= pos[k].col <= b.col]
            out.extend(cell_name(k) for k in cells)
    return out


def sum_of(args: Sequence[str]) -> str:
    return f"SUM({','.join(args)})"


def blank_until_filled(args: Sequence[str], total: str) -> str:
    """`total`, or "" (text: COUNT skips it, SUM adds nothing) while every cell of `args` is blank."""
    return f'IF(COUNT({",".join(args)})=0,"",{total})'


def derived_formula(key: str, spec: Spec = SPEC) -> str:
    """=IF(COUNT(D5:I5)=0,"",SUM(D5:I5)) for a derived cell, from the identity that defines it."""
    plus, minus = derivation(key, spec)
    total = sum_of(local_args(plus, spec))
    if minus:
        total += "-" + sum_of(local_args(minus, spec))
    return "=" + blank_until_filled(local_args(plus + minus, spec), total)
