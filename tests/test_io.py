"""Workbook I/O on real files: round trip, formulas and cached values, writing into a base,
the fast reader, the example workbook and the findings workbook."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wbtools import content, set_cached, sha, without_results

from xladdin.check import blocking, check
from xladdin.errors import OutputError
from xladdin.fill import fill
from xladdin.io import read_report, read_report_fast, save_atomic, write_report
from xladdin.io.example import EXAMPLE_XLSX, build_example
from xladdin.io.findings_xlsx import COLUMNS, write_findings
from xladdin.report import Report
from xladdin.spec import SPEC

ADDRESS = re.compile(r"^表[二三四]![A-Z]{1,2}[1-9]\d*$")
DERIVED = [c.key for c in SPEC.cells if c.derived]


@pytest.fixture
def example_xlsx(example: Report, tmp_path: Path) -> Path:
    path = tmp_path / "example.xlsx"
    write_report(example, path)
    return path


def test_round_trip_keeps_every_value_exactly(example: Report, tmp_path: Path) -> None:
    example.values["t2.fee_wan"] = Decimal("268.2934")
    example.explanations = {"T2-C:norm": "文件有效期届满失效 3 件", "Y1:natural": "上年报告有误，已更正"}
    example.notes["t4.review_keep"] = "来自复议台账"
    path = tmp_path / "rt.xlsx"
    write_report(example, path)
    back = read_report(path)
    for key in SPEC.keys:
        assert back.values[key] == example.values[key], key
        assert type(back.values[key]) is type(example.values[key]), key
    assert back.values["t2.fee_wan"] == Decimal("268.2934")
    assert str(back.values["t2.fee_wan"]) == "268.2934"
    assert back.meta == example.meta
    assert back.sections == {p.key: example.sections.get(p.key, "") for p in SPEC.parts}
    assert back.explanations == example.explanations
    assert back.notes == example.notes
    assert back.source == str(path)
    assert len(back.addresses) == 200 and all(ADDRESS.match(a) for a in back.addresses.values())
    assert len(set(back.addresses.values())) == 200
    # derived cells keep their formulas
    assert sorted(back.formulas) == sorted(DERIVED)
    assert all(f.startswith("=") for f in back.formulas.values())


def test_text_and_bad_numbers_are_values_not_read_errors(example: Report, tmp_path: Path) -> None:
    odd = {
        "t3.deny_1.biz": "/",
        "t3.deny_2.biz": "-",
        "t3.deny_3.biz": "无",
        "t3.unable_1.legal": -1,
        "t4.review_keep": Decimal("2.5"),
    }
    for key, value in odd.items():
        example.values[key] = value
    path = tmp_path / "odd.xlsx"
    write_report(example, path)
    back = read_report(path)
    for key, value in odd.items():
        assert back.values[key] == value, key
    findings = check(back)
    named = {c.key: c.address for f in findings if f.rule.endswith("-N") for c in f.cells}
    assert set(odd) <= set(named)
    for key in odd:
        assert named[key] == back.addresses[key]
        assert any(back.addresses[key] in f.message for f in findings if f.ref.endswith(key))


def test_cached_value_of_a_formula_cell_is_used(example_xlsx: Path, tmp_path: Path) -> None:
    plain = read_report(example_xlsx)
    address = plain.addresses["t3.total.total"]
    stale = set_cached(example_xlsx, tmp_path / "cached.xlsx", address, "99")
    back = read_report(stale)
    assert back.values["t3.total.total"] == 99
    assert back.formulas["t3.total.total"] == plain.formulas["t3.total.total"]
    refs = {f.ref for f in blocking(check(back))}
    assert any(r.startswith("T3-R:total") for r in refs)


def test_formula_without_cached_value_is_computed(example_xlsx: Path, tmp_path: Path) -> None:
    bare = without_results(example_xlsx, tmp_path / "bare.xlsx")
    import pandas as pd

    t3 = pd.read_excel(bare, sheet_name="表三", header=None, engine="openpyxl")
    assert t3.iloc[:, 9].isna().sum() > 20  # no results in the file: pandas sees nothing
    back = read_report(bare)
    assert back.values == read_report(example_xlsx).values
    assert back.values["t3.total.total"] == 10
    assert read_report_fast(bare).to_dict() == back.to_dict()


def test_written_totals_carry_results_like_excel(example: Report, tmp_path: Path) -> None:
    """Phone previewers, pandas and LibreOffice show the totals of a workbook we wrote."""
    import pandas as pd

    example.values["t3.deny_1.biz"] = "/"  # its row total and the biz column total: no result
    path = tmp_path / "r.xlsx"
    write_report(example, path)
    report = read_report(path)
    grid = openpyxl.load_workbook(path, data_only=True)
    results = {}
    for key in DERIVED:
        sheet, coord = report.addresses[key].split("!")
        results[key] = grid[sheet][coord].value
    blank = {k for k, v in results.items() if v is None}
    assert blank == {"t3.deny_1.total", "t3.total.biz", "t3.total.total"}
    assert all(results[k] == example.values[k] for k in DERIVED if k not in blank)
    t4 = pd.read_excel(path, sheet_name="表四", header=None, engine="calamine")
    assert int(t4.iloc[4, 4]) == example.values["t4.review_total"]


def test_a_changed_formula_gets_no_result_from_us(example_xlsx: Path, tmp_path: Path) -> None:
    report = read_report(example_xlsx)
    sheet, coord = report.addresses["t3.new.total"].split("!")
    wb = openpyxl.load_workbook(example_xlsx)
    wb[sheet][coord].value = "=SUM(D5:H5)"  # the user dropped a column
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    out = tmp_path / "out.xlsx"
    write_report(read_report(edited), out, base=edited, keys=[])
    assert openpyxl.load_workbook(out, data_only=True)[sheet][coord].value is None
    back = read_report(out)
    assert back.formulas["t3.new.total"] == "=SUM(D5:H5)"
    assert back.values["t3.new.total"] is None and "与模板不同" in back.notes["t3.new.total"]
    assert any(f.cells[0].key == "t3.new.total" for f in check(back) if f.rule == "T3-N")


def test_fast_reader_gives_the_same_report(example: Report, example_xlsx: Path, tmp_path: Path) -> None:
    files = [example_xlsx, EXAMPLE_XLSX]
    example.values["t3.deny_1.biz"] = "/"
    example.values["t2.fee_wan"] = Decimal("0.05")
    example.explanations = {"T2-C:reg": "说明"}
    odd = tmp_path / "odd.xlsx"
    write_report(example, odd)
    files.append(odd)
    files.append(set_cached(odd, tmp_path / "cached.xlsx", read_report(odd).addresses["t4.review_total"], "7"))
    for path in files:
        assert read_report_fast(path).to_dict() == read_report(path).to_dict(), path


def test_explanations_typed_in_excel_are_read(example_xlsx: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(example_xlsx)
    ws = wb["说明"]
    ws["A2"], ws["B2"] = "T2-C：norm", "文件有效期届满失效 3 件"  # full-width colon from an IME
    ws["A3"], ws["B3"] = "Y1:natural", None  # no text: not an explanation
    path = tmp_path / "说明.xlsx"
    wb.save(path)
    assert read_report(path).explanations == {"T2-C:norm": "文件有效期届满失效 3 件"}
    assert read_report_fast(path).explanations == {"T2-C:norm": "文件有效期届满失效 3 件"}


def test_write_into_base_keeps_typed_values_and_formulas(example_xlsx: Path, tmp_path: Path) -> None:
    before = sha(example_xlsx)
    report = read_report(example_xlsx)
    report.values["t3.new.natural"] = 99  # differs from the typed 10
    report.values["t3.new.total"] = 1234  # a formula cell
    out = tmp_path / "out.xlsx"
    result = write_report(report, out, base=example_xlsx, keys=["t3.new.natural", "t3.new.total"])
    assert result.kept == ["t3.new.natural"] and result.formulas == ["t3.new.total"]
    again = read_report(out)
    assert again.values["t3.new.natural"] == 10
    assert again.formulas["t3.new.total"].startswith("=")
    result = write_report(report, out, base=example_xlsx, keys=["t3.new.natural"], overwrite=True)
    assert result.written == ["t3.new.natural"]
    assert read_report(out).values["t3.new.natural"] == 99
    assert sha(example_xlsx) == before


def test_write_rejects_unknown_key_and_leaves_no_file(example: Report, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    with pytest.raises(OutputError):
        write_report(example, out, keys=["t9.nothing"])
    assert not out.exists()


def test_save_atomic_keeps_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old", encoding="utf-8")

    def broken(tmp: str) -> None:
        Path(tmp).write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError):
        save_atomic(broken, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_committed_example_equals_a_fresh_build(tmp_path: Path) -> None:
    fresh, committed = content(build_example(tmp_path / EXAMPLE_XLSX.name)), content(EXAMPLE_XLSX)
    stale = sorted(k for k in fresh.keys() | committed.keys() if fresh.get(k) != committed.get(k))
    assert not stale, f"示例工作簿已过期（{stale} 不同）：运行 python -m xladdin.io.example 重新生成"


def test_example_workbook_checks_clean() -> None:
    report = read_report(EXAMPLE_XLSX)
    assert report.meta.agency == "威海市人力资源和社会保障局" and report.meta.year == 2024
    assert all(report.values[k] is not None for k in SPEC.keys)
    assert blocking(check(report)) == []
    assert fill(report).changed == []
    # the seed's 予以公开 row printed six numbers for seven columns: said so in a note
    assert "6 个数" in report.notes["t3.open.natural"]


def test_findings_workbook(example: Report, tmp_path: Path) -> None:
    example.values["t3.new.natural"] = 11
    example.values["t3.deny_1.biz"] = "/"
    findings = check(example)
    path = write_findings(findings, tmp_path / "审核结果.xlsx", example)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概况", "审核结果", "涉及单元格"]
    ws = wb["审核结果"]
    assert [c.value for c in ws[1]] == [name for name, _ in COLUMNS]
    assert ws.max_row == len(findings) + 1
    rules = [ws.cell(r, 3).value for r in range(2, ws.max_row + 1)]
    assert rules == [f.rule for f in findings]
    assert ws.cell(2, 2).value == "强制"
    cells = wb["涉及单元格"]
    assert cells.max_row - 1 == sum(len(f.cells) for f in findings)


@pytest.mark.libreoffice
def test_workbook_saved_by_libreoffice_reads_the_same(example: Report, tmp_path: Path) -> None:
    """A real spreadsheet engine re-saves the workbook (recalculated, its own XML): the
    readers still find everything through the defined names, with LibreOffice's results."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (.ci/run installs it)")
    example.values["t3.deny_1.biz"] = "/"
    example.explanations = {"T2-C:norm": "文件有效期届满失效 3 件"}
    source = tmp_path / "src" / "r.xlsx"
    source.parent.mkdir()
    write_report(example, source)
    out = tmp_path / "lo"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out / "r.xlsx"
    ours, theirs = read_report(source), read_report(saved)
    assert theirs.meta == ours.meta and theirs.sections == ours.sections
    assert theirs.explanations == ours.explanations
    assert sorted(theirs.formulas) == sorted(DERIVED)
    for key in SPEC.keys:
        if key in ("t3.deny_1.total", "t3.total.biz", "t3.total.total"):
            # LibreOffice's SUM skips the "/": it saves a number where we keep no result
            assert isinstance(theirs.values[key], int), key
        else:
            assert theirs.values[key] == ours.values[key], key
    assert read_report_fast(saved).to_dict() == theirs.to_dict()


_COUNT = st.one_of(
    st.integers(0, 10**9),
    st.integers(-50, -1),
    st.sampled_from(["/", "-", "—", "无", "3件"]),
    st.none(),
)
_AMOUNT = st.one_of(
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
    st.none(),
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_inputs_survive_write_then_read(data: st.DataObject, tmp_path: Path) -> None:
    report = Report()
    inputs = [c for c in SPEC.cells if not c.derived]
    for cell in inputs:
        report.values[cell.key] = data.draw(_AMOUNT if cell.kind == "amount" else _COUNT, label=cell.key)
    path = tmp_path / "random.xlsx"
    write_report(report, path)
    back = read_report(path)
    for cell in inputs:
        assert back.values[cell.key] == report.values[cell.key], cell.key
    assert read_report_fast(path).to_dict() == back.to_dict()


def test_findings_workbook_overview_lists_rules_in_findings_order(example: Report, tmp_path: Path) -> None:
    """The 概况 per-rule counts were in id text order (E1, T2-N, T3-N, T3-R…); they now follow
    the 审核结果 sheet: 强制 first, rules in the spec's order."""
    example.values["t3.new.natural"] = 11  # E1 and T3-R
    example.values["t2.licensing"] = "/"  # T2-N
    example.values["t3.deny_1.biz"] = "/"  # T3-N
    findings = check(example)
    wb = openpyxl.load_workbook(write_findings(findings, tmp_path / "r.xlsx", example))
    ov = wb["概况"]
    header = next(r for r in range(1, ov.max_row + 1) if ov.cell(r, 1).value == "规则")
    listed = [ov.cell(r, 1).value for r in range(header + 1, ov.max_row + 1) if ov.cell(r, 1).value]
    assert listed == ["E1", "T3-R", "T2-N", "T3-N"]
