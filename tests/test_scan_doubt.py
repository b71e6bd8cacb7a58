"""Doubt in a scan is 待核: a cell's look-alike readings go to the identities, which decide or
leave the cell in doubt (values.Doubt, one D1 per printed row, never a 强制); a cell with ink
that reads as no number is 待核 at once; a confident reading that breaks an identity stays,
so the report's own defect is still found. A clearly empty crop is a printed blank; a crop
with a mark in it is not."""

from __future__ import annotations

import numpy as np
import pytest

from xladdin.check.engine import check
from xladdin.check.findings import blocking, pending
from xladdin.ingest.ocr import Char, Reading
from xladdin.ingest.scan import report_of
from xladdin.ingest.scan_grid import Cell
from xladdin.ingest.scan_page import CellRead, _marks
from xladdin.ingest.scan_tables import CellValue, Mapped, _solver_row, cell_value
from xladdin.ingest.tables import TableRead
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.values import Doubt, format_value

TABLES = {"t2": 0, "t3": 1, "t4": 2}


def _row_of(key: str) -> str:
    return f"第4页表格第{key.rsplit('.', 1)[0] if key.startswith('t3.') else key}行"


def mapped(report: Report, doubtful: dict[str, CellValue], unreadable: tuple[str, ...] = ()) -> Mapped:
    """Tables as scan_tables would map them: every cell its printed text, except the cells
    read with candidates (`doubtful`) and those with ink but no number (`unreadable`)."""
    reads = [TableRead(found=True) for _ in TABLES]
    out = Mapped(reads)
    for key in SPEC.keys:
        read = reads[TABLES[key.split(".")[0]]]
        where = _row_of(key)
        read.where[key] = where
        if key in unreadable:
            read.fixed[key] = Doubt("", (), "格中有字迹，但文字识别未能读出", where)
            continue
        v = report.values[key]
        value = doubtful.get(key) or CellValue("" if v is None else format_value(v))
        if key in doubtful:
            out.doubtful[key] = value
        row = _solver_row(key, value, where)
        assert row is not None
        read.rows.append(row)
    return out


def candidates(*texts: str) -> CellValue:
    return CellValue(texts[0], tuple(texts), printed=texts[0], why=f"文字识别存疑（读作“{texts[0]}”）")


def read(report: Report, doubtful: dict[str, CellValue], unreadable: tuple[str, ...] = ()) -> Report:
    return report_of([], mapped(report, doubtful, unreadable), "scan.pdf", None, "测试", [4])


def test_identities_decide_between_lookalike_readings(example: Report) -> None:
    assert example.values["t3.open.natural"] == 3
    got = read(example, {"t3.open.natural": candidates("8", "3")})
    assert got.values["t3.open.natural"] == 3
    assert "勾稽关系只容许 3" in got.notes["t3.open.natural"]
    assert not blocking(check(got)) and not pending(check(got))


def test_readings_no_identity_decides_are_pending(example: Report) -> None:
    """表二 cells are in no identity: both readings fit, the cell is 待核 with both."""
    got = read(example, {"t2.norm_valid": candidates("19", "18")})
    v = got.values["t2.norm_valid"]
    assert isinstance(v, Doubt) and set(v.readings) == {19, 18}
    findings = check(got)
    assert not blocking(findings)
    d1 = [f for f in pending(findings) if f.rule == "D1"]
    assert len(d1) == 1 and "19" in d1[0].message and "18" in d1[0].message


def test_readings_none_of_which_fits_are_pending_not_hard(example: Report) -> None:
    got = read(example, {"t3.open.natural": candidates("8", "6")})
    assert isinstance(got.values["t3.open.natural"], Doubt)
    findings = check(got)
    assert not blocking(findings)  # the tool's doubt is never the agency's defect
    assert [f.rule for f in pending(findings)] == ["D1"]


def test_unreadable_cell_is_pending_never_a_blank(example: Report) -> None:
    got = read(example, {}, ("t3.new.natural", "t3.new.total"))
    for key in ("t3.new.natural", "t3.new.total"):
        assert isinstance(got.values[key], Doubt)
    findings = check(got)
    assert not blocking(findings)
    d1 = [f for f in pending(findings) if f.rule == "D1"]
    assert len(d1) == 1  # one printed row
    assert {c.key for c in d1[0].cells} == {"t3.new.natural", "t3.new.total"}
    assert "t3.new.natural" in got.observed["repair"]["unreadable"]


def test_confident_reading_that_breaks_an_identity_is_a_real_defect(example: Report) -> None:
    example.values["t3.new.total"] = 11  # printed so: the agency's own slip
    got = read(example, {})
    assert got.values["t3.new.total"] == 11
    rules = {f.rule for f in blocking(check(got))}
    assert {"E1", "T3-R"} <= rules


def _cell(ink: bool, lines: list[Reading]) -> CellRead:
    return CellRead(Cell(0, 0, 1, 1, (0, 0, 50, 30)), lines, ink)


def test_cell_values_from_readings() -> None:
    sure = Reading("12", (Char("1", 0.99, "7", 0.001), Char("2", 0.99)))
    assert cell_value(_cell(True, [sure]), "count") == CellValue("12", printed="12")
    unsure = Reading("10", (Char("1", 0.99), Char("0", 0.62, "8", 0.3)))
    v = cell_value(_cell(True, [unsure]), "count")
    assert v.candidates[:2] == ("10", "18") and "6" not in v.candidates[0]
    assert cell_value(_cell(False, []), "count") == CellValue("")  # clearly empty: blank
    assert cell_value(_cell(True, []), "count").unreadable  # ink, nothing read: 待核
    assert cell_value(_cell(True, [Reading("本年", (Char("本", 0.9), Char("年", 0.9)))]), "count").unreadable
    letter = cell_value(_cell(True, [Reading("O", (Char("O", 0.95),))]), "count")
    assert letter.text == "0" and letter.candidates  # a letter for a digit is read, in doubt
    assert cell_value(_cell(True, [Reading("268.29", tuple(Char(c, 0.99) for c in "268.29"))]), "amount").text == "268.29"


@pytest.mark.parametrize("dpi", [150, 200])
def test_empty_crop_is_blank_only_when_clearly_empty(dpi: int) -> None:
    crop = np.zeros((40, 80), dtype=bool)
    crop[5, 7] = crop[30, 60] = True  # specks of noise
    assert not _marks(crop, dpi).any()
    crop[10:30, 30:32] = True  # a stroke: "1"
    assert _marks(crop, dpi).any()
    rule = np.zeros((40, 80), dtype=bool)
    rule[0:2, :] = True  # what is left of the ruling line at the crop's edge
    rule[39, 50:70] = True  # a sliver of a slightly tilted rule
    assert not _marks(rule, dpi).any()
    rule[25:39, 10:12] = True  # a stroke that reaches the edge is still a mark
    assert _marks(rule, dpi).any()
