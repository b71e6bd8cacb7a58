"""What `xladdin audit DIR --db X --roster 名单.xlsx` adds for the office, in one call after the
run ends: the roster read and kept in the store (later commands use it), and the run's summary
lines — new / fixed / still open / re-opened since the last run, the review state, and the
roster's 缺报 / 迟报 / 名单外 / 名称待确认."""

from __future__ import annotations

from collections import Counter
from typing import Any


def after_audit(store: Any, run: int, roster: Any = None, hierarchy: bool = False) -> str:
    """The office's summary of `run` (Chinese, a few lines); with `roster` (a path, or a Roster
    read before the run so that a bad roster stops it early: xladdin.office.roster.read_roster,
    whose InputError names the file, sheet and cell), the roster is kept in the store first."""
    from . import review as rv
    from .collect import collect
    from .diff import compare, counts
    from .roster import Roster, read_roster

    given = roster if isinstance(roster, Roster) else read_roster(roster) if roster else None
    if given is None and not hierarchy and rv.stored_roster(store) is None:
        # no roster: the counts in SQL, memory flat however big the run (with a roster the
        # summary holds the region's findings: bounded by the roster, not by the folder)
        return counts(store, run).summary() + "。"
    if given is not None:
        rv.save_roster(store, given)
    collected = collect(store, run, given, hierarchy=hierarchy)
    lines = [compare(store, run).summary() + "。"]
    states = Counter(i.state for i in collected.items)
    if any(states[s] for s in rv.STATES if s != rv.UNREVIEWED):
        lines.append("复核状态：" + "，".join(f"{s} {states[s]}" for s in rv.STATES))
    if collected.roster is not None:
        rules = Counter(i.finding.rule for i in collected.items)
        lines.append(f"名单 {len(collected.roster.agencies)} 个机关：缺报 {rules['R1']}，迟报 {rules['R2']}，"
                     f"名单外 {rules['R3']}，名称待确认 {rules['R4']}")
    return "\n".join(lines)


__all__ = ["after_audit"]
