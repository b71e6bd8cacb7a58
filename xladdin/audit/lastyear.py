"""Last year's report as evidence: which one it is, and what it settles.

- `pairs(records)`: in a batch (a folder audit without --previous), the report of the same agency
  for the year before, when the batch holds exactly one. Agencies match by their canonical name
  only (`check.findings.canonical_name`: NFKC, no spaces): 上海市人民政府 is not
  上海市人民政府办公厅. Several candidates, or none: no last year.
- `reread(report, previous)`: a published report whose table 二 or 三 the reader could not settle
  (待核) is read again with last year's report as evidence (its 现行有效件数 and 结转下年度 tie
  cells no identity of this year ties); the cells it decides say so in their notes.

The runner calls both through one narrow call each; the index of a batch is built from the
records it already has, so no file is read twice to find its last year.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..check.findings import canonical_name
from ..load import PUBLISHED_SUFFIXES
from ..report import Report
from ..values import Doubt


class _Record(Protocol):
    source: str
    meta: dict
    error: str


def pairs(records: Sequence[_Record]) -> dict[int, str]:
    """Record index -> the source of the same agency's report of the year before, for the records
    that have exactly one such report among `records`."""
    by_key: dict[tuple[str, int], list[int]] = {}
    for i, r in enumerate(records):
        name, year = canonical_name(str(r.meta.get("agency") or "")), r.meta.get("year")
        if r.error or not name or not isinstance(year, int):
            continue
        by_key.setdefault((name, year), []).append(i)
    out = {}
    for (name, year), indexes in by_key.items():
        last = by_key.get((name, year - 1), [])
        if len(last) != 1:
            continue  # none, or several to choose from: no evidence is better than a guess
        for i in indexes:
            if records[last[0]].source != records[i].source:
                out[i] = records[last[0]].source
    return out


def unsettled(report: Report) -> list[str]:
    """Cells of table 二 and 三 in doubt: the ones last year's figures can settle."""
    return [k for k in report.spec.keys if k.startswith(("t2.", "t3.")) and isinstance(report.values[k], Doubt)]


def reread(report: Report, previous: Report | None) -> Report:
    """The report read again with `previous` as evidence, when it is a published text with
    cells in doubt that last year's figures may settle; else the report as it is."""
    if previous is None or not unsettled(report) or not report.source:
        return report
    from pathlib import Path

    path = Path(report.source)
    if path.suffix.lower() not in PUBLISHED_SUFFIXES or not path.is_file():
        return report
    from ..ingest import read_published

    again = read_published(path, previous=previous)
    again.observed["previous_evidence"] = previous.source or (previous.meta.title if previous.meta.agency else "")
    return again


__all__ = ["pairs", "reread", "unsettled"]
