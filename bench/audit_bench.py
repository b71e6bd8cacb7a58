"""Audit benchmark: one text report in-process (target < 50 ms with import), and a batch of
published reports with the process pool vs sequentially.

    python bench/audit_bench.py [--batch 200] [--jobs 2] [--repeat 30]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import measure  # noqa: E402

from xladdin.audit import audit, audit_paths, extract  # noqa: E402
from xladdin.audit.structure import check_structure  # noqa: E402
from xladdin.audit.textchecks import check_text  # noqa: E402
from xladdin.check import check  # noqa: E402
from xladdin.report import Report  # noqa: E402

DATA = ROOT / "tests" / "data"
SEED = DATA / "seeds" / "000_0f8514aaa6f27642.txt"
EXAMPLES = sorted((DATA / "examples").glob("*.txt"))


def timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    t = measure(fn, repeat)
    return t.median_ms, t.best_ms


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()

    example = Report.from_json((ROOT / "examples" / "weihai-2024.json").read_text(encoding="utf-8"))
    print("== one report, in-process (median / best of", args.repeat, "runs, ms)")
    rows = [
        ("table rules only: check()", lambda: check(example)),
        ("narrative extraction: extract()", lambda: extract(example)),
        ("文表 X1-X3/X6: check_text()", lambda: check_text(example)),
        ("结构 S1-S6/X4/X5: check_structure()", lambda: check_structure(example)),
        ("full audit(): Report → findings", lambda: audit(example)),
    ]
    try:
        from xladdin.ingest import read_published

        rows.append(("import seed .txt: read_published()", lambda: read_published(SEED)))
        rows.append(("import + audit, seed .txt (target < 50)", lambda: audit(read_published(SEED))))
        for path in EXAMPLES:
            rows.append((f"import + audit, {path.name}", lambda p=path: audit(read_published(p))))
    except ImportError:
        print("(xladdin.ingest not available: import not measured)")
    for name, fn in rows:
        med, best = timed(fn, args.repeat)
        print(f"  {name:<48} {med:8.2f} {best:8.2f}")

    print(f"\n== batch of {args.batch} published text reports (seed + examples, copied)")
    sources = [SEED, *EXAMPLES]
    with tempfile.TemporaryDirectory(prefix="xladdin-audit-bench-") as tmp:
        files = []
        for i in range(args.batch):
            src = sources[i % len(sources)]
            dst = Path(tmp) / f"{i:04d}_{src.name}"
            shutil.copyfile(src, dst)
            files.append(dst)
        t = time.perf_counter()
        seq = audit_paths(files, jobs=1)
        t_seq = time.perf_counter() - t
        t = time.perf_counter()
        par = audit_paths(files, jobs=args.jobs)
        t_par = time.perf_counter() - t
        same = [r.to_dict() for r in seq] == [r.to_dict() for r in par]
        n_find = sum(len(r.findings) for r in seq)
        errors = sum(1 for r in seq if r.error)
        print(f"  sequential (jobs=1):      {t_seq:7.2f} s  {t_seq / args.batch * 1000:7.1f} ms/report")
        print(f"  process pool (jobs={args.jobs}):   {t_par:7.2f} s  {t_par / args.batch * 1000:7.1f} ms/report"
              f"  speed-up ×{t_seq / t_par:.2f}")
        print(f"  identical results: {same}; {n_find} findings, {errors} unreadable")

        from xladdin.audit.xlsx import write_audit_xlsx

        t = time.perf_counter()
        write_audit_xlsx(par, Path(tmp) / "audit.xlsx")
        print(f"  汇总/明细 workbook of {n_find} findings: {(time.perf_counter() - t) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
