"""Hierarchy sums (表间, opt-in): a report the roster marks 汇总 should hold, cell by cell, the
sum of its subordinates' reports (audit-practice §K). The sums come from the roll-up
(xladdin.audit.rollup); a subordinate without a report (or an unreadable one) leaves the sums
unjudged, and the finding says whose reports are missing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..audit.pool import map_files
from ..audit.rollup import Source, _Read, rollup_reads
from ..check.findings import CellRef, Finding
from ..spec import SPEC
from ..values import Value, format_value
from .roster import Placed, Roster


def hierarchy_findings(
    roster: Roster, placed: list[Placed], year: int, jobs: int | None = None, store: Any = None,
) -> list[tuple[str, Finding]]:
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
    reads = _cached_reads(store, paths, jobs) if store is not None else (
        dict(zip(paths, map_files(read_values, paths, _crashed, jobs), strict=True)) if paths else {})
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


_CACHE = """CREATE TABLE IF NOT EXISTS office_values (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, agency TEXT NOT NULL, year INTEGER, level TEXT NOT NULL, data TEXT NOT NULL
)"""


def _cached_reads(store: Any, paths: list[str], jobs: int | None) -> dict[str, _Read]:
    """The values of `paths`, read once per content (sha256 of the store's files table) and kept
    in the store's file (table office_values): a rerun reads only the reports that changed."""
    conn = store.conn
    conn.execute(_CACHE)
    sha = dict(conn.execute("SELECT path, sha256 FROM files"))
    cached = {row[0]: row for row in conn.execute("SELECT path, sha256, agency, year, level, data FROM office_values")}
    out: dict[str, _Read] = {}
    todo = []
    for p in paths:
        row = cached.get(p)
        if row is not None and sha.get(p) and row[1] == sha[p]:
            out[p] = _Read(Source(p, row[2], row[3], row[4]), _decode(row[5]))
        else:
            todo.append(p)
    for p, read in zip(todo, map_files(read_values, todo, _crashed, jobs) if todo else [], strict=True):
        out[p] = read
        if read.values is not None and sha.get(p):
            s = read.source
            conn.execute("INSERT OR REPLACE INTO office_values VALUES (?, ?, ?, ?, ?, ?)",
                         (p, sha[p], s.agency, s.year, s.level, _encode(read.values)))
    store.commit()
    return out


def _encode(values: dict[str, Value]) -> str:
    """Numbers exactly (int, Decimal as "d:…"); anything else only as "not a number" ("x:…"),
    which is all the sums need to know of it."""
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, bool) or v is None:
            out[k] = None
        elif isinstance(v, int):
            out[k] = v
        elif isinstance(v, Decimal):
            out[k] = f"d:{v}"
        else:
            out[k] = f"x:{format_value(v)}"
    return json.dumps(out, ensure_ascii=False)


def _decode(text: str) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for k, v in json.loads(text).items():
        out[k] = Decimal(v[2:]) if isinstance(v, str) and v.startswith("d:") else v
    return out


def read_values(path: str) -> _Read:
    """One report's 200 values for the sums (the audit has judged its tables already: the
    roll-up's own check is not run again, every readable report is summed)."""
    from ..errors import XladdinError
    from ..load import load_report_fast

    try:
        report = load_report_fast(path)
    except XladdinError as exc:
        return _Read(Source(path, error=str(exc)))
    except Exception:  # noqa: BLE001 - a reader bug on one file: that subordinate counts as missing
        return _Read(Source(path, error=f"文件“{Path(path).name}”：读取失败"))
    src = Source(path, report.meta.agency, report.meta.year, report.meta.level)
    return _Read(src, {c.key: report.values.get(c.key) for c in SPEC.cells})


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
