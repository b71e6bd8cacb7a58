"""The office's whole loop on a generated region (issue 18): audit a city's reports into a store
with the roster, export the review workbook, fill it (as a person would, with openpyxl), import,
correct some reports, audit again (unchanged files reused), status, notices, overview with the
hierarchy sums. Prints the time of each step and the peak memory (this process, and the largest
worker process).

    python bench/office_bench.py [--counties 20] [--depts 97] [--city-depts 40] [--jobs 2] [--keep DIR]

The default region is 2,001 reports' agencies (a city, 40 city departments, 20 counties with 97
departments each), 20 of them missing; reports are copies of the example workbook.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import openpyxl  # noqa: E402
from office_region import Writer, build, plan  # noqa: E402

from xladdin.office import review as rv  # noqa: E402
from xladdin.office.batch import audit_into  # noqa: E402
from xladdin.office.collect import collect  # noqa: E402
from xladdin.office.diff import compare  # noqa: E402
from xladdin.office.notices import write_notices  # noqa: E402
from xladdin.office.overview import write_overview  # noqa: E402
from xladdin.office.roster import read_roster  # noqa: E402
from xladdin.office.workbook import import_decisions, write_review  # noqa: E402
from xladdin.store import Store  # noqa: E402


def peak_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of the largest child (MB; Linux ru_maxrss is kB)."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


class Steps:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str]] = []
        self.began = time.perf_counter()

    def __call__(self, name: str, fn, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN204
        t = time.perf_counter()
        out = fn(*args, **kw)
        seconds = time.perf_counter() - t
        self.rows.append((name, seconds, ""))
        print(f"{name:<28}{seconds:8.1f} s", flush=True)
        return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--counties", type=int, default=20)
    ap.add_argument("--depts", type=int, default=97)
    ap.add_argument("--city-depts", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the region and outputs in this folder")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="office-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    steps = Steps()
    agencies = plan(args.counties, args.depts, args.city_depts)
    depts = [a for a in agencies if a.level == "部门"]
    for a in depts[5::97]:
        a.skip = True  # 缺报
    for a in depts[7::53]:
        a.published = "2025-02-10"  # 迟报
    for a in depts[3::10]:
        a.changes = {"t3.new.natural": 12}  # E1 (and the sums above it carry it)
    for a in depts[4::25]:
        a.changes = {"t3.new.legal": None}  # a blank cell
    region = steps("生成年报（不计入流程）", build, work / "年报", agencies)
    reports = sum(1 for _ in region.folder.glob("*.xlsx"))
    print(f"地区：{len(agencies)} 个机关，{reports} 份报告", flush=True)
    loop_began = time.perf_counter()
    db = work / "审核结果.db"
    store = Store.open(db)
    rv.save_roster(store, read_roster(region.roster))
    first = steps("审核（入库）", audit_into, store, [region.folder], args.jobs)
    collected = steps("汇总问题（含名单、表间）", collect, store, first, None, True)
    print(f"问题：{len(collected.items)} 个", flush=True)
    book = work / "审核结果.xlsx"
    steps("导出复核工作簿", write_review, collected, book, str(db))

    def fill() -> None:
        wb = openpyxl.load_workbook(book)
        ws = wb["复核"]
        head = [c.value for c in ws[1]]
        decision, note = head.index("复核") + 1, head.index("复核说明") + 1
        for r in range(2, ws.max_row + 1):
            severity = ws.cell(r, head.index("级别") + 1).value
            if severity == "强制":
                ws.cell(r, decision).value = "确认"
            elif severity == "提示":
                ws.cell(r, decision).value = "已说明"
                ws.cell(r, note).value = "汇总口径"
        wb.save(book)

    steps("填写复核（openpyxl，不计入）", fill)
    imported = steps("导入复核结论", import_decisions, store, collected, book, "bench")
    print(imported.summary(), flush=True)

    writer = Writer()
    fixed = [a for a in depts if a.changes and not a.skip][:50]
    for a in fixed:
        writer.write(a.path, a.name, a.level, a.published, dict(writer.base))
    second = steps("再次审核（未改动的沿用）", audit_into, store, [region.folder], args.jobs)
    diff = steps("比较两次审核", compare, store, second)
    print(diff.summary(), flush=True)
    collected = steps("汇总问题（第二次，含表间）", collect, store, second, None, True)
    notices, _ = steps("生成整改通知", write_notices, collected, work / "整改通知", force=True)
    print(f"整改通知：{len(notices)} 份", flush=True)
    steps("生成总览工作簿", write_overview, collected, work / "总览.xlsx")
    store.close()
    loop = time.perf_counter() - loop_began
    own, child = peak_mb()
    filling = next(s for n, s, _ in steps.rows if n.startswith("填写复核"))
    print(f"{'整个流程（不含生成和填写）':<24}{loop - filling:8.1f} s")
    print(f"内存峰值：主进程 {own:.0f} MB，最大的审核子进程 {child:.0f} MB；审核结果库 {db.stat().st_size / 1e6:.1f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
