"""OCR digit errors caught by the identities: after a scan is read, a cell read by OCR whose
value breaks every failing identity at once, where the value the identities call for differs
from the read one by one look-alike digit (3/8, 1/7, 0/6/8 …), gets a note naming both.

The read value is kept (a published table can itself be wrong, and a scan cannot tell the
two apart): the note says which digit to check against the original.
"""

from __future__ import annotations

from ..report import Report
from ..spec import SPEC
from . import repair

# digits the OCR engines confuse on printed tables
LOOKALIKE = {"0": "689", "1": "7", "3": "8", "5": "6", "6": "058", "7": "1", "8": "0369", "9": "08"}


def lookalikes(n: int) -> set[int]:
    """Numbers that differ from `n` by one look-alike digit."""
    s = str(n)
    out = set()
    for i, d in enumerate(s):
        for alt in LOOKALIKE.get(d, ""):
            t = s[:i] + alt + s[i + 1 :]
            if len(t) == 1 or t[0] != "0":
                out.add(int(t))
    return out


def _failing(values: dict) -> list:
    out = []
    for ident in repair.identities(set(SPEC.keys)):
        vals = [values.get(k) for k in ident.left + ident.right]
        if all(isinstance(v, int) for v in vals):
            if sum(values[k] for k in ident.left) != sum(values[k] for k in ident.right):
                out.append(ident)
    return out


def digit_hints(report: Report, mark: str) -> dict[str, int]:
    """Cell key -> the value the identities call for, for OCR'd cells (address containing
    `mark`) that one look-alike digit would make consistent. Empty unless exactly one cell does."""
    values = {k: report.values.get(k) for k in SPEC.keys}
    failing = _failing(values)
    if not failing:
        return {}
    common = set.intersection(*(set(i.left + i.right) for i in failing))
    hints = {}
    for key in sorted(common):
        read = values[key]
        if not isinstance(read, int) or mark not in report.addresses.get(key, ""):
            continue
        fixed = {k: v for k, v in values.items() if k != key}
        out = repair.solve([repair.plain_row((key,), ["count"], None)], fixed=fixed)
        want = out.values.get(key)
        if not out.violated and key not in out.ambiguous and isinstance(want, int) and want in lookalikes(read):
            hints[key] = want
    return hints if len(hints) == 1 else {}


def note_digit_hints(report: Report, mark: str) -> None:
    for key, want in digit_hints(report, mark).items():
        rules = "、".join(sorted({i.rule for i in _failing(report.values)}))
        note = (
            f"文字识别读作 {report.values[key]}，若为 {want} 则{rules}全部成立：可能是识别错误，请与原件核对"
        )
        prev = report.notes.get(key)
        report.notes[key] = f"{prev}；{note}" if prev else note
        report.observed.setdefault("ocr", {}).setdefault("digit_hints", {})[key] = want
