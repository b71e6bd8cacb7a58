"""Constraint repair: read mangled table rows as one constraint problem per report (CP-SAT).

A *row* is a run of cells printed together (a table 三 row, table 四's 15 cells, a table 二
row). Its printed value tokens may not map one to one onto its cells: digits glued together
("310010234" for 31,0,0,1,0,2,34; "行政规范性文件1024"), a cell dropped (six numbers for
seven columns), numbers not found at all, or several ways to pair labels with number lines
(each an *option* of the row). Every row of the report goes into one CP-SAT model: each cell
is an integer, each digit token is cut into cells (non-negative integers without leading zeros,
a lone 0 is fine; decimals and placeholders stay one cell each), and every identity (T3-R, E1,
T3-T, T4-1..3, the T3-G subtotals where printed) is a *soft* constraint: a published table can
itself be wrong. The solver proves, in stages:

1. the readings that violate the fewest identities;
2. among those, the ones that agree with the evidence: the narrative's figures ("制发N件"),
   last year's report (T2-C, Y1);
3. among those, the plausible ones (现行有效件数 not below 本年制发件数), with a note saying so.

A cell whose value is the same in every reading left is read (with a note on how); a cell
that still differs is ambiguous and keeps the printed text, the note listing the readings.
Nothing is guessed. A unique reading that violates an identity is used: the violation is the
report's own defect, and the check engine reports it. Time and memory are bounded: the model
has O(cells × digits) constraints, however long a run of glued digits is.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..spec import SPEC, Identity
from ..values import ABSENT, Doubt, Value, format_value, is_number, parse_value

MAX_INSERT = 2  # at most this many dropped cells per row of separated tokens
MAX_DIGITS = 8  # a cell cut from glued digits never has more digits than this
BIG = 10**MAX_DIGITS
TIME_LIMIT = 3.0  # seconds of solver time per report (a clean or lightly mangled one needs ~0.05 s)
MAX_ROUNDS = 60  # solves spent proving cells decided (each round settles at least one cell)
MAX_LISTED = 8  # readings of an ambiguous row listed in its note

_DIGITS = re.compile(r"^\d+$")
cp_model: Any = None  # ortools.sat.python.cp_model, imported on first need (it takes ~1.5 s)


def _load_solver() -> None:
    global cp_model
    if cp_model is None:
        from ortools.sat.python import cp_model as module

        cp_model = module


@dataclass
class Segment:
    """Cells `keys` printed as `tokens` (None: their numbers were not found)."""

    keys: tuple[str, ...]
    kinds: tuple[str, ...]
    tokens: tuple[str, ...] | None
    max_missing: int = 0  # cells the print may have dropped
    absent: bool = False  # never printed at all (ABSENT): no value, in no identity

    def literal(self) -> list[str] | None:
        """The cells' texts when the printing allows one reading only: the tokens are the cells,
        or the digits are as many as the cells (each digit one cell) and none was dropped."""
        if self.tokens is None:
            return None
        if len(self.tokens) == len(self.keys) and not any(_leading_zero(t) for t in self.tokens):
            return list(self.tokens)
        units = _units(self.tokens)[0]
        if len(units) == len(self.keys) and not self.max_missing:
            return units
        return None


@dataclass
class Option:
    segments: list[Segment]
    reason: str = ""  # Chinese: how this option arises ("" for the plain reading)


@dataclass
class Row:
    keys: tuple[str, ...]
    options: list[Option]
    raw: str = ""  # printed text of the row, for notes and ambiguous cells
    where: str = ""


@dataclass(frozen=True)
class Clue:
    """Evidence on cells: sum(coef × cell) == value (or >= value for plausibility)."""

    terms: tuple[tuple[str, int], ...]
    value: int
    why: str  # Chinese, e.g. "正文“制发行政规范性文件1件”"
    plausibility: bool = False  # a plausibility rule (stage 3), not evidence


@dataclass
class Outcome:
    values: dict[str, Value] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)
    unreadable: set[str] = field(default_factory=set)
    violated: list[str] = field(default_factory=list)  # identity refs the reading violates
    solves: int = 0  # CP-SAT calls made


def _leading_zero(token: str) -> bool:
    return bool(_DIGITS.match(token)) and len(token) > 1 and token[0] == "0"


def segment(keys: tuple[str, ...], kinds: tuple[str, ...] | list[str], tokens: list[str] | None) -> Segment:
    """A segment with the dropped cells its printing allows: separated tokens fewer than the cells
    may have lost up to MAX_INSERT; one run of digits only what its digits cannot fill."""
    width = len(keys)
    if tokens is None:
        return Segment(keys, tuple(kinds), None)
    toks = tuple(tokens)
    if len(toks) == 1 and _DIGITS.match(toks[0]):
        missing = max(0, width - len(toks[0]))
    elif len(toks) < width:
        missing = min(MAX_INSERT, width - len(toks))
    else:
        missing = 0
    return Segment(keys, tuple(kinds), toks, missing)


def absent_segment(keys: tuple[str, ...]) -> Segment:
    return Segment(keys, tuple("count" for _ in keys), None, absent=True)


def plain_row(keys: tuple[str, ...], kinds: list[str], tokens: list[str] | None, raw: str = "", where: str = "") -> Row:
    return Row(keys, [Option([segment(keys, kinds, tokens)])], raw, where)


def identities(keys: set[str] | None = None) -> list[Identity]:
    """The identities of the 200 cells (T3-G* only when their subtotal cells are in `keys`)."""
    from ..check.engine import IDENTITY_RULES

    out = []
    for rule_id in IDENTITY_RULES:
        for ident in SPEC.rule(rule_id).identities:
            if keys is None or all(k in keys for k in ident.left + ident.right):
                out.append(ident)
    return out


# --------------------------------------------------------------------------- the model


def _units(tokens: tuple[str, ...]) -> tuple[list[str], list[int], list[bool]]:
    """Tokens as units (each digit of a digit token; any other token whole), the token of each
    unit, and whether it is a digit."""
    units: list[str] = []
    owner: list[int] = []
    digit: list[bool] = []
    for t, tok in enumerate(tokens):
        if _DIGITS.match(tok):
            units += list(tok)
            owner += [t] * len(tok)
            digit += [True] * len(tok)
        else:
            units.append(tok)
            owner.append(t)
            digit.append(False)
    return units, owner, digit


def _feasible(seg: Segment) -> bool:
    if seg.tokens is None:
        return True
    units, _, digit = _units(seg.tokens)
    most = len(units) + seg.max_missing
    least = len(seg.tokens)
    return least <= len(seg.keys) <= most and (len(units) > 0 or seg.max_missing >= len(seg.keys))


def _solver_value(text: str, kind: str) -> int | None:
    """The integer a piece of printed text stands for in the identities; None when it takes no
    part (blank, placeholder, decimal, amount)."""
    if kind != "count":
        return None
    if text.isdigit():
        return int(text)
    v = parse_value(text, kind)
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None


class _Model:
    def __init__(self, rows: list[Row], fixed: dict[str, Value]) -> None:
        self.m = cp_model.CpModel()
        self.rows = rows
        self.v: dict[str, cp_model.IntVar] = {}
        self.num: dict[str, cp_model.IntVar] = {}  # 1 when the cell is a number taking part in identities
        self.const: dict[str, Value] = dict(fixed)
        self.choice: list[list[cp_model.IntVar]] = []
        self.cells: list[list[list[tuple]]] = []  # row -> option -> segment -> (pos vars, missing vars)
        self.code = 0
        self.texts: dict[int, str] = {}  # code -> printed non-number text
        for row in rows:
            self._row(row)

    def _row(self, row: Row) -> None:
        m = self.m
        for k in row.keys:
            self.v[k] = m.NewIntVar(0, BIG, k)
            self.num[k] = m.NewBoolVar(f"num:{k}")
        lits = [m.NewBoolVar(f"opt{i}") for i in range(len(row.options))]
        m.AddExactlyOne(lits)
        self.choice.append(lits)
        per_option = []
        for lit, opt in zip(lits, row.options, strict=True):
            segs = []
            for seg in opt.segments:
                if not _feasible(seg):
                    m.Add(lit == 0)
                    segs.append(None)
                    continue
                segs.append(self._segment(seg, lit))
            per_option.append(segs)
        self.cells.append(per_option)

    def _segment(self, seg: Segment, lit: cp_model.IntVar) -> tuple:
        m = self.m
        if seg.absent:
            for k in seg.keys:
                m.Add(self.num[k] == 0).OnlyEnforceIf(lit)
                m.Add(self.v[k] == 0).OnlyEnforceIf(lit)
            return (None, None, None)
        if seg.tokens is None:
            for k in seg.keys:
                m.Add(self.num[k] == 1).OnlyEnforceIf(lit)
            return (None, None, None)
        units, owner, digit = _units(seg.tokens)
        n = len(units)
        width = len(seg.keys)
        pos = [m.NewIntVar(0, n, "p") for _ in range(width + 1)]
        m.Add(pos[0] == 0).OnlyEnforceIf(lit)
        m.Add(pos[width] == n).OnlyEnforceIf(lit)
        miss_vars = []
        for i, key in enumerate(seg.keys):
            kind = seg.kinds[i]
            u = m.NewIntVar(0, BIG, "u")
            isnum = m.NewBoolVar("n")
            miss = m.NewBoolVar("m")
            tuples = []
            mm = seg.max_missing
            # cells before this one take at least one unit each unless dropped, and so do those after
            for a in range(max(0, i - mm), n - max(0, width - i - 1 - mm) + 1):
                if mm:
                    tuples.append((a, a, 0, 1, 1))
                for b in range(a + 1, min(n - max(0, width - i - 1 - mm), a + MAX_DIGITS) + 1):
                    if owner[b - 1] != owner[a]:
                        break
                    if not digit[a]:
                        if b > a + 1:
                            break
                        text = units[a]
                    else:
                        text = "".join(units[a:b])
                        if len(text) > 1 and text[0] == "0":
                            break
                    val = _solver_value(text, kind)
                    if val is None:
                        self.code += 1
                        self.texts[self.code] = text
                        tuples.append((a, b, self.code, 0, 0))
                    else:
                        tuples.append((a, b, val, 1, 0))
            m.AddAllowedAssignments([pos[i], pos[i + 1], u, isnum, miss], tuples).OnlyEnforceIf(lit)
            extra = m.NewIntVar(0, BIG, "f")
            m.Add(extra == 0).OnlyEnforceIf([lit, miss.Not()])
            m.Add(self.v[key] == u + extra).OnlyEnforceIf(lit)
            m.Add(self.num[key] == isnum).OnlyEnforceIf(lit)
            miss_vars.append(miss)
        if seg.max_missing:
            m.Add(sum(miss_vars) <= seg.max_missing).OnlyEnforceIf(lit)
        else:
            for x in miss_vars:
                m.Add(x == 0).OnlyEnforceIf(lit)
        return (pos, miss_vars, units)

    # identities and clues as soft constraints
    def term(self, key: str) -> tuple[object, object] | None:
        """(value expression, number literal or True) of a cell; None when it cannot take part."""
        if key in self.v:
            return self.v[key], self.num[key]
        if key in self.const:
            c = self.const[key]
            if isinstance(c, int) and not isinstance(c, bool):
                return c, True
            if isinstance(c, Decimal) and c == c.to_integral_value():
                return int(c), True
        return None

    def soft(self, terms: list[tuple[str, int]], value: int, op: str = "==") -> cp_model.IntVar | None:
        """A literal that is 1 when the (evaluable) relation fails; None when it involves no
        variable cell or a cell that can never be a number."""
        parts = [(self.term(k), c) for k, c in terms]
        if any(p is None for p, _ in parts) or not any(k in self.v for k, _ in terms):
            return None
        m = self.m
        ok = m.NewBoolVar("ok")
        bad = m.NewBoolVar("bad")
        expr = sum(c * p[0] for p, c in parts)  # type: ignore[index]
        if op == "==":
            m.Add(expr == value).OnlyEnforceIf(ok)
        else:
            m.Add(expr >= value).OnlyEnforceIf(ok)
        nums = [p[1] for p, _ in parts if p[1] is not True]  # type: ignore[index]
        m.AddBoolOr([ok, bad] + [x.Not() for x in nums])  # type: ignore[union-attr]
        return bad


class _Search:
    """Optimal readings of the model, and which cells they settle."""

    def __init__(self, model: _Model, outcome: Outcome) -> None:
        self.model = model
        self.out = outcome
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = 1
        self.deadline = time.monotonic() + TIME_LIMIT
        self.solutions: list[dict[str, int]] = []
        self.stage = 0  # index in `solutions` of the current stage's first optimal reading
        self.timed_out = False

    def run(self) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            self.timed_out = True
            return cp_model.UNKNOWN
        self.out.solves += 1
        self.solver.parameters.max_time_in_seconds = left
        status = self.solver.Solve(self.model.m)
        if status == cp_model.UNKNOWN:
            self.timed_out = True
        return status

    def minimize(self, expr: object) -> int | None:
        """Minimise `expr`, then keep it at its optimum; None when no reading exists."""
        m = self.model.m
        m.ClearAssumptions()
        m.Minimize(expr)
        status = self.run()
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            m.ClearObjective()
            return None
        best = int(round(self.solver.ObjectiveValue()))
        if status == cp_model.FEASIBLE:
            self.timed_out = True  # not proven optimal: what follows cannot prove anything
        m.ClearObjective()
        m.Add(expr == best)  # type: ignore[arg-type]
        self.stage = len(self.solutions)
        self._record()
        return best

    def _record(self) -> None:
        s = self.solver
        sol = {k: s.Value(v) for k, v in self.model.v.items()}
        sol.update({f"#num:{k}": s.Value(x) for k, x in self.model.num.items()})
        sol["#cells"] = self._decode()  # type: ignore[assignment]
        self.solutions.append(sol)

    def _decode(self) -> dict[str, Value]:
        """Printed value (or solved value of a dropped cell) of every cell in the current solution."""
        s = self.solver
        out: dict[str, Value] = {}
        for row, lits, per_option in zip(self.model.rows, self.model.choice, self.model.cells, strict=True):
            i = next(j for j, lit in enumerate(lits) if s.Value(lit))
            for seg, built in zip(row.options[i].segments, per_option[i], strict=True):
                pos, miss, units = built
                for c, key in enumerate(seg.keys):
                    if seg.absent:
                        out[key] = ABSENT
                    elif pos is None or s.Value(miss[c]):
                        out[key] = s.Value(self.model.v[key])
                    else:
                        text = "".join(units[s.Value(pos[c]) : s.Value(pos[c + 1])])
                        out[key] = parse_value(text, seg.kinds[c])
        return out

    def _differ_from(self, reading: dict, keys, probe) -> None:  # type: ignore[no-untyped-def]
        """Under `probe`, at least one of `keys` takes another value than in `reading`."""
        m = self.model.m
        diffs = []
        for k in keys:
            d = m.NewBoolVar("d")
            m.Add(self.model.v[k] != reading[k]).OnlyEnforceIf(d)
            diffs.append(d)
        m.AddBoolOr(diffs).OnlyEnforceIf(probe)

    def _run_probe(self, probe):  # type: ignore[no-untyped-def]
        """Solve with `probe` assumed true, then switch it off for good (its constraints lapse)."""
        m = self.model.m
        m.ClearAssumptions()
        m.AddAssumptions([probe])
        status = self.run()
        m.ClearAssumptions()
        m.Add(probe == 0)
        return status

    def settle(self, keys: list[str]) -> set[str]:
        """Keys whose value differs between optimal readings (the rest are proven the same)."""
        m = self.model.m
        differ: set[str] = set()
        first = self.solutions[-1]
        rounds = 0
        while True:
            same = [k for k in keys if k not in differ]
            if not same:
                break
            if rounds >= MAX_ROUNDS or self.timed_out:
                return set(keys)  # not proven: nothing is taken for settled
            rounds += 1
            probe = m.NewBoolVar("probe")
            self._differ_from(first, same, probe)
            status = self._run_probe(probe)
            if status == cp_model.INFEASIBLE:
                break
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return set(keys)
            self._record()
            new = self.solutions[-1]
            differ |= {k for k in same if new[k] != first[k]}
        return differ

    def readings(self, keys: tuple[str, ...], limit: int = MAX_LISTED) -> list[dict[str, Value]]:
        """Distinct readings of `keys` among the optimal ones (at most `limit` + 1)."""
        m = self.model.m
        found: list[dict[str, int]] = []
        decoded: list[dict[str, Value]] = []
        for sol in self.solutions[self.stage :]:
            proj = {k: sol[k] for k in keys}
            if proj not in found:
                found.append(proj)
                decoded.append({k: sol["#cells"][k] for k in keys})  # type: ignore[index]
        while len(found) <= limit and not self.timed_out:
            probe = m.NewBoolVar("probe")
            for proj in found:
                self._differ_from(proj, keys, probe)
            status = self._run_probe(probe)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            self._record()
            sol = self.solutions[-1]
            found.append({k: sol[k] for k in keys})
            decoded.append({k: sol["#cells"][k] for k in keys})  # type: ignore[index]
        return decoded


# --------------------------------------------------------------------------- solve


def solve(
    rows: list[Row],
    fixed: dict[str, Value] | None = None,
    clues: list[Clue] | None = None,
    extra_identities: list[Identity] | None = None,
) -> Outcome:
    """Read `rows` (plus `fixed` cells read without doubt) as one constraint problem."""
    out = Outcome()
    fixed = dict(fixed or {})
    out.values.update(fixed)
    variable: list[Row] = []
    for row in rows:
        only = row.options[0].segments if len(row.options) == 1 else []
        texts = [None if seg.absent else seg.literal() for seg in only]
        if only and all(seg.absent or t is not None for seg, t in zip(only, texts, strict=True)):
            cut = False
            for seg, t in zip(only, texts, strict=True):
                for i, key in enumerate(seg.keys):
                    fixed[key] = ABSENT if t is None else parse_value(t[i], seg.kinds[i])
                    out.values[key] = fixed[key]
                cut = cut or (t is not None and t != list(seg.tokens or ()))
            reason = row.options[0].reason or (_why(row) if cut else "")
            if reason:
                shown = ",".join(_show(fixed[k]) for k in row.keys)
                for key in row.keys:
                    out.notes[key] = f"{reason}，唯一读法为 {shown}"
            continue
        if not any(all(_feasible(s) for s in opt.segments) for opt in row.options):
            why = "原文的数字个数与此行的格数对不上" if row.raw else "原文未找到此行的数字"
            for k in row.keys:
                out.values[k] = _doubt(row, why)
                out.unreadable.add(k)
                out.notes[k] = f"无法读取：原文“{row.raw}”的数字个数与此行的格数对不上" if row.raw else f"无法读取：{why}"
            continue
        variable.append(row)
    if not variable:
        return out
    _load_solver()
    model = _Model(variable, fixed)
    all_keys = set(fixed) | {k for r in variable for k in r.keys}
    idents = identities(all_keys) + list(extra_identities or [])
    broken: list[tuple[Identity, cp_model.IntVar]] = []
    for ident in idents:
        terms = [(k, 1) for k in ident.left] + [(k, -1) for k in ident.right]
        bad = model.soft(terms, 0)
        if bad is not None:
            broken.append((ident, bad))
    search = _Search(model, out)
    keys = [k for r in variable for k in r.keys]
    if search.minimize(sum(b for _, b in broken)) is None:
        if not search.timed_out:
            # identities are soft: no reading at all means some row cannot be printed as it is
            # read (leading zeros, too many digits). Those rows alone are unreadable; the rest
            # of the report is read without them, as if they had not been printed.
            bad = [row for row in variable if not _readable_alone(row)]
            if bad and len(bad) < len(variable):
                rest = solve([r for r in rows if r not in bad], fixed, clues, extra_identities)
                for row in bad:
                    for k in row.keys:
                        rest.values[k] = _doubt(row, "没有一种读法")
                        rest.unreadable.add(k)
                        rest.notes[k] = f"无法读取：原文“{row.raw}”没有一种读法" if row.raw else "无法读取：原文未找到此行的数字"
                rest.solves += out.solves
                return rest
        for row in variable:
            for k in row.keys:
                why = f"在求解时限（{TIME_LIMIT:g} 秒）内未能找到读法" if search.timed_out else "没有一种读法"
                out.values[k] = _doubt(row, why)
                out.unreadable.add(k)
                out.notes[k] = f"无法读取：原文“{row.raw}”{why}" if row.raw else "无法读取：原文未找到此行的数字"
        return out
    out.violated = [ident.ref for ident, b in broken if search.solver.Value(b)]
    differ = search.settle(keys)
    decided_by: dict[str, str] = {}
    for plausibility in (False, True):
        if not differ:
            break
        stage = [c for c in clues or [] if c.plausibility == plausibility]
        lits = [(c, model.soft(list(c.terms), c.value, ">=" if plausibility else "==")) for c in stage]
        lits = [(c, x) for c, x in lits if x is not None]
        if not lits:
            continue
        before = set(differ)
        if search.minimize(sum(x for _, x in lits)) is None:
            break
        held = list(dict.fromkeys(c.why for c, x in lits if not search.solver.Value(x)))
        differ = search.settle(sorted(before))
        for k in before - differ:
            decided_by[k] = ("仅按合理性（" if plausibility else "按") + "、".join(held) + ("）" if plausibility else "")
    final = search.solutions[-1]["#cells"]  # type: ignore[index]
    _notes(out, variable, final, differ, decided_by, search)
    return out


def _readable_alone(row: Row) -> bool:
    """Whether the row has a reading of its own (its printing allows one, identities aside)."""
    model = _Model([row], {})
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 1.0
    return solver.Solve(model.m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _notes(
    out: Outcome,
    rows: list[Row],
    final: dict[str, Value],
    differ: set[str],
    decided_by: dict[str, str],
    search: _Search,
) -> None:
    violated = "、".join(out.violated)
    for row in rows:
        reason = "；".join(dict.fromkeys(o.reason for o in row.options if o.reason)) or _why(row)
        ambiguous = [k for k in row.keys if k in differ]
        if not ambiguous:
            shown = ",".join(_show(final[k]) for k in row.keys)
            how = "、".join(dict.fromkeys(decided_by[k] for k in row.keys if k in decided_by))
            if how:
                how += "确定"
            else:
                how = "唯一确定" if not violated else f"唯一读法（此读法下原表不满足 {violated}，见审核结果）"
            for k in row.keys:
                out.values[k] = final[k]
                out.notes[k] = f"{reason}，{how}为 {shown}" if reason else f"{how}为 {shown}"
            continue
        listed = search.readings(row.keys)
        more = len(listed) > MAX_LISTED
        shown = " / ".join(",".join(_show(r[k]) for k in row.keys) for r in listed[:MAX_LISTED])
        if more:
            shown += " / ……"
        for k in row.keys:
            if k in differ:
                out.ambiguous.add(k)
                options = sorted({_show(r[k]) for r in listed})
                out.values[k] = _doubt(
                    row,
                    "在求解时限内未能证明读法唯一" if search.timed_out else "有多种读法",
                    tuple(dict.fromkeys(r[k] for r in listed if is_number(r[k]))),
                    tuple(",".join(_show(r[j]) for j in row.keys) for r in listed[:MAX_LISTED]),
                )
                many = (
                    f"在求解时限（{TIME_LIMIT:g} 秒）内未能证明读法唯一（已找到的读法中此格为 {' / '.join(options)}）"
                    if search.timed_out
                    else f"有多种读法（此格可能为 {' / '.join(options)}{' / ……' if more else ''}；此行的读法：{shown}）"
                )
                out.notes[k] = (
                    f"无法确定：原文“{row.raw}”{many}"
                    if row.raw
                    else f"无法确定：原文未找到此行的数字，勾稽关系不足以推出此格（可能为 {' / '.join(options)}）"
                )
            else:
                out.values[k] = final[k]
                how = f"{decided_by[k]}，此格为" if k in decided_by else "此格在所有读法中均为"
                out.notes[k] = f"{reason}；{how} {_show(final[k])}" if reason else f"{how} {_show(final[k])}"


def _doubt(row: Row, why: str, readings: tuple = (), row_readings: tuple[str, ...] = ()) -> Doubt:
    """The value of a printed cell this row leaves unsettled (待核), never the printed text as
    if the agency had typed it."""
    return Doubt(row.raw, readings, why, row.where or row.raw or ",".join(row.keys), row_readings)


def _why(row: Row) -> str:
    """How the printing of a row departs from one number per cell, in Chinese."""
    seg = row.options[0].segments[0] if row.options and row.options[0].segments else None
    if seg is None or seg.tokens is None:
        return "原文未找到此行的数字"
    width = len(seg.keys)
    glued = [t for t in seg.tokens if _DIGITS.match(t) and len(t) > 1]
    if len(seg.tokens) < width and not glued:
        return f"原文此行只印 {len(seg.tokens)} 个数（应为 {width} 个）"
    shown = "、".join(f"“{t}”" for t in glued)
    return f"原文数字 {shown} 粘连（应为 {width} 格）" if glued else ""


def _show(v: object) -> str:
    return format_value(v)  # type: ignore[arg-type]
