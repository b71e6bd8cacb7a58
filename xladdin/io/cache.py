"""Cached results for the total formulas of a workbook we write.

openpyxl writes formulas without results (`<f>SUM(D5:I5)</f><v></v>`). Excel recalculates on
open (fullCalcOnLoad), but phone previewers (WeChat/QQ/email), pandas, calamine and
LibreOffice with its default "never recalculate" setting show those totals as empty or 0.
So after saving we put the result next to each total formula, exactly as Excel would:

- only for a cell whose formula is the template's own (`=SUM(...)` of its parts, checked
  against `xladdin.template.formulas.derived_formula`) on a workbook laid out like the template,
  so a formula the user changed is never given a result it would not produce;
- only when every part is a number (SUM would skip text and blanks; we leave those empty
  rather than guess), computed from the cells as saved, not from the Report.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..fileio import replace_file
from ..spec import SPEC
from ..values import Value, is_number
from .assemble import cell_value, same_formula, template_formulas
from .cells import formula_of, unescape
from .names import Layout
from .parts import workbook_part

Cache = dict[str, dict[str, int | Decimal]]  # sheet -> {"D5": value}


def formula_results(wb: Any, layout: Layout) -> Cache:
    """Results of the template's total formulas in an (unsaved) openpyxl workbook."""
    template = template_formulas(layout)
    if not template:  # not laid out like the template: nothing to compare formulas with
        return {}
    from ..template.formulas import derivation

    values: dict[str, Value] = {}
    pending: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for key, (sheet, coord) in layout.cells.items():
        cell = wb[sheet][coord]
        formula = formula_of(cell)
        if formula is None:
            values[key] = cell_value(unescape(cell.value), SPEC.cell(key).kind)  # "3" as text: SUM skips it
        elif key in template and same_formula(formula, template[key]):
            pending[key] = derivation(key)
        else:
            values[key] = None  # a formula of the user's: its result is not ours to write
    results: dict[str, int | Decimal] = {}
    progress = True
    while pending and progress:  # totals of totals: evaluate in dependency order
        progress = False
        for key, (plus, minus) in list(pending.items()):
            parts = [results.get(k, values.get(k)) for k in plus + minus]
            if any(k in pending for k in plus + minus):
                continue
            del pending[key]
            progress = True
            if all(is_number(v) for v in parts):
                results[key] = sum(parts[: len(plus)], start=0) - sum(parts[len(plus) :], start=0)  # type: ignore[arg-type]
    out: Cache = {}
    for key, value in results.items():
        sheet, coord = layout.cells[key]
        out.setdefault(sheet, {})[coord] = value
    return out


def _number(value: int | Decimal) -> str:
    return str(value) if isinstance(value, int) else format(value, "f")


def write_results(path: str | Path, cache: Cache) -> int:
    """Put cached results into the saved workbook at `path` (in place, via a temp file).
    Returns the number of cells given a result."""
    if not cache:
        return 0
    with zipfile.ZipFile(path) as zin:
        sheets, _ = workbook_part(zin)
    targets = {sheets[s]: cells for s, cells in cache.items() if s in sheets}
    done = 0

    def write(tmp: Path) -> None:
        nonlocal done
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in zin.namelist():
                data = zin.read(name)
                if name in targets:
                    data, n = _fill_part(data, targets[name])
                    done += n
                zout.writestr(name, data)

    replace_file(path, write)
    return done


def _fill_part(data: bytes, cells: dict[str, int | Decimal]) -> tuple[bytes, int]:
    text = data.decode("utf-8")
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count
        coord = m.group(2)
        if coord not in cells:
            return m.group(0)
        count += 1
        return f"{m.group(1)}{m.group(3)}<v>{_number(cells[coord])}</v></c>"

    # openpyxl writes a formula cell as <c r="D5" s="7"><f>SUM(...)</f><v></v></c> (or <v/>)
    pattern = re.compile(r'(<c r="([A-Z]+[0-9]+)"(?: s="[0-9]+")?>)(<f>[^<]*</f>)(?:<v\s*/>|<v></v>)?</c>')
    return pattern.sub(one, text).encode("utf-8"), count
