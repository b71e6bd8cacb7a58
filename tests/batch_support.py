"""Helpers of the batch engine's tests: a folder of small varied reports, the CLI in a
subprocess, and what a store holds (to compare two runs)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "xladdin" / "examples" / "weihai-2024.json"
WORKBOOK = ROOT / "xladdin" / "examples" / "威海市人力资源和社会保障局-2024.xlsx"
TEXT = ROOT / "xladdin" / "examples" / "威海市人力资源和社会保障局-2024-发布稿.txt"


def varied(i: int) -> Report:
    """The example with a few figures changed (every third one breaks a sum: 强制 findings),
    and a few agencies, some with last year's report in the batch."""
    r = Report.from_json(EXAMPLE.read_text(encoding="utf-8"))
    if i % 3 == 1:
        r.values["t3.new.natural"] = (r.values["t3.new.natural"] or 0) + i
    if i % 5 == 2:
        r.sections["s1.request"] = r.sections["s1.request"].replace("申请数量 10 件", f"申请数量 {10 + i} 件")
    if i % 7 == 3:
        r.meta.agency = f"测试市第{i % 2}局"
    if i in (4, 10, 17):  # last year's report of each of the three agencies
        r.meta.year = 2023
    return r


def make_folder(folder: Path, n: int, workbooks: int = 0, texts: int = 0) -> list[Path]:
    """`n` JSON reports, `workbooks` copies of the example workbook, `texts` of the published text."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(n):
        p = folder / f"r{i:05d}.json"
        p.write_text(varied(i).to_json(), encoding="utf-8")
        made.append(p)
    data = WORKBOOK.read_bytes()
    for i in range(workbooks):
        p = folder / f"w{i:03d}.xlsx"
        p.write_bytes(data)
        made.append(p)
    text = TEXT.read_bytes()
    for i in range(texts):
        p = folder / f"t{i:03d}.txt"
        p.write_bytes(text)
        made.append(p)
    return made


def cli(*argv: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xladdin", *argv], capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}, cwd=ROOT,
    )  # fmt: skip


def start_cli(*argv: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "xladdin", *argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
    )  # fmt: skip


def contents(db: Path) -> dict[str, object]:
    """What a store says of the files (the latest result of each) and their findings, without
    what depends on timing (seconds, run ids, dates)."""
    conn = sqlite3.connect(db)
    try:
        files = conn.execute(
            "SELECT path, sha256, size, agency, canonical, year, error, previous, previous_notes, hard, pending, soft,"
            " findings FROM files ORDER BY path"
        ).fetchall()
        findings = conn.execute(
            "SELECT f.path, x.seq, x.fingerprint, x.value_digest, x.rule, x.severity, x.ref, x.message, x.data"
            " FROM findings x JOIN files f ON f.id = x.file ORDER BY f.path, x.seq"
        ).fetchall()
    finally:
        conn.close()
    return {"files": files, "findings": findings}


def last_run_findings(db: Path) -> list[tuple]:
    """The history rows of the latest run: the files it covered and the findings it saw."""
    conn = sqlite3.connect(db)
    try:
        (run,) = conn.execute("SELECT MAX(id) FROM runs").fetchone()
        return conn.execute(
            "SELECT f.path, r.fingerprint, r.value_digest, r.rule, r.severity FROM run_findings r"
            " JOIN files f ON f.id = r.file WHERE r.run = ? ORDER BY 1, 2, 3", (run,),
        ).fetchall()
    finally:
        conn.close()


def statuses(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [s for (s,) in conn.execute("SELECT status FROM runs ORDER BY id")]
    finally:
        conn.close()
