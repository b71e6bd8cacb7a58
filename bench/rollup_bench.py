"""汇总 benchmark: roll up N workbooks with the process pool, sequentially, and the naive way.

    python bench/rollup_bench.py [--n 1000] [--jobs 2] [--naive 200] [--keep DIR]

The N workbooks are generated once into a temp folder from the example workbook by patching
its XML (every figure of 表二/表三/表四 times a factor 1..9 — the identities are linear, so each
file still passes `check` — and a distinct agency name), which takes milliseconds per file.

Modes, each in a fresh process so its peak memory is its own:
- pool:       xladdin.audit.rollup.rollup_paths(jobs=J) — calamine reader + check, chunks of files
- sequential: the same with jobs=1
- naive:      pandas.read_excel (openpyxl engine) of the three table sheets of every file, cells
              coerced with to_numeric and the frames added (floats; no check, no policies), on
              the first --naive files (it is slow), extrapolated to N.
Prints per-file and total times and peak RSS (the process, and its pool workers).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

TABLE_SHEETS = ("表二", "表三", "表四")
_V = re.compile(rb"<v>([^<]*)</v>")


def generate(folder: Path, n: int) -> list[Path]:
    """n workbooks from the example: figures times (i % 9 + 1), agency 第i号局."""
    from xladdin.io.example import example_workbook
    from xladdin.io.parts import workbook_part

    src = example_workbook()
    with zipfile.ZipFile(src) as zf:
        parts, names = workbook_part(zf)
        entries = [(info, zf.read(info.filename)) for info in zf.infolist()]
    tables = {parts[s] for s in TABLE_SHEETS}
    sheet, coord = names["NB_meta_agency"].replace("$", "").split("!")
    agency_part = parts[sheet.strip("'")]
    agency_cell = re.compile(rb'(<c r="' + coord.encode() + rb'"[^>]*><is><t>)[^<]*(</t>)')
    out = []
    for i in range(n):
        k = i % 9 + 1
        path = folder / f"{i:05d}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info, data in entries:
                if info.filename in tables:
                    data = _V.sub(lambda m, k=k: b"<v>" + str(Decimal(m[1].decode()) * k).encode() + b"</v>", data)
                elif info.filename == agency_part:
                    name = f"第{i}号局".encode()
                    data = agency_cell.sub(lambda m, name=name: m[1] + name + m[2], data, count=1)
                zout.writestr(info, data)
        out.append(path)
    return out


def naive(files: list[Path]) -> dict[str, list[list[float]]]:
    import pandas as pd

    totals: dict[str, pd.DataFrame] = {}
    for f in files:
        frames = pd.read_excel(f, sheet_name=list(TABLE_SHEETS), header=None, engine="openpyxl")
        for name, df in frames.items():
            num = df.apply(pd.to_numeric, errors="coerce").fillna(0)
            totals[name] = num if name not in totals else totals[name].add(num, fill_value=0)
    return {k: v.values.tolist() for k, v in totals.items()}


def _at(sums: dict[str, list[list[float]]], book: Path, name: str) -> float:
    """The naive sum at a defined name's cell (header=None: row r is index r-1)."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    from xladdin.io.parts import workbook_part

    with zipfile.ZipFile(book) as zf:
        _, names = workbook_part(zf)
    sheet, coord = names[name].replace("$", "").split("!")
    col, row = coordinate_from_string(coord)
    return sums[sheet.strip("'")][row - 1][column_index_from_string(col) - 1]


def run_mode(mode: str, folder: Path, jobs: int, limit: int) -> dict[str, object]:
    files = sorted(folder.glob("*.xlsx"))
    if mode == "naive":
        files = files[:limit]
    t = time.perf_counter()
    if mode == "naive":
        sums = naive(files)
        result: dict[str, object] = {"fee": repr(_at(sums, files[0], "NB_t2_fee_wan"))}
    else:
        from xladdin.audit.rollup import rollup_paths

        r = rollup_paths([folder], jobs=jobs if mode == "pool" else 1)
        result = {
            "included": len(r.included),
            "total": r.report.values["t3.new.total"],
            "fee": str(r.report.values["t2.fee_wan"]),
            "exit": r.exit_code,
        }
    elapsed = time.perf_counter() - t
    result.update(
        files=len(files),
        seconds=elapsed,
        rss_self_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        rss_children_mb=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    )
    return result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--naive", type=int, default=200, help="files for the naive way (extrapolated to n)")
    ap.add_argument("--keep", help="generate into (or reuse) this folder")
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mode:  # child process: one mode
        print(json.dumps(run_mode(args.mode, Path(args.folder), args.jobs, args.naive)))
        return 0

    with tempfile.TemporaryDirectory(prefix="rollup-bench-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        have = len(list(folder.glob("*.xlsx")))
        if have != args.n:
            for f in folder.glob("*.xlsx"):
                f.unlink()
            t = time.perf_counter()
            generate(folder, args.n)
            print(f"生成 {args.n} 个工作簿：{time.perf_counter() - t:.1f} s")
        k_sum = sum(i % 9 + 1 for i in range(args.n))
        print(f"{'方式':<12}{'文件数':>6}{'总耗时 s':>10}{'每文件 ms':>10}{'峰值内存 MB（本进程/子进程）':>26}")
        results = {}
        for mode in ("pool", "sequential", "naive"):
            proc = subprocess.run(
                [sys.executable, __file__, "--mode", mode, "--folder", str(folder),
                 "--jobs", str(args.jobs), "--naive", str(args.naive)],
                capture_output=True, text=True, check=True,
            )
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            results[mode] = r
            per = r["seconds"] / r["files"] * 1000
            extra = f"（外推到 {args.n} 个：{per * args.n / 1000:.1f} s）" if r["files"] != args.n else ""
            print(f"{mode:<12}{r['files']:>6}{r['seconds']:>10.2f}{per:>10.2f}"
                  f"{r['rss_self_mb']:>14.0f} / {r['rss_children_mb']:.0f}{extra}")
        from xladdin.io.example import example_report

        ex = example_report()
        pool, seq = results["pool"], results["sequential"]
        assert pool["total"] == seq["total"] == ex.values["t3.new.total"] * k_sum, (pool, seq)
        assert pool["fee"] == seq["fee"] == str(ex.values["t2.fee_wan"] * k_sum)
        print(f"朴素方式（{results['naive']['files']} 个）收费合计为浮点 {results['naive']['fee']}")
        print(f"核对：计入 {pool['included']} 份，t3.new.total = {pool['total']}，"
              f"收费 {pool['fee']} 万元（精确 Decimal）；退出码 {pool['exit']}")
        print(f"加速：进程池比顺序快 {seq['seconds'] / pool['seconds']:.2f} 倍；"
              f"比朴素方式快 {results['naive']['seconds'] / results['naive']['files'] * args.n / pool['seconds']:.1f} 倍（外推）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
