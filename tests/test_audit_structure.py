"""Structure rules: each has a failing fixture and a passing one."""

from __future__ import annotations

import copy

import pytest
from audit_fixtures import hongze, shuyang

from xladdin.audit.structure import (
    check_deadline,
    check_fee,
    check_lengths,
    check_old_format_seen,
    check_other_share,
    check_sections,
    check_structure,
    check_years,
    infer_level,
    normalize_heading,
    word_count,
)
from xladdin.check import check
from xladdin.report import Report
from xladdin.spec import SPEC

OFFICIAL = [{"section": s.key, "text": s.title, "where": f"第{i}行"} for i, s in enumerate(SPEC.sections, 1)]


def rules(findings) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(f.rule, f.severity, f.ref) for f in findings]


# --------------------------------------------------------------------------- S1


def test_s1_passes_on_official_headings_and_on_the_example(example: Report) -> None:
    assert check_sections(example) == []  # no headings seen: parts and tables are all there
    example.observed["headings"] = copy.deepcopy(OFFICIAL)
    assert check_sections(example) == []


def test_s1_tolerates_variants_of_the_official_titles(example: Report) -> None:
    heads = copy.deepcopy(OFFICIAL)
    heads[0]["text"] = "### 一、总体情况"
    heads[3]["text"] = "四、政府信息公开行政复议、行政诉讼情况"
    heads[4]["text"] = "五、存在的主要问题及改进情况(文字描述)"
    heads[5]["text"] = "六、 其他需要报告的事项"
    example.observed["headings"] = heads
    assert check_sections(example) == []
    assert normalize_heading("一、总体情况（文字描述）") == normalize_heading("一、 总体情况")


def test_s1_missing_section(example: Report) -> None:
    example.observed["headings"] = [h for h in OFFICIAL if h["section"] != "s5"]
    assert rules(check_sections(example)) == [("S1", "强制", "S1:s5")]


def test_s1_missing_section_without_headings(example: Report) -> None:
    example.sections["s6"] = ""
    [f] = check_sections(example)
    assert (f.rule, f.severity, f.ref) == ("S1", "强制", "S1:s6")
    assert "其他需要报告的事项" in f.message


def test_s1_order(example: Report) -> None:
    heads = copy.deepcopy(OFFICIAL)
    heads[4], heads[5] = heads[5], heads[4]
    example.observed["headings"] = heads
    assert rules(check_sections(example)) == [("S1", "强制", "S1:order")]


def test_s1_unofficial_title_is_a_warning() -> None:
    report = shuyang()  # prints "五、存在的主要问题及整改措施"
    [f] = check_sections(report)
    assert (f.rule, f.severity, f.ref) == ("S1", "提示", "S1:s5.title")
    assert "整改措施" in f.message and "第73行" in f.message


# --------------------------------------------------------------------------- F1


def test_f1_from_labels_seen(example: Report) -> None:
    assert check_old_format_seen(example) == []
    example.observed["old_format_labels"] = ["本年新制作数量"]
    [f] = check_old_format_seen(example)
    assert (f.rule, f.severity) == ("F1", "强制") and "本年新制作数量" in f.message


def test_f1_not_reported_twice(example: Report) -> None:
    example.observed["old_format_labels"] = ["本年新制作数量"]
    example.notes["old_format_label"] = "本年新制作数量"
    assert check_old_format_seen(example) == []
    assert [f.rule for f in check(example)] == ["F1"]


# --------------------------------------------------------------------------- S2 / S3


def test_s2_word_count(example: Report) -> None:
    assert word_count("2024年共收到申请 10 件，办结率 100%。") == 13  # 10 汉字 + 2024, 10, 100
    assert check_lengths(example) == []  # 895 字: under 1000
    example.sections["s1.intro"] += "政务公开" * 30
    [f] = check_lengths(example)
    assert (f.rule, f.severity, f.actual) == ("S2", "提示", 1015)


@pytest.mark.parametrize("text", ["", "无", "无。", " 暂无 "])
def test_s3_empty_part_five(example: Report, text: str) -> None:
    example.sections["s5"] = text
    [f] = check_lengths(example)
    assert (f.rule, f.severity) == ("S3", "强制")


def test_s3_passes_on_real_text(example: Report) -> None:
    assert check_lengths(example) == []
    assert check_lengths(shuyang()) == []


# --------------------------------------------------------------------------- X4


def test_x4_part_six_silent_on_fees(example: Report) -> None:
    assert check_fee(example) == []
    assert check_fee(shuyang()) == [] and check_fee(hongze()) == []
    example.sections["s6"] = "2.人大代表、政协委员提案办理方面：已全部办理完成。"
    [f] = check_fee(example)
    assert (f.rule, f.severity, f.ref) == ("X4", "提示", "X4:silent")


def test_x4_fee_notices_in_table_need_a_word_in_part_six(example: Report) -> None:
    example.values["t3.other_2.total"] = 1
    [f] = check_fee(example)  # "未收取…信息处理费" but a fee notice went unpaid
    assert (f.ref, f.actual) == ("X4:notice", 1)
    example.sections["s6"] += "\n本年发出收费通知 1 件，申请人逾期未缴纳。"
    assert check_fee(example) == []


# --------------------------------------------------------------------------- X5


def test_x5_consistent_real_reports() -> None:
    assert check_years(shuyang()) == []
    assert check_years(hongze()) == []


def test_x5_title_period_signature_and_body() -> None:
    report = shuyang()
    report.observed["title"] = "沭阳县发展和改革局2022年政府信息公开年度报告"
    report.sections["preface"] = report.sections["preface"].replace("至2023年12月31日", "至2022年12月31日")
    report.observed["signature"] = "沭阳县财政局"
    report.observed["signature_date"] = "2023-01-17"
    report.sections["s1.intro"] = report.sections["s1.intro"].replace("2023年", "2022年")
    for part in ("s1.active", "s1.request", "s1.oversight"):
        report.sections[part] = report.sections[part].replace("2023年", "2022年")
    refs = sorted(f.ref for f in check_years(report))
    assert refs == ["X5:body", "X5:period_end", "X5:signature", "X5:signature_date", "X5:title"]
    assert all(f.severity == "提示" for f in check_years(report))


# --------------------------------------------------------------------------- S4


def test_s4_deadline_by_level(example: Report) -> None:
    assert check_deadline(example) == []  # 部门, 2025-01-14 ≤ 2025-01-31
    example.meta.published = "2025-02-14"
    [f] = check_deadline(example)
    assert (f.rule, f.severity, f.imbalance, f.expected) == ("S4", "提示", 14, "2025-01-31")
    example.meta.level = "市"
    assert check_deadline(example) == []  # 3月10日


def test_s4_inferred_level_and_early_date() -> None:
    report = hongze()
    report.meta.level = ""
    report.meta.published = "2025-02-20"
    assert check_deadline(report) == []  # 区人民政府 → 县 → 2月20日
    report.meta.published = "2025-02-25"
    [f] = check_deadline(report)
    assert f.imbalance == 5 and "推定" in f.message
    report.meta.published = "2024-12-20"
    assert [x.ref for x in check_deadline(report)] == ["S4:early"]


def test_s4_signature_date_when_publication_unknown() -> None:
    report = shuyang()
    report.meta.published = ""
    report.observed["signature_date"] = "2024-02-02"
    [f] = check_deadline(report)
    assert "落款日期" in f.message and f.imbalance == 2


@pytest.mark.parametrize(
    "name,level",
    [("淮安市洪泽区人民政府", "县"), ("沭阳县发展和改革局", "部门"), ("江苏省人民政府", "省"),
     ("威海市人民政府", "市"), ("高作镇人民政府", "乡镇"), ("城关街道办事处", "乡镇")],
)
def test_infer_level(name: str, level: str) -> None:
    assert infer_level(name) == level


# --------------------------------------------------------------------------- S6


def test_s6_share_of_other(example: Report) -> None:
    assert check_other_share(example) == []  # 1 of 10: not above 10 %
    for key in ("t3.other_3.natural", "t3.other_3.total"):
        example.values[key] = 3
    for key in ("t3.unable_1.natural", "t3.unable_1.total"):
        example.values[key] = 3
    [f] = check_other_share(example)
    assert (f.rule, f.severity, f.actual) == ("S6", "提示", "30.0%")
    assert check(example) == []  # the table itself still adds up


def test_structure_of_the_example_is_clean(example: Report) -> None:
    assert check_structure(example) == []


def test_f1_table_three_of_2019(example: Report) -> None:
    example.observed["t3_rows"] = 25
    assert check_old_format_seen(example) == []
    example.observed["t3_rows"] = 23
    [f] = check_old_format_seen(example)
    assert (f.rule, f.severity, f.ref, f.expected, f.actual) == ("F1", "强制", "F1:t3_rows", 25, 23)
    assert "（六）其他处理" in f.message


def test_empty_part_five_is_reported_once(example: Report) -> None:
    example.sections["s5"] = ""
    assert rules(check_structure(example)) == [("S3", "强制", "S3")]
