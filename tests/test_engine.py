"""The batch engine (issue 17): real SQLite stores, real worker processes, the CLI in a subprocess.

- a run killed (SIGKILL) at a random point and run again gives the store an uninterrupted run gives;
- --jobs 1 and --jobs 2 give the same findings;
- a file over the size limit, a workbook with a sheet far larger than the template's, a file
  over the time limit and a worker that dies each cost one file, with a Chinese error;
- the parent's memory is the same at 10,000 files as at 1,000.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import sys
import time
import zipfile
from pathlib import Path

import pytest
from batch_support import TEXT, WORKBOOK, cli, contents, last_run_findings, make_folder, start_cli, statuses

from xladdin.store import Store


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """70 files: JSON reports (some with 强制 errors, some agencies with last year's report),
    workbooks and published texts."""
    folder = tmp_path_factory.mktemp("batch") / "年报"
    make_folder(folder, 50, workbooks=12, texts=8)
    return folder


@pytest.fixture(scope="module")
def reference(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of one uninterrupted run with --jobs 2."""
    db = tmp_path_factory.mktemp("ref") / "审核.db"
    done = cli("audit", str(batch), "--db", str(db), "--jobs", "2", "-q")
    assert done.returncode == 1, done.stderr  # 强制 errors planted
    assert statuses(db) == ["完成"]
    return db


def test_resume_after_a_kill_at_a_random_point(batch: Path, reference: Path, tmp_path: Path) -> None:
    db = tmp_path / "审核.db"
    rng = random.Random()
    proc = start_cli("audit", str(batch), "--db", str(db), "--jobs", "2", "-q")
    deadline = time.monotonic() + 60
    while not db.exists() and time.monotonic() < deadline:  # the run has begun
        time.sleep(0.02)
    time.sleep(rng.uniform(0.2, 3.0))  # the run takes ~3 s: before, during and after the pairing pass
    killed_mid_run = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = cli("audit", str(batch), "--db", str(db), "--jobs", "2", "-q")
    assert again.returncode == 1, again.stderr
    assert contents(db) == contents(reference)
    assert last_run_findings(db) == last_run_findings(reference)
    runs = statuses(db)
    assert runs[-1] == "完成"
    if killed_mid_run:
        assert runs == ["中断", "完成"]  # the killed run, left 进行中, is marked 中断 by the next one
    # a third run changes nothing and audits nothing again
    third = cli("audit", str(batch), "--db", str(db), "--jobs", "2", "-q")
    assert "沿用审核结果库中的结果" in third.stderr and f"其中 {len(list(batch.iterdir()))} 个文件" in third.stderr
    assert contents(db) == contents(reference)


def test_sigterm_marks_the_run_interrupted_and_the_rerun_completes(batch: Path, reference: Path, tmp_path: Path) -> None:
    db = tmp_path / "审核.db"
    proc = start_cli("audit", str(batch), "--db", str(db), "--jobs", "2", "-q")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:  # some results are committed
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 130
    assert statuses(db) == ["中断"]
    again = cli("audit", str(batch), "--db", str(db), "--jobs", "2", "-q")
    assert again.returncode == 1 and "沿用" in again.stderr
    assert contents(db) == contents(reference) and statuses(db) == ["中断", "完成"]


def test_jobs_1_and_2_agree_and_a_changed_file_is_audited_again(batch: Path, reference: Path, tmp_path: Path) -> None:
    db = tmp_path / "一进程.db"
    done = cli("audit", str(batch), "--db", str(db), "--jobs", "1", "-q", "--jsonl", str(tmp_path / "a.jsonl"),
               "--csv", str(tmp_path / "a.csv"))  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert contents(db) == contents(reference)
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(list(batch.iterdir())) and all(json.loads(line)["source"] for line in lines)
    csv_text = (tmp_path / "a.csv").read_bytes()
    assert csv_text.startswith(b"\xef\xbb\xbf\xe6\x9d\xa5\xe6\xba\x90\xe6\x96\x87\xe4\xbb\xb6")  # BOM, 来源文件
    # a changed file: audited again, the others reused
    copy = tmp_path / "copy"
    make_folder(copy, 6)
    first = cli("audit", str(copy), "--db", str(tmp_path / "c.db"), "-q")
    assert "沿用" not in first.stderr
    (copy / "r00001.json").write_text((copy / "r00000.json").read_text(encoding="utf-8"), encoding="utf-8")
    second = cli("audit", str(copy), "--db", str(tmp_path / "c.db"), "-q", "--json")
    assert "其中 5 个文件内容未变" in second.stderr
    data = {Path(d["source"]).name: d for d in json.loads(second.stdout)}
    assert data["r00001.json"]["findings"] == data["r00000.json"]["findings"]


def test_limits_and_a_dying_worker_cost_one_file_each(tmp_path: Path) -> None:
    folder = tmp_path / "limits"
    make_folder(folder, 6)
    (folder / "大文件.txt").write_bytes(b"x" * (10 << 20))  # over --max-size 9
    slow = TEXT.read_text(encoding="utf-8")
    (folder / "很慢.txt").write_text(slow * 1000, encoding="utf-8")  # 8 MB: ~9 s of reading
    with zipfile.ZipFile(WORKBOOK) as src, zipfile.ZipFile(folder / "巨表.xlsx", "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (20 << 20), 1)  # 20 MB of blanks
            out.writestr(info.filename, data)
    (folder / "崩溃.json").write_text((folder / "r00000.json").read_text(encoding="utf-8"), encoding="utf-8")
    t0 = time.monotonic()
    done = cli("audit", str(folder), "--db", str(tmp_path / "l.db"), "--timeout", "3", "--max-size", "9", "--jobs", "2",
               "--json", env={"XLADDIN_TEST_CRASH_ON": "崩溃"})  # fmt: skip
    took = time.monotonic() - t0
    assert done.returncode == 2
    errors = {Path(d["source"]).name: d.get("error", "") for d in json.loads(done.stdout)}
    assert "文件大小 10.0 MB，超过上限 9 MB" in errors["大文件.txt"]
    assert "审核超过 3 秒，已跳过" in errors["很慢.txt"] and "很慢.txt" in errors["很慢.txt"]
    assert "远大于模板" in errors["巨表.xlsx"] and "xl/worksheets/sheet1.xml" in errors["巨表.xlsx"]
    assert errors["崩溃.json"] == f"文件“{folder / '崩溃.json'}”：读取时处理进程异常退出"
    assert [n for n, e in errors.items() if e] == sorted(["大文件.txt", "很慢.txt", "巨表.xlsx", "崩溃.json"])
    assert "错误：文件“" in done.stderr
    assert took < 60
    # the files the limits stopped have no hash: a rerun tries them again; the others are reused
    conn = sqlite3.connect(tmp_path / "l.db")
    unhashed = sorted(Path(p).name for (p,) in conn.execute("SELECT path FROM files WHERE sha256 = ''"))
    conn.close()
    assert unhashed == sorted(["大文件.txt", "很慢.txt", "巨表.xlsx", "崩溃.json"])


@pytest.mark.skipif(sys.platform != "linux", reason="the memory watch reads /proc (psutil elsewhere)")
def test_a_worker_over_the_memory_limit_costs_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "mem"
    folder.mkdir()
    (folder / "很慢.txt").write_text(TEXT.read_text(encoding="utf-8") * 1000, encoding="utf-8")  # ~9 s of reading
    (folder / "第二个.txt").write_text(TEXT.read_text(encoding="utf-8") * 1000, encoding="utf-8")
    # a worker holds ~60 MB once its libraries are loaded: over 40 MB, each file is stopped
    done = cli("audit", str(folder), "--json", "--max-memory", "40", "--jobs", "1")
    assert done.returncode == 2
    errors = [d["error"] for d in json.loads(done.stdout)]
    assert all("审核时内存超过上限 40 MB，已跳过" in e for e in errors) and len(errors) == 2, errors


def test_a_db_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_folder(folder, 2)
    book = tmp_path / "年报.xlsx"
    book.write_bytes(WORKBOOK.read_bytes())
    done = cli("audit", str(folder), "--db", str(book))
    assert done.returncode == 2 and "不是 xladdin 审核结果库" in done.stderr
    assert book.read_bytes() == WORKBOOK.read_bytes()
    out = tmp_path / "结果.csv"
    out.write_text("mine", encoding="utf-8")
    done = cli("audit", str(folder), "--csv", str(out))
    assert done.returncode == 2 and "--force" in done.stderr and out.read_text(encoding="utf-8") == "mine"


def test_a_big_run_prints_counts_not_a_table(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    make_folder(folder, 230)
    done = cli("audit", str(folder), "--db", str(tmp_path / "m.db"), "--jobs", "2")
    assert done.returncode == 1
    assert "年报审核汇总" not in done.stdout and "共 230 个文件" in done.stdout and "m.db" in done.stdout
    assert len(done.stdout.splitlines()) < 10


# The CLI, then its peak memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a
# process started by a big pytest would report pytest's own memory.
_PEAK = """
import sys
from xladdin.cli import main
code = main(sys.argv[1:])
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1]
print(peak, file=sys.stderr)
sys.exit(code)
"""


def _high_water_mb(pid: int) -> float:
    """Peak resident memory of a process so far (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(sys.platform != "linux", reason="/proc is Linux's")
def test_parent_memory_is_flat_from_1k_to_10k_files(tmp_path: Path) -> None:
    """One run of 10,000 files: the parent's peak memory when 1,000 results are stored, when all
    10,000 are, and at the very end (after the audit workbook of all 10,000 is written from the
    store; the first 2,000 rows of the workbook alike are measured in bench)."""
    import os
    import subprocess

    folder, db = tmp_path / "10k", tmp_path / "10k.db"
    data = [p.read_bytes() for p in make_folder(tmp_path / "50", 50)]
    folder.mkdir()
    for i in range(10_000):  # the same 50 reports under 10,000 names: cheap to make, all audited
        (folder / f"r{i:05d}.json").write_bytes(data[i % 50])
    proc = subprocess.Popen(
        [sys.executable, "-c", _PEAK, "audit", str(folder), "--db", str(db), "--jobs", "2", "-q",
         "--xlsx", str(tmp_path / "10k.xlsx")],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )  # fmt: skip
    marks: dict[int, float] = {}  # files stored -> the parent's peak memory then
    while proc.poll() is None and len(marks) < 2:
        try:
            with sqlite3.connect(db, timeout=1) as conn:
                stored = conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]
            for n in (1000, 10_000):
                if stored >= n and n not in marks:
                    marks[n] = _high_water_mb(proc.pid)
        except (sqlite3.Error, FileNotFoundError):
            pass
        time.sleep(0.05)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, err[-2000:]
    end = int(err.strip().splitlines()[-1]) / 1024
    assert Store.open(db).covered(1) == 10_000
    print(f"peak RSS of the parent: {marks[1000]:.0f} MB at 1,000 files, {marks[10_000]:.0f} MB at 10,000, {end:.0f} MB"
          " after the workbook of 10,000 was written")  # fmt: skip
    assert marks[10_000] - marks[1000] < 30, marks  # MB
    assert end - marks[10_000] < 40, (marks, end)  # the workbook streams from the store: openpyxl and a buffer
