"""The core commands end to end on real files: check, dump, fill, demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from wbtools import sha

from xladdin.cli import main
from xladdin.io import read_report, write_report
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.template import build_workbook

FINDING_KEYS = {"rule", "severity", "scope", "message", "cells", "expected", "actual", "imbalance"}
INPUT_KEYS = [c.key for c in SPEC.cells if not c.derived]
DERIVED = [c.key for c in SPEC.cells if c.derived]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def broken(example: Report, tmp_path: Path) -> Path:
    example.values["t3.new.natural"] = 11  # E1 fails on the natural-person column
    example.values["t3.deny_1.biz"] = "/"  # T3-N
    path = tmp_path / "broken.xlsx"
    write_report(example, path)
    return path


def test_check_example_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(EXAMPLE_XLSX))
    assert code == 0
    assert "通过" in out


def test_check_json_shape_and_exit_1(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(broken), "--json")
    assert code == 1
    data = json.loads(out)
    assert isinstance(data, list) and data
    for item in data:
        assert FINDING_KEYS <= set(item)
        assert item["severity"] in ("强制", "提示")
        for cell in item["cells"]:
            assert set(cell) == {"key", "address", "value"}
    e1 = next(f for f in data if f["rule"] == "E1")
    assert e1["imbalance"] == 1 and e1["actual"] == 11 and e1["expected"] == 10
    addresses = {c["key"]: c["address"] for c in e1["cells"]}
    assert addresses["t3.new.natural"].startswith("表三!")
    slash = next(f for f in data if f["rule"] == "T3-N")
    assert slash["cells"][0]["value"] == "/" and "表三!" in slash["message"]


def test_check_terminal_output_and_xlsx(broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_xlsx = tmp_path / "问题.xlsx"
    code, out, _ = run(capsys, "check", str(broken), "--xlsx", str(out_xlsx))
    assert code == 1
    assert "强制" in out and "E1" in out and "结论" in out
    ws = openpyxl.load_workbook(out_xlsx)["审核结果"]
    assert ws.max_row >= 3


def test_check_previous_year(example: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    last = Report.from_dict(example.to_dict())
    last.meta.year = 2023
    last.values["t3.carry_out.natural"] = 2  # this year's carry_in is 0: Y1
    last_path = tmp_path / "2023.json"
    last_path.write_text(last.to_json(), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(EXAMPLE_XLSX), "--previous", str(last_path), "--json")
    assert code == 1
    y1 = [f for f in json.loads(out) if f["rule"] == "Y1"]
    assert len(y1) == 1 and y1[0]["imbalance"] == -2


def test_check_accepts_json_input(example: Report, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.json"
    path.write_text(example.to_json(), encoding="utf-8")
    assert run(capsys, "check", str(path))[0] == 0


def test_dump_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dump", str(EXAMPLE_XLSX), "--json")
    assert code == 0
    data = json.loads(out)
    assert {"meta", "sections", "values", "addresses"} <= set(data)
    assert data["meta"]["agency"] == "威海市人力资源和社会保障局"
    assert len(data["values"]) == 200 and len(data["addresses"]) == 200
    assert isinstance(data["values"]["t2.fee_wan"], str)  # 万元 as a decimal string
    assert data["values"]["t3.total.total"] == 10
    assert data["addresses"]["t3.total.total"].startswith("表三!")
    assert set(data["sections"]) == {p.key for p in SPEC.parts}


def test_dump_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dump", str(EXAMPLE_XLSX))
    assert code == 0 and "威海市人力资源和社会保障局" in out and "表三" in out


@pytest.fixture
def unfilled(example: Report, tmp_path: Path) -> Path:
    """A workbook whose user deleted the total formulas and typed one wrong total."""
    path = tmp_path / "未合计.xlsx"
    write_report(example, path)
    report = read_report(path)
    wb = openpyxl.load_workbook(path)
    for key in DERIVED:
        sheet, coord = report.addresses[key].split("!")
        wb[sheet][coord].value = None
    sheet, coord = report.addresses["t4.review_total"].split("!")
    wb[sheet][coord].value = 5  # parts sum to 0
    wb.save(path)
    return path


def test_fill_fills_blanks_keeps_typed_total_and_inputs(unfilled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sha(unfilled)
    source = read_report(unfilled)
    code, out, _ = run(capsys, "fill", str(unfilled))
    assert code == 1  # a typed total disagrees and was kept
    assert "保留原值" in out and "--overwrite" in out
    output = unfilled.with_name("未合计-已填充.xlsx")
    filled = read_report(output)
    assert sha(unfilled) == before  # input untouched
    assert filled.values["t4.review_total"] == 5
    assert filled.values["t3.total.total"] == 10 and filled.values["t3.new.total"] == 10
    assert all(filled.values[k] is not None for k in DERIVED)
    assert {k: filled.values[k] for k in INPUT_KEYS} == {k: source.values[k] for k in INPUT_KEYS}
    assert filled.meta == source.meta and filled.sections == source.sections


def test_fill_overwrite(unfilled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "改写.xlsx"
    code, text, _ = run(capsys, "fill", str(unfilled), "-o", str(out), "--overwrite")
    assert code == 0 and "改写" in text
    assert read_report(out).values["t4.review_total"] == 0


def test_fill_keeps_formulas(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "f.xlsx"
    assert run(capsys, "fill", str(EXAMPLE_XLSX), "-o", str(out))[0] == 0
    assert sorted(read_report(out).formulas) == sorted(DERIVED)


def test_fill_from_json_writes_a_template_workbook(example: Report, tmp_path: Path, capsys) -> None:
    for key in DERIVED:
        example.values[key] = None
    src = tmp_path / "r.json"
    src.write_text(example.to_json(), encoding="utf-8")
    assert run(capsys, "fill", str(src))[0] == 0
    back = read_report(tmp_path / "r-已填充.xlsx")
    assert back.values["t3.total.total"] == 10


def test_demo_as_installed_command(tmp_path: Path) -> None:
    """`xladdin demo` as a user runs it: the console script, a fresh folder."""
    exe = Path(sys.executable).with_name("xladdin")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "xladdin"]
    folder = tmp_path / "输出"
    proc = subprocess.run(
        [*cmd, "demo", "-o", str(folder)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert "通过" in proc.stdout
    names = sorted(p.name for p in folder.iterdir())
    stem = EXAMPLE_XLSX.stem
    exported = [f"{stem}.{fmt}" for fmt in ("docx", "html", "md", "pdf")]
    assert names == sorted(["审核摘要.md", "审核结果.xlsx", f"{stem}-已填充.xlsx", f"{stem}-已起草.xlsx", *exported])
    assert "生成正文：" in proc.stdout and "（二）依申请公开的草稿：2024年" in proc.stdout
    assert "审核发布稿" in proc.stdout and "读出 200 格" in proc.stdout
    assert read_report(folder / f"{EXAMPLE_XLSX.stem}-已填充.xlsx").values == read_report(EXAMPLE_XLSX).values
    assert "通过" in (folder / "审核摘要.md").read_text(encoding="utf-8")


def test_unusable_input_exit_2_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xladdin", "check", str(tmp_path / "没有.xlsx")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "文件不存在" in proc.stderr and "没有.xlsx" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_fill_writes_the_template_formula_back(unfilled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A total fill writes (blank, or typed and overwritten) gets its formula again, so it keeps
    updating when a part changes; its saved result is the computed value."""
    out = tmp_path / "改写.xlsx"
    assert run(capsys, "fill", str(unfilled), "-o", str(out), "--overwrite")[0] == 0
    back = read_report(out)
    assert sorted(back.formulas) == sorted(DERIVED)
    assert back.values["t4.review_total"] == 0 and back.values["t3.total.total"] == 10
    template = build_workbook()
    wb = openpyxl.load_workbook(out)
    for key in DERIVED:
        sheet, coord = back.addresses[key].split("!")
        assert wb[sheet][coord].value == template[sheet][coord].value, key
