"""List sheets that read and print cleanly: the 校验 button's 校验结果 sheet and the batch audit
workbook printed by LibreOffice within the page width, nothing clipped, every row aligned to
the top, Chinese column names and labels in front and internal keys only in the last columns.
Checked the way tests/test_print_render.py checks the other workbooks."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA
from openpyxl.utils import get_column_letter
from test_print_render import pages, pdf_chars, pdf_text, shown_texts

from xladdin.audit.rollup import DETAIL_SHEET, SOURCE_SHEET, rollup_paths, write_rollup
from xladdin.audit.runner import audit_paths
from xladdin.audit.xlsx import write_audit_xlsx
from xladdin.excel.actions import RESULT_HEADER, run
from xladdin.excel.filebook import FileBook
from xladdin.export.pdf import convert
from xladdin.io import read_report
from xladdin.io.findings_xlsx import write_findings
from xladdin.names import SHEET_RESULTS
from xladdin.sheetfit import MAX_ROW_HEIGHT, line_height, wrapped_lines
from xladdin.spec import SPEC

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "examples" / "威海市人力资源和社会保障局-2024.xlsx"
KEY = re.compile(r"\bt[234]\.[a-z_0-9.]+")  # a cell key as the JSON spells it
KEY_COLUMNS = {"规则实例", "单元格键"}

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"),
]


def seeded_results(folder: Path) -> Path:
    """A workbook after the 校验 button, with many findings: every 表三 row of natural persons
    off by one with the totals typed over their formulas (T3-R and E1 findings naming 7 and 4
    cells), a placeholder in 表二, and a 提示 (T2-C against 上年数据) with its 说明 number."""
    last = folder / "2023.xlsx"
    shutil.copy(EXAMPLE_XLSX, last)
    book = FileBook(last)
    book.set(book.require("NB_meta_year"), 2023)
    book.save()
    path = folder / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    run("xladdin_import", FileBook(path, answers={"previous": str(last)}))
    book = FileBook(path)
    report = read_report(path)
    for cell in SPEC.cells_of("t3"):
        if cell.derived:
            book.write_key(cell.key, report.values[cell.key])  # a typed total: no formula to follow
        elif cell.key.endswith(".natural"):
            book.write_key(cell.key, report.values[cell.key] + 1)
    book.write_key("t2.licensing", "/")
    book.write_key("t2.norm_valid", 25)
    book.save()
    run("xladdin_check", FileBook(path))
    return path


def only_sheets(path: Path, keep: tuple[str, ...], out: Path) -> Path:
    """A copy holding just `keep`, so the PDF is those sheets' print alone."""
    wb = openpyxl.load_workbook(path)
    for ws in list(wb.worksheets):
        if ws.title not in keep:
            wb.remove(ws)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    work = tmp_path_factory.mktemp("lists")
    results = seeded_results(work)
    inputs = sorted((DATA / "examples").glob("*.txt")) + sorted((DATA / "real").glob("*.txt"))[:3] + [results]
    books = {
        "results": only_sheets(results, (SHEET_RESULTS,), work / "校验结果.xlsx"),
        "audit": write_audit_xlsx(audit_paths([str(p) for p in inputs]), work / "audit.xlsx"),
    }
    pdfs = convert(list(books.values()), work / "pdf")
    return {name: (book, pdf) for (name, book), pdf in zip(books.items(), pdfs, strict=True)}


def words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, xMax, page width, word) of every printed word."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for n, page in enumerate(re.findall(r"<page (.*?)</page>", bbox, re.S), start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_max, word in re.findall(r'<word [^>]*xMax="([\d.]+)"[^>]*>(.*?)</word>', page):
            out.append((n, float(x_max), width, word))
    return out


def test_the_results_sheet_prints_one_page_wide_with_its_header_on_every_page(printed) -> None:  # noqa: ANN001
    book, pdf = printed["results"]
    ws = openpyxl.load_workbook(book)[SHEET_RESULTS]
    assert ws.max_row > 20  # enough findings for several pages
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows in ("1:1", "$1:$1") and ws.freeze_panes == "A2"
    texts = pdf_text(pdf).split("\f")[: pages(pdf)]
    assert len(texts) >= 2
    for page in texts:  # every column on every page: the first and the last header both
        flat = "".join(page.split())
        assert "涉及单元格" in flat and "规则实例" in flat and "序号" in flat
    for _, x_max, width, word in words(pdf):
        assert x_max <= width - 10, word


@pytest.mark.parametrize("name", ["results", "audit"])
def test_nothing_is_clipped_in_print(printed, name: str) -> None:  # noqa: ANN001
    book, pdf = printed[name]
    missing = Counter("".join("".join(shown_texts(book).values()).split())) - Counter(pdf_chars(pdf))
    assert not missing, "".join(sorted(missing.elements()))[:200]


@pytest.mark.parametrize("name", ["results", "audit"])
def test_wrapped_text_fits_and_every_row_is_aligned_to_the_top(printed, name: str) -> None:  # noqa: ANN001
    book, _ = printed[name]
    for ws in openpyxl.load_workbook(book).worksheets:
        for row in ws.iter_rows(min_row=2):
            filled = [c for c in row if c.value not in (None, "")]
            assert {c.alignment.vertical for c in filled} <= {"top"}, (ws.title, row[0].row)
            height = ws.row_dimensions[row[0].row].height or 15
            assert height <= MAX_ROW_HEIGHT
            for c in filled:
                if isinstance(c.value, str) and c.alignment.wrap_text:
                    width = ws.column_dimensions[get_column_letter(c.column)].width or 8.43
                    assert wrapped_lines(c.value, width) * line_height(11) <= height + 2, (ws.title, c.coordinate)


def test_users_read_labels_and_keys_stay_in_the_last_columns(printed, tmp_path: Path) -> None:  # noqa: ANN001
    """Headers are Chinese words; a cell key (t3.new.total) appears only in a key column."""
    from xladdin.check import check

    report = read_report(EXAMPLE_XLSX)
    report.values["t3.new.natural"] += 1
    report.source = ""  # no addresses known: the labels must still say which cell
    report.addresses.clear()
    findings_book = write_findings(check(report), tmp_path / "findings.xlsx", report)
    for book in (printed["results"][0], printed["audit"][0], findings_book):
        for ws in openpyxl.load_workbook(book).worksheets:
            header = [c.value for c in ws[1]]
            if not any(h in KEY_COLUMNS for h in header):
                continue
            keys_at = [i for i, h in enumerate(header) if h in KEY_COLUMNS]
            assert keys_at == list(range(len(header) - len(keys_at), len(header))), (ws.title, header)
            for row in ws.iter_rows(min_row=2, values_only=True):
                for i, v in enumerate(row):
                    if i not in keys_at and isinstance(v, str):
                        assert not KEY.search(v), (ws.title, v)
    cells = openpyxl.load_workbook(findings_book)["涉及单元格"]
    shown = [r for r in cells.iter_rows(min_row=2, values_only=True)]
    assert any(r[3] == "表三“本年新收·自然人”" and r[-1] == "t3.new.natural" for r in shown)


def test_the_results_sheet_lists_each_findings_cells_in_one_column(printed) -> None:  # noqa: ANN001
    book, _ = printed["results"]
    ws = openpyxl.load_workbook(book)[SHEET_RESULTS]
    assert [c.value for c in ws[1]] == RESULT_HEADER and ws.max_column == len(RESULT_HEADER)
    e1 = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "E1")
    cells = e1[RESULT_HEADER.index("涉及单元格")].value.split("\n")
    assert len(cells) == 4 and all(re.match(r"表三!\w+\d+ .+·自然人＝\d+$", c) for c in cells), cells
    hint = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "T2-C")
    assert hint[-1].value == "T2-C:norm"  # the 说明 number, last


def test_rollup_list_sheets_are_aligned_and_keyed_last(tmp_path: Path) -> None:
    result = rollup_paths([str(EXAMPLE_XLSX), str(DATA / "examples" / "2024_洪泽区人民政府.txt")], year=2024)
    out = write_rollup(result, tmp_path / "汇总.xlsx")
    wb = openpyxl.load_workbook(out)
    for name in (SOURCE_SHEET, DETAIL_SHEET):
        ws = wb[name]
        for row in ws.iter_rows(min_row=2):
            assert {c.alignment.vertical for c in row if c.value not in (None, "")} <= {"top"}
    assert [c.value for c in wb[DETAIL_SHEET][1]][-1] == "单元格键"
