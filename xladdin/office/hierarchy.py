"""Hierarchy sums (表间, opt-in): a report the roster marks 汇总 should hold, cell by cell, the
sum of its subordinates' reports (audit-practice §K). The sums come from the roll-up
(xladdin.audit.rollup); a subordinate without a report (or an unreadable one) leaves the sums
unjudged, and the finding says whose reports are missing."""

from __future__ import annotations

from pathlib import Path

from ..audit.pool import map_files
from ..audit.rollup import Source, _Read, read_one, rollup_reads
from ..check.findings import CellRef, Finding
from ..spec import SPEC
from ..values import format_value
from .roster import Placed, Roster


def hierarchy_findings(roster: Roster, placed: list[Placed], year: int, jobs: int | None = None) -> list[tuple[str, Finding]]:
    """(agency, H1 finding) for every 汇总 agency of the roster whose cells differ from the sum
    of its subordinates' reports, or whose subordinates' reports are missing."""
    by_entry: dict[int, Placed] = {}
    for p in placed:
        if p.match.sure and (p.year is None or p.year == year):
            by_entry.setdefault(p.match.entry, p)  # type: ignore[arg-type]
    plans = []
    for i, agency in enumerate(roster.agencies):
        if not agency.summary:
            continue
        children = roster.children(agency)
        if not children or i not in by_entry:
            continue  # nothing to sum, or no summary report (R1 says so)
        plans.append((agency, by_entry[i], [(c, by_entry.get(roster.agencies.index(c))) for c in children]))
    paths = sorted({p.source for _, own, kids in plans for p in [own, *(k for _, k in kids)] if p is not None})
    reads = dict(zip(paths, map_files(read_one, paths, _crashed, jobs), strict=True)) if paths else {}
    out: list[tuple[str, Finding]] = []
    for agency, own, kids in plans:
        missing = [c.name for c, p in kids if p is None or reads[p.source].values is None]
        if missing:
            out.append((agency.name, _finding(
                f"“{agency.name}”的汇总年报未与下级之和比对：下级机关 {'、'.join(missing)} 的年报缺失或无法读取，待其报送后再比对",
                ref="H1:missing", actual="、".join(missing))))
            continue
        mine = reads[own.source]
        if mine.values is None:
            continue
        kid_reads = [_fresh(reads[p.source]) for _, p in kids if p is not None]
        summed = rollup_reads(kid_reads, agency=agency.name, year=year, include_errors=True)
        for cell in SPEC.cells:
            total = summed.cells[cell.key].value
            value = mine.values.get(cell.key)
            if total is None or not isinstance(value, (int, type(total))) or isinstance(value, bool):
                continue
            if value != total:
                diff = value - total
                label = f"{SPEC.table(cell.table).sheet}“{cell.short}”"
                out.append((agency.name, _finding(
                    f"{label}为 {format_value(value)}，下级 {len(kid_reads)} 个机关之和为 {format_value(total)}，"
                    f"相差 {format_value(diff)}",
                    ref=f"H1:{cell.key}", cells=[CellRef(cell.key, "", value)], expected=total, actual=value, imbalance=diff,
                )))
    return out


def _fresh(read: _Read) -> _Read:
    """A copy whose inclusion the roll-up decides anew (its sources are shared between plans)."""
    s = read.source
    return _Read(Source(s.source, s.agency, s.year, s.level, hard=s.hard, pending=s.pending, soft=s.soft,
                        rules=list(s.rules)), read.values)


def _crashed(path: str) -> _Read:
    return _Read(Source(path, error=f"文件“{Path(path).name}”：读取时处理进程异常退出"))


def _finding(message: str, **kw: object) -> Finding:
    r = SPEC.rule("H1")
    return Finding(rule="H1", severity=r.severity, scope=r.scope, message=message, title=r.title, text=r.text, **kw)  # type: ignore[arg-type]


__all__ = ["hierarchy_findings"]
