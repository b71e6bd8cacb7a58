"""LibreOffice headless recalculates the generated template: its formula totals and its 校验
sheet must agree with Python's fill and check (the template works without Python)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from wbtools import broken

from xladdin.check import check
from xladdin.fill import fill
from xladdin.names import SHEET_CHECKS, all_names, meta_name
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.template import build_workbook, fit_text_rows
from xladdin.template.checks_sheet import FAIL, PASS, SKIP
from xladdin.template.layout import CHECK_STATUS_NAME, name_positions

EXAMPLE_JSON = Path(__file__).resolve().parents[1] / "examples" / "weihai-2024.json"

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed"),
]

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def recalc(files: list[Path], work: Path) -> dict[str, Path]:
    """Open each file in LibreOffice (always recalculating), save as xlsx; name -> output."""
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
    out = work / "recalculated"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)],
        check=True, timeout=240, capture_output=True,
    )
    return {f.name: out / f.name for f in files}


def write_inputs(report: Report, path: Path) -> None:
    """The template with the report's INPUT cells, metadata and narrative written through the
    defined names (derived cells keep their formulas)."""
    wb = build_workbook()
    positions = name_positions()
    for name, (kind, key) in all_names().items():
        p = positions[name]
        cell = wb[p.sheet][p.a1]
        if kind == "cell":
            if SPEC.cell(key).derived:
                assert cell.value.startswith("=")
                continue
            cell.value = report.values[key]
        elif kind == "meta":
            value = getattr(report.meta, key)
            cell.value = dt.date.fromisoformat(value) if key == "published" and value else value
        else:
            cell.value = report.sections.get(key) or None
    fit_text_rows(wb)
    wb.save(path)


def read_values(path: Path) -> tuple[openpyxl.Workbook, dict[str, object]]:
    wb = openpyxl.load_workbook(path, data_only=True)
    values = {}
    for name, (kind, key) in all_names().items():
        if kind != "cell":
            continue
        (sheet, ref), = wb.defined_names[name].destinations
        values[key] = wb[sheet][ref.replace("$", "")].value
    return wb, values


def check_rows(wb: openpyxl.Workbook) -> dict[str, tuple[object, object]]:
    """规则实例 -> (差额, 结果) from the recalculated 校验 sheet."""
    ws = wb[SHEET_CHECKS]
    refs = {i.ref for r in SPEC.rules for i in r.identities}
    return {
        ws.cell(r, 1).value: (ws.cell(r, 7).value, ws.cell(r, 8).value)
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 1).value in refs
    }


def count_rows(wb: openpyxl.Workbook) -> dict[str, int]:
    """表格 -> number of bad input cells (空白 + 非数字 + 负数或小数)."""
    ws = wb[SHEET_CHECKS]
    out = {}
    for r in range(1, 12):
        if ws.cell(r, 1).value in ("表二", "表三", "表四"):
            out[ws.cell(r, 1).value] = sum(int(ws.cell(r, c).value or 0) for c in (3, 4, 5))
    return out


def overall(wb: openpyxl.Workbook) -> object:
    (sheet, ref), = wb.defined_names[CHECK_STATUS_NAME].destinations
    return wb[sheet][ref.replace("$", "")].value


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("lo")
    example = Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
    good, bad, blank = work / "example.xlsx", work / "broken.xlsx", work / "blank.xlsx"
    build_workbook().save(blank)
    write_inputs(example, good)
    write_inputs(broken(example), bad)
    # A total typed over its formula (what a user can do after unprotecting the sheet).
    wb = openpyxl.load_workbook(bad)
    p = name_positions()["NB_t4_review_total"]
    wb[p.sheet][p.a1] = 5
    wb.save(bad)
    return recalc([good, bad, blank], work)


def test_formula_totals_equal_python_fill(recalculated: dict[str, Path], example: Report) -> None:
    _, values = read_values(recalculated["example.xlsx"])
    expected = Report.from_json(example.to_json())
    for cell in SPEC.cells:
        if cell.derived:
            expected.values[cell.key] = None
    result = fill(expected)
    assert sorted(result.filled) == sorted(c.key for c in SPEC.cells if c.derived)
    for cell in SPEC.cells:
        got = values[cell.key]
        want = expected.values[cell.key]
        if isinstance(want, Decimal):
            assert Decimal(repr(got)) == want, cell.key
        else:
            assert got == want, cell.key
    assert example.values == expected.values  # and the example's typed totals agree too


def test_checks_sheet_passes_on_the_example(recalculated: dict[str, Path], example: Report) -> None:
    wb, _ = read_values(recalculated["example.xlsx"])
    rows = check_rows(wb)
    assert len(rows) == 7 + 25 + 7 + 3
    assert {status for _, status in rows.values()} == {PASS}
    assert all(diff == 0 for diff, _ in rows.values())
    assert count_rows(wb) == {"表二": 0, "表三": 0, "表四": 0}
    assert overall(wb) == PASS
    assert not [f for f in check(example) if f.severity == "强制"]
    # derived metadata
    meta = wb["基本信息"]
    derived = {meta.cell(r, 1).value: meta.cell(r, 2).value for r in range(1, meta.max_row + 1)}
    assert derived["报告标题"] == example.meta.title
    assert derived["发布时限"] == dt.datetime(2025, 1, 31)  # 部门: 次年1月31日前
    (sheet, ref), = wb.defined_names[meta_name("published")].destinations
    assert wb[sheet][ref.replace("$", "")].value == dt.datetime(2025, 1, 14)


def test_checks_sheet_reports_what_python_check_reports(recalculated: dict[str, Path]) -> None:
    wb, values = read_values(recalculated["broken.xlsx"])
    # Python's check on exactly what the workbook holds after recalculation
    report = Report()
    for key, raw in values.items():
        report.set(key, raw)
    findings = check(report)
    python_identity = {f.ref: f.imbalance for f in findings if f.imbalance is not None}
    sheet = {ref: diff for ref, (diff, status) in check_rows(wb).items() if status == FAIL}
    assert sheet == python_identity
    assert set(sheet) == {"E1:natural", "E1:total", "T4-1"}
    assert sheet["E1:natural"] == -1 and sheet["T4-1"] == 5
    # instances with a "/" operand are not evaluated, as in Python
    statuses = {ref: status for ref, (_, status) in check_rows(wb).items()}
    assert statuses["T3-R:deny_3"] == SKIP and statuses["T3-T:biz"] == SKIP
    # bad input cells per table = Python's T*-N findings
    per_table = {"表二": 0, "表三": 0, "表四": 0}
    for f in findings:
        if f.rule.endswith("-N"):
            per_table["表" + SPEC.table(SPEC.cell(f.cells[0].key).table).number] += 1
    assert count_rows(wb) == per_table == {"表二": 1, "表三": 1, "表四": 0}
    assert overall(wb) == FAIL


def test_blank_template_shows_blank_totals_and_nothing_checked(recalculated: dict[str, Path]) -> None:
    """A blank table prints no 0 totals, and no identity says 通过 (E1·总计 of four totals did)."""
    wb, values = read_values(recalculated["blank.xlsx"])
    assert {values[c.key] for c in SPEC.cells} <= {None, ""}
    rows = check_rows(wb)
    assert {status for _, status in rows.values()} == {SKIP}
    assert rows["E1:total"] == (None, SKIP) or rows["E1:total"] == ("", SKIP)
    ws = wb[SHEET_CHECKS]
    left_right = [ws.cell(r, c).value for r in range(1, ws.max_row + 1) for c in (5, 6)
                  if ws.cell(r, 1).value in rows]
    assert set(left_right) <= {None, ""}  # 左边合计/右边合计 blank too
    assert overall(wb) != PASS
