"""Export timings: `python bench/export_bench.py [--pdf-batch 20] [--no-pdf]`.

- docx in-process (target < 0.3 s), against the naive python-docx way of building the tables
  (doc.add_table + cell.merge + cell.text per cell);
- html and markdown in-process;
- PDF: a batch of N documents in one LibreOffice call (time per document), against one call per
  document for a few documents.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import measure  # noqa: E402

from xladdin.export import content as C  # noqa: E402
from xladdin.export import export, export_many  # noqa: E402
from xladdin.export.docx import docx_bytes  # noqa: E402
from xladdin.export.html import render_html  # noqa: E402
from xladdin.export.markdown import render_markdown  # noqa: E402
from xladdin.report import Report  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(median, best) in seconds."""
    t = measure(fn, repeat)
    return t.median_ms / 1000, t.best_ms / 1000


def naive_docx(report: Report) -> bytes:
    """The usual python-docx way: add_table, merge spans cell by cell, set text per cell."""
    import io

    doc = docx.Document()
    doc.add_paragraph(report.meta.title, style="Title")
    for block in C.build(report):
        if isinstance(block, C.Paragraph | C.Heading):
            doc.add_paragraph(block.text)
        elif isinstance(block, C.TableBlock):
            g = block.grid
            table = doc.add_table(rows=g.rows, cols=g.cols)
            for cell in g.cells:
                target = table.cell(cell.row, cell.col)
                if cell.rowspan > 1 or cell.colspan > 1:
                    target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
                target.text = block.texts.get((cell.row, cell.col), "") if cell.role == "value" else cell.text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf-batch", type=int, default=20)
    parser.add_argument("--single", type=int, default=3, help="documents converted one soffice call each")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()

    report = Report.from_json((ROOT / "examples" / "weihai-2024.json").read_text(encoding="utf-8"))
    docx_bytes(report)  # warm imports and the template
    print("导出基准（示例：威海市人社局 2024）")
    med, best = timed(lambda: docx_bytes(report), 20)
    print(f"  docx 进程内：中位 {med * 1000:.1f} ms，最快 {best * 1000:.1f} ms（目标 < 300 ms）")
    med_n, best_n = timed(lambda: naive_docx(report), 5)
    print(f"  docx 朴素写法（add_table + merge，无版式）：中位 {med_n * 1000:.1f} ms，最快 {best_n * 1000:.1f} ms")
    med, best = timed(lambda: render_html(report), 20)
    print(f"  html：中位 {med * 1000:.1f} ms")
    med, best = timed(lambda: render_markdown(report), 20)
    print(f"  markdown：中位 {med * 1000:.1f} ms")
    if args.no_pdf:
        return
    with tempfile.TemporaryDirectory(prefix="xladdin-bench-") as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        export(report, "pdf", out / "warmup.pdf")  # first call creates the LibreOffice profile
        cold = time.perf_counter() - t
        print(f"  PDF 首次（新建 LibreOffice 配置）：{cold:.2f} s")
        t = time.perf_counter()
        for i in range(args.single):
            export(report, "pdf", out / f"single-{i}.pdf")
        single = (time.perf_counter() - t) / args.single
        print(f"  PDF 每份单独调用 soffice：{single:.2f} s/份（{args.single} 份）")
        t = time.perf_counter()
        export_many([(report, out / f"batch-{i}.pdf") for i in range(args.pdf_batch)], "pdf")
        total = time.perf_counter() - t
        print(
            f"  PDF 批量 {args.pdf_batch} 份一次调用：共 {total:.2f} s，{total / args.pdf_batch:.2f} s/份"
            f"（比单独调用快 {single / (total / args.pdf_batch):.1f} 倍）"
        )


if __name__ == "__main__":
    main()
