"""生成正文: sentences whose numbers come from the tables. A drafted report raises no X1–X6
finding (the seed, and random consistent tables), every number in a draft is a table cell
(or a sum or share of cells), and text the clerk typed is never changed."""

from __future__ import annotations

import hashlib
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xladdin.audit import audit
from xladdin.check import check
from xladdin.cli import main
from xladdin.draft import DRAFTED_PARTS, apply_drafts, draft, share
from xladdin.excel.actions import DRAFT_HEADER, draft_into, run
from xladdin.excel.filebook import FileBook
from xladdin.io import read_report
from xladdin.names import SHEET_TEXT
from xladdin.report import Meta, Report
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_GROUPS, T3_PARTY_COLS
from xladdin.template.layout import TEXT_FIRST_ROW, section_positions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_XLSX = ROOT / "examples" / "威海市人力资源和社会保障局-2024.xlsx"
DETAIL_ROWS = ("open", "partial") + tuple(r for _, rows in T3_GROUPS.values() for r in rows)
T4_GROUPS = ("review", "suit_direct", "suit_after_review")
T4_PARTS = ("keep", "correct", "other", "pending")


def x_findings(report: Report, previous: Report | None = None) -> list[str]:
    return [f"{f.rule} {f.message}" for f in audit(report, previous) if f.rule.startswith("X")]


def emptied(report: Report) -> Report:
    for key in DRAFTED_PARTS:
        report.sections[key] = ""
    return report


# --------------------------------------------------------------------------- what the text says


def expected_numbers(report: Report, previous: Report | None = None) -> set[str]:
    """Every number a draft of `report` may print: its cells, their sums, shares and changes."""
    v = report.value
    out = {str(v(k)) for k in SPEC.keys if v(k) is not None}
    new, cin, tot = v("t3.new.total"), v("t3.carry_in.total"), v("t3.total.total")
    out.add(str(new + cin))
    for _, rows in T3_GROUPS.values():
        n = sum(v(f"t3.{r}.total") for r in rows)
        out.add(str(n))
        if tot:
            out.add(share(n, tot))
    for r in ("open", "partial"):
        if tot:
            out.add(share(v(f"t3.{r}.total"), tot))
    out.add(str(v("t4.suit_direct_total") + v("t4.suit_after_review_total")))
    for s in T4_PARTS:
        out.add(str(v(f"t4.suit_direct_{s}") + v(f"t4.suit_after_review_{s}")))
    if previous is not None and previous.value("t3.new.total") is not None:
        out.add(str(abs(new - previous.value("t3.new.total"))))
    out.add(str(report.meta.year))
    if previous is not None and previous.meta.year:
        out.add(str(previous.meta.year))
    return out


def assert_text_matches_tables(report: Report, previous: Report | None = None) -> None:
    drafts = draft(report, previous)
    v = report.value
    active, request, other = (drafts[k].text for k in DRAFTED_PARTS)
    # no stray number: each one printed is a cell, a sum or a share of cells
    allowed = expected_numbers(report, previous)
    for d in drafts.values():
        for number in re.findall(r"\d+(?:\.\d+)?", d.text):
            assert number in allowed, (number, d.text)
    for row, name in (("reg", "规章"), ("norm", "行政规范性文件")):
        made, repealed, valid = (v(f"t2.{row}_{m}") for m in ("made", "repealed", "valid"))
        assert (f"制发{name} {made} 件" in active) == bool(made)
        assert (f"废止 {repealed} 件" in active or f"废止{name} {repealed} 件" in active) == bool(repealed)
        assert (f"现行有效{name} {valid} 件" in active) == bool(valid)
        assert (f"无现行有效的{name}" in active) == (not valid)
    new, cin, tot, cout = (v(f"t3.{r}.total") for r in ("new", "carry_in", "total", "carry_out"))
    if new + cin:
        assert f"共收到政府信息公开申请 {new + cin} 件" in request
        assert (f"其中本年新收 {new} 件、上年结转 {cin} 件" in request) == bool(cin)
    if tot:
        assert f"本年度办结 {tot} 件" in request
        for words, rows in (("予以公开", ("open",)), ("部分公开", ("partial",))) + tuple(
            (name[3:], rows) for name, rows in T3_GROUPS.values()
        ):
            n = sum(v(f"t3.{r}.total") for r in rows)
            shown = re.search(rf"{words} (\d+) 件，占 ([\d.]+)%", request)
            assert (shown is not None) == bool(n), words
            if shown:
                assert int(shown.group(1)) == n
                assert abs(Decimal(shown.group(2)) - Decimal(n) * 100 / Decimal(tot)) <= Decimal("0.05")
    assert (f"结转下年度继续办理 {cout} 件" in request) == bool(cout)
    review = v("t4.review_total")
    suits = v("t4.suit_direct_total") + v("t4.suit_after_review_total")
    assert (f"被申请行政复议 {review} 件" in request) == bool(review)
    assert (f"被提起行政诉讼 {suits} 件" in request) == bool(suits)
    unpaid = v("t3.other_2.total")
    assert "信息处理费" in other and (f"缴纳费用而不再处理的申请 {unpaid} 件" in other) == bool(unpaid)


# --------------------------------------------------------------------------- the seed


def test_the_seed_drafted_raises_no_x_finding(example: Report) -> None:
    report = emptied(example)
    applied = apply_drafts(report, draft(report))
    assert applied.written == list(DRAFTED_PARTS) and applied.beside == []
    assert x_findings(report) == []
    assert_text_matches_tables(report)
    assert "2024年，威海市人力资源和社会保障局共收到政府信息公开申请 10 件，均为本年新收。" in report.sections["s1.request"]
    assert "予以公开 3 件，占 30%" in report.sections["s1.request"]


def test_typed_text_is_never_changed(example: Report) -> None:
    before = dict(example.sections)
    applied = apply_drafts(example, draft(example))
    assert example.sections == before
    assert applied.written == [] and applied.beside == list(DRAFTED_PARTS)


def test_a_sentence_is_left_out_when_its_cells_are_not_numbers(example: Report) -> None:
    example.values["t2.norm_valid"] = None
    example.values["t3.open.total"] = "/"
    drafts = draft(emptied(example))
    assert "行政规范性文件" not in drafts["s1.active"].text and "规章" in drafts["s1.active"].text
    assert "表二“行政规范性文件·现行有效件数”空白不是数字" in " ".join(drafts["s1.active"].left_out)
    assert not drafts["s1.request"].text.startswith("2024年") and "行政复议" in drafts["s1.request"].text
    assert "表三“予以公开·总计”/不是数字" in " ".join(drafts["s1.request"].left_out)
    apply_drafts(example, drafts)
    assert x_findings(example) == []


def test_change_from_last_year(example: Report) -> None:
    last = Report(meta=Meta(agency=example.meta.agency, year=2023))
    last.values["t3.new.total"] = 7
    text = draft(emptied(example), last)["s1.request"].text
    assert "本年新收申请较2023年增加 3 件" in text
    last.values["t3.new.total"] = 10
    assert "本年新收申请与2023年持平" in draft(example, last)["s1.request"].text
    apply_drafts(example, draft(example, last))
    assert x_findings(example, last) == []


# --------------------------------------------------------------------------- random tables

SMALL = st.one_of(st.just(0), st.just(0), st.integers(0, 3), st.integers(0, 60), st.integers(0, 5000))
AGENCIES = ("某某市人力资源和社会保障局", "某某县人民政府", "某某区某某街道办事处", "")


@st.composite
def consistent_reports(draw: st.DrawFn) -> tuple[Report, Report | None]:
    """Tables that satisfy every identity of the format (E1, T3-R, T3-G*, T3-T, T4-*)."""
    report = Report(meta=Meta(agency=draw(st.sampled_from(AGENCIES)), year=draw(st.integers(2021, 2025))))
    for key in SPEC.keys:
        report.values[key] = 0
    for key in ("t2.reg_made", "t2.reg_repealed", "t2.reg_valid", "t2.norm_made", "t2.norm_repealed",
                "t2.norm_valid", "t2.licensing", "t2.penalty", "t2.coercion"):
        report.values[key] = draw(SMALL)
    report.values["t2.fee_wan"] = Decimal(draw(st.integers(0, 10**6))) / 100
    for col in T3_PARTY_COLS:
        rows = {r: draw(SMALL) for r in DETAIL_ROWS}
        handled = sum(rows.values())
        carry_out = draw(SMALL)
        carry_in = draw(st.integers(0, handled + carry_out))
        for r, n in rows.items():
            report.values[f"t3.{r}.{col}"] = n
        report.values[f"t3.total.{col}"] = handled
        report.values[f"t3.carry_out.{col}"] = carry_out
        report.values[f"t3.carry_in.{col}"] = carry_in
        report.values[f"t3.new.{col}"] = handled + carry_out - carry_in
    for row in DETAIL_ROWS + ("new", "carry_in", "total", "carry_out"):
        report.values[f"t3.{row}.total"] = sum(report.values[f"t3.{row}.{c}"] for c in T3_PARTY_COLS)
    for group in T4_GROUPS:
        parts = {p: draw(st.one_of(st.just(0), st.integers(0, 4))) for p in T4_PARTS}
        for p, n in parts.items():
            report.values[f"t4.{group}_{p}"] = n
        report.values[f"t4.{group}_total"] = sum(parts.values())
    previous = None
    if draw(st.booleans()):
        previous = Report(meta=Meta(agency=report.meta.agency, year=report.meta.year - 1))
        previous.values["t3.new.total"] = draw(SMALL)
    return report, previous


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_reports())
def test_random_consistent_tables_draft_without_any_x_finding(case: tuple[Report, Report | None]) -> None:
    report, previous = case
    assert not [f for f in check(report) if f.severity == "强制"]  # the tables are consistent
    applied = apply_drafts(report, draft(report, previous))
    assert applied.written == list(DRAFTED_PARTS)
    assert x_findings(report, previous) == []
    assert_text_matches_tables(report, previous)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(consistent_reports(), st.dictionaries(st.sampled_from(DRAFTED_PARTS), st.text(min_size=1, max_size=40)))
def test_random_typed_parts_are_kept_exactly(case: tuple[Report, Report | None], typed: dict[str, str]) -> None:
    report, previous = case
    report.sections.update(typed)
    applied = apply_drafts(report, draft(report, previous))
    for key, text in typed.items():
        if text.strip():
            assert report.sections[key] == text and key not in applied.written
        else:
            assert key in applied.written  # only spaces: an empty block


# --------------------------------------------------------------------------- the workbook


def _text_cells(path: Path) -> dict[str, tuple[object, object]]:
    ws = load_workbook(path)[SHEET_TEXT]
    out = {}
    for key, pos in section_positions().items():
        out[key] = (ws.cell(pos.row, pos.col).value, ws.cell(pos.row, pos.col + 1).value)
    return out


def test_the_button_drafts_into_empty_blocks_and_beside_typed_ones(tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    book = FileBook(path)
    book.set(book.require("NB_sec_s1_request"), None)  # the clerk has not written （二） yet
    book.save()
    before = _text_cells(path)
    text = run("xladdin_draft", FileBook(path))
    assert "已写入空白的“依申请公开”" in text and "“主动公开”、“其他需要报告的事项”已有文字，未改动" in text
    after = _text_cells(path)
    report = read_report(path)
    drafts = draft(report)
    for key in [p.key for p in SPEC.parts]:
        if key == "s1.request":
            assert after[key] == (drafts[key].text, None)
        elif key in DRAFTED_PARTS:
            assert after[key] == (before[key][0], drafts[key].text)  # typed text kept, draft beside
        else:
            assert after[key] == before[key]
    ws = load_workbook(path)[SHEET_TEXT]
    pos = section_positions()["s1.active"]
    assert ws.cell(TEXT_FIRST_ROW - 1, pos.col + 1).value == DRAFT_HEADER
    assert ws.cell(pos.row, pos.col + 1).alignment.wrap_text and ws.cell(pos.row, pos.col + 1).alignment.vertical == "top"
    assert any(m.min_row == pos.row and m.min_col == pos.col + 1 and m.max_row == pos.row + 2 for m in ws.merged_cells.ranges)
    assert ws.print_area == f"'{SHEET_TEXT}'!$A$1:$B${ws.max_row}"  # the drafts do not print
    assert x_findings(report) == []  # typed text by the clerk and the draft together


def test_a_second_run_changes_nothing_typed(tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    run("xladdin_draft", FileBook(path))
    first = _text_cells(path)
    applied = draft_into(FileBook(path))
    assert _text_cells(path) == first and applied.written == []


def test_cli_writes_a_new_file_and_leaves_the_original(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["draft", str(path)]) == 0
    out = capsys.readouterr().out
    assert "【依申请公开】已有文字，未改动" in out and "已写入：" in out and "用时" in out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    written = tmp_path / "年报-已起草.xlsx"
    assert _text_cells(written)["s1.request"][1] == draft(read_report(path))["s1.request"].text
    assert main(["draft", str(path), "-o", str(path)]) == 2
    assert "写出会覆盖它" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_cli_drafts_a_json_report_into_a_new_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import EXAMPLE_JSON

    report = emptied(Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8")))
    source = tmp_path / "r.json"
    source.write_text(report.to_json(), encoding="utf-8")
    last = Report(meta=Meta(agency=report.meta.agency, year=2023))
    last.values["t3.new.total"] = 12
    previous = tmp_path / "上年.json"
    previous.write_text(last.to_json(), encoding="utf-8")
    assert main(["draft", str(source), "-o", str(tmp_path / "out.xlsx"), "--previous", str(previous)]) == 0
    back = read_report(tmp_path / "out.xlsx")
    assert "较2023年减少 2 件" in back.sections["s1.request"]
    assert x_findings(back, last) == []


def test_the_button_compares_with_last_year_kept_by_import(tmp_path: Path) -> None:
    """导入上年数据 keeps last year's 本年新收 in the hidden 上年数据 sheet: the draft compares."""
    from xladdin.io import write_report

    last = read_report(EXAMPLE_XLSX)
    last.meta.year = 2023
    last.values["t3.new.natural"], last.values["t3.new.total"] = 14, 14
    last_path = write_report(last, tmp_path / "2023.xlsx").path
    path = tmp_path / "2024.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    run("xladdin_import", FileBook(path, answers={"previous": str(last_path)}))
    book = FileBook(path)
    book.set(book.require("NB_sec_s1_request"), None)
    book.save()
    run("xladdin_draft", FileBook(path))
    report = read_report(path)
    assert "本年新收申请较2023年减少 4 件" in report.sections["s1.request"]
    assert x_findings(report) == []


def test_the_clerks_own_notes_beside_the_text_are_never_written_over(tmp_path: Path) -> None:
    path = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    book = FileBook(path)
    pos = section_positions()["s1.active"]
    notes = f"{SHEET_TEXT}!{chr(ord('A') + pos.col)}{pos.row}"
    book.set(f"{SHEET_TEXT}!{chr(ord('A') + pos.col)}{TEXT_FIRST_ROW - 1}", "我的备注")
    book.set(notes, "核对主动公开条数")
    book.save()
    applied = draft_into(FileBook(path))
    assert applied.beside == [] and applied.blocked == list(DRAFTED_PARTS)
    assert "均未改动，草稿未写入" in applied.summary()
    cells = _text_cells(path)
    assert cells["s1.active"][1] == "核对主动公开条数"
