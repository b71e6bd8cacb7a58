"""What a batch of published PDFs costs on a Dask cluster, and the estimate for a country's year.

    python bench/cluster_bench.py [--pdfs 200] [--kinds 5] [--work /tmp/xladdin-cluster-bench]

1. Makes `--kinds` PDF reports by exporting the example workbook's report with varied figures
   (`xladdin export -f pdf`, LibreOffice), and copies them to `--pdfs` files.
2. Measures one PDF's audit in this process (warm), then the whole folder with
   `xladdin audit --jobs 1/2` and on a `distributed.LocalCluster` of 1 and 2 worker processes
   (one thread each), end to end (the cluster is started before the clock starts).
3. Prints the figures and the estimate for 100,000 PDFs and 10,000 scans on N workers (scans:
   OCR at ~5.5 s a page, measured in bench/scan_bench.py, 10 pages a report), with the
   efficiency the 2-worker run measured.
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
EXAMPLE = ROOT / "xladdin" / "examples" / "weihai-2024.json"
SCAN_PAGE_SECONDS = 5.5  # OCR of one scanned page (bench/scan_bench.py, this machine)
SCAN_PAGES = 10  # pages of a typical scanned report


def make_pdfs(work: Path, kinds: int, count: int) -> Path:
    from xladdin.report import Report

    src, folder = work / "src", work / f"pdf-{count}"
    if folder.is_dir() and len(list(folder.glob("*.pdf"))) == count:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    src.mkdir(parents=True, exist_ok=True)
    folder.mkdir(parents=True)
    made = []
    for k in range(kinds):
        r = Report.from_json(EXAMPLE.read_text(encoding="utf-8"))
        r.meta.agency = f"测试市第{k}局"
        r.values["t3.new.natural"] = (r.values["t3.new.natural"] or 0) + k  # some break a sum: --force
        j, pdf = src / f"r{k}.json", src / f"r{k}.pdf"
        j.write_text(r.to_json(), encoding="utf-8")
        if not pdf.exists():
            done = subprocess.run([sys.executable, "-m", "xladdin", "export", "-f", "pdf", "--force", "-q", "-o", str(pdf), str(j)],
                                  capture_output=True, text=True, env=_env())  # fmt: skip
            if done.returncode != 0:
                raise SystemExit(f"export failed: {done.stderr}")
        made.append(pdf.read_bytes())
    for i in range(count):
        (folder / f"p{i:05d}.pdf").write_bytes(made[i % kinds])
    return folder


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def one_pdf(folder: Path) -> float:
    from xladdin.audit.runner import audit_path

    files = sorted(folder.glob("*.pdf"))[:5]
    audit_path(files[0])  # warm: imports, fonts, solver
    t0 = time.perf_counter()
    for f in files:
        audit_path(f)
    return (time.perf_counter() - t0) / len(files)


def timed(*argv: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "xladdin", "audit", *argv, "-q"], capture_output=True, text=True, env=_env())
    if done.returncode not in (0, 1):
        raise SystemExit(f"audit failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", type=int, default=200)
    ap.add_argument("--kinds", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("/tmp/xladdin-cluster-bench"))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    folder = make_pdfs(args.work, args.kinds, args.pdfs)
    n = args.pdfs
    out: dict[str, object] = {"pdfs": n, "cpus": os.cpu_count(), "load": os.getloadavg()[0]}
    out["one_pdf_s"] = one_pdf(folder)
    for jobs in (1, 2):
        out[f"local_jobs{jobs}_s"] = timed(str(folder), "--jobs", str(jobs))
    from distributed import LocalCluster

    for workers in (1, 2):
        with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
            timed(str(folder / "p00000.pdf"), "--scheduler", cluster.scheduler_address)  # warm the workers' sandboxes
            out[f"cluster{workers}_s"] = timed(str(folder), "--scheduler", cluster.scheduler_address)
            out[f"cluster{workers}_send_s"] = timed(str(folder), "--scheduler", cluster.scheduler_address, "--send-files")
    per_file = {k: v / n for k, v in out.items() if k.endswith("_s") and k != "one_pdf_s"}  # type: ignore[operator]
    out["per_file_s"] = per_file
    c1, c2 = out["cluster1_s"], out["cluster2_s"]
    efficiency = min(1.0, c1 / (2 * c2))  # type: ignore[operator]
    out["efficiency_2"] = efficiency
    pdf_cost = c1 / n  # type: ignore[operator]  # seconds of one worker per PDF, end to end
    scan_cost = SCAN_PAGE_SECONDS * SCAN_PAGES
    out["estimate_hours"] = {
        w: {"100k_pdfs": 100_000 * pdf_cost / (w * efficiency) / 3600, "10k_scans": 10_000 * scan_cost / (w * efficiency) / 3600}
        for w in (1, 2, 8, 16, 32, 64)
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
