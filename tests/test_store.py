"""The results store: lossless round trip of real findings, resume by content, history per run,
a foreign file refused, and a killed writer leaving a consistent file."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from xladdin.audit.runner import AuditRecord, audit_path
from xladdin.errors import InputError
from xladdin.store import DONE, RULES_VERSION, STOPPED, Store
from xladdin.store.codec import findings_from_json, findings_json

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"
EXAMPLE = ROOT / "xladdin" / "examples" / "威海市人力资源和社会保障局-2024.xlsx"
# real reports whose findings carry every kind of value: doubts, absent cells, amounts, grouped blanks
SOURCES = [REAL / "2025_上海市人民政府办公厅.md", REAL / "2023_西咸新区底张街道办事处.txt",
           REAL / "2019_上海市人民政府办公厅.html", REAL / "2024_平潭综合实验区公安局.txt", EXAMPLE]


@pytest.fixture(scope="module")
def records() -> list[AuditRecord]:
    return [audit_path(p) for p in SOURCES]


def test_findings_round_trip_without_loss(records: list[AuditRecord]) -> None:
    assert sum(len(r.findings) for r in records) > 10
    for r in records:
        again = findings_from_json(findings_json(r.findings))
        assert again == r.findings  # dataclass equality: every value with its type
        assert [f.fingerprint("a", 2024) for f in again] == [f.fingerprint("a", 2024) for f in r.findings]
        assert [f.value_digest() for f in again] == [f.value_digest() for f in r.findings]


def test_store_gives_back_the_records(tmp_path: Path, records: list[AuditRecord]) -> None:
    db = tmp_path / "审核.db"
    with Store.open(db) as store:
        run = store.begin_run({"paths": ["x"]})
        for r in records:
            store.put(run, r, sha256="h" + r.source, size=1)
        store.finish_run(run)
    with Store.open(db, create=False) as store:
        back = {r.source: r for r in store.records()}
        assert set(back) == {r.source for r in records}
        for r in records:
            assert back[r.source].to_dict() == r.to_dict()
            assert back[r.source].findings == r.findings
        (info,) = store.runs()
        assert (info.status, info.files, info.rules_version) == (DONE, len(records), RULES_VERSION)
        shown = list(store.run_findings(run))
        assert len(shown) == sum(len(r.shown) for r in records)
        stored = {row[0] for row in store.conn.execute("SELECT fingerprint FROM findings")}
        assert {s.fingerprint for s in shown} == stored
        totals = store.totals(run)
        assert totals["文件"] == len(records) and totals["有强制"] == sum(1 for r in records if r.hard)


def test_resume_and_history(tmp_path: Path, records: list[AuditRecord]) -> None:
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        first = store.begin_run()
        store.put(first, records[0], sha256="aaa")
        store.finish_run(first)
        assert store.known(records[0].source, "aaa")
        assert not store.known(records[0].source, "bbb")  # changed content: audited again
        assert not store.known("other", "aaa")
        second = store.begin_run()
        store.reuse(second, records[0].source, "aaa")
        store.finish_run(second)
        n = store.conn.execute("SELECT COUNT(*) FROM run_findings WHERE run = ?", (second,)).fetchone()[0]
        assert n == len(records[0].shown) > 0
        # a re-audit that finds nothing replaces the file's findings, and the run's history says so
        third = store.begin_run()
        store.put(third, AuditRecord(records[0].source, records[0].meta), sha256="ccc")
        assert store.conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM run_findings WHERE run = ?", (third,)).fetchone()[0] == 0
        assert store.conn.execute("SELECT COUNT(*) FROM run_findings WHERE run = ?", (first,)).fetchone()[0] == n


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "名单.xlsx"
    shutil.copy(EXAMPLE, book)
    before = book.read_bytes()
    with pytest.raises(InputError, match="不是 xladdin 审核结果库"):
        Store.open(book)
    assert book.read_bytes() == before
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(InputError, match="另一个程序的 SQLite 数据库"):
        Store.open(other)
    with pytest.raises(InputError, match="不存在"):
        Store.open(tmp_path / "none.db", create=False)


def test_a_killed_writer_leaves_a_consistent_store(tmp_path: Path) -> None:
    """SIGKILL while a batch is written: what was committed is there, the rest is not, and the
    next run marks the dead run 中断."""
    db = tmp_path / "k.db"
    script = textwrap.dedent(f"""
        import sys, time
        from xladdin.audit.runner import audit_path
        from xladdin.store import Store
        store = Store.open({str(db)!r})
        run = store.begin_run()
        record = audit_path({str(REAL / "2024_平潭综合实验区公安局.txt")!r})
        i = 0
        while True:
            record.source = f"f{{i}}"
            store.put(run, record, sha256=str(i))
            i += 1
            if i % 50 == 0:
                store.commit()
                print(i, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    committed = 0
    deadline = time.monotonic() + 60
    while committed < 200 and time.monotonic() < deadline:
        committed = int(proc.stdout.readline() or 0) or committed
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store.open(db) as store:
        files = store.conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        assert files % 50 == 0 and files >= committed  # whole batches only
        per_file = store.conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] / files
        assert per_file == int(per_file)  # no file with half its findings
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        store.begin_run()
        assert [r.status for r in store.runs()][0] == STOPPED
        assert json.loads(store.conn.execute("SELECT meta FROM files LIMIT 1").fetchone()[0])["agency"]
