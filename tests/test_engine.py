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


_PEAK = """
import resource, sys
from xladdin.cli import main
code = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KB is Linux's")
def test_parent_memory_is_flat_from_1k_to_10k_files(tmp_path: Path) -> None:
    import os
    import subprocess

    small, big = tmp_path / "1k", tmp_path / "10k"
    data = [p.read_bytes() for p in make_folder(tmp_path / "50", 50)]
    for folder, n in ((small, 1000), (big, 10_000)):
        folder.mkdir()
        for i in range(n):  # the same 50 reports under many names: cheap to make, all audited
            (folder / f"r{i:05d}.json").write_bytes(data[i % 50])
    peaks = []
    for folder in (small, big):
        done = subprocess.run(
            [sys.executable, "-c", _PEAK, "audit", str(folder), "--db", str(tmp_path / f"{folder.name}.db"), "--jobs", "2", "-q",
             "--xlsx", str(tmp_path / f"{folder.name}.xlsx")],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr[-2000:]
        peaks.append(int(done.stderr.strip().splitlines()[-1]) / 1024)
        assert Store.open(tmp_path / f"{folder.name}.db").covered(1) == (1000 if folder is small else 10_000)
    print(f"peak RSS of the parent: {peaks[0]:.0f} MB at 1,000 files, {peaks[1]:.0f} MB at 10,000")
    assert peaks[1] - peaks[0] < 30, peaks  # MB
