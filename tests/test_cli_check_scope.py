"""`xladdin check` runs every rule that applies to its input among the table rules and the
format version (F1), agrees with `audit` on them, and names the families it did not run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xladdin.audit import audit
from xladdin.cli import main
from xladdin.cli.check import check_tables, rules_not_run
from xladdin.load import load_report

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "威海市人力资源和社会保障局-2024-发布稿.txt"
REAL = sorted((ROOT / "tests" / "data" / "real").glob("*.*"))


@pytest.fixture
def table_of_2019(tmp_path: Path) -> Path:
    """The seed as published, with table 三's （六）其他处理 printed as one row (2019 format)."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith("(六) 其他处理"))
    lines[i : i + 3] = ["(六) 其他处理\t\t1\t0\t0\t0\t0\t0\t1"]
    path = tmp_path / "2019格式.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_check_of_a_2019_table_reports_f1(table_of_2019: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(table_of_2019), "--json"]) == 1
    captured = capsys.readouterr()
    found = json.loads(captured.out)
    f1 = [f for f in found if f["rule"] == "F1"]
    assert f1 and f1[0]["severity"] == "强制" and "23 行" in f1[0]["message"]
    assert "未运行" in captured.err and "xladdin audit" in captured.err
    assert main(["check", str(table_of_2019)]) == 1
    out = capsys.readouterr().out
    assert "F1" in out and "通过" not in out


@pytest.mark.parametrize("path", [*REAL, SEED], ids=lambda p: p.name)
def test_check_agrees_with_audit_on_the_rules_it_runs(path: Path) -> None:
    report = load_report(path)
    skipped = set(rules_not_run(report))
    expected = sorted((f.rule, f.ref, f.severity) for f in audit(report) if f.rule not in skipped)
    assert sorted((f.rule, f.ref, f.severity) for f in check_tables(report)) == expected


def test_check_agrees_with_audit_on_a_2019_table(table_of_2019: Path) -> None:
    test_check_agrees_with_audit_on_the_rules_it_runs(table_of_2019)


def test_a_clean_check_names_what_it_did_not_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED)]) == 0
    out = capsys.readouterr().out
    verdict = next(line for line in out.splitlines() if line.startswith("结论："))
    assert verdict == "结论：通过：已运行的规则未发现问题"
    flat = out.replace("\n", "")
    for family in ("文表规则 X1、X2、X3、X4、X5、X6", "结构规则 S1、S2、S3、S4", "--previous", "xladdin audit"):
        assert family in flat
    for ran in ("F1", "S6", "S7", "E1", "T3-N"):
        assert ran not in flat.split("未运行：", 1)[1]
