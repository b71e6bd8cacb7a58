"""Everything the office reads, from one store: each report's findings, the roster's (缺报, 迟报,
名单外, 名称待确认), the hierarchy sums (opt-in), each with its review state. One pass over the
store; the outputs (review workbook, notices, overview, status) all read this."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..check.findings import SEVERITY_ORDER, Finding
from ..errors import InputError
from ..store import Store
from . import review as rv
from .roster import Agency, Placed, Roster, roster_findings


@dataclass
class Item:
    """One finding as the office reviews it."""

    agency: str  # the roster's name when the report matched it, else the report's
    year: int | None
    source: str  # the report's file ("" for 缺报)
    finding: Finding
    fingerprint: str
    digest: str
    decision: rv.Decision | None = None

    @property
    def state(self) -> str:
        return rv.state(self.decision, self.digest)


@dataclass
class AgencyRow:
    name: str
    level: str = ""
    parent: str = ""
    sources: list[str] = field(default_factory=list)
    on_roster: bool = False
    published: str = ""
    error: str = ""
    items: list[Item] = field(default_factory=list)


@dataclass
class Collected:
    run: int
    year: int | None
    roster: Roster | None
    items: list[Item]
    agencies: dict[str, AgencyRow]
    placed: list[Placed] = field(default_factory=list)

    def by_fingerprint(self) -> dict[str, Item]:
        return {i.fingerprint: i for i in self.items}


def latest_run(store: Store, run: int | None = None) -> int:
    if run is not None:
        if not any(r.id == run for r in store.runs()):
            raise InputError(f"审核结果库中没有第 {run} 次审核", path=str(store.path))
        return run
    last = store.last_run()
    if last is None:
        raise InputError("审核结果库中还没有审核结果：请先运行 xladdin audit 文件夹 --db 此文件", path=str(store.path))
    return last.id


def collect(store: Store, run: int | None = None, roster: Roster | None = None, hierarchy: bool = False) -> Collected:
    """The findings of `run` (default: the latest), with the roster's (given, or kept in the
    store) and, with `hierarchy`, the sums of the 汇总 reports (H1)."""
    run = latest_run(store, run)
    roster = roster or rv.stored_roster(store)
    decisions = rv.latest(store)
    items: list[Item] = []
    agencies: dict[str, AgencyRow] = {}
    placed: list[Placed] = []
    years: Counter[int] = Counter()
    for record in store.records(run):
        meta = record.meta
        name = str(meta.get("agency") or "") or Path(record.source).stem
        year = meta.get("year") if isinstance(meta.get("year"), int) else None
        if year:
            years[year] += 1
        match = roster.match(name) if roster is not None else None
        shown = roster.agencies[match.entry].name if roster is not None and match and match.sure else name
        if match is not None:
            placed.append(Placed(record.source, name, year, str(meta.get("published") or ""), match))
        row = agencies.setdefault(shown, AgencyRow(shown, str(meta.get("level") or "")))
        row.sources.append(record.source)
        row.published = row.published or str(meta.get("published") or "")
        row.error = row.error or record.error
        agency_for_fp = str(meta.get("agency") or "")  # the store's fingerprints use the report's own name
        for f in record.shown:
            fp = f.fingerprint(agency_for_fp, year)
            item = Item(shown, year, record.source, f, fp, f.value_digest(), decisions.get(fp))
            items.append(item)
            row.items.append(item)
    year = max(years, key=lambda y: (years[y], y)) if years else None
    if roster is not None:
        for a in roster.agencies:
            row = agencies.setdefault(a.name, AgencyRow(a.name))
            row.level, row.parent, row.on_roster = a.level, a.parent, True
        if year is not None:
            extra = roster_findings(roster, placed, year)
            rv.snapshot(store, run, [(f.fingerprint(a, year), f.value_digest(), f.rule, f.severity, a) for a, f in extra])
            if hierarchy:
                from .hierarchy import hierarchy_findings

                extra += hierarchy_findings(roster, placed, year, store=store)
            for agency, f in extra:
                fp = f.fingerprint(agency, year)
                item = Item(agency, year, "", f, fp, f.value_digest(), decisions.get(fp))
                items.append(item)
                agencies.setdefault(agency, AgencyRow(agency)).items.append(item)
    for row in agencies.values():
        row.items.sort(key=lambda i: (SEVERITY_ORDER.get(i.finding.severity, 9), i.finding.sort_key()))
    return Collected(run, year, roster, items, agencies, placed)


def roster_entry(collected: Collected, name: str) -> Agency | None:
    if collected.roster is None:
        return None
    m = collected.roster.match(name)
    return collected.roster.agencies[m.entry] if m.sure else None


__all__ = ["AgencyRow", "Collected", "Item", "collect", "latest_run", "roster_entry"]
