"""Import + check of published reports, in-process.

    python bench/ingest_bench.py [--runs 20]

Prints the median time per report of import + check (the table rules) and of import + the
full audit (xladdin.audit: tables, narrative, structure) for: the seed text (target under
50 ms), the two real examples, and the seed as HTML, Word and PDF (written once with
xladdin.export; PDF through LibreOffice). For PDF it also times text-only reading (no table detection) to show what the
table pass costs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from timing import measure  # noqa: E402

from xladdin.check import check
from xladdin.ingest import read_published
from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def timed(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(first call, median) in ms."""
    t = measure(fn, runs)
    return t.first_ms, t.median_ms


def _flattened_seed(seed: Path, tmp: Path) -> Path:
    """The seed text as a crawler's get_text() stores it: the body on one line, each table row's
    cells concatenated with no separator."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    body = "".join(line.replace("\t", "").lstrip("#").strip() for line in lines[5:])
    out = tmp / "seed-flat.txt"
    out.write_text("\n".join(lines[:5]) + "\n" + body + "\n", encoding="utf-8")
    return out


class SolverClock:
    """Time spent in repair.solve (the CP-SAT repair) per call."""

    def __init__(self) -> None:
        from xladdin.ingest import reader, repair

        self.calls: list[tuple[float, int]] = []
        inner = repair.solve

        def solve(*args, **kw):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            out = inner(*args, **kw)
            self.calls.append(((time.perf_counter() - t) * 1000, out.solves))
            return out

        reader.repair.solve = solve  # type: ignore[assignment]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    example = Report.from_json((ROOT / "examples" / "weihai-2024.json").read_text(encoding="utf-8"))
    files = {
        "种子文本 .txt": DATA / "seeds" / "000_0f8514aaa6f27642.txt",
        "洪泽区（PDF 文字）.txt": DATA / "examples" / "2024_洪泽区人民政府.txt",
        "沭阳县（网页文字）.txt": DATA / "examples" / "2023_沭阳县发展和改革局.txt",
    }
    # real reports pinned in tests/test_real_reports.py and (crawler text, no line structure)
    # in tests/test_ingest_flat.py
    real = ROOT / "tests" / "data" / "real"
    files.update({f"{p.stem}{p.suffix}": p for p in sorted(real.glob("*.md")) + sorted(real.glob("*.txt"))})
    tmp = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    files["种子文本（展平为一行）.txt"] = _flattened_seed(files["种子文本 .txt"], tmp)
    try:
        from xladdin.export import export

        for fmt in ("html", "docx", "pdf"):
            t0 = time.perf_counter()
            files[f"种子 .{fmt}"] = export(example, fmt, tmp / f"seed.{fmt}")
            print(f"（生成 .{fmt} 用时 {(time.perf_counter() - t0) * 1000:.0f} ms）")
    except Exception as exc:  # the exporter is optional for this bench
        print(f"（未能生成 HTML/Word/PDF：{exc}）")
    try:
        from xladdin.audit import audit as full_audit  # all rules: tables, 文表, structure
    except ImportError:  # pragma: no cover - the audit package is optional here
        full_audit = None
    clock = SolverClock()
    print(f"{'文件':<24}{'首次 ms':>10}{'中位数 ms':>12}{'修复格':>8}{'审核发现':>10}{'全审核 ms':>11}{'求解 ms':>9}{'次':>4}")
    for name, path in files.items():
        runs = args.runs if path.suffix != ".pdf" else max(3, args.runs // 5)

        def work(p=path):
            r = read_published(p)
            return r, check(r)

        first, median = timed(work, runs)
        r, findings = work()
        audit_ms = float("nan")
        if full_audit is not None:

            def audited(p=path):
                return full_audit(read_published(p))

            _, audit_ms = timed(audited, runs)
        repaired = len(r.observed["repair"]["repaired"])
        clock.calls.clear()
        read_published(path)
        solve_ms, solves = clock.calls[-1] if clock.calls else (0.0, 0)
        print(
            f"{name:<24}{first:>10.1f}{median:>12.1f}{repaired:>8}{len(findings):>10}{audit_ms:>11.1f}"
            f"{solve_ms:>9.1f}{solves:>4}"
        )
    pdf = files.get("种子 .pdf")
    if pdf:
        from xladdin.ingest.pdf import pdf_lines
        from xladdin.ingest.reader import parse_lines

        _, median = timed(lambda: parse_lines(pdf_lines(pdf, tables=False), str(pdf)), 3)
        _, lines_only = timed(lambda: pdf_lines(pdf), 3)
        print(f"PDF 只读文字（不识别表格）：{median:.1f} ms；pdfplumber 读取（含表格）：{lines_only:.1f} ms")


if __name__ == "__main__":
    main()
