"""Check benchmark (issue 2, "Measure"): how long 审核 takes, in-process and as a command,
how long reading a workbook takes (openpyxl vs python-calamine), and the same checks
written the naive way a user would (pandas + openpyxl, hard-coded cell positions, summing).

    python bench/check_bench.py [--repeat 50] [--process 5] [--batch 40]

Prints medians (and minima) in milliseconds. The machine is shared, so compare the rows of
one run with each other rather than with another run's.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
from timing import measure  # noqa: E402

from xladdin.check import check  # noqa: E402
from xladdin.fill import fill  # noqa: E402
from xladdin.io import read_report, read_report_fast, write_report  # noqa: E402
from xladdin.io.example import EXAMPLE_XLSX  # noqa: E402
from xladdin.io.workbook import open_workbook  # noqa: E402
from xladdin.report import Report  # noqa: E402
from xladdin.spec import SPEC  # noqa: E402
from xladdin.spec.format2021 import T3_COLS, T3_ROWS, T4_GROUPS, T4_SUFFIXES  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    t = measure(fn, repeat)
    return t.median_ms, t.best_ms


def process(argv: list[str], repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False, timeout=300)
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), min(runs)


def without_results(folder: Path) -> Path:
    """The example re-saved by openpyxl: formulas kept, their cached results dropped."""
    path = folder / "bare.xlsx"
    openpyxl.load_workbook(EXAMPLE_XLSX).save(path)
    return path


class Naive:
    """What a user writes with pandas: read the sheets, pick the blocks by position, sum.
    (Positions are looked up once here; a user would hard-code them.) Blank cells and text
    silently become NaN and are skipped by sum(), and a formula without a saved result reads
    as NaN: two reasons not to do it this way."""

    def __init__(self, report: Report) -> None:
        def pos(key: str) -> tuple[int, int]:
            coord = report.addresses[key].split("!")[1]
            col = ord(coord[0]) - 65
            return int(coord[1:]) - 1, col

        self.t3_top, self.t3_left = pos(f"t3.{T3_ROWS[0][0]}.{T3_COLS[0][0]}")
        self.t4_row, self.t4_left = pos(f"t4.{T4_GROUPS[0][0]}_{T4_SUFFIXES[0][0]}")

    def run(self, path: Path, engine: str = "openpyxl") -> list[str]:
        sheets = pd.read_excel(path, sheet_name=["表三", "表四"], header=None, engine=engine)
        t3 = sheets["表三"].iloc[self.t3_top : self.t3_top + 25, self.t3_left : self.t3_left + 7]
        t3 = t3.apply(pd.to_numeric, errors="coerce")
        t3.index = [r for r, _, _ in T3_ROWS]
        t3.columns = [c for c, _ in T3_COLS]
        problems = []
        row_sums = t3.iloc[:, :6].sum(axis=1)
        for row in t3.index[row_sums != t3["total"]]:  # T3-R
            problems.append(f"T3-R {row}")
        details = t3.iloc[2:23].sum()  # （一）…（六） result rows
        for col in t3.columns[details != t3.loc["total"]]:  # T3-T
            problems.append(f"T3-T {col}")
        lhs = t3.loc["new"] + t3.loc["carry_in"]
        rhs = t3.loc["total"] + t3.loc["carry_out"]
        for col in t3.columns[lhs != rhs]:  # E1
            problems.append(f"E1 {col}")
        t4 = sheets["表四"].iloc[self.t4_row, self.t4_left : self.t4_left + 15]
        t4 = pd.to_numeric(t4, errors="coerce").to_numpy().reshape(3, 5)
        for i, block in enumerate(t4):  # T4-1..3
            if block[:4].sum() != block[4]:
                problems.append(f"T4-{i + 1}")
        return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=50, help="in-process repetitions")
    ap.add_argument("--process", type=int, default=5, help="whole-process repetitions")
    ap.add_argument("--batch", type=int, default=40, help="workbooks in the batch figure")
    args = ap.parse_args()

    report = read_report(EXAMPLE_XLSX)
    rows: list[tuple[str, float, float]] = []

    def add(label: str, figures: tuple[float, float]) -> None:
        rows.append((label, *figures))
        print(f"  {label:<58} {figures[0]:9.2f} {figures[1]:9.2f}", flush=True)

    print(f"{'':2}{'measure':<58} {'median ms':>9} {'min ms':>9}")
    add("check(report): all rules, one report, in-process", timed(lambda: check(report), args.repeat))
    bad = Report.from_dict(report.to_dict())
    bad.values["t3.new.natural"] = 11
    bad.values["t3.deny_1.biz"] = "/"
    add("check(report) with findings (E1 + T3-N)", timed(lambda: check(bad), args.repeat))
    add("fill(report) in-process", timed(lambda: fill(Report.from_dict(report.to_dict())), args.repeat))
    add("check --previous (Y1, T2-C too)", timed(lambda: check(report, report), args.repeat))

    reads = max(5, args.repeat // 5)
    add("read_report (openpyxl read-only, formulas + cached)", timed(lambda: read_report(EXAMPLE_XLSX), reads))
    add("read_report_fast (python-calamine)", timed(lambda: read_report_fast(EXAMPLE_XLSX), reads))
    add("openpyxl.load_workbook full mode (reference only)", timed(lambda: open_workbook(EXAMPLE_XLSX), reads))

    with tempfile.TemporaryDirectory(prefix="xladdin-bench-") as tmp:
        folder = Path(tmp)
        typed = EXAMPLE_XLSX
        naive = Naive(report)
        assert naive.run(typed) == [], naive.run(typed)
        bare = without_results(folder)
        false_alarms = naive.run(bare)
        assert check(read_report(bare)) == []
        add("ours: read_report + check", timed(lambda: check(read_report(typed)), reads))
        add("ours: read_report_fast + check", timed(lambda: check(read_report_fast(typed)), reads))
        add("naive: pandas.read_excel(openpyxl) + sums (4 of 16 rules)", timed(lambda: naive.run(typed), reads))
        add(
            "naive: pandas.read_excel(calamine) + sums (4 of 16 rules)",
            timed(lambda: naive.run(typed, engine="calamine"), reads),
        )
        add("ours on a file without cached results: read_report + check", timed(lambda: check(read_report(bare)), reads))

        copies = []
        for i in range(args.batch):
            p = folder / f"r{i:03d}.xlsx"
            shutil.copy(typed, p)
            copies.append(p)
        t = time.perf_counter()
        for p in copies:
            check(read_report_fast(p))
        fast_ms = (time.perf_counter() - t) * 1000 / len(copies)
        add(f"batch: {len(copies)} workbooks, fast read + check, per file", (fast_ms, fast_ms))

        out = folder / "w.xlsx"
        add("write_report (template + 200 values, atomic)", timed(lambda: write_report(report, out), reads))

    exe = shutil.which("xladdin")
    cmd = [exe] if exe else [sys.executable, "-m", "xladdin"]
    add("process: python -c 'import xladdin.cli' (startup floor)", process([sys.executable, "-c", "import xladdin.cli"], args.process))
    add("process: xladdin check EXAMPLE", process([*cmd, "check", str(EXAMPLE_XLSX)], args.process))
    add("process: xladdin check EXAMPLE --json", process([*cmd, "check", str(EXAMPLE_XLSX), "--json"], args.process))

    print(
        f"\nnaive checks on the same workbook re-saved by openpyxl (formula results dropped): "
        f"{len(false_alarms)} false problems ({', '.join(false_alarms[:4])}…); ours: 0"
    )
    target = rows[0][1]
    print(f"\ncheck(report) median {target:.2f} ms — target < 5 ms: {'met' if target < 5 else 'NOT met'}")
    print(f"rules evaluated per check: {sum(len(r.identities) or 1 for r in SPEC.rules)} identity instances + 200 number checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
