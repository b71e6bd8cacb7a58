"""Batch audit speed and memory: ours against the naive way and the reader's floor, on the same
generated workbooks, in one run.

    python bench/batch_bench.py [--sizes 1000,10000] [--text 1000] [--jobs 2] [--naive-max 2000]
                                [--ways ours,floor,naive] [--root /tmp/xladdin-bench] [--json results.json]

- ours: `xladdin audit DIR --json --jobs J` (and `--db 审核.db` when the CLI has it), output to
  /dev/null;
- naive: pandas.read_excel (openpyxl) of 表二, 表三, 表四 and the same sums the table rules do
  (row totals, column totals, 收支平衡), J processes;
- floor: python-calamine opening each file and reading its three sheets, nothing else, J
  processes (and one process, the figure the issue quotes).

Each way runs as its own process tree; its peak RSS is the largest sum of the RSS of the tree,
polled every 50 ms (psutil), and the largest single process (getrusage of the children). CPU
ms/file (user + system of the whole tree) is printed too: on a shared machine the wall-clock
files/s depend on what else runs, the CPU cost per file does not. The
workbooks come from bench/generate.py (seed 2024, ~10% with planted errors), made once under
--root and reused. The naive way is slow (about 25 files/s): above --naive-max files it runs on
the first --naive-max and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHEETS = ("表二", "表三", "表四")


# --------------------------------------------------------------------------- workers


def _files(folder: str, limit: int | None = None) -> list[str]:
    names = sorted(n for n in os.listdir(folder) if n.endswith(".xlsx"))
    return [os.path.join(folder, n) for n in names[:limit]]


def _floor_one(path: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    return sum(len(book.get_sheet_by_name(s).to_python()) for s in SHEETS)


def _naive_one(path: str) -> int:
    """What a script written without xladdin would do: read the three tables with pandas and
    check the sums (表三 rows and columns, 收支平衡; 表四 rows)."""
    import pandas as pd

    frames = pd.read_excel(path, sheet_name=list(SHEETS), header=None, engine="openpyxl")
    bad = 0
    t3 = frames["表三"].iloc[4:29, 3:10].apply(pd.to_numeric, errors="coerce").fillna(0)
    for _, row in t3.iterrows():
        bad += int(row.iloc[:6].sum() != row.iloc[6])
    results = t3.iloc[2:23].sum()
    bad += int(((t3.iloc[0] + t3.iloc[1]) != (results + t3.iloc[24])).any())
    t4 = frames["表四"].apply(pd.to_numeric, errors="coerce").fillna(0)
    bad += int(t4.shape[0] > 0)
    return bad


def _run_pool(fn, files: list[str], jobs: int) -> None:  # type: ignore[no-untyped-def]
    if jobs == 1:
        for f in files:
            fn(f)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        for _ in pool.map(fn, files, chunksize=64):
            pass


def worker(way: str, folder: str, jobs: int, limit: int | None) -> None:
    files = _files(folder, limit)
    _run_pool({"floor": _floor_one, "naive": _naive_one}[way], files, jobs)


# --------------------------------------------------------------------------- measuring


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall time, CPU time and peak memory of a command's process tree: the largest sum of the
    tree's RSS (polled every 50 ms), and from wait4 the largest single process and the CPU of
    the whole tree."""
    import tempfile

    import psutil

    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        root = psutil.Process(proc.pid)
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            peak = max(peak, total)
            time.sleep(0.05)
        seconds = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {err.read().decode(errors='replace')[-2000:]}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "tree_mb": peak / 2**20,
        "single_mb": usage.ru_maxrss / 1024,
    }


def ensure(root: Path, kind: str, n: int, jobs: int) -> Path:
    folder = root / f"{kind}-{n}"
    manifest = folder / ".manifest.json"
    if manifest.exists() and json.loads(manifest.read_text(encoding="utf-8")).get("count") == n:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), str(n), "--kinds", kind, "--seed", "2024",
         "-o", str(folder), "--jobs", str(jobs)],
        check=True,
    )
    print(f"  (generated {n} {kind} in {time.perf_counter() - t:.0f} s)", flush=True)
    return folder


def has_db_option() -> bool:
    out = subprocess.run(["xladdin", "audit", "--help"], capture_output=True, text=True).stdout
    return "--db" in out


def bench_size(folder: Path, n: int, jobs: int, naive_max: int, with_db: bool, ways: set[str]) -> list[dict]:
    rows = []
    py = sys.executable
    me = str(Path(__file__).resolve())

    def add(way: str, files: int, m: dict[str, float], note: str = "") -> None:
        row = {"size": n, "way": way, "files": files, **m, "files_per_s": files / m["seconds"], "note": note}
        rows.append(row)
        print(f"  {way:<22} {files:>7} files {m['seconds']:7.1f} s {row['files_per_s']:6.0f} files/s "
              f"CPU {m['cpu_seconds'] / files * 1000:6.2f} ms/file  tree {m['tree_mb']:5.0f} MB  "
              f"one process {m['single_mb']:5.0f} MB {note}", flush=True)

    if "ours" in ways:
        add(f"ours --jobs {jobs}", n, measure(["xladdin", "audit", str(folder), "--json", "--jobs", str(jobs), "-q"]))
    if with_db and "ours" in ways:
        db = folder.parent / f"{folder.name}.db"
        db.unlink(missing_ok=True)
        add(f"ours --db --jobs {jobs}", n,
            measure(["xladdin", "audit", str(folder), "--db", str(db), "--jobs", str(jobs), "-q"]))
        db.unlink(missing_ok=True)
    if "floor" in ways:
        add(f"floor --jobs {jobs}", n, measure([py, me, "--worker", "floor", str(folder), "--jobs", str(jobs)]))
        add("floor --jobs 1", n, measure([py, me, "--worker", "floor", str(folder), "--jobs", "1"]))
    if "naive" not in ways:
        return rows
    limit = min(n, naive_max)
    add(f"naive --jobs {jobs}", limit,
        measure([py, me, "--worker", "naive", str(folder), "--jobs", str(jobs), "--limit", str(limit)]),
        "" if limit == n else f"(first {limit} files)")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--text", type=int, default=1000, help="published text reports to audit (0: none)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--naive-max", type=int, default=2000)
    ap.add_argument("--root", type=Path, default=Path("/tmp/xladdin-bench"))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--ways", default="ours,floor,naive", help="which ways to measure")
    ap.add_argument("--worker", nargs=2, metavar=("WAY", "DIR"))
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.jobs, args.limit)
        return
    with_db = has_db_option()
    rows: list[dict] = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        print(f"== {n} workbooks", flush=True)
        ways = set(args.ways.split(","))
        rows += bench_size(ensure(args.root, "xlsx", n, args.jobs), n, args.jobs, args.naive_max, with_db, ways)
    if args.text:
        print(f"== {args.text} published text reports", flush=True)
        folder = ensure(args.root, "txt", args.text, args.jobs)
        m = measure(["xladdin", "audit", str(folder), "--json", "--jobs", str(args.jobs), "-q"])
        rows.append({"size": args.text, "way": f"ours text --jobs {args.jobs}", "files": args.text, **m,
                     "files_per_s": args.text / m["seconds"], "note": ""})
        print(f"  ours text --jobs {args.jobs}: {m['seconds']:.1f} s {args.text / m['seconds']:.0f} files/s "
              f"CPU {m['cpu_seconds'] / args.text * 1000:.2f} ms/file tree {m['tree_mb']:.0f} MB "
              f"one process {m['single_mb']:.0f} MB", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
