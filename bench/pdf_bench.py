"""Reading the seed report as a born-digital PDF and as an image-only PDF (a scan).

    python bench/pdf_bench.py [--runs 3] [--engines rapidocr,rapidocr-onnxruntime] [--dpi 200]

The seed (examples/weihai-2024.json) is exported to PDF with xladdin's own exporter
(LibreOffice), then rendered to images and wrapped as an image-only PDF. Prints seconds per
report for the text PDF (default reading, and the geometry reading alone, and pdfplumber's
plain text as the naive baseline), and for the scan with each OCR engine: seconds per page
and cells read right out of 200.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from timing import measure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the scan writer shared with the tests

from ingest_docs import scan_pdf  # noqa: E402

from xladdin.ingest import ocr, read_published  # noqa: E402
from xladdin.ingest.pdf import pdf_lines  # noqa: E402
from xladdin.ingest.reader import parse_lines  # noqa: E402
from xladdin.report import Report  # noqa: E402


def right(got: Report, want: Report) -> int:
    return sum(1 for k in want.spec.keys if got.values.get(k) == want.values.get(k))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines", default="rapidocr,rapidocr-onnxruntime")
    ap.add_argument("--dpi", type=int, default=200)
    args = ap.parse_args()
    example = Report.from_json((ROOT / "examples" / "weihai-2024.json").read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    from xladdin.export import export

    pdf = export(example, "pdf", tmp / "seed.pdf")
    import pdfplumber

    def naive_text() -> list[str]:
        with pdfplumber.open(str(pdf)) as doc:
            return [p.extract_text() for p in doc.pages]

    pages = len(naive_text())
    naive = measure(naive_text, args.runs)
    print(f"种子 PDF：{pages} 页")
    t = measure(lambda: read_published(pdf), args.runs)
    print(f"  PDF 文字  默认读取     {t.median_ms / 1000:6.2f} s/份  {right(read_published(pdf), example)}/200 格正确")
    t = measure(lambda: parse_lines(pdf_lines(pdf, geometry=True), str(pdf)), args.runs)
    geo = parse_lines(pdf_lines(pdf, geometry=True), str(pdf))
    print(f"  PDF 文字  几何重建     {t.median_ms / 1000:6.2f} s/份  {right(geo, example)}/200 格正确")
    print(f"  对照：pdfplumber extract_text 全文 {naive.median_ms / 1000:6.2f} s/份（只有文字，不分格）")

    scan = scan_pdf(pdf, tmp / "scan.pdf", args.dpi)
    print(f"扫描件 PDF：{args.dpi} dpi，{scan.stat().st_size / 1e6:.1f} MB")
    for name in [n for n in args.engines.split(",") if n]:
        ocr.engine.cache_clear()
        try:
            ocr.engine(name)
        except Exception as exc:  # an engine not installed here
            print(f"  {name}：不可用（{exc}）")
            continue
        import os

        os.environ["XLADDIN_OCR"] = name
        t0 = time.perf_counter()
        got = read_published(scan)
        dt = time.perf_counter() - t0
        print(f"  扫描件 {ocr.engine().name:18} {dt / pages:6.1f} s/页  {dt:6.1f} s/份  {right(got, example)}/200 格正确，"
              f"找到部分 {len(got.observed.get('headings', []))}/6")
        os.environ.pop("XLADDIN_OCR")
        ocr.engine.cache_clear()


if __name__ == "__main__":
    main()
