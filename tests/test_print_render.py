"""The workbooks people open or print, printed by LibreOffice (xladdin.export.pdf.convert):
the findings workbook with no, a few and many findings, the batch audit workbook, a filled
report with a 1,500-character section and the blank template. Checked: page counts, the page
footer inside the page, and that no cell's text is clipped — in the workbook (estimated
wrapped lines × line height within the row height of every wrapped text cell) and in the
print (every character of every cell is in the PDF's text, as often as the cells hold it).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from conftest import DATA
from wbtools import broken

from xladdin.audit.runner import audit_paths
from xladdin.audit.xlsx import write_audit_xlsx
from xladdin.check import check
from xladdin.export.pdf import convert
from xladdin.io import read_report, write_report
from xladdin.io.findings_xlsx import write_findings
from xladdin.report import Report
from xladdin.sheetfit import MAX_ROW_HEIGHT, line_height, wrapped_lines
from xladdin.spec import SPEC
from xladdin.template import build_workbook

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"),
]

SOURCE = "/home/政务公开办/2025年审核/各部门年度报告/威海市人力资源和社会保障局/威海市人力资源和社会保障局-2024.xlsx"
LONG_PART = "s1.active"
# 1,500 characters in paragraphs, as a 主动公开 section reads (no repeated filler: each
# character counts in the clipped-text check).
PARAGRAPH = (
    "本机关坚持以公开为常态、不公开为例外，围绕“放管服”改革、就业创业、社会保险、人才人事、劳动关系等重点领域，"
    "通过门户网站、政务新媒体、新闻发布会等渠道主动公开政府信息{n}条，其中政策文件{m}件、政策解读{k}篇，"
    "同步更新机构职能、权责清单和办事指南，确保公开内容准确、完整、及时，保密审查制度，严把质量关。"
)


def long_section() -> str:
    paragraphs = [PARAGRAPH.format(n=100 + i, m=10 + i, k=i) for i in range(10)]
    text = "\n".join(paragraphs)
    return text[:1500]


def many_findings(example: Report) -> list:
    """Every row sum of 表三 off by one (findings of 7 cells each), then a blank report's."""
    bumped = Report.from_json(example.to_json())
    for cell in SPEC.cells_of("t3"):
        if cell.key.endswith(".natural") and not cell.derived:
            bumped.values[cell.key] += 1
    return check(bumped) + check(Report())


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_chars(pdf: Path) -> str:
    """Every printed character (no whitespace). From the words with their boxes: plain
    pdftotext joins "T3-" at a line end with the next line and drops the hyphen."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", bbox))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """name -> (workbook, its PDF), all printed in one soffice call."""
    from conftest import EXAMPLE_JSON

    work = tmp_path_factory.mktemp("print")
    example = Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
    example.source = SOURCE
    blank_report = Report(source=SOURCE)
    books = {
        "findings-none": write_findings(check(example), work / "findings-none.xlsx", example),
        "findings-few": write_findings(check(broken(example)), work / "findings-few.xlsx", broken(example)),
        "findings-many": write_findings(many_findings(example), work / "findings-many.xlsx", blank_report),
    }
    records = audit_paths([str(p) for p in sorted((DATA / "examples").glob("*.txt"))])
    books["audit"] = write_audit_xlsx(records, work / "audit.xlsx")
    filled = Report.from_json(example.to_json())
    filled.sections[LONG_PART] = long_section()
    write_report(filled, work / "filled.xlsx")
    books["filled"] = work / "filled.xlsx"
    books["template"] = work / "template.xlsx"
    build_workbook().save(books["template"])
    pdfs = convert(list(books.values()), work / "pdf")
    return {name: (book, pdf) for (name, book), pdf in zip(books.items(), pdfs, strict=True)}


def shown_texts(book: Path) -> dict[str, str]:
    """"sheet!A1" -> the text of every cell that shows a typed value (formulas aside)."""
    wb = openpyxl.load_workbook(book)
    out = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.value is None or (isinstance(c.value, str) and c.value.startswith("=")):
                    continue
                shown = c.value.date().isoformat() if isinstance(c.value, dt.datetime) else str(c.value)
                out[f"{ws.title}!{c.coordinate}"] = shown  # dates print as yyyy-mm-dd
    return out


def test_page_counts(rendered: dict[str, tuple[Path, Path]]) -> None:
    counts = {name: pages(pdf) for name, (_, pdf) in rendered.items()}
    # 概况, 审核结果, 涉及单元格: one page each when there is little to show
    assert counts["findings-none"] == 3
    assert counts["findings-few"] == 3
    # dozens of findings: a few pages each for findings and cells — not one column per page
    assert 5 < counts["findings-many"] <= 40, counts
    assert counts["audit"] <= 8, counts  # 汇总 one page, 明细 a few
    # 基本信息, 正文 (2 with the long section), 表二, 表三, 表四, 校验 (3), 说明
    assert counts["template"] == 9, counts
    assert counts["filled"] == counts["template"] + 1, counts


def test_header_row_printed_on_every_page(rendered: dict[str, tuple[Path, Path]]) -> None:
    _, pdf = rendered["findings-many"]
    text = pdf_text(pdf).split("\f")[: pages(pdf)]
    findings = [p for p in text if "问题说明" in p and "规则原文" in p]  # 审核结果's header
    cells = [p for p in text if "单元格键" in p and "规则原文" not in p]  # 涉及单元格's header
    assert len(findings) >= 2 and len(cells) >= 2
    assert len(findings) + len(cells) == len(text) - 1  # every page but 概况


def test_no_cell_text_is_clipped_in_print(rendered: dict[str, tuple[Path, Path]]) -> None:
    for name, (book, pdf) in rendered.items():
        printed = Counter(pdf_chars(pdf))
        wanted = Counter("".join("".join(shown_texts(book).values()).split()))
        missing = wanted - printed
        assert not missing, (name, "".join(sorted(missing.elements()))[:200])


def test_wrapped_text_fits_its_rows(rendered: dict[str, tuple[Path, Path]]) -> None:
    """Every wrapped text cell: its estimated lines × line height ≤ the height of its rows."""
    for name, (book, _) in rendered.items():
        wb = openpyxl.load_workbook(book)
        for ws in wb.worksheets:
            spans = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
            for row in ws.iter_rows():
                for c in row:
                    if not isinstance(c.value, str) or c.value.startswith("=") or not c.alignment.wrap_text:
                        continue
                    m = spans.get((c.row, c.column))
                    cols = range(c.column, (m.max_col if m else c.column) + 1)
                    rows = range(c.row, (m.max_row if m else c.row) + 1)
                    width = sum(ws.column_dimensions[openpyxl.utils.get_column_letter(k)].width or 8.43 for k in cols)
                    height = sum(ws.row_dimensions[r].height or 15 for r in rows)
                    size = float(c.font.sz or 11)
                    if c.alignment.textRotation:  # 三、本年度办理结果, printed vertically
                        continue
                    need = wrapped_lines(c.value, width * 11 / size) * line_height(size)
                    assert need <= height + 2, (name, ws.title, c.coordinate, need, height)
                    assert all((ws.row_dimensions[r].height or 15) <= MAX_ROW_HEIGHT for r in rows)


def test_long_section_reads_back_exactly(rendered: dict[str, tuple[Path, Path]]) -> None:
    book, pdf = rendered["filled"]
    assert read_report(book).sections[LONG_PART] == long_section()
    assert "".join(long_section().split()) in pdf_chars(pdf)


def test_footer_sits_inside_the_page(rendered: dict[str, tuple[Path, Path]]) -> None:
    """The footer "第 1 页，共 N 页" is printed whole, above the page's bottom edge."""
    _, pdf = rendered["template"]
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', bbox).group(1))
    footer = [float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)">(?:第|页，共|页)</word>', bbox)]
    assert footer, bbox[:500]
    assert all(y < height - 12 for y in footer), (footer, height)
    text = pdf_text(pdf).split("\f")[0]
    assert re.search(r"第\s*1\s*页，共\s*\d+\s*页", text)


def test_blank_template_prints_no_zero_totals(rendered: dict[str, tuple[Path, Path]]) -> None:
    """The 34 formula totals and the 校验 sums show nothing until their parts are filled."""
    _, pdf = rendered["template"]
    tables = "".join(pdf_text(pdf).split("\f")[2:5])  # 表二, 表三, 表四
    assert not re.search(r"(?<![\d.])0(?![\d.])", tables)
    assert SPEC.cells  # the template has cells at all
