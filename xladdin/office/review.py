"""Review decisions that survive reruns, in the store's own SQLite file (table review_decisions).

A decision is keyed by the finding's fingerprint (rule, agency, year, rule instance, cells'
keys: `Finding.fingerprint`) and remembers what the finding saw when it was made (its value
digest and its cells' values), the rules and xladdin versions, the reviewer and the time. Every
decision is a new row (the history is kept); the latest one of a fingerprint is in force while
the finding still sees the same values. When a rerun sees other values the decision is
re-opened (`state` says 已重开 and `change` shows old against new values).
"""

from __future__ import annotations

import getpass
import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from .. import __version__
from ..check.findings import DOUBT, Finding
from ..store import RULES_VERSION, Store

CONFIRMED, DISMISSED, EXPLAINED, SETTLED = "确认", "驳回", "已说明", "已核定"
DECISIONS = (CONFIRMED, DISMISSED, EXPLAINED, SETTLED)
UNREVIEWED, REOPENED = "未复核", "已重开"
STATES = (UNREVIEWED, REOPENED, *DECISIONS)  # every review state a finding can be in

_SCHEMA = """
CREATE TABLE IF NOT EXISTS review_decisions (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    decision TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    value_digest TEXT NOT NULL,
    cells TEXT NOT NULL DEFAULT '[]',
    rule TEXT NOT NULL DEFAULT '',
    agency TEXT NOT NULL DEFAULT '',
    rules_version TEXT NOT NULL,
    xladdin_version TEXT NOT NULL,
    reviewer TEXT NOT NULL DEFAULT '',
    decided TEXT NOT NULL,
    how TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS review_decisions_fp ON review_decisions (fingerprint, id);
CREATE TABLE IF NOT EXISTS office_roster (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL, loaded TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS office_roster_runs (run INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS office_run_findings (
    run INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    value_digest TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    agency TEXT NOT NULL,
    PRIMARY KEY (run, fingerprint)
);
"""


def ensure(store: Store) -> sqlite3.Connection:
    """The review tables in the store's file (created on first use)."""
    for statement in _SCHEMA.strip().split(";\n"):
        if statement.strip():
            store.conn.execute(statement)
    return store.conn


@dataclass(frozen=True)
class Decision:
    fingerprint: str
    decision: str
    note: str
    value_digest: str
    cells: list[tuple[str, str]]  # (cell as people read it, value) when decided
    rule: str
    agency: str
    rules_version: str
    xladdin_version: str
    reviewer: str
    decided: str
    how: str  # 工作簿 / 命令行 / …

    @property
    def other_rules(self) -> bool:
        return self.rules_version != RULES_VERSION

    @property
    def other_version(self) -> bool:
        return self.xladdin_version != __version__


def cells_seen(finding: Finding) -> list[tuple[str, str]]:
    """What a finding saw, as people read it: (cell, value) pairs, then the compared numbers."""
    from ..check.findings import cell_label, show

    out = [(cell_label(c), show(c.value) or "空白") for c in finding.cells]
    if finding.snippet:
        out.append(("原文", finding.snippet))
    if finding.expected is not None or finding.actual is not None:
        out.append(("应为/实为", f"{show(finding.expected)} / {show(finding.actual)}"))
    return out


def validate(decision: str, finding: Finding | None, note: str) -> str:
    """Why `decision` cannot be taken for `finding` ("" when it can), in Chinese."""
    if decision not in DECISIONS:
        return f"复核结论“{decision}”无效，应为 {'、'.join(DECISIONS)} 之一（或留空）"
    if finding is not None:
        if decision == SETTLED and finding.severity != DOUBT:
            return "“已核定”只用于待核（原文读数存疑）的问题：写明核定的读数；其他问题请用确认、驳回或已说明"
    if decision == SETTLED and not note.strip():
        return "“已核定”须在复核说明中写明核定的读数"
    return ""


def decide(
    store: Store, fingerprint: str, decision: str, finding: Finding | None, value_digest: str,
    note: str = "", reviewer: str = "", how: str = "", agency: str = "",
) -> Decision:
    """Record a decision (a new row: the history stays)."""
    conn = ensure(store)
    cells = cells_seen(finding) if finding is not None else []
    row = (
        fingerprint, decision, note.strip(), value_digest, json.dumps(cells, ensure_ascii=False),
        finding.rule if finding is not None else "", agency, RULES_VERSION, __version__,
        reviewer or _user(), time.strftime("%Y-%m-%d %H:%M:%S"), how,
    )
    conn.execute(
        "INSERT INTO review_decisions (fingerprint, decision, note, value_digest, cells, rule, agency, rules_version,"
        " xladdin_version, reviewer, decided, how) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row,
    )
    return _decision(row)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system: the decision stands anyway
        return ""


def _decision(row: tuple[Any, ...]) -> Decision:
    values = list(row)
    values[4] = [tuple(c) for c in json.loads(values[4])]
    return Decision(*values)


_COLUMNS = ("fingerprint, decision, note, value_digest, cells, rule, agency, rules_version, xladdin_version,"
            " reviewer, decided, how")


def latest(store: Store) -> dict[str, Decision]:
    """The decision in force for each fingerprint (its latest row)."""
    conn = ensure(store)
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM review_decisions WHERE id IN (SELECT MAX(id) FROM review_decisions GROUP BY fingerprint)"
    ).fetchall()
    return {r[0]: _decision(r) for r in rows}


def history(store: Store, fingerprint: str) -> list[Decision]:
    conn = ensure(store)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM review_decisions WHERE fingerprint = ? ORDER BY id", (fingerprint,))
    return [_decision(r) for r in rows]


def state(decision: Decision | None, value_digest: str) -> str:
    """未复核, 已重开 (decided on other values), or the decision in force."""
    if decision is None:
        return UNREVIEWED
    if decision.value_digest != value_digest:
        return REOPENED
    return decision.decision


def change(decision: Decision, finding: Finding) -> str:
    """What changed since the decision, in Chinese: “表三!D5 本年新收·自然人：原 3，现 5”."""
    before = dict(decision.cells)
    now = dict(cells_seen(finding))
    parts = [f"{k}：原 {before.get(k, '（无）')}，现 {now.get(k, '（无）')}"
             for k in dict.fromkeys([*before, *now]) if before.get(k) != now.get(k)]
    return "；".join(parts) or "所见内容已变化"


def flags(decision: Decision | None) -> str:
    """A note when a decision was made under other rules or another xladdin version."""
    if decision is None:
        return ""
    out = []
    if decision.other_rules:
        out.append(f"在另一规则版本（{decision.rules_version}）下作出，当前为 {RULES_VERSION}")
    if decision.other_version:
        out.append(f"由 xladdin {decision.xladdin_version} 作出，当前为 {__version__}")
    return "；".join(out)


# --------------------------------------------------------------------------- the roster's findings of each run


def snapshot(store: Store, run: int, items: list[tuple[str, str, str, str, str]]) -> None:
    """The roster's findings (fingerprint, digest, rule, severity, agency) as `run` first saw
    them: the store's own history has only the files' findings, and 缺报 fixed by a report that
    arrived is news too (diff.compare). Kept once per run."""
    conn = ensure(store)
    if conn.execute("SELECT 1 FROM office_roster_runs WHERE run = ?", (run,)).fetchone():
        return
    conn.execute("INSERT INTO office_roster_runs (run) VALUES (?)", (run,))
    conn.executemany("INSERT OR IGNORE INTO office_run_findings VALUES (?, ?, ?, ?, ?, ?)",
                     [(run, *item) for item in items])
    store.commit()


def roster_seen(store: Store, run: int) -> list[tuple[str, str, str, str, str]] | None:
    """The roster's findings of `run`, or None when the run was never seen with a roster."""
    conn = ensure(store)
    if not conn.execute("SELECT 1 FROM office_roster_runs WHERE run = ?", (run,)).fetchone():
        return None
    return list(conn.execute(
        "SELECT fingerprint, value_digest, rule, severity, agency FROM office_run_findings WHERE run = ?", (run,)))


# --------------------------------------------------------------------------- roster kept in the store


def save_roster(store: Store, roster: Any) -> None:
    conn = ensure(store)
    conn.execute(
        "INSERT OR REPLACE INTO office_roster (id, data, loaded) VALUES (1, ?, ?)",
        (roster.to_json(), time.strftime("%Y-%m-%d %H:%M:%S")),
    )
    store.commit()


def stored_roster(store: Store) -> Any:
    from .roster import Roster

    conn = ensure(store)
    row = conn.execute("SELECT data FROM office_roster WHERE id = 1").fetchone()
    return Roster.from_json(row[0]) if row else None


__all__ = [
    "CONFIRMED", "DECISIONS", "DISMISSED", "EXPLAINED", "REOPENED", "SETTLED", "STATES", "UNREVIEWED", "Decision",
    "change", "decide", "ensure", "flags", "history", "latest", "save_roster", "state", "stored_roster", "validate",
]
