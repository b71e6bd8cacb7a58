"""Cross-year rules with a made-up previous year: Y1 (强制), T2-C (提示), S5 (提示); finding
last year's report in a folder."""

from __future__ import annotations

from pathlib import Path

from audit_fixtures import hongze, shuyang

from xladdin.audit import audit, check_cross_year, find_previous, similarity
from xladdin.report import Report


def last_year(example: Report) -> Report:
    """The example moved back one year, consistent with this year's figures."""
    prev = Report.from_dict(example.to_dict())
    prev.meta.year = 2023
    prev.meta.published = "2024-01-20"
    prev.values["t2.norm_valid"] = 20  # 20 + 0 made − 1 repealed = 19 this year
    prev.sections["s5"] = shuyang().section_text("s5")  # a different text
    return prev


def test_consistent_previous_year_gives_nothing(example: Report) -> None:
    prev = last_year(example)
    assert check_cross_year(example, prev) == []
    assert audit(example, prev) == []


def test_y1_column_by_column_is_forced(example: Report) -> None:
    prev = last_year(example)
    prev.values["t3.carry_out.natural"] = 2
    prev.values["t3.carry_out.total"] = 2
    found = [(f.rule, f.severity, f.ref, f.expected, f.actual) for f in check_cross_year(example, prev)]
    assert found == [("Y1", "强制", "Y1:natural", 2, 0), ("Y1", "强制", "Y1:total", 2, 0)]


def test_previous_carried_in_the_workbook_and_given_is_checked_once(example: Report) -> None:
    """A workbook with 上年数据 (report.previous) audited with last year's file as well: each
    Y1/T2-C instance once (check() and the cross-year step both ran it), the file's figures."""
    prev = last_year(example)
    prev.values["t3.carry_out.natural"] = 2
    prev.values["t3.carry_out.total"] = 2
    carried = Report.from_dict(prev.to_dict())
    carried.values["t2.norm_valid"] = 15  # would give T2-C:norm if it were used
    example.previous = carried
    refs = [f.ref for f in audit(example, prev) if f.rule in ("Y1", "T2-C")]
    assert refs == ["Y1:natural", "Y1:total"]


def test_t2c_is_a_warning_with_room_for_an_explanation(example: Report) -> None:
    prev = last_year(example)
    prev.values["t2.norm_valid"] = 15
    [f] = check_cross_year(example, prev)
    assert (f.rule, f.severity, f.ref, f.expected, f.actual) == ("T2-C", "提示", "T2-C:norm", 14, 19)
    assert "请填写说明" in f.message
    assert "集中清理" in f.snippet  # the narrative sentence that may explain the difference
    assert not f.explained
    example.explanations["T2-C:norm"] = "2024 年有 5 件规范性文件有效期届满后重新印发。"
    [f] = audit(example, prev)
    assert f.explained and "有效期届满" in f.explanation


def test_s5_copied_part_five(example: Report) -> None:
    prev = last_year(example)
    prev.sections["s5"] = example.sections["s5"].replace("2024年", "2023年").replace("明年", "下一步")
    [f] = check_cross_year(example, prev)
    assert (f.rule, f.severity) == ("S5", "提示")
    assert f.actual in ("97%", "98%", "99%", "100%") and "2023 年" in f.message


def test_similarity_measure() -> None:
    a, b, c = (r.section_text("s5") for r in (shuyang(), hongze(), Report()))
    assert similarity(a, a) == 1.0
    assert similarity(a, b) < 0.2 and similarity(b, a) < 0.2  # unrelated agencies
    assert similarity(a, c) == 0.0
    # Deleting half of last year's text keeps this year's text fully copied.
    half = a[: len(a) // 2]
    assert similarity(half, a) > 0.95 and similarity(a.replace("2023", "2024"), a) == 1.0
    # Paragraphs moved around do not hide a copy.
    paras = a.split("\n")
    assert similarity("\n".join(reversed(paras)), a) > 0.95


def test_find_previous_in_a_folder(tmp_path: Path, example: Report) -> None:
    prev = last_year(example)
    other = last_year(example)
    other.meta.agency = "威海市财政局"
    older = last_year(example)
    older.meta.year = 2022
    for name, r in (("a.json", other), ("b.json", older), ("x.json", prev), ("now.json", example)):
        (tmp_path / name).write_text(r.to_json(), encoding="utf-8")
    example.source = str(tmp_path / "now.json")
    found = find_previous(tmp_path, example)
    assert found is not None and found.source == str(tmp_path / "x.json")
    # A file name with the year is tried first; the agency must still match.
    (tmp_path / "2023_威海市财政局.json").write_text(other.to_json(), encoding="utf-8")
    found = find_previous(tmp_path, example)
    assert found is not None and found.meta.agency == example.meta.agency and found.meta.year == 2023
    example.meta.agency = "荣成市人民政府"
    assert find_previous(tmp_path, example) is None


def test_previous_folder_prefers_the_workbook_over_other_forms(tmp_path, example):
    """Last year's report saved as .html, .docx and .xlsx: the workbook is the one used."""
    import copy

    from xladdin.audit.crossyear import find_previous
    from xladdin.export import export
    from xladdin.io import write_report

    last = copy.deepcopy(example)
    last.meta.year = 2023
    last.values["t2.norm_valid"] = 20
    stem = "威海市人力资源和社会保障局2023年报"
    export(last, "html", tmp_path / f"{stem}.html")
    export(last, "docx", tmp_path / f"{stem}.docx")
    write_report(last, tmp_path / f"{stem}.xlsx")
    found = find_previous(tmp_path, example)
    assert found is not None and found.source.endswith(".xlsx")
    (tmp_path / "其他.doc").write_bytes(b"")
    from xladdin.audit.crossyear import files_in

    assert any(p.suffix == ".doc" for p in files_in(tmp_path))
