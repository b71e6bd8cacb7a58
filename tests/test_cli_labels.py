"""What the terminal shows a clerk: cells by place and Chinese name (never a bare key such as
t3.new.natural), and the 说明 number of every 提示 still to explain."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE_JSON

from xladdin.check import CellRef, cell_label
from xladdin.cli import main

KEY = re.compile(r"\bt[234]\.[a-z_0-9.]+")


def test_cell_labels() -> None:
    assert cell_label(CellRef("t3.new.natural", "表三!D5", 1)) == "表三!D5 本年新收·自然人"
    assert cell_label(CellRef("t3.new.natural", "第2个表格第4行", None)) == "第2个表格第4行 本年新收·自然人"
    assert cell_label(CellRef("t3.new.natural", "", None)) == "表三“本年新收·自然人”"
    assert cell_label(CellRef("t2.norm_valid", "", None)) == "表二“行政规范性文件·现行有效件数”"


def test_check_shows_labels_and_the_number_of_each_open_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    last = tmp_path / "2023.json"
    last.write_text(json.dumps(dict(data, meta=dict(data["meta"], year=2023)), ensure_ascii=False), encoding="utf-8")
    data["values"]["t3.new.natural"] += 1
    data["values"]["t2.norm_valid"] = 5
    data["addresses"] = {}
    this = tmp_path / "2024.json"
    this.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["check", str(this), "--previous", str(last)]) == 1
    out = "".join(capsys.readouterr().out.split())  # the table wraps long words
    assert "表三“本年新收·自然人”" in out
    assert not KEY.search(out), KEY.search(out)
    assert "说明编号：T2-C:norm" in out
    # explained: the number is no longer asked for
    data["explanations"] = {"T2-C:norm": "文件清理失效 14 件"}
    this.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    main(["check", str(this), "--previous", str(last)])
    out = "".join(capsys.readouterr().out.split())
    assert "[已说明]" in out and "说明编号" not in out
