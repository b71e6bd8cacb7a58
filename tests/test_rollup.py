"""汇总 (xladdin rollup): exact cell-by-cell sums, the exclusion / incomplete / duplicate / year
policies, real mixed inputs, the output workbook (re-read, checked, recalculated by LibreOffice)
and the command's exit codes."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from audit_fixtures import HONGZE, SHUYANG, load_example
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xladdin.audit.rollup import DETAIL_SHEET, SOURCE_SHEET, rollup_paths, rollup_reports, write_rollup
from xladdin.check import check
from xladdin.cli import main
from xladdin.io import read_report, write_report
from xladdin.io.example import example_workbook
from xladdin.load import load_report
from xladdin.report import Report
from xladdin.spec import SPEC

SEED_TEXT = Path(__file__).resolve().parent / "data" / "seeds" / "000_0f8514aaa6f27642.txt"


def scaled(base: Report, factor: int, agency: str, fee: str | None = None, year: int = 2024) -> Report:
    """`base` with every table value times `factor` (identities are linear, so it stays valid)."""
    r = Report.from_dict(base.to_dict())
    r.meta.agency, r.meta.year = agency, year
    r.source = agency
    for key, v in r.values.items():
        if isinstance(v, (int, Decimal)):
            r.values[key] = v * factor
    if fee is not None:
        r.values["t2.fee_wan"] = Decimal(fee)
    return r


def hard(report: Report) -> list[str]:
    return [f.rule for f in check(report) if f.severity == "强制"]


# --------------------------------------------------------------------------- sums and policies


def test_sums_are_exact_ints_and_decimals() -> None:
    ex = load_example()
    reports = [scaled(ex, 1, "甲局", "0.1"), scaled(ex, 2, "乙局", "0.2"), scaled(ex, 3, "丙局", "1234567.07")]
    result = rollup_reports(reports, agency="某县", level="县")
    values = result.report.values
    assert values["t2.fee_wan"] == Decimal("1234567.37")  # 0.1 + 0.2 exactly, no float drift
    assert isinstance(values["t2.fee_wan"], Decimal)
    for c in SPEC.cells:
        if c.key != "t2.fee_wan":
            assert values[c.key] == ex.values[c.key] * 6, c.key
            assert type(values[c.key]) is type(ex.values[c.key])
    assert values["t3.new.total"] == 60 and isinstance(values["t3.new.total"], int)
    assert result.report.meta.agency == "某县" and result.report.meta.year == 2024 and result.report.meta.level == "县"
    assert all(s.included for s in result.sources) and result.exit_code == 0
    assert all(c.contributors == 3 for c in result.cells.values())
    assert hard(result.report) == []


def test_report_with_forced_errors_is_left_out_unless_asked() -> None:
    ex = load_example()
    bad = scaled(ex, 1, "错局")
    bad.values["t3.new.natural"] += 1  # E1 and T3-R fail
    bad.values["t3.deny_3.biz"] = "/"  # T3-N fails
    good = scaled(ex, 2, "好局")
    result = rollup_reports([good, bad])
    src = {s.source: s for s in result.sources}
    assert not src["错局"].included and src["好局"].included
    assert "强制错误" in src["错局"].reason and "E1" in src["错局"].reason and "T3-N" in src["错局"].reason
    assert src["错局"].hard == len(hard(bad))
    assert result.report.values["t3.new.natural"] == 2 * ex.values["t3.new.natural"]
    assert result.exit_code == 1

    result = rollup_reports([good, bad], include_errors=True)
    src = {s.source: s for s in result.sources}
    assert src["错局"].included and "--include-errors" in src["错局"].notes[0]
    assert result.report.values["t3.new.natural"] == 3 * ex.values["t3.new.natural"] + 1
    # the "/" makes that summed cell incomplete: blank, with the partial sum and the culprit
    cell = result.cells["t3.deny_3.biz"]
    assert result.report.values["t3.deny_3.biz"] is None
    assert cell.incomplete == [("错局", "/")] and cell.contributors == 1
    assert cell.partial == 2 * ex.values["t3.deny_3.biz"]
    assert "错局" in result.report.notes["t3.deny_3.biz"]
    assert [c.key for c in result.incomplete] == ["t3.deny_3.biz"]


def test_blank_or_text_cell_makes_the_sum_incomplete_never_zero() -> None:
    ex = load_example()
    a, b, c = scaled(ex, 1, "甲局"), scaled(ex, 1, "乙局"), scaled(ex, 1, "丙局")
    a.values["t2.penalty"] = None
    b.values["t2.penalty"] = "无"
    result = rollup_reports([a, b, c], include_errors=True)
    cell = result.cells["t2.penalty"]
    assert cell.value is None and result.report.values["t2.penalty"] is None
    assert cell.incomplete == [("甲局", "空白"), ("乙局", "无")]
    assert cell.contributors == 1 and cell.partial == ex.values["t2.penalty"]
    assert "T2-N" in hard(result.report)  # check flags the blank: the roll-up cannot pass as complete
    assert result.exit_code == 1
    # the default policy leaves a and b out (T2-N is 强制), so the sum is complete
    result = rollup_reports([a, b, c])
    assert result.report.values["t2.penalty"] == ex.values["t2.penalty"]
    assert [s.included for s in result.sources] == [False, False, True]


def test_duplicates_and_other_years() -> None:
    ex = load_example()
    first = scaled(ex, 1, "威海市人力资源和社会保障局")
    again = scaled(ex, 5, "威海市 人力资源和社会保障局（）")  # same agency, spacing differs
    again.source = "again"
    old = scaled(ex, 7, "旧局", year=2023)
    other = scaled(ex, 1, "别的局")  # same table as `first`: noted, still summed
    result = rollup_reports([first, again, old, other])
    src = {s.source: s for s in result.sources}
    assert result.year == 2024
    assert not src["again"].included and "重复" in src["again"].reason and first.source in src["again"].reason
    assert not src["旧局"].included and "2023" in src["旧局"].reason
    assert src["别的局"].included and "完全相同" in src["别的局"].notes[0]
    assert result.report.values["t3.new.total"] == 2 * ex.values["t3.new.total"]
    # --year 2023 takes the old one instead
    result = rollup_reports([first, old], year=2023)
    assert [s.included for s in result.sources] == [False, True]
    assert result.report.values["t3.new.total"] == 7 * ex.values["t3.new.total"]


def test_duplicate_keeps_the_clean_copy() -> None:
    ex = load_example()
    broken = scaled(ex, 1, "甲局")
    broken.values["t3.new.natural"] += 1
    fixed = scaled(ex, 2, "甲局")
    fixed.source = "甲局-更正"
    for include_errors in (False, True):  # the corrected copy wins even when errors may be summed
        result = rollup_reports([broken, fixed], include_errors=include_errors)
        assert [s.included for s in result.sources] == [False, True]
        assert result.report.values["t3.new.total"] == 2 * ex.values["t3.new.total"]
    assert "重复" in result.sources[0].reason and "甲局-更正" in result.sources[0].reason
    # two clean copies: the first one is kept
    result = rollup_reports([fixed, scaled(ex, 3, "甲局")], include_errors=True)
    assert [s.included for s in result.sources] == [True, False]


@st.composite
def valid_reports(draw: st.DrawFn) -> list[Report]:
    """1–5 reports, each a non-negative integer combination of two real reports that pass check
    (so they pass too), with an arbitrary exact fee."""
    n = draw(st.integers(1, 5))
    out = []
    for i in range(n):
        a, b = draw(st.integers(0, 50)), draw(st.integers(0, 50))
        r = Report()
        r.meta.agency, r.meta.year, r.source = f"局{i}", 2024, f"局{i}"
        for key in SPEC.keys:
            r.values[key] = a * EXAMPLE.values[key] + b * HONGZE_REPORT.values[key]
        cents = draw(st.integers(0, 10**9))
        r.values["t2.fee_wan"] = Decimal(cents).scaleb(-2)
        out.append(r)
    return out


EXAMPLE = load_example()
HONGZE_REPORT = load_report(HONGZE)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_reports(), st.data())
def test_rollup_of_valid_reports_passes_check(reports: list[Report], data: st.DataObject) -> None:
    assert all(hard(r) == [] for r in reports)
    result = rollup_reports(reports)
    assert hard(result.report) == [] and result.exit_code == 0
    for key in SPEC.keys:
        assert result.report.values[key] == sum(r.values[key] for r in reports)
    # blanking random cells in random reports makes exactly those sums incomplete
    holes = data.draw(st.sets(st.tuples(st.integers(0, len(reports) - 1), st.sampled_from(SPEC.keys)), max_size=6))
    for i, key in holes:
        reports[i].values[key] = None
    result = rollup_reports(reports, include_errors=True)
    assert {c.key for c in result.incomplete} == {k for _, k in holes}
    for key in {k for _, k in holes}:
        assert sorted(s for s, _ in result.cells[key].incomplete) == sorted(f"局{i}" for i, k in holes if k == key)


def test_hongze_real_report_passes_check() -> None:
    assert HONGZE_REPORT.meta.year == 2024 and hard(HONGZE_REPORT) == []


# --------------------------------------------------------------------------- files and workbook


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The example workbook, the seed text, the two real reports, a second agency's workbook
    and a corrupt file, in one folder."""
    folder = tmp_path_factory.mktemp("mixed")
    files = [
        folder / "a_example.xlsx",
        folder / "b_seed.txt",
        folder / SHUYANG.name,
        folder / HONGZE.name,
        folder / "c_other.xlsx",
        folder / "d_corrupt.xlsx",
    ]
    shutil.copy(example_workbook(), files[0])
    shutil.copy(SEED_TEXT, files[1])
    shutil.copy(SHUYANG, files[2])
    shutil.copy(HONGZE, files[3])
    write_report(scaled(EXAMPLE, 3, "乳山市人力资源和社会保障局", "1.05"), files[4])
    files[5].write_bytes(b"PK\x03\x04 this is not a workbook")
    return folder, files


def test_mixed_inputs(mixed: tuple[Path, list[Path]], tmp_path: Path) -> None:
    folder, files = mixed
    result = rollup_paths([folder], agency="测试市", level="市", jobs=2)
    src = {Path(s.source).name: s for s in result.sources}
    assert sorted(src) == sorted(f.name for f in files)
    assert src["a_example.xlsx"].included
    assert not src["b_seed.txt"].included and "重复" in src["b_seed.txt"].reason  # same agency as the workbook
    assert not src[SHUYANG.name].included and "2023" in src[SHUYANG.name].reason
    assert src[SHUYANG.name].hard > 0  # its blanks are 强制 too
    assert src[HONGZE.name].included and src["c_other.xlsx"].included
    assert src["d_corrupt.xlsx"].error and not src["d_corrupt.xlsx"].included
    assert result.exit_code == 2
    for key in SPEC.keys:
        want = EXAMPLE.values[key] * 4 + HONGZE_REPORT.values[key]
        if key == "t2.fee_wan":
            want = EXAMPLE.values[key] + Decimal("1.05") + HONGZE_REPORT.values[key]
        assert result.report.values[key] == want, key
    # sequential reading gives the same result
    seq = rollup_paths([folder], agency="测试市", level="市", jobs=1)
    assert seq.report.values == result.report.values
    assert [s.to_dict() for s in seq.sources] == [s.to_dict() for s in result.sources]


@pytest.fixture(scope="module")
def written(mixed: tuple[Path, list[Path]], tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    folder, _ = mixed
    result = rollup_paths([folder], agency="测试市", year=2024, level="市", jobs=1)
    out = tmp_path_factory.mktemp("out") / "汇总.xlsx"
    write_rollup(result, out)
    return result, out


def test_output_workbook_rereads_as_the_sums_and_checks_clean(written: tuple[object, Path]) -> None:
    result, out = written
    again = read_report(out)
    assert again.values == result.report.values  # type: ignore[attr-defined]
    assert (again.meta.agency, again.meta.year, again.meta.level) == ("测试市", 2024, "市")
    assert hard(again) == []
    assert main(["check", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    rows = list(wb[SOURCE_SHEET].iter_rows(values_only=True))
    assert rows[0][:5] == ("来源文件", "机关名称", "年度", "层级", "是否计入")
    assert len(rows) == 1 + 6
    by_name = {Path(r[0]).name: r for r in rows[1:]}
    assert by_name["a_example.xlsx"][4] == "是" and by_name["d_corrupt.xlsx"][4] == "否"
    assert "重复" in by_name["b_seed.txt"][5]
    detail = list(wb[DETAIL_SHEET].iter_rows(values_only=True))
    assert len(detail) == 1 + len(SPEC.cells)
    fee = next(r for r in detail if r[-1] == "t2.fee_wan")
    assert fee[3] == str(result.report.values["t2.fee_wan"]) and fee[4] == 3  # type: ignore[attr-defined]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_recalculation_agrees(written: tuple[object, Path], tmp_path: Path) -> None:
    from test_template_libreoffice import overall, read_values, recalc

    from xladdin.template.checks_sheet import PASS

    result, out = written
    recalculated = recalc([out], tmp_path)[out.name]
    wb, values = read_values(recalculated)
    for c in SPEC.cells:
        want = result.report.values[c.key]  # type: ignore[attr-defined]
        got = values[c.key]
        assert (Decimal(repr(got)) if isinstance(want, Decimal) else got) == want, c.key
    assert overall(wb) == PASS


# --------------------------------------------------------------------------- command


def _json_inputs(folder: Path, reports: list[Report]) -> list[str]:
    paths = []
    for i, r in enumerate(reports):
        p = folder / f"{i}.json"
        p.write_text(r.to_json(), encoding="utf-8")
        paths.append(str(p))
    return paths


def test_cli_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ok = _json_inputs(tmp_path, [scaled(EXAMPLE, 1, "甲局"), scaled(EXAMPLE, 2, "乙局")])
    out = tmp_path / "汇总.xlsx"
    assert main(["rollup", *ok, "-o", str(out), "--agency", "某县", "--level", "县"]) == 0
    assert "计入 2 份" in capsys.readouterr().out
    assert read_report(out).values["t3.new.total"] == 30

    bad = scaled(EXAMPLE, 1, "丙局")
    bad.values["t4.review_total"] = 99
    (tmp_path / "x").mkdir()
    more = ok + _json_inputs(tmp_path / "x", [bad])
    assert main(["rollup", *more, "--json", "--jobs", "2"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["report"]["meta"]["agency"] == "汇总" and data["year"] == 2024
    assert data["report"]["values"]["t3.new.total"] == 30
    assert data["report"]["values"]["t2.fee_wan"] == str(EXAMPLE.values["t2.fee_wan"] * 3)
    assert [s["included"] for s in data["sources"]] == [True, True, False]
    assert data["sources"][2]["rules"] == ["T4-1"] and data["incomplete"] == {}

    corrupt = tmp_path / "坏.json"
    corrupt.write_text("{", encoding="utf-8")
    assert main(["rollup", *ok, str(corrupt), "-o", str(tmp_path / "b.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "坏.json" in err and "不是有效的年报 JSON" in err
    assert main(["rollup", *ok]) == 2  # neither -o nor --json
    assert "-o" in capsys.readouterr().err


def test_cli_skips_its_own_output_in_an_input_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _json_inputs(tmp_path, [scaled(EXAMPLE, 1, "甲局"), scaled(EXAMPLE, 2, "乙局")])
    out = tmp_path / "汇总.xlsx"
    for _ in range(2):  # the second run must not sum the first run's roll-up
        assert main(["rollup", str(tmp_path), "-o", str(out)]) == 0
        assert "共 2 个文件，计入 2 份" in capsys.readouterr().out
        assert read_report(out).values["t3.new.total"] == 30
