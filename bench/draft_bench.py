"""Draft benchmark (issue 19, "Measure"): how long 生成正文 takes per report.

    python bench/draft_bench.py [--repeat 50] [--process 3]

- draft: the sentences from a Report already in memory (xladdin.draft);
- draft + audit: the same, then every X rule over the drafted report (what proves it clean);
- button on a file: read the workbook, draft, write the 正文 cells, save (FileBook, the path
  of `xladdin addin run xladdin_draft` and of the command line);
- command: `xladdin draft 年报.xlsx -o …` as a process (Python start-up included).
Prints medians (and minima) in milliseconds; the machine is shared, compare rows of one run.
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

from timing import measure  # noqa: E402

from xladdin.audit import audit  # noqa: E402
from xladdin.draft import DRAFTED_PARTS, apply_drafts, draft  # noqa: E402
from xladdin.excel.actions import draft_into  # noqa: E402
from xladdin.excel.filebook import FileBook  # noqa: E402
from xladdin.io import read_report  # noqa: E402
from xladdin.io.example import EXAMPLE_XLSX  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--process", type=int, default=3)
    args = ap.parse_args()
    report = read_report(EXAMPLE_XLSX)
    for key in DRAFTED_PARTS:
        report.sections[key] = ""

    def drafted() -> None:
        draft(report)

    def drafted_and_audited() -> None:
        copy = read_copy()
        apply_drafts(copy, draft(copy))
        assert not [f for f in audit(copy) if f.rule.startswith("X")]

    base = report.to_dict()

    def read_copy():  # type: ignore[no-untyped-def]
        from xladdin.report import Report

        return Report.from_dict(base)

    rows = [("draft（内存中的 Report）", measure(drafted, args.repeat)),
            ("draft + 全部 X 规则审核", measure(drafted_and_audited, args.repeat))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "年报.xlsx"

        def button() -> None:
            shutil.copy(EXAMPLE_XLSX, path)
            draft_into(FileBook(path))

        rows.append(("按钮：读工作簿、起草、写入、保存", measure(button, max(3, args.repeat // 10))))
        runs = []
        for i in range(args.process):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "xladdin", "draft", str(EXAMPLE_XLSX), "-o", str(Path(tmp) / f"o{i}.xlsx")],
                           capture_output=True, check=True, timeout=300)
            runs.append((time.perf_counter() - t) * 1000)
    print(f"{'步骤':<32}{'中位数 ms':>12}{'最小 ms':>10}")
    for name, t in rows:
        print(f"{name:<32}{t.median_ms:>12.2f}{t.best_ms:>10.2f}")
    print(f"{'命令 xladdin draft（含启动）':<32}{statistics.median(runs):>12.0f}{min(runs):>10.0f}")


if __name__ == "__main__":
    main()
