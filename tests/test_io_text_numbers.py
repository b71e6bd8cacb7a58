"""A number stored as text in a workbook cell ("3" in a text-formatted cell, pasted from a web
page) is reported, not silently summed: Excel's SUM, the template's totals and its 校验 sheet
skip it, so Python must not pass a table that Excel shows unbalanced (acceptance testing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from xladdin.check import check
from xladdin.excel.filebook import FileBook
from xladdin.io import read_report
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.io.fast import read_report_fast


@pytest.fixture
def text_number(tmp_path: Path) -> Path:
    path = tmp_path / "文本数字.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, path)
    wb = openpyxl.load_workbook(path)
    sheet, coord = next(iter(wb.defined_names["NB_t3_new_natural"].destinations))
    wb[sheet][coord.replace("$", "")] = " 10 "  # the example's value, typed as text
    wb.save(path)
    return path


@pytest.mark.parametrize("reader", [read_report, read_report_fast, lambda p: FileBook(p).read_report()])
def test_text_number_is_kept_as_text(text_number: Path, reader) -> None:  # type: ignore[no-untyped-def]
    report = reader(text_number)
    assert report.values["t3.new.natural"] == "10"
    findings = [f for f in check(report) if f.cells and f.cells[0].key == "t3.new.natural"]
    assert [f.rule for f in findings] == ["T3-N"]
    assert "文本格式的数字“10”" in findings[0].message and "表三!D5" in findings[0].message


def test_real_numbers_are_unchanged() -> None:
    assert not check(read_report_fast(EXAMPLE_XLSX))


def test_fill_does_not_cache_a_sum_over_text(text_number: Path, tmp_path: Path) -> None:
    """fill writes results next to the template's total formulas; over a text "10" Excel's
    SUM gives 10 less, so no result is cached and the total reads as not computable."""
    from xladdin.cli import main

    out = tmp_path / "已填充.xlsx"
    assert main(["fill", str(text_number), "-o", str(out)]) == 0
    back = read_report_fast(out)
    assert back.values["t3.new.natural"] == "10"
    assert back.values["t3.new.total"] is None  # =SUM(D5:I5) over a text cell: not ours to guess
