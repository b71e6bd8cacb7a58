"""Scans of the real reports (and the example), read back by OCR: cells right, 待核 and wrong per
page, seconds per page, peak memory, false 强制, and the identities' real defects still found.

    python bench/scan_bench.py [--dpi 150,200] [--only NAME] [--keep DIR] [--engine rapidocr]

Every report whose truth is in tests/data/real/truth (and the example) is printed in the
official layout (xladdin's Word export through LibreOffice, table 三's header not repeated),
rasterised at each dpi and spoilt like a scan (tests/scan_maker.py: rotation, blur, noise,
tint, JPEG; the page holding the end of table 三 photographed: perspective, uneven light).
Each scan is read in a fresh process (its peak memory is that process's alone). A cell is right
when it equals the truth, 待核 when it is a values.Doubt, wrong otherwise. A false 强制 is a 强制
finding on the scan that neither the truth as printed nor the same print read from its text layer
(a born-digital PDF) has; the real defects are the table 强制 of the truth as printed (E1, T3-*,
T4-*, T2-N: a cell printed blank is a T*-N defect, as the rules say).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from scan_maker import make_scan, print_pdfs, table3_pages, truth_reports  # noqa: E402

from xladdin.spec import SPEC  # noqa: E402
from xladdin.values import Doubt  # noqa: E402


def hard(report) -> set[str]:  # type: ignore[no-untyped-def]
    from xladdin.audit import audit

    return {f"{f.rule}:{f.ref}" for f in audit(report) if f.severity == "强制"}


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited over fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _read(args: tuple[str, str]) -> dict:
    """In a fresh process: read one scan, return its report and this process's figures."""
    path, engine = args
    if engine:
        os.environ["XLADDIN_OCR"] = engine
    from xladdin.ingest.scan import read_scan

    t0, c0 = time.perf_counter(), time.process_time()
    res = read_scan(path)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = _peak_mb()
    return {
        "report": res.report.to_dict(),
        "cells": {k: v[0] for k, v in res.cells.items()},
        "pages": len(res.report.observed["ocr"]["pages"]),
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak,
        "engine": res.report.observed["ocr"]["engine"],
    }


def score(name: str, truth, digital, got: dict) -> dict:  # type: ignore[no-untyped-def]
    """`truth`: the report as printed; `digital`: the printed PDF read from its text layer (the
    强制 findings a reader should give for this print)."""
    from xladdin.report import Report

    report = Report.from_dict(got["report"])
    per_page: dict[int, list[int]] = {}
    wrong = []
    for key in SPEC.keys:
        v, w = report.values.get(key), truth.values.get(key)
        page = got["cells"].get(key, 0)
        slot = per_page.setdefault(page, [0, 0, 0])
        if isinstance(v, Doubt):
            slot[1] += 1
        elif v == w and type(v) is type(w):
            slot[0] += 1
        else:
            slot[2] += 1
            wrong.append(f"{key}: 读出 {v!r}，应为 {w!r}")
    printed = hard(truth)
    want, have = digital | printed, hard(report)
    table_rules = ("E1", "T3-", "T4-", "T2-N")
    real = {f for f in printed if f.startswith(table_rules)}
    return {
        "name": name,
        "per_page": {str(k): v for k, v in sorted(per_page.items())},
        "right": sum(v[0] for v in per_page.values()),
        "doubt": sum(v[1] for v in per_page.values()),
        "wrong": wrong,
        "false_hard": sorted(have - want),
        "defects": len(real),
        "defects_found": len(real & have),
        "pages": got["pages"],
        "seconds": got["seconds"],
        "s_per_page": got["seconds"] / max(1, got["pages"]),
        "cpu": got["cpu"],
        "cpu_per_page": got["cpu"] / max(1, got["pages"]),
        "peak_mb": got["peak_mb"],
        "engine": got["engine"],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description="扫描件读取记分：逐页读对/待核/读错的格、每页秒数、峰值内存、误报强制")
    ap.add_argument("--dpi", default="150,200")
    ap.add_argument("--only", default="", help="只测名称含此文字的报告")
    ap.add_argument("--keep", default="", help="把生成的扫描件留在此文件夹")
    ap.add_argument("--engine", default="", help="rapidocr 或 rapidocr-onnxruntime")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    reports = {k: v for k, v in truth_reports().items() if args.only in k}
    folder = Path(args.keep or tempfile.mkdtemp(prefix="scan-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    pdfs = print_pdfs(reports, folder / "print", repeat_header=False)
    jobs = []
    for i, (name, pdf) in enumerate(pdfs.items()):
        photo = (table3_pages(pdf) or [1])[-1]
        for dpi in (int(d) for d in args.dpi.split(",")):
            scan = make_scan(pdf, folder / f"{name}-{dpi}.pdf", dpi, seed=1000 * i + dpi, photo_page=photo)
            jobs.append((name, dpi, scan))
    from xladdin.ingest import read_published

    digital = {name: hard(read_published(pdf)) for name, pdf in pdfs.items()}
    results = []
    ctx = mp.get_context("spawn")
    for name, dpi, scan in jobs:
        with ctx.Pool(1, maxtasksperchild=1) as pool:
            got = pool.map(_read, [(str(scan), args.engine)])[0]
        s = score(f"{name}@{dpi}", reports[name], digital[name], got)
        results.append(s)
        if not args.json:
            pages = " ".join(f"p{p}:{v[0]}/{v[1]}/{v[2]}" for p, v in s["per_page"].items())
            print(f"{s['name']:40} 对 {s['right']:3} 待核 {s['doubt']:3} 错 {len(s['wrong']):2}  "
                  f"误报强制 {len(s['false_hard'])}  真实缺陷 {s['defects_found']}/{s['defects']}  "
                  f"{s['s_per_page']:5.1f} s/页（CPU {s['cpu_per_page']:4.1f} s）  峰值 {s['peak_mb']:4.0f} MB  [{pages}]", flush=True)  # fmt: skip
            for w in s["wrong"][:6]:
                print(f"    读错 {w}")
            if s["false_hard"]:
                print(f"    误报强制 {'、'.join(s['false_hard'][:6])}")
    total = {
        "scans": len(results),
        "cells": 200 * len(results),
        "right": sum(r["right"] for r in results),
        "doubt": sum(r["doubt"] for r in results),
        "wrong": sum(len(r["wrong"]) for r in results),
        "false_hard": sum(len(r["false_hard"]) for r in results),
        "defects_found": sum(r["defects_found"] for r in results),
        "defects": sum(r["defects"] for r in results),
        "s_per_page_max": max((r["s_per_page"] for r in results), default=0),
        "s_per_page_mean": sum(r["seconds"] for r in results) / max(1, sum(r["pages"] for r in results)),
        "cpu_per_page_mean": sum(r["cpu"] for r in results) / max(1, sum(r["pages"] for r in results)),
        "peak_mb_max": max((r["peak_mb"] for r in results), default=0),
        "load": os.getloadavg(),
    }
    if args.json:
        print(json.dumps({"files": results, "total": total}, ensure_ascii=False, indent=2))
    else:
        print(
            f"合计 {total['scans']} 份扫描件：读对 {total['right']}/{total['cells']}，待核 {total['doubt']}，读错 {total['wrong']}；"
            f"误报强制 {total['false_hard']}；真实缺陷找到 {total['defects_found']}/{total['defects']}；"
            f"每页平均 {total['s_per_page_mean']:.1f} s（CPU {total['cpu_per_page_mean']:.1f} s；最慢一份 {total['s_per_page_max']:.1f} s/页）；"
            f"峰值内存最高 {total['peak_mb_max']:.0f} MB；负载 {' '.join(f'{x:.2f}' for x in total['load'])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
