"""Last year's figures carried in the workbook (hidden sheet 上年数据) drive Y1 and T2-C
everywhere: both readers, `xladdin check`, and they survive write -> read."""

from __future__ import annotations

import copy
import json

from xladdin.check import check
from xladdin.cli import main
from xladdin.io import read_report, write_report
from xladdin.io.fast import read_report_fast
from xladdin.previous import SHEET_PREVIOUS, previous_from_rows, previous_rows


def _last_year(example):
    last = copy.deepcopy(example)
    last.meta.year = 2023
    last.source = "2023年报.xlsx"
    last.values["t3.carry_out.natural"] = 2
    last.values["t3.carry_out.total"] = 2
    last.values["t2.norm_valid"] = 20
    last.addresses["t3.carry_out.natural"] = "表三!D29"
    return last


def test_rows_round_trip(example):
    last = _last_year(example)
    back = previous_from_rows(previous_rows(last))
    assert back.meta.year == 2023 and back.meta.agency == last.meta.agency
    assert back.value("t3.carry_out.natural") == 2 and back.value("t2.norm_valid") == 20
    assert back.address("t3.carry_out.natural") == "表三!D29"
    assert previous_from_rows([["别的", "表"]]) is None and previous_from_rows(None) is None


def test_workbook_carries_last_year_to_every_reader_and_the_cli(example, tmp_path, capsys):
    example.previous = _last_year(example)
    path = tmp_path / "2024.xlsx"
    write_report(example, path)
    for reader in (read_report, read_report_fast):
        report = reader(path)
        assert report.previous is not None and report.previous.meta.year == 2023
        assert {f.ref for f in check(report)} == {"Y1:natural", "Y1:total"}
    assert main(["check", str(path), "--json"]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)}
    assert rules == {"Y1"}
    # An explicit --previous still wins over the carried figures.
    clean = tmp_path / "2023.xlsx"
    last = copy.deepcopy(example)
    last.previous = None
    last.meta.year = 2023  # last year's report of this agency: a 2024 one is not used (issue 14)
    last.values["t2.norm_valid"] = 20
    write_report(last, clean)
    assert main(["check", str(path), "--previous", str(clean)]) == 0


def test_sheet_is_hidden(example, tmp_path):
    import openpyxl

    example.previous = _last_year(example)
    path = tmp_path / "2024.xlsx"
    write_report(example, path)
    wb = openpyxl.load_workbook(path)
    assert wb[SHEET_PREVIOUS].sheet_state == "hidden"
