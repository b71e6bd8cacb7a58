"""Narrative extraction and the 文表 checks (X1, X2, X3, X6) on the seed report and variants."""

from __future__ import annotations

from decimal import Decimal

import pytest
from audit_fixtures import load_example
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.audit import audit, check_text, extract
from xladdin.audit.narrative import chinese_number, extract_text
from xladdin.report import Report


def facts(report: Report) -> list[tuple[str, str, str, object]]:
    return [(f.part, f.topic, f.measure, f.value) for f in extract(report).facts]


def edit(report: Report, part: str, old: str, new: str) -> Report:
    assert old in report.sections[part], old
    report.sections[part] = report.sections[part].replace(old, new, 1)
    return report


def set_col(report: Report, row: str, n: int) -> None:
    """Set a table-三 row to n (natural persons and total), keeping the other columns 0."""
    report.values[f"t3.{row}.natural"] = n
    report.values[f"t3.{row}.total"] = n


# --------------------------------------------------------------------------- extraction


@pytest.mark.parametrize(
    "text,value",
    [("十二", 12), ("十", 10), ("二十", 20), ("一百零五", 105), ("两千三百", 2300), ("三万五千", 35000), ("零", 0)],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert chinese_number(text) == value


def test_chinese_numeral_rejects_other_text() -> None:
    assert chinese_number("十二件") is None
    assert chinese_number("") is None


def test_example_facts_with_meaning_and_position(example: Report) -> None:
    got = facts(example)
    for expected in [
        ("s1.request", "request", "received", 10),
        ("s1.request", "request", "done_rate", 100),
        ("s1.request", "review", "none", None),
        ("s1.request", "suit", "none", None),
        ("s1.management", "norm", "repealed", 1),
        ("s1.management", "norm", "valid", 19),
        ("s6", "proposal", "npc", 12),
        ("s6", "proposal", "cppcc", 17),
        ("s6", "proposal", "class_A", 29),
        ("s6", "proposal", "class_BCD", 0),
    ]:
        assert expected in got, expected
    received = next(f for f in extract(example).facts if f.measure == "received")
    text = example.sections["s1.request"]
    assert text[received.start : received.end] == "10 件"
    assert "共收到政府信息公开申请数量 10 件" in received.sentence
    assert "依申请公开" in received.quote() and f"第{received.start + 1}字" in received.quote()


def test_article_numbers_are_not_counts() -> None:
    """"第二十条" is an article, "（十一）" an item: neither is a count of anything."""
    got = extract_text("按照《条例》第二十条规定，公开第二十条（十一）中信息 40 条。", "s1.active")
    assert [(f.value, f.unit) for f in got] == [(40, "条")]


def test_wording_traps_are_not_table_counts() -> None:
    text = "报送备案规范性文件 5 件，开展合法性审查 7 件，制发规范性文件 2 件。收到申请 9 件，其中自然人 6 件，法人 3 件。"
    got = [(f.topic, f.measure, f.value) for f in extract_text(text, "s1.management")]
    assert ("norm", "made", 2) in got
    assert ("request", "received", 9) in got
    assert not any(v in (5, 7, 6, 3) for _, _, v in got)


# --------------------------------------------------------------------------- the seed report


def test_example_has_no_false_finding(example: Report) -> None:
    assert check_text(example) == []
    assert audit(example) == []


def test_known_contradiction_yields_exactly_that_finding(example: Report) -> None:
    edit(example, "s1.request", "申请数量 10 件", "申请数量 12 件")
    findings = audit(example)
    assert len(findings) == 1
    f = findings[0]
    assert (f.rule, f.severity, f.scope) == ("X1", "提示", "文表")
    assert (f.expected, f.actual, f.imbalance) == (10, 12, 2)
    assert [c.key for c in f.cells] == ["t3.new.total", "t3.carry_in.total"]
    assert "12 件" in f.snippet and "依申请公开" in f.snippet
    assert "收到政府信息公开申请 12 件" in f.message and "本年新收 10 件" in f.message


def test_contradiction_in_chinese_numerals(example: Report) -> None:
    edit(example, "s1.request", "申请数量 10 件", "申请数量十二件")
    [f] = audit(example)
    assert (f.rule, f.actual) == ("X1", 12)


def test_received_may_include_carry_over(example: Report) -> None:
    """"收到 12 件" with 新收 10 + 上年结转 2 is the common wording, not a contradiction."""
    set_col(example, "carry_in", 2)
    set_col(example, "open", 5)
    set_col(example, "total", 12)
    edit(example, "s1.request", "申请数量 10 件", "申请数量 12 件")
    assert check_text(example) == []


def test_accepted_versus_done(example: Report) -> None:
    set_col(example, "carry_out", 2)
    set_col(example, "unable_1", 3)
    set_col(example, "total", 8)
    edit(example, "s1.request", "均通过网络平台形式申请，按时答复、办结率 100%", "受理 10 件，办结 8 件")
    assert check_text(example) == []
    edit(example, "s1.request", "办结 8 件", "办结 10 件")
    [f] = check_text(example)
    assert (f.rule, f.expected, f.actual) == ("X1", 8, 10)
    assert "办结" in f.message and "结转下年度 2 件" in f.message


def test_done_rate_against_table(example: Report) -> None:
    set_col(example, "carry_out", 2)
    set_col(example, "unable_1", 3)
    set_col(example, "total", 8)
    [f] = check_text(example)  # "办结率 100%" but 2 of 10 are carried over
    assert f.rule == "X1" and f.expected == Decimal("80.00") and f.actual == 100


def test_table_term_mismatch_is_forced(example: Report) -> None:
    edit(example, "s1.request", "共收到政府信息公开申请数量 10 件", "本年新收政府信息公开申请 11 件")
    [f] = check_text(example)
    assert (f.rule, f.severity, f.expected, f.actual) == ("X1", "强制", 10, 11)


def test_outcome_counts_and_shares(example: Report) -> None:
    edit(example, "s1.request", "均通过网络平台形式申请", "其中予以公开 3 件，占 30%，不予处理 1 件")
    assert check_text(example) == []
    edit(example, "s1.request", "占 30%", "占 40%")
    [f] = check_text(example)
    assert f.rule == "X1" and f.actual == Decimal("40") and f.expected == Decimal("30.00")
    assert "分母" in f.message


def test_outcome_count_mismatch(example: Report) -> None:
    edit(example, "s1.request", "均通过网络平台形式申请", "其中予以公开 4 件")
    [f] = check_text(example)
    assert (f.rule, f.severity, f.expected, f.actual) == ("X1", "强制", 3, 4)


def test_all_published_quantifier(example: Report) -> None:
    edit(example, "s1.request", "均通过网络平台形式申请", "均予以公开")
    [f] = check_text(example)
    assert f.rule == "X1" and "均予以公开" in f.message and (f.expected, f.actual) == (10, 3)


def test_all_done_quantifier_with_manner_words(example: Report) -> None:
    # 上海市科委 2024: "所有申请均已按要求办理完成" while a request is carried over
    edit(example, "s1.request", "均通过网络平台形式申请", "所有申请均已按要求办理完成")
    example.values["t3.carry_out.natural"] = 1
    example.values["t3.carry_out.total"] = 1
    example.values["t3.new.natural"] += 1
    example.values["t3.new.total"] += 1
    [f] = [f for f in check_text(example) if f.ref == "X1:s1.request:request.done"]
    assert "均已按要求办理完成" in f.message and (f.expected, f.actual) == (0, 1)


def test_no_review_claimed_but_table_has_one(example: Report) -> None:
    example.values["t4.review_pending"] = 1
    example.values["t4.review_total"] = 1
    [f] = check_text(example)
    assert (f.rule, f.severity, f.expected, f.actual) == ("X2", "提示", 1, 0)
    assert "没有发生" in f.message


def test_review_count(example: Report) -> None:
    example.values["t4.review_keep"] = 1
    example.values["t4.review_total"] = 1
    edit(example, "s1.request", "没有发生依申请公开行政复议和行政诉讼案件", "被申请行政复议 1 件，维持 1 件，未发生行政诉讼")
    assert check_text(example) == []
    edit(example, "s1.request", "被申请行政复议 1 件", "被申请行政复议 2 件")
    [f] = check_text(example)
    assert (f.rule, f.expected, f.actual) == ("X2", 1, 2)


def test_documents_against_table_two(example: Report) -> None:
    edit(example, "s1.management", "现行有效规范性文件 19 件", "现行有效规范性文件 20 件")
    [f] = check_text(example)
    assert (f.rule, f.severity, f.expected, f.actual) == ("X3", "提示", 19, 20)
    assert [c.key for c in f.cells] == ["t2.norm_valid"]


def test_proposal_classes_must_add_up(example: Report) -> None:
    edit(example, "s6", "A类29件", "A类28件")
    [f] = check_text(example)
    assert (f.rule, f.expected, f.actual) == ("X6", 29, 28)


def test_enumeration_exceeding_its_total(example: Report) -> None:
    edit(example, "s1.active", "其他政府信息 3653 条", "其他政府信息 3753 条")
    [f] = check_text(example)
    assert (f.rule, f.expected, f.actual) == ("X6", 3816, 3916)


def test_channel_breakdown_short_of_total(example: Report) -> None:
    edit(example, "s1.active", "其他方式 756 条", "其他方式 656 条")
    [f] = check_text(example)
    assert (f.rule, f.expected, f.actual) == ("X6", 3816, 3716)
    # Channels overlap (one item on the site and on WeChat): a larger sum is not a finding.
    edit(example, "s1.active", "其他方式 656 条", "其他方式 856 条")
    assert check_text(example) == []


# --------------------------------------------------------------------------- typical wordings

TYPICAL = (
    "2024年，本机关共受理政府信息公开申请 48 件（含上年结转 3 件），申请数量较上年增加 5 件，"
    "其中自然人申请 40 件，法人或其他组织申请 8 件；通过网上申请 30 件、信函申请 18 件。"
    "全年办结 44 件，其中予以公开 20 件，部分公开 5 件，不予公开 2 件，无法提供 10 件，不予处理 3 件，"
    "其他处理 4 件，结转下年度继续办理 4 件，按时办结率 100%。"
    "因政府信息公开被申请行政复议 2 件，结果维持 1 件，尚未审结 1 件；被提起行政诉讼 1 件，结果维持 1 件。"
)
MANAGEMENT = "清理规范性文件 12 件，其中废止 2 件，修改 3 件，继续有效 7 件；本年制发行政规范性文件 3 件，现行有效 21 件。"


def typical(example: Report) -> Report:
    """A consistent report for TYPICAL: 新收 45 + 结转 3 = 办结 44 + 结转下年度 4."""
    rows = {"new": 45, "carry_in": 3, "open": 20, "partial": 5, "deny_4": 2, "unable_1": 10,
            "noproc_2": 3, "other_3": 4, "total": 44, "carry_out": 4}
    for key in [k for k in example.values if k.startswith("t3.")]:
        example.values[key] = 0
    for row, n in rows.items():
        set_col(example, row, n)
    t4 = {"review_keep": 1, "review_pending": 1, "review_total": 2, "suit_direct_keep": 1, "suit_direct_total": 1}
    example.values.update({f"t4.{k}": v for k, v in t4.items()})
    example.values.update({"t2.norm_made": 3, "t2.norm_repealed": 2, "t2.norm_valid": 21})
    example.sections["s1.request"] = TYPICAL
    example.sections["s1.management"] = MANAGEMENT
    return example


def test_typical_wordings_are_read_without_false_findings(example: Report) -> None:
    report = typical(example)
    got = {(f.topic, f.measure, f.value) for f in extract(report).facts if f.part in ("s1.request", "s1.management")}
    assert {("request", "accepted", 48), ("request", "carry_in", 3), ("request", "done", 44),
            ("request", "open", 20), ("request", "other", 4), ("request", "carry_out", 4),
            ("review", "total", 2), ("review", "keep", 1), ("review", "pending", 1),
            ("suit", "total", 1), ("suit", "keep", 1), ("norm", "repealed", 2), ("norm", "made", 3),
            ("norm", "valid", 21)} <= got
    # A change, applicant and channel breakdowns, a clean-up's 继续有效, a timeliness rate: no facts.
    assert not {v for _, _, v in got} & {40, 8, 30, 18, 12, 7}
    assert [m for t, m, v in got if v == 5] == ["partial"]
    assert check_text(report) == []
    assert audit(report) == []  # tables add up; 其他 4 of 44 (9%) is under the S6 threshold


@pytest.mark.parametrize(
    "old,new,rule,severity",
    [
        ("含上年结转 3 件", "含上年结转 2 件", "X1", "强制"),
        ("全年办结 44 件", "全年办结 45 件", "X1", "提示"),
        ("不予处理 3 件", "不予处理 4 件", "X1", "强制"),
        ("结转下年度继续办理 4 件", "结转下年度继续办理 3 件", "X1", "强制"),
        ("被申请行政复议 2 件", "被申请行政复议 3 件", "X2", "提示"),
        ("被提起行政诉讼 1 件", "被提起行政诉讼 2 件", "X2", "提示"),
    ],
)
def test_typical_wordings_mutated(example: Report, old: str, new: str, rule: str, severity: str) -> None:
    report = edit(typical(example), "s1.request", old, new)
    [f] = check_text(report)
    assert (f.rule, f.severity) == (rule, severity)
    assert new.split()[-2] in f.snippet


def test_a_measure_word_is_spent_by_its_number() -> None:
    text = "2024年收到政府信息公开申请 50 件，加上年结转 2 件，共 52 件。新收政府信息公开申请，共计 50 件。"
    got = [(f.measure, f.value) for f in extract_text(text, "s1.request")]
    assert got == [("received", 50), ("carry_in", 2), ("total", 52), ("new", 50)]


# --------------------------------------------------------------------------- property


_DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """12 → 十二, 105 → 一百零五, 2300 → 二千三百 (the numerals reports print)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % (10 if value < 10000 else 10**5)
        if value == 10000:
            if d:
                out += to_chinese(d) + "万"
            continue
        if d:
            out += ("零" if zero and out else "") + _DIGITS[d] + unit
            zero = False
        else:
            zero = True
    return out


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=0, max_value=99999).filter(lambda n: n != 10), chinese=st.booleans(),
       space=st.sampled_from(["", " "]))
def test_any_other_count_is_exactly_one_finding(n: int, chinese: bool, space: str) -> None:
    report = load_example()
    written = to_chinese(n) if chinese else str(n)
    edit(report, "s1.request", "申请数量 10 件", f"申请数量{space}{written}{space}件")
    findings = audit(report)
    assert [(f.rule, f.actual) for f in findings] == [("X1", n)]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("办结率百分之百。", [("request", "done_rate", 100)]),
        ("满意率达到百分之九十八点五。", [("request", "percent", Decimal("98.5"))]),
        ("未发生因政府信息公开申请行政复议、提起行政诉讼的情况。", [("review", "none", None), ("suit", "none", None)]),
        ("零复议零诉讼。", [("review", "none", None), ("suit", "none", None)]),
        ("未出现行政复议纠错案件。", []),  # denies an outcome, not the cases
        ("无论行政复议还是诉讼，均依法办理。", []),
    ],
)
def test_percent_words_and_negations(text: str, expected: list) -> None:  # type: ignore[type-arg]
    assert [(f.topic, f.measure, f.value) for f in extract_text(text, "s1.request")] == expected
