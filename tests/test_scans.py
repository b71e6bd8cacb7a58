"""Scans as they really come, read back cell by cell (a few pages; every report in bench/scan_bench.py).

Two reports whose every cell is known are printed in the official layout (xladdin's Word export
through LibreOffice, table 三's header NOT repeated where it runs onto the next page), and their
table pages scanned (tests/scan_maker.py): the example at 150 dpi with its second table page
photographed (perspective, uneven light), a slip of the agency's own put in (a total that breaks
E1 and T3-R); 上海市科委 2024 (a real report: its 结转下年度·总计 printed blank) at 200 dpi. Every
page turned 0.3–1.5°, blurred, noisy, tinted, JPEG.

Pinned: every cell right or 待核, never wrong; no 强制 the same print read from its text layer
does not have (no false 强制); the real defects still found; table 三 joined across the page
without its header; the page number never a cell; the overlay.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from scan_maker import make_scan, print_pdfs, truth_reports

from xladdin.audit import audit
from xladdin.ingest import read_published, scan_pages
from xladdin.ingest.scan import read_scan
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.values import Doubt

ROOT = Path(__file__).resolve().parents[1]
CASES = {  # name -> (dpi, photographed page of the table pages, seed)
    "weihai-2024": (150, 2, 11),
    "2024_上海市科委": (200, 0, 12),
}
TABLE_RULES = ("E1", "T3-", "T4-", "T2-N")


def _table_pages(pdf: Path) -> list[int]:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        return [i for i, p in enumerate(doc.pages) if p.find_tables()]


def _subset(pdf: Path, pages: list[int], out: Path) -> Path:
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(pdf))
    new = pdfium.PdfDocument.new()
    new.import_pages(src, pages)
    new.save(str(out))
    return out


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("scans")
    truths = {k: v for k, v in truth_reports().items() if k in CASES}
    truths["weihai-2024"].values["t3.new.total"] = 11  # the agency's slip: 10 printed as 11
    printed = print_pdfs(truths, folder / "print", repeat_header=False)
    out = {}
    for name, (dpi, photo, seed) in CASES.items():
        digital = _subset(printed[name], _table_pages(printed[name]), folder / f"{name}-digital.pdf")
        scan = make_scan(digital, folder / f"{name}-scan.pdf", dpi, seed, photo_page=photo or None)
        out[name] = {"truth": truths[name], "digital": digital, "scan": scan, "result": read_scan(scan, keep_pages=True)}
    return out


def _hard(report: Report) -> set[str]:
    return {f"{f.rule}:{f.ref}" for f in audit(report) if f.severity == "强制"}


@pytest.mark.parametrize("name", list(CASES))
def test_every_cell_right_or_pending_never_wrong(scans: dict, name: str) -> None:
    case = scans[name]
    got, truth = case["result"].report, case["truth"]
    wrong = {k: (got.values[k], truth.values[k]) for k in SPEC.keys
             if not isinstance(got.values[k], Doubt) and got.values[k] != truth.values[k]}  # fmt: skip
    assert wrong == {}
    right = sum(1 for k in SPEC.keys if got.values[k] == truth.values[k])
    assert right >= 190, f"only {right} cells read, the rest 待核"


@pytest.mark.parametrize("name", list(CASES))
def test_no_false_hard_finding_and_real_defects_found(scans: dict, name: str) -> None:
    case = scans[name]
    want = _hard(read_published(case["digital"]))
    have = _hard(case["result"].report)
    assert have - want == set()  # no false 强制
    real = {f for f in want if f.startswith(TABLE_RULES)}
    assert real and real <= have


def test_real_defects_are_the_expected_ones(scans: dict) -> None:
    weihai = {f.split(":")[0] for f in _hard(scans["weihai-2024"]["result"].report)}
    assert {"E1", "T3-R"} <= weihai
    kewei = _hard(scans["2024_上海市科委"]["result"].report)
    assert any(f.startswith("T3-N") and "carry_out.total" in f for f in kewei)


def test_table_three_joined_across_pages_without_a_repeated_header(scans: dict) -> None:
    result = scans["weihai-2024"]["result"]
    pages = {result.cells[f"t3.{row}.total"][0] for row in ("new", "deny_7", "deny_8", "carry_out")}
    assert len(pages) == 2  # the table runs over two pages and every row was placed
    assert result.report.observed["tables"] == ["t2", "t3", "t4"]


def test_page_numbers_are_never_cells(scans: dict) -> None:
    """"— 4 —" at the foot of each page is neither a cell nor a line of text."""
    from xladdin.ingest.scan_page import is_folio

    folio = re.compile(r"^[-—–一]+\s*\d{1,3}\s*[-—–一]+$")
    for case in scans.values():
        for page in case["result"].pages:
            assert [c.text for pt in page.tables for c in pt.cells if folio.match(c.text)] == []
            assert [ln.text for ln in page.lines if ln.cells is None and is_folio(ln.text)] == []


def test_photographed_page_unwarped_and_pages_straightened(scans: dict) -> None:
    pages = scans["weihai-2024"]["result"].pages
    assert [p.prepared.warped for p in pages] == [False, True]
    assert all(0.2 <= abs(p.prepared.angle) <= 1.6 for p in pages if not p.prepared.warped)


def test_scan_cells_say_they_came_from_ocr(scans: dict) -> None:
    report = scans["weihai-2024"]["result"].report
    info = report.observed["ocr"]
    assert info["engine"].startswith("RapidOCR") and info["pages"] == [1, 2]
    assert all("文字识别" in report.notes[k] for k in SPEC.keys)


def test_import_overlay(scans: dict, tmp_path: Path) -> None:
    """The CLI: progress-free on a pipe, the overlay written, an existing file of someone else
    refused (unless --force), our own overlay replaced, the scan itself never."""
    import pypdfium2 as pdfium

    scan = scans["2024_上海市科委"]["scan"]
    pages = scan_pages(scan)
    assert pages and pages == list(range(1, len(pages) + 1))  # every page an image
    out = tmp_path / "核对.pdf"
    cmd = [sys.executable, "-m", "xladdin", "import", str(scan), "--overlay", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr
    assert f"已写入核对文件：{out}" in run.stdout
    doc = pdfium.PdfDocument(str(out))
    assert len(doc) == len(pages) and "xladdin" in doc.get_metadata_dict()["Keywords"]
    doc.close()
    mine = out.stat().st_mtime_ns
    again = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert again.returncode == 0 and out.stat().st_mtime_ns != mine  # our own overlay: replaced
    theirs = tmp_path / "他人的.pdf"
    theirs.write_bytes(b"%PDF-1.4 someone else's file")
    refused = subprocess.run(cmd[:-1] + [str(theirs)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert refused.returncode == 2 and "为免覆盖已停止" in refused.stderr and "--force" in refused.stderr
    assert theirs.read_bytes() == b"%PDF-1.4 someone else's file"
    onto_scan = subprocess.run(cmd[:-1] + [str(scan), "--force"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert onto_scan.returncode == 2 and "输入" in onto_scan.stderr  # never the scan, even with --force


def test_overlay_draws_pending_cells_in_red(scans: dict, tmp_path: Path) -> None:
    from xladdin.ingest.scan_overlay import RED, label, write_overlay

    result = scans["weihai-2024"]["result"]
    assert label(Doubt("8", (8, 0), "文字识别存疑"))[1] == RED and label(Doubt("8", (8, 0)))[0] == "待核 8/0"
    out = write_overlay(result, tmp_path / "o.pdf")
    assert out.read_bytes().startswith(b"%PDF")
