"""The results store: one SQLite file that a batch audit writes as it goes (WAL mode, standard
library), and every output, the review loop and a resumed run read from.

Why SQLite: it ships with Python, one file the office can copy, safe against a killed writer
(a transaction is all or nothing), and readers can look while a run writes. Memory stays flat:
nothing is held but the rows of the transaction in progress.

Tables
- meta: what this file is (kind, schema version).
- runs: one row per run (started, finished, status, xladdin and rules versions, arguments).
- files: one row per audited path, its latest result: content hash, size, metadata, error,
  counts by severity, the findings as JSON (lossless, codec.py), the run that audited it.
- findings: one row per finding as people read it (blank cells of a row grouped), with the
  fingerprint and value digest the review decisions are keyed on.
- run_files / run_findings: what each run covered and saw, so a run can be compared with the
  one before (new, fixed, still open, re-opened).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..audit.runner import AuditRecord
from ..check.findings import Finding, canonical_name, group_blanks
from ..check.findings import counts as severity_counts
from ..errors import InputError
from .codec import findings_from_json, findings_json
from .rules import RULES_VERSION

KIND = "xladdin-审核结果库"
SCHEMA_VERSION = 1
DONE, STOPPED, RUNNING = "完成", "中断", "进行中"
AUDITED, REUSED = "审核", "沿用"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    xladdin_version TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    rules_version TEXT NOT NULL,
    agency TEXT NOT NULL DEFAULT '',
    canonical TEXT NOT NULL DEFAULT '',
    year INTEGER,
    level TEXT NOT NULL DEFAULT '',
    meta TEXT NOT NULL DEFAULT '{}',
    error TEXT NOT NULL DEFAULT '',
    previous TEXT NOT NULL DEFAULT '',
    previous_notes TEXT NOT NULL DEFAULT '[]',
    hard INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    soft INTEGER NOT NULL DEFAULT 0,
    findings TEXT NOT NULL DEFAULT '[]',
    seconds REAL NOT NULL DEFAULT 0,
    run INTEGER NOT NULL,
    audited TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_agency ON files (canonical, year);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    file INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    value_digest TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    ref TEXT NOT NULL,
    message TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_file ON findings (file, seq);
CREATE INDEX IF NOT EXISTS findings_fingerprint ON findings (fingerprint);
CREATE TABLE IF NOT EXISTS run_files (
    run INTEGER NOT NULL,
    file INTEGER NOT NULL,
    how TEXT NOT NULL,
    PRIMARY KEY (run, file)
);
CREATE TABLE IF NOT EXISTS run_findings (
    run INTEGER NOT NULL,
    file INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    value_digest TEXT NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_findings_run ON run_findings (run, fingerprint);
CREATE INDEX IF NOT EXISTS run_findings_file ON run_findings (run, file);
"""


@dataclass(frozen=True)
class RunInfo:
    id: int
    started: str
    finished: str
    status: str
    xladdin_version: str
    rules_version: str
    args: dict[str, Any]
    files: int


@dataclass(frozen=True)
class StoredFinding:
    """A finding as people read it, with where it came from and the keys of its review."""

    file: int
    source: str
    agency: str
    year: int | None
    fingerprint: str
    value_digest: str
    finding: Finding


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


class Store:
    """One results file. Writes are batched: call `commit()` every few hundred files (the engine
    does), and `close()` at the end; a killed process loses only the uncommitted batch."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | Path, create: bool = True) -> Store:
        """Open (or create) a store; a file that is not one is refused, never written."""
        path = Path(path)
        exists = path.exists() and path.stat().st_size > 0
        if not exists and not create:
            raise InputError("审核结果库不存在", path=str(path))
        if exists:
            _refuse_foreign(path)
        try:
            conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.executescript(_SCHEMA)
            _stamp(conn, path)
        except sqlite3.DatabaseError as exc:
            raise InputError(f"不是 xladdin 审核结果库，或文件已损坏（{exc}）", path=str(path)) from None
        store = cls(conn, path)
        conn.execute("BEGIN")
        return store

    def close(self) -> None:
        self.commit()
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self.conn.in_transaction:
            self.conn.execute("ROLLBACK")  # an error mid-batch: keep what was committed
            self.conn.execute("BEGIN")
        self.close()

    def commit(self) -> None:
        """Make what was written so far durable, and start the next batch."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.execute("BEGIN")

    # ------------------------------------------------------------------ runs

    def begin_run(self, args: dict[str, Any] | None = None) -> int:
        """A new run. A run left 进行中 by a killed process is marked 中断 first."""
        self.conn.execute("UPDATE runs SET status = ? WHERE status = ?", (STOPPED, RUNNING))
        cur = self.conn.execute(
            "INSERT INTO runs (started, status, xladdin_version, rules_version, args) VALUES (?, ?, ?, ?, ?)",
            (_now(), RUNNING, __version__, RULES_VERSION, json.dumps(args or {}, ensure_ascii=False, default=str)),
        )
        self.commit()
        return int(cur.lastrowid or 0)

    def finish_run(self, run: int, status: str = DONE) -> None:
        self.conn.execute("UPDATE runs SET finished = ?, status = ? WHERE id = ?", (_now(), status, run))
        self.commit()

    def runs(self) -> list[RunInfo]:
        rows = self.conn.execute(
            "SELECT r.id, r.started, COALESCE(r.finished, ''), r.status, r.xladdin_version, r.rules_version, r.args,"
            " (SELECT COUNT(*) FROM run_files f WHERE f.run = r.id) FROM runs r ORDER BY r.id"
        ).fetchall()
        return [RunInfo(*row[:6], json.loads(row[6]), row[7]) for row in rows]  # type: ignore[arg-type]

    def last_run(self) -> RunInfo | None:
        runs = self.runs()
        return runs[-1] if runs else None

    # ------------------------------------------------------------------ files

    def known(self, path: str | Path, sha256: str) -> bool:
        """Whether this content at this path was audited under the current rules (resume)."""
        row = self.conn.execute("SELECT sha256, rules_version FROM files WHERE path = ?", (str(path),)).fetchone()
        return row is not None and row[0] == sha256 and row[1] == RULES_VERSION

    def file_id(self, path: str | Path) -> int | None:
        row = self.conn.execute("SELECT id FROM files WHERE path = ?", (str(path),)).fetchone()
        return int(row[0]) if row else None

    def put(self, run: int, record: AuditRecord, sha256: str = "", size: int = 0, seconds: float = 0.0) -> int:
        """One file's result: replaces the path's earlier result, and counts for `run`."""
        meta = record.meta
        agency = str(meta.get("agency") or "")
        year = meta.get("year") if isinstance(meta.get("year"), int) else None
        shown = record.shown
        counts = severity_counts(shown)  # record.counts would group the blanks again
        values = (
            sha256, size, RULES_VERSION, agency, canonical_name(agency), year, str(meta.get("level") or ""),
            json.dumps(meta, ensure_ascii=False, default=str), record.error, record.previous,
            json.dumps(record.previous_notes, ensure_ascii=False), counts["强制"], counts["待核"], counts["提示"],
            findings_json(record.findings), seconds, run, _now(),
        )
        old = self.file_id(record.source)
        if old is None:
            cur = self.conn.execute(
                "INSERT INTO files (sha256, size, rules_version, agency, canonical, year, level, meta, error, previous,"
                " previous_notes, hard, pending, soft, findings, seconds, run, audited, path)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, record.source),
            )
            file = int(cur.lastrowid or 0)
        else:
            file = old
            self.conn.execute(
                "UPDATE files SET sha256 = ?, size = ?, rules_version = ?, agency = ?, canonical = ?, year = ?, level = ?,"
                " meta = ?, error = ?, previous = ?, previous_notes = ?, hard = ?, pending = ?, soft = ?, findings = ?,"
                " seconds = ?, run = ?, audited = ? WHERE id = ?",
                (*values, file),
            )
            self.conn.execute("DELETE FROM findings WHERE file = ?", (file,))
        rows = []
        for seq, f in enumerate(shown):
            rows.append((file, seq, f.fingerprint(agency, year), f.value_digest(), f.rule, f.severity, f.ref,
                         f.message, json.dumps(f.to_dict(), ensure_ascii=False)))
        self.conn.executemany(
            "INSERT INTO findings (file, seq, fingerprint, value_digest, rule, severity, ref, message, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
        )
        self._cover(run, file, AUDITED)
        return file

    def reuse(self, run: int, path: str | Path, sha256: str = "") -> int | None:
        """A file skipped on resume (same content, same rules) still belongs to `run`."""
        file = self.file_id(path)
        if file is not None:
            self._cover(run, file, REUSED)
        return file

    def _cover(self, run: int, file: int, how: str) -> None:
        # a file seen again in the same run (the pairing pass re-audits it): its history replaced
        if self.conn.execute("SELECT 1 FROM run_files WHERE run = ? AND file = ?", (run, file)).fetchone():
            self.conn.execute("DELETE FROM run_findings WHERE run = ? AND file = ?", (run, file))
        self.conn.execute("INSERT OR REPLACE INTO run_files (run, file, how) VALUES (?, ?, ?)", (run, file, how))
        self.conn.execute(
            "INSERT INTO run_findings (run, file, fingerprint, value_digest, rule, severity)"
            " SELECT ?, file, fingerprint, value_digest, rule, severity FROM findings WHERE file = ?",
            (run, file),
        )

    def covered(self, run: int) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM run_files WHERE run = ?", (run,)).fetchone()[0])

    # ------------------------------------------------------------------ reading

    def records(self, run: int | None = None, batch: int = 500) -> Iterator[AuditRecord]:
        """The stored results as audit records, in path order, a batch of rows at a time (the
        memory of an output stays flat). `run`: only the files that run covered."""
        sql = ("SELECT path, meta, error, previous, previous_notes, findings FROM files"
               + (" WHERE id IN (SELECT file FROM run_files WHERE run = ?)" if run is not None else "")
               + " ORDER BY path")
        cur = self.conn.cursor()
        cur.execute(sql, (run,) if run is not None else ())
        while rows := cur.fetchmany(batch):
            for path, meta, error, previous, notes, findings in rows:
                yield AuditRecord(path, json.loads(meta), findings_from_json(findings), error, previous, json.loads(notes))

    def run_findings(self, run: int | None = None) -> Iterator[StoredFinding]:
        """Every finding (as people read it) of the files `run` covered (default: the latest run),
        in path order. The finding is rebuilt from the file's stored findings."""
        if run is None:
            last = self.last_run()
            if last is None:
                return
            run = last.id
        cur = self.conn.cursor()
        cur.execute(
            "SELECT f.id, f.path, f.agency, f.year, f.findings FROM files f"
            " JOIN run_files rf ON rf.file = f.id AND rf.run = ? ORDER BY f.path", (run,),
        )
        while rows := cur.fetchmany(200):
            for file, path, agency, year, data in rows:
                for f in group_blanks(findings_from_json(data)):
                    yield StoredFinding(file, path, agency, year, f.fingerprint(agency, year), f.value_digest(), f)

    def totals(self, run: int | None = None) -> dict[str, int]:
        """Files, unreadable files, and files by worst severity, of one run (default: all files)."""
        where = " WHERE id IN (SELECT file FROM run_files WHERE run = ?)" if run is not None else ""
        row = self.conn.execute(
            "SELECT COUNT(*), SUM(error != ''), SUM(error = '' AND hard > 0),"
            " SUM(error = '' AND hard = 0 AND pending > 0), SUM(error = '' AND hard = 0 AND pending = 0 AND soft > 0),"
            " SUM(error = '' AND hard = 0 AND pending = 0 AND soft = 0) FROM files" + where,
            (run,) if run is not None else (),
        ).fetchone()
        names = ("文件", "无法读取", "有强制", "有待核", "只有提示", "通过")
        return {n: int(v or 0) for n, v in zip(names, row, strict=True)}


def _refuse_foreign(path: Path) -> None:
    """A path that is not an SQLite file of ours (a workbook given by mistake) is never opened
    for writing: SQLite would happily add tables to another program's database."""
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise InputError("不是 xladdin 审核结果库（--db 应为本工具生成的 .db 文件或新文件名），未写入", path=str(path))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        kind = conn.execute("SELECT value FROM meta WHERE key = 'kind'").fetchone() if "meta" in tables else None
    except sqlite3.DatabaseError as exc:
        raise InputError(f"数据库文件已损坏（{exc}）", path=str(path)) from None
    finally:
        conn.close()
    if tables and (kind is None or kind[0] != KIND):
        raise InputError("是另一个程序的 SQLite 数据库，不是 xladdin 审核结果库，未写入", path=str(path))


def _stamp(conn: sqlite3.Connection, path: Path) -> None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('kind', ?)", (KIND,))
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    elif int(row[0]) > SCHEMA_VERSION:
        raise InputError(f"审核结果库由更新版本的 xladdin 写入（格式 {row[0]}），请升级后再用", path=str(path))


__all__ = ["AUDITED", "DONE", "KIND", "REUSED", "RUNNING", "STOPPED", "RunInfo", "Store", "StoredFinding"]
