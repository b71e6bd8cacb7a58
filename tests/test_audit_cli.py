"""`xladdin audit` on several inputs: JSON shape, exit codes, the 汇总/明细 workbook, --jobs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from audit_fixtures import hongze, shuyang
from openpyxl import load_workbook

from xladdin.audit import audit_paths
from xladdin.cli import main
from xladdin.report import Report

EXPECTED_KEYS = {"rule", "severity", "scope", "message", "cells", "expected", "actual", "imbalance", "ref", "title", "text"}


@pytest.fixture
def folder(tmp_path: Path, example: Report) -> Path:
    """Four inputs: the clean example, a contradiction, a real report, an unreadable file."""
    (tmp_path / "ok.json").write_text(example.to_json(), encoding="utf-8")
    bad = Report.from_dict(example.to_dict())
    bad.sections["s1.request"] = bad.sections["s1.request"].replace("申请数量 10 件", "申请数量 12 件")
    (tmp_path / "narrative.json").write_text(bad.to_json(), encoding="utf-8")
    (tmp_path / "hongze.json").write_text(hongze().to_json(), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_one_object_per_input(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(folder), "--json", "--jobs", "2")
    assert code == 2  # one input is unusable
    data = json.loads(out)
    by_name = {Path(d["source"]).name: d for d in data}
    assert sorted(by_name) == ["broken.json", "hongze.json", "narrative.json", "ok.json"]
    for d in data:
        assert {"source", "meta", "findings"} <= set(d)
    assert "不是有效的年报 JSON" in by_name["broken.json"]["error"]
    assert by_name["broken.json"]["findings"] == []
    assert by_name["ok.json"]["findings"] == [] and by_name["ok.json"]["meta"]["agency"] == "威海市人力资源和社会保障局"
    [f] = by_name["narrative.json"]["findings"]
    assert EXPECTED_KEYS <= set(f) and f["rule"] == "X1" and f["actual"] == 12 and "12 件" in f["snippet"]
    assert [x["rule"] for x in by_name["hongze.json"]["findings"]] == ["F1", "X1"]  # 23-row table 三


def test_findings_are_the_same_as_check_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Table findings of `audit --json` are exactly those of `check --json`."""
    bad = Report.from_json((folder / "ok.json").read_text(encoding="utf-8"))
    bad.values["t3.new.natural"] = 11
    (folder / "table.json").write_text(bad.to_json(), encoding="utf-8")
    main(["check", str(folder / "table.json"), "--json"])
    checked = json.loads(capsys.readouterr().out)
    code, out, _ = run(capsys, str(folder / "table.json"), "--json")
    assert code == 1
    [record] = json.loads(out)
    assert checked and [f for f in record["findings"] if f["scope"] in ("表内", "表间")] == checked


def test_exit_codes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, str(folder / "ok.json"))[0] == 0
    assert run(capsys, str(folder / "ok.json"), str(folder / "narrative.json"))[0] == 0  # 提示 only
    strict = Report.from_json((folder / "ok.json").read_text(encoding="utf-8"))
    strict.sections["s5"] = "无"
    (folder / "strict.json").write_text(strict.to_json(), encoding="utf-8")
    code, out, _ = run(capsys, str(folder / "ok.json"), str(folder / "strict.json"))
    assert code == 1 and "有强制错误" in out
    assert run(capsys, str(folder / "missing.json"))[0] == 2


def test_terminal_summary_in_chinese(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(folder), "--jobs", "1")
    assert code == 2
    assert "年报审核汇总" in out and "按规则统计" in out and "1 个无法读取" in out
    assert "威海市人力资源" in out


def test_help_states_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    text = capsys.readouterr().out
    assert "退出码" in text and "2" in text and "强制" in text


def test_xlsx_summary_and_details(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "审核结果.xlsx"
    code, _, err = run(capsys, str(folder), "--xlsx", str(out), "--json")
    assert code == 2 and "审核工作簿已写入" in err
    wb = load_workbook(out)
    assert wb.sheetnames == ["汇总", "明细"]
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    assert header[:10] == ["来源文件", "机关名称", "报告年度", "机关层级", "发布日期", "强制", "待核", "提示", "未说明提示", "结论"]
    rows = {Path(r[0]).name: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["ok.json"][5:10] == (0, 0, 0, 0, "通过")
    assert rows["narrative.json"][5:10] == (0, 0, 1, 1, "有提示")
    assert rows["broken.json"][9] == "无法读取" and "JSON" in rows["broken.json"][11]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L5"
    wd = wb["明细"]
    dh = [c.value for c in wd[1]]
    assert dh[3:8] == ["规则", "规则名称", "严重程度", "范围", "问题说明"] and "原文摘录" in dh
    details = list(wd.iter_rows(min_row=2, values_only=True))
    assert len(details) == 3  # narrative.json X1 + hongze F1, X1
    snippet = dh.index("原文摘录")
    assert any("12 件" in (r[snippet] or "") for r in details)
    assert wd.freeze_panes == "A2" and wd.auto_filter.ref.startswith("A1:O")
    assert wd.column_dimensions["H"].width >= 50  # 问题说明: the widest, wrapped


def test_previous_file_and_folder(tmp_path: Path, example: Report, capsys: pytest.CaptureFixture[str]) -> None:
    prev = Report.from_dict(example.to_dict())
    prev.meta.year = 2023
    prev.values["t3.carry_out.natural"] = 1
    prev.values["t3.carry_out.total"] = 1
    prev.values["t2.norm_valid"] = 20  # 20 − 1 repealed = 19: T2-C holds
    (tmp_path / "2023.json").write_text(prev.to_json(), encoding="utf-8")
    (tmp_path / "2024.json").write_text(example.to_json(), encoding="utf-8")
    code, out, _ = run(capsys, str(tmp_path / "2024.json"), "--previous", str(tmp_path / "2023.json"), "--json")
    [record] = json.loads(out)
    assert code == 1 and {f["rule"] for f in record["findings"]} == {"Y1", "S5"}
    # A folder: last year's report is found by agency and year, even in the audited folder itself.
    code, out, _ = run(capsys, str(tmp_path), "--previous", str(tmp_path), "--json")
    data = {Path(d["source"]).name: d for d in json.loads(out)}
    assert data["2024.json"]["previous"].endswith("2023.json")
    assert "previous" not in data["2023.json"]
    assert code == 1
    assert run(capsys, str(tmp_path / "2024.json"), "--previous", str(tmp_path / "none.json"))[0] == 2


def test_pool_and_sequential_agree(folder: Path) -> None:
    files = sorted(folder.iterdir()) * 3
    pooled = [r.to_dict() for r in audit_paths(files, jobs=2, chunksize=2)]
    alone = [r.to_dict() for r in audit_paths(files, jobs=1)]
    assert pooled == alone and len(pooled) == 12


def test_real_report_fixtures_in_a_batch(tmp_path: Path) -> None:
    for name, r in (("shuyang.json", shuyang()), ("hongze.json", hongze())):
        (tmp_path / name).write_text(r.to_json(), encoding="utf-8")
    records = {Path(r.source).name: r for r in audit_paths(sorted(tmp_path.iterdir()), jobs=2)}
    # blank organisation columns of table 三: 125 cells (T3-N), one finding per row of 25
    assert records["shuyang.json"].hard == 25
    assert sum(1 for f in records["shuyang.json"].findings if f.rule == "T3-N") == 125
    assert records["hongze.json"].hard == 1 and records["hongze.json"].soft == 1


def test_workbooks_and_published_texts_alike(tmp_path: Path, example: Report, capsys: pytest.CaptureFixture[str]) -> None:
    """A filled workbook whose narrative contradicts its table, next to the published seed text."""
    from audit_fixtures import DATA

    from xladdin.io import write_report

    bad = Report.from_dict(example.to_dict())
    bad.sections["s1.request"] = bad.sections["s1.request"].replace("申请数量 10 件", "申请数量十二件")
    write_report(bad, tmp_path / "威海-2024.xlsx")
    seed = DATA / "seeds" / "000_0f8514aaa6f27642.txt"
    code, out, _ = run(capsys, str(tmp_path / "威海-2024.xlsx"), str(seed), "--json")
    workbook, text = json.loads(out)
    assert code == 0
    assert [f["rule"] for f in workbook["findings"]] == ["X1"] and workbook["findings"][0]["actual"] == 12
    assert workbook["meta"]["agency"] == text["meta"]["agency"] == "威海市人力资源和社会保障局"
    assert text["findings"] == []
