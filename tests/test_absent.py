"""Absent is not blank: a cell the source never printed (a truncated page, a table or row left
out) is ABSENT. It gets no T*-N finding and no identity involving it is evaluated; a row or
table the report left out gets one S7 finding per table, while everything after the point where
a truncated text stops gets one 待核 finding (D2) and no S1/S7 (the agency did not omit it); a
printed blank stays a T*-N finding; a workbook's empty cell stays blank."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from xladdin.audit.rollup import rollup_reports
from xladdin.audit.runner import audit
from xladdin.check import check
from xladdin.export.content import cell_text
from xladdin.fill import fill
from xladdin.ingest import parse_text
from xladdin.io import read_report, write_report
from xladdin.io.example import example_workbook
from xladdin.io.sheets import cells_text
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.values import ABSENT, Absent, format_value, is_absent, is_number, problem

SEED = Path(__file__).resolve().parent / "data" / "seeds" / "000_0f8514aaa6f27642.txt"
TEXT = SEED.read_text("utf-8")
# the seed's （一）予以公开 row prints 6 numbers for 7 cells (the full table's identities settle
# it); for the missing-row tests the row is printed whole
WHOLE = TEXT.replace("(一) 予以公开\t3\t0\t0\t0\t0\t3", "(一) 予以公开\t3\t0\t0\t0\t0\t0\t3")
IDENTITY_RULES = {"E1", "T3-R", "T3-G3", "T3-G4", "T3-G5", "T3-G6", "T3-T", "T4-1", "T4-2", "T4-3"}
N_RULES = {"T2-N", "T3-N", "T4-N"}


def _cuts() -> list[int]:
    """20 points from the start of section 二 to the end of table 四: every kind of cut (before
    a table, inside a label, inside a row, between rows, inside a number)."""
    a, b = TEXT.index("## 二、主动公开"), TEXT.index("## 五、")
    return [a + (b - a) * i // 19 for i in range(20)]


@pytest.fixture(scope="module")
def full() -> Report:
    return parse_text(TEXT, "seed")


def test_absent_is_one_value_of_its_own() -> None:
    assert Absent() is ABSENT and pickle.loads(pickle.dumps(ABSENT)) is ABSENT
    assert ABSENT is not None and not ABSENT and ABSENT != 0 and ABSENT != ""
    assert is_absent(ABSENT) and not is_absent(None) and not is_absent("/")
    assert format_value(ABSENT) == "未印出" and format_value(None) == "空白"
    assert problem(ABSENT, "count") != problem(None, "count")
    assert cell_text(ABSENT) == "" and cell_text(None) == ""


def test_json_round_trip_keeps_absent_apart_from_blank(full: Report) -> None:
    r = parse_text(TEXT[: TEXT.index("(四) 无法提供")], "cut")
    data = r.to_dict()
    absent = [k for k in SPEC.keys if r.values[k] is ABSENT]
    assert absent and data["absent"] == absent and all(data["values"][k] is None for k in absent)
    back = Report.from_json(r.to_json())
    assert back.values == r.values
    assert [k for k in SPEC.keys if back.values[k] is None] == [k for k in SPEC.keys if r.values[k] is None]
    with pytest.raises(ValueError, match="未知的单元格键"):
        Report.from_dict({"absent": ["t9.nothing"]})


@pytest.mark.parametrize("cut", _cuts())
def test_truncated_seed(cut: int, full: Report) -> None:
    r = parse_text(TEXT[:cut], f"截断于第 {cut} 字")
    findings = audit(r)
    absent = {k for k in SPEC.keys if r.values[k] is ABSENT}
    # no T*-N finding and no identity finding touches an absent cell
    for f in findings:
        if f.rule in N_RULES | IDENTITY_RULES:
            assert not absent & {c.key for c in f.cells}, (f.rule, f.message)
    # the seed is consistent: no identity finding at all
    assert not [f for f in findings if f.rule in IDENTITY_RULES]
    # the text stops before the report does: one 待核 finding (D2) naming every cell never
    # printed; the parts never reached are not missing (S1), empty (S3) or silent on fees (X4),
    # and the cells after the cut are not the agency's omission (S7)
    [d2] = [f for f in findings if f.rule == "D2"]
    assert d2.severity == "待核" and d2.message.startswith("原文不完整：在“")
    assert {c.key for c in d2.cells} == absent
    assert all(r.notes.get(k) for k in absent)  # each absent cell says why
    assert not [f.ref for f in findings if f.rule in ("S1", "S7") or f.ref in ("S3", "X4:silent")]
    assert not [f for f in findings if f.severity == "强制"]
    # nothing false: every number read equals the full text's; every other printed cell is
    # blank in the full text too, or is marked as not uniquely readable
    for key in SPEC.keys:
        v = r.values[key]
        if v is ABSENT:
            continue
        if is_number(v) or v is None:
            assert v == full.values[key], key
        else:
            assert r.notes.get(key, "").startswith(("无法确定", "无法读取")), key
    # everything after the cut is absent (cells located before the cut may have been read)
    if cut < TEXT.index("#### 四、"):
        assert all(r.values[c.key] is ABSENT for c in SPEC.cells_of("t4"))


def test_cut_inside_a_number_never_reads_the_stub() -> None:
    """"268.29" cut to "268" is not 268: the last printed token of a cut line is not trusted."""
    cut = TEXT.index("268.29") + 3
    r = parse_text(TEXT[:cut], "cut")
    assert r.values["t2.fee_wan"] is ABSENT
    assert r.values["t2.coercion"] == 0
    [f] = [f for f in check(r) if f.ref == "D2"]
    assert "表二从“行政事业性收费”起 1 格、表三全部 175 格、表四全部 15 格均未印出" in f.message


def test_missing_table_row_in_the_middle() -> None:
    """A row the report lacks: its cells are absent, its identities are not evaluated, the rest
    of the table is read and checked as usual."""
    assert WHOLE != TEXT
    line = next(ln for ln in WHOLE.splitlines() if "2. 重复申请" in ln)
    r = parse_text(WHOLE.replace(line + "\n", ""), "missing row")
    keys = [k for k in SPEC.keys if k.startswith("t3.noproc_2.")]
    assert all(r.values[k] is ABSENT for k in keys)
    findings = check(r)
    s7 = [f for f in findings if f.rule == "S7"]
    assert len(s7) == 1 and "2.重复申请" in s7[0].message and "共 7 格未读到" in s7[0].message
    assert not [f for f in findings if f.rule != "S7"]  # E1, T3-T of those columns not evaluated


def test_printed_blank_in_a_printed_row_stays_a_number_finding() -> None:
    line = next(ln for ln in TEXT.splitlines() if "2. 重复申请" in ln)
    blanked = line.replace("\t1\t", "\t\t", 1)
    r = parse_text(TEXT.replace(line, blanked), "blank")
    assert r.values["t3.noproc_2.natural"] is None
    rules = [(f.rule, f.ref) for f in check(r)]
    assert ("T3-N", "T3-N:t3.noproc_2.natural") in rules and not any(rule == "S7" for rule, _ in rules)


def test_workbook_empty_input_cell_is_blank_not_absent(tmp_path: Path) -> None:
    book = example_workbook()
    report = read_report(book)
    report.values["t3.deny_3.biz"] = None
    write_report(report, tmp_path / "空.xlsx", base=book, overwrite=True)
    back = read_report(tmp_path / "空.xlsx")
    assert back.values["t3.deny_3.biz"] is None
    assert not any(v is ABSENT for v in back.values.values())
    refs = [f.ref for f in check(back)]
    assert "T3-N:t3.deny_3.biz" in refs and not [r for r in refs if r.startswith("S7")]


def test_writer_fill_rollup_and_findings_handle_absent(tmp_path: Path, full: Report) -> None:
    cut = parse_text(TEXT[: TEXT.index("四、结转下年度")], "cut")
    assert all(cut.values[f"t3.carry_out.{c}"] is ABSENT for c in ("natural", "total"))
    # the template writer leaves absent cells empty, with the reader's note as a comment
    out = tmp_path / "导入.xlsx"
    write_report(cut, out)
    back = read_report(out)
    assert back.values["t3.carry_out.natural"] is None and "未印出" in back.notes["t3.carry_out.natural"]
    # fill computes an absent total like a blank one
    r = Report.from_dict(full.to_dict())
    r.values["t3.new.total"] = ABSENT
    result = fill(r)
    assert "t3.new.total" in result.filled and r.values["t3.new.total"] == full.values["t3.new.total"]
    # roll-up: an absent cell in a counted report makes that summed cell incomplete
    a, b = Report.from_dict(full.to_dict()), Report.from_dict(cut.to_dict())
    a.meta.agency, b.meta.agency = "甲局", "乙局"
    a.source, b.source = "甲局", "乙局"
    rolled = rollup_reports([a, b], include_errors=True)
    cell = rolled.cells["t3.carry_out.natural"]
    assert rolled.report.values["t3.carry_out.natural"] is None and cell.incomplete == [("乙局", "未印出")]
    # the findings workbook names the first cells of a long list (D2 after a cut), then the count
    f = next(f for f in check(parse_text(TEXT[: TEXT.index("(一) 予以公开")], "cut")) if f.ref == "D2")
    text = cells_text(f)
    assert re.search(r"……共 \d+ 格$", text) and len(text.splitlines()) == 13
    assert f.to_dict()["cells"][0]["absent"] is True


def test_dump_json_then_check_keeps_absent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """xladdin dump --json of a truncated text, then xladdin check --json of that JSON: the same
    D2 finding (the cut travels in "observed"), no T*-N for the cells never printed; 待核 alone
    exits 0."""
    from xladdin.cli import main

    src = tmp_path / "截断.txt"
    src.write_text(TEXT[: TEXT.index("(四) 无法提供")], "utf-8")
    assert main(["dump", str(src), "--json"]) == 0
    dumped = capsys.readouterr().out
    assert "t3.unable_1.natural" in json.loads(dumped)["absent"]
    js = tmp_path / "截断.json"
    js.write_text(dumped, "utf-8")
    assert main(["check", str(js), "--json"]) == 0  # D2 is 待核: never fails a run on its own
    findings = json.loads(capsys.readouterr().out)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    rules = [f["rule"] for f in findings]
    assert rules.count("D2") == 1 and "S7" not in rules and "T4-N" not in rules
    assert [f["severity"] for f in findings if f["rule"] == "D2"] == ["待核"]
    assert not [f for f in findings if f["rule"] == "T3-N" and any(c.get("absent") for c in f["cells"])]


def test_import_summary_counts_absent_apart_from_blank() -> None:
    from xladdin.cli.importer import summary

    r = parse_text(TEXT[: TEXT.index("268.29") + 3], "cut")  # the text stops inside the fee cell
    absent = sum(1 for v in r.values.values() if v is ABSENT)
    text = "\n".join(summary(r))
    assert f"未印出 {absent}，" in text and f"原文未找到（未印出）{absent} 格" in text
    assert absent == 1 + 175 + 15
