"""Raw cell contents -> Report, shared by both readers (openpyxl and calamine).

A reader supplies, through the template's defined names (`Layout`), a function giving the raw
content of a place, the formulas of formula cells, a function giving their cached values, the
notes we wrote as comments, and the rows of the 说明 sheet. Everything about turning raw
contents into values (parse_value, dates, years, line breaks, uncached formulas) lives here,
so the two readers cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..names import NOTES_HEADER
from ..previous import previous_from_rows
from ..report import Meta, Report
from ..spec import SPEC
from ..values import Value, is_number, parse_value
from .names import Layout, Place

_CN_DATE = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")


def assemble(
    path: Path,
    layout: Layout,
    raw: Callable[[Place], Any],
    formulas: dict[str, dict[str, str]],
    cached: Callable[[dict[str, Place]], dict[str, Any]],
    notes: dict[str, dict[str, str]],
    notes_rows: Sequence[Sequence[Any]] | None,
    previous_rows: Sequence[Sequence[Any]] | None = None,
) -> Report:
    """formulas/notes: sheet -> {"D7": text}; cached(places) -> {key: cached raw value}."""
    report = Report(source=str(path))
    found: dict[str, str] = {}
    addresses, kinds = _cells_of(layout)
    report.addresses.update(addresses)
    values = report.values
    for key, place in layout.cells.items():
        sheet, coord = place
        sheet_notes = notes.get(sheet)
        if sheet_notes:
            note = sheet_notes.get(coord, "")
            if note:
                report.notes[key] = note
        sheet_formulas = formulas.get(sheet)
        formula = sheet_formulas.get(coord) if sheet_formulas else None
        if formula is not None:
            found[key] = formula
            continue
        values[key] = cell_value(raw(place), kinds[key])
    meta = Meta()
    for name, place in layout.meta.items():
        value = raw(place)
        if name == "year":
            meta.year = year(value)
        elif name == "published":
            meta.published = iso_date(value)
        else:
            setattr(meta, name, text(value).strip())
    report.meta = meta
    report.sections = {part: text(raw(place)) for part, place in layout.sections.items()}
    report.explanations = explanations(notes_rows) if notes_rows is not None else {}
    report.previous = previous_from_rows(previous_rows)
    if found:
        apply_formulas(report, found, cached({k: layout.cells[k] for k in found}), layout)
    return report


_CELLS_OF: dict[int, tuple[Layout, dict[str, str], dict[str, str]]] = {}


def _cells_of(layout: Layout) -> tuple[dict[str, str], dict[str, str]]:
    """({key: "表三!D5"}, {key: kind}) of a layout, built once per layout object (the fast
    reader keeps one layout per distinct workbook.xml for a whole batch)."""
    hit = _CELLS_OF.get(id(layout))
    if hit is not None and hit[0] is layout:
        return hit[1], hit[2]
    addresses = {key: layout.address(place) for key, place in layout.cells.items()}
    kinds = {key: SPEC.cell(key).kind for key in layout.cells}
    if len(_CELLS_OF) >= 64:
        _CELLS_OF.clear()
    _CELLS_OF[id(layout)] = (layout, addresses, kinds)
    return addresses, kinds


def cell_value(raw: Any, kind: str) -> Value:
    """A data cell's value. A number stored as text ("3" in a text-formatted cell, pasted from
    a web page) stays text: Excel's SUM, the template's totals and its 校验 sheet skip it, so
    taking it as 3 here would make Python pass a table that Excel shows as unbalanced."""
    value = parse_value(raw, kind)
    if isinstance(raw, str) and is_number(value):
        return raw.strip()
    return value


def template_formulas(layout: Layout) -> dict[str, str]:
    """The template's formula of every derived cell, when `layout` is the template's own
    (else {}: nothing to compare a formula with)."""
    try:
        from ..template import addresses
        from ..template.formulas import derived_formula
    except ImportError:
        return {}
    if {k: layout.address(p) for k, p in layout.cells.items()} != addresses():
        return {}
    return {c.key: derived_formula(c.key) for c in SPEC.cells if c.derived}


# =IF(COUNT(X)=0,"",SUM(X)): the template's total; =SUM(X) is what templates before it held.
_BLANK_GUARD = re.compile(r'=IF\(COUNT\((?P<args>[^()]*)\)=0,"",(?P<total>SUM\((?P=args)\))\)')


def same_formula(a: str, b: str) -> bool:
    """Same formula, ignoring spaces, $ and case; a plain =SUM(X) equals the blank-guarded one."""

    def norm(f: str) -> str:
        f = f.replace(" ", "").replace("$", "").upper()
        m = _BLANK_GUARD.fullmatch(f)
        return "=" + m["total"] if m else f

    return norm(a) == norm(b)


def apply_formulas(
    report: Report, formulas: dict[str, str], cached: dict[str, Any], layout: Layout | None = None
) -> None:
    """Formula cells: the cached value when the file has one, else computed by `fill` — but
    not for a total whose formula differs from the template's (its result would not be the
    sum fill computes): that one stays blank, with a note saying why."""
    from ..fill import fill

    report.formulas.update(formulas)
    uncached = []
    template: dict[str, str] | None = None  # built only when needed: it imports openpyxl
    for key in formulas:
        value = cached.get(key)
        if value is not None and value != "":
            report.values[key] = parse_value(value, SPEC.cell(key).kind)
            continue
        if template is None:
            template = template_formulas(layout) if layout is not None else {}
        if key in template and not same_formula(formulas[key], template[key]):
            report.values[key] = None
            report.notes.setdefault(
                key, f"公式 {formulas[key]} 与模板不同（应为 {template[key]}），且文件中没有保存计算结果"
            )
        else:
            uncached.append(key)
    if not uncached:
        return
    # Compute on a scratch copy so that blank typed totals are not filled as a side effect.
    scratch = Report(values=dict(report.values), formulas=dict(formulas), spec=report.spec)
    for key in uncached:
        scratch.values[key] = None
    fill(scratch)
    for key in uncached:
        report.values[key] = scratch.values.get(key)
        if report.values[key] is None and not report.spec.cell(key).derived:
            report.notes.setdefault(key, f"公式 {formulas[key]} 没有保存计算结果，请在 Excel/WPS 中重算后保存")


def formula_text(value: Any) -> str | None:
    """The formula of a cell value as openpyxl gives it ("=SUM(…)" or an ArrayFormula)."""
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return value
    inner = getattr(value, "text", None)
    if isinstance(inner, str) and inner.startswith("="):
        return inner
    return None


def at(grid: Sequence[Sequence[Any]], coord: str) -> Any:
    """Value at "D7" of a grid whose first row/column is A1; None when outside."""
    col, row = split(coord)
    if row >= len(grid):
        return None
    line = grid[row]
    return line[col] if col < len(line) else None


@functools.lru_cache(maxsize=4096)  # the template's few hundred places, for every file of a batch
def split(coord: str) -> tuple[int, int]:
    """"D7" -> (3, 6): 0-based column and row."""
    i = col = 0
    while coord[i].isalpha():
        col = col * 26 + (ord(coord[i].upper()) - 64)
        i += 1
    return col - 1, int(coord[i:]) - 1


def column_letter(col: int) -> str:
    """1 -> "A", 27 -> "AA"."""
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def year(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    digits = re.search(r"\d{4}", str(value))
    return int(digits.group()) if digits else None


def iso_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    plain = text(value).strip()
    m = _CN_DATE.match(plain)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return plain
    return plain


def notes_header(rows: Sequence[Sequence[Any]]) -> tuple[int, int, int] | None:
    """(row index, 规则实例 column, 说明 column), 0-based, of the 说明 table's header
    (in the first 20 rows)."""
    for i, row in enumerate(rows[:20]):
        cols = {str(v).strip(): j for j, v in enumerate(row) if isinstance(v, str)}
        if NOTES_HEADER[0] in cols and NOTES_HEADER[1] in cols:
            return i, cols[NOTES_HEADER[0]], cols[NOTES_HEADER[1]]
    return None


def explanations(rows: Sequence[Sequence[Any]]) -> dict[str, str]:
    found = notes_header(rows)
    if found is None:
        return {}
    header, rc, tc = found
    out: dict[str, str] = {}
    for row in rows[header + 1 :]:
        # users type refs with a Chinese input method: T2-C：norm is T2-C:norm
        ref = text(row[rc] if rc < len(row) else None).strip().replace("：", ":").replace(" ", "")
        body = text(row[tc] if tc < len(row) else None).strip()
        if ref and body:
            out[ref] = body
    return out
