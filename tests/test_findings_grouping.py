"""Noise: the blanks of a table row are one finding listing its cells (terminal, workbooks,
JSON with one entry per cell under it), and a formula total that is blank because its parts
are is not reported at all."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console

from xladdin.audit.runner import audit_paths
from xladdin.audit.xlsx import write_audit_xlsx
from xladdin.check import check, group_blanks
from xladdin.check.engine import blank_for_its_parts
from xladdin.cli import main
from xladdin.cli.findings_view import show_findings
from xladdin.io.findings_xlsx import write_findings
from xladdin.load import load_report, load_report_fast
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.template import write_template

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "威海市人力资源和社会保障局-2024-发布稿.txt"
NUMBER_RULES = {"T2-N", "T3-N", "T4-N"}


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("blank") / "空白.xlsx")


def _rows(findings: list) -> int:
    return sum(1 for f in findings if f.rule in NUMBER_RULES)


def test_blank_template_reports_inputs_not_formula_totals(blank: Path) -> None:
    report = load_report_fast(blank)
    assert len(report.formulas) == 34
    found = check(report)
    keys = [c.key for f in found for c in f.cells]
    assert len(found) == len(keys) == 200 - 34  # one per blank input cell
    assert not set(keys) & set(report.formulas)
    assert all(blank_for_its_parts(report, k) for k in report.formulas)


def test_a_formula_total_is_reported_once_its_parts_are_numbers(blank: Path) -> None:
    report = load_report_fast(blank)
    for suffix in ("keep", "correct", "other", "pending"):
        report.values[f"t4.review_{suffix}"] = 1
    assert report.value("t4.review_total") is None  # a formula LibreOffice never calculated
    assert not blank_for_its_parts(report, "t4.review_total")
    assert "t4.review_total" in [c.key for f in check(report) for c in f.cells]


def test_blanks_grouped_per_table_row(blank: Path) -> None:
    report = load_report_fast(blank)
    per_cell = check(report)
    grouped = group_blanks(per_cell)
    # 表二: 规章 and 行政规范性文件 rows (3 cells) + 4 single cells; 表三: 24 rows of 6 inputs
    # (the （七）总计 row is all formulas); 表四: 3 rows of 4
    assert len(grouped) == 2 + 4 + 24 + 3
    for f in grouped:
        parts = f.parts or [f]
        assert [c.key for p in parts for c in p.cells] == [c.key for c in f.cells]
        rows = {SPEC.cell(c.key).short.split("·")[0] for c in f.cells}
        assert len(rows) == 1
    new = next(f for f in grouped if f.ref == "T3-N:t3.new")
    assert len(new.cells) == 6 and new.severity == "强制"
    assert new.message.startswith("表三“本年新收”行 6 格（自然人 ")
    assert "实际为空白" in new.message
    assert group_blanks(grouped) == grouped  # idempotent


def test_published_report_with_blank_columns(tmp_path: Path) -> None:
    report = load_report(SEED)
    for cell in SPEC.cells_of("t3"):
        if cell.col in ("biz", "research", "nonprofit", "legal", "other_org"):
            report.values[cell.key] = None
    per_cell = [f for f in check(report) if f.rule == "T3-N"]
    assert len(per_cell) == 125
    grouped = group_blanks(per_cell)
    assert len(grouped) == 25 and all(len(f.cells) == 5 for f in grouped)


def test_placeholders_and_blanks_of_a_row_are_told_apart(example: Report) -> None:
    for col in ("natural", "biz"):
        example.values[f"t3.deny_1.{col}"] = None
    for col in ("research", "nonprofit"):
        example.values[f"t3.deny_1.{col}"] = "/"
    example.values["t3.deny_1.legal"] = -1
    example.explanations["T3-N:t3.deny_1.biz"] = "本栏不适用"
    grouped = group_blanks(check(example))
    row = [f for f in grouped if f.rule == "T3-N"]
    assert [len(f.cells) for f in row] == [2, 2, 1]
    assert "实际为空白" in row[0].message and "实际为“/”" in row[1].message and "负数" in row[2].message
    assert row[0].explanation == "本栏不适用"


def test_terminal_json_and_workbooks_show_groups(blank: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = load_report_fast(blank)
    found = check(report)
    out = Console(record=True, width=200, file=io.StringIO())
    show_findings(found, report, out)
    text = out.export_text()
    assert text.count("T3-N") == 24 and "表三!D8:I8（6 格）" in text
    assert "结论：33 处强制错误" in text

    assert main(["check", str(blank), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 33
    parts = [p for f in data for p in f.get("parts", [f])]
    assert len(parts) == 166 and all(len(p["cells"]) == 1 for p in parts)

    wb = openpyxl.load_workbook(write_findings(found, tmp_path / "审核结果.xlsx", report))
    assert wb["审核结果"].max_row == 1 + 33
    assert wb["涉及单元格"].max_row == 1 + 166

    [record] = audit_paths([blank])
    assert _rows(record.shown) == 33
    assert record.hard == 33 + sum(1 for f in record.findings if f.severity == "强制" and f.rule not in NUMBER_RULES)
    wb = openpyxl.load_workbook(write_audit_xlsx([record], tmp_path / "批量.xlsx"))
    detail = [row for row in wb["明细"].iter_rows(min_row=2, values_only=True) if row[3] in NUMBER_RULES]
    assert len(detail) == 33


# --------------------------------------------------------------------------- X1 位置


def test_x1_points_at_the_sentence_of_a_published_report(tmp_path: Path) -> None:
    from xladdin.audit import audit

    report = load_report(SEED)
    report.values["t3.new.natural"] = report.values["t3.new.total"] = 11  # the narrative says 10
    x1 = [f for f in audit(report) if f.rule == "X1"]
    assert x1
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for f in x1:
        assert f.where.startswith("第一部分“依申请公开”第1段（第") and "行起）" in f.where
        line = int(f.where.split("（第")[1].split("行")[0])
        sentence = f.snippet.split("（")[0]
        assert sentence[:12] in lines[line - 1].replace(" ", "") or sentence[:12] in lines[line - 1]
    out = Console(record=True, width=200, file=io.StringIO())
    show_findings(x1, report, out)
    text = out.export_text()
    assert "第19行起" in text and "表三!" not in text
    assert json.loads(json.dumps(x1[0].to_dict(), ensure_ascii=False))["where"] == x1[0].where


def test_x1_points_at_the_text_cell_of_a_workbook(example: Report, tmp_path: Path) -> None:
    from xladdin.audit import audit_path
    from xladdin.io import write_report

    example.values["t3.new.natural"] = example.values["t3.new.total"] = 11
    path = tmp_path / "年报.xlsx"
    write_report(example, path)
    x1 = [f for f in audit_path(path).findings if f.rule == "X1"]
    assert x1
    sheet, cell = x1[0].where.split(" ")[0].split("!")
    text = openpyxl.load_workbook(path)[sheet][cell].value
    assert x1[0].snippet.split("（")[0][:12] in text
