"""审核: every rule fails on its own fixture, the example passes, and every constrained cell is
guarded by at least one 强制 rule."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.check import blocking, check, summary
from xladdin.fill import fill
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_COLS, T3_DETAIL_ROWS, T3_PARTY_COLS, T3_ROWS, T4_GROUPS

FINDING_KEYS = {"rule", "severity", "scope", "message", "cells", "expected", "actual", "imbalance"}


def bump(report: Report, key: str, by: int = 1) -> None:
    report.values[key] = report.values[key] + by


def rules_of(findings) -> set[str]:
    return {f.rule for f in findings}


def test_example_is_clean(example):
    assert check(example) == []
    assert summary([]) == "通过：未发现问题"


# --------------------------------------------------------------------------- one fixture per rule


def _e1(r: Report) -> None:
    bump(r, "t3.carry_out.natural")
    bump(r, "t3.carry_out.total")


def _t3r(r: Report) -> None:
    bump(r, "t3.open.total")
    bump(r, "t3.total.total")
    bump(r, "t3.new.total")  # keeps E1 and T3-T balanced: only the row sums are broken


def _t3t(r: Report) -> None:
    bump(r, "t3.total.natural")
    bump(r, "t3.total.total")
    bump(r, "t3.carry_in.natural")
    bump(r, "t3.carry_in.total")


def _t3g(group: str):
    def mutate(r: Report) -> None:
        r.extra[f"t3.{group}.natural"] = 7  # a printed subtotal that does not add up

    return mutate


def _t4(group: str):
    def mutate(r: Report) -> None:
        bump(r, f"t4.{group}_keep")

    return mutate


def _t2n(r: Report) -> None:
    r.values["t2.fee_wan"] = "/"


def _t3n(r: Report) -> None:
    r.values["t3.deny_3.legal"] = None


def _t4n(r: Report) -> None:
    r.values["t4.review_pending"] = "-"


def _f1(r: Report) -> None:
    r.notes["old_format_label"] = "本年新制作数量"
    r.notes["old_format_where"] = "表二"


FIXTURES = {
    "E1": (_e1, {"E1:natural", "E1:total"}),
    "T3-R": (_t3r, {"T3-R:open", "T3-R:total", "T3-R:new"}),
    "T3-G3": (_t3g("deny"), {"T3-G3:natural"}),
    "T3-G4": (_t3g("unable"), {"T3-G4:natural"}),
    "T3-G5": (_t3g("noproc"), {"T3-G5:natural"}),
    "T3-G6": (_t3g("other"), {"T3-G6:natural"}),
    "T3-T": (_t3t, {"T3-T:natural", "T3-T:total"}),
    "T4-1": (_t4("review"), {"T4-1"}),
    "T4-2": (_t4("suit_direct"), {"T4-2"}),
    "T4-3": (_t4("suit_after_review"), {"T4-3"}),
    "T2-N": (_t2n, {"T2-N:t2.fee_wan"}),
    "T3-N": (_t3n, {"T3-N:t3.deny_3.legal"}),
    "T4-N": (_t4n, {"T4-N:t4.review_pending"}),
    "F1": (_f1, {"F1"}),
}


@pytest.mark.parametrize("rule_id", sorted(FIXTURES))
def test_each_rule_fails_on_its_fixture(example, rule_id):
    mutate, expected_refs = FIXTURES[rule_id]
    mutate(example)
    findings = check(example)
    assert {f.ref for f in findings} == expected_refs
    rule = SPEC.rule(rule_id)
    for f in findings:
        assert f.severity == rule.severity and f.scope == rule.scope
        assert f.message and f.text == rule.text
        assert FINDING_KEYS <= f.to_dict().keys()


def test_e1_finding_tells_the_whole_story(example):
    example.addresses.update({k: f"表三!X{i}" for i, k in enumerate(SPEC.keys)})
    _e1(example)
    f = next(f for f in check(example) if f.ref == "E1:natural")
    assert f.actual == 10 and f.expected == 11 and f.imbalance == -1
    assert [c.key for c in f.cells] == ["t3.new.natural", "t3.carry_in.natural", "t3.total.natural", "t3.carry_out.natural"]
    assert all(c.address.startswith("表三!") for c in f.cells)
    assert "本年新收·自然人 10" in f.message and "结转下年度·自然人 1" in f.message
    assert "相差 -1" in f.message
    d = f.to_dict()
    assert d["cells"][0] == {"key": "t3.new.natural", "address": f.cells[0].address, "value": 10}


def test_number_findings_name_the_problem(example):
    example.values["t3.open.biz"] = "/"
    example.values["t3.partial.biz"] = -2
    example.values["t3.deny_1.biz"] = Decimal("1.5")
    example.values["t3.deny_2.biz"] = "两件"
    example.values["t2.fee_wan"] = Decimal("-3.2")
    messages = {f.ref: f.message for f in check(example)}
    assert "实际为“/”" in messages["T3-N:t3.open.biz"]
    assert "负数 -2" in messages["T3-N:t3.partial.biz"]
    assert "小数 1.5" in messages["T3-N:t3.deny_1.biz"]
    assert "文字“两件”" in messages["T3-N:t3.deny_2.biz"]
    assert "负数 -3.2" in messages["T2-N:t2.fee_wan"]
    # A fractional fee is fine; a fractional count is not.
    example.values["t2.fee_wan"] = Decimal("0.000001")
    assert "T2-N:t2.fee_wan" not in {f.ref for f in check(example)}


def test_blank_is_not_zero_and_not_double_reported(example):
    example.values["t3.open.natural"] = None
    refs = {f.ref for f in check(example)}
    # Only the blank is reported: identities touching it are not evaluated on a guess.
    assert refs == {"T3-N:t3.open.natural"}


def test_old_format_gives_one_finding_not_noise(example):
    _f1(example)
    findings = check(example)
    assert len(findings) == 1 and findings[0].rule == "F1"
    assert "2019" in findings[0].message and "本年新制作数量" in findings[0].message


# --------------------------------------------------------------------------- cross-year


def test_y1_carry_over_column_by_column(example):
    previous = copy.deepcopy(example)
    previous.meta.year = 2023
    previous.values["t2.norm_valid"] = 20  # consistent: 20 + 0 − 1 = 19
    previous.values["t3.carry_out.natural"] = 2
    previous.values["t3.carry_out.total"] = 2
    findings = check(example, previous)
    assert {f.ref for f in findings} == {"Y1:natural", "Y1:total"}
    f = findings[0]
    assert f.severity == "强制" and f.scope == "跨期"
    assert f.expected == 2 and f.actual == 0 and f.imbalance == -2
    assert f.cells[1].address.startswith("上年2023")


def test_t2c_valid_documents_is_a_warning_with_room_for_explanation(example):
    previous = copy.deepcopy(example)
    previous.values["t2.norm_valid"] = 25  # 25 + 0 − 1 = 24, reported 19
    findings = check(example, previous)
    assert [f.ref for f in findings] == ["T2-C:norm"]
    f = findings[0]
    assert f.severity == "提示" and f.expected == 24 and f.actual == 19 and f.imbalance == -5
    assert not f.explained
    example.explanations["T2-C:norm"] = "清理失效文件 5 件"
    assert check(example, previous)[0].explanation == "清理失效文件 5 件"
    assert summary(check(example, previous)) == "0 处强制错误，1 处提示（0 处未说明）"


def test_consistent_previous_year_is_clean(example):
    previous = copy.deepcopy(example)
    previous.values["t2.norm_valid"] = 20  # 20 + 0 − 1 = 19
    assert check(example, previous) == []


# --------------------------------------------------------------------------- +1 on every cell

# Cells no 强制 rule of the format constrains: table 二 has no identity (only T2-N, and the
# cross-year T2-C, which is a 提示). Every table 三 and 四 cell sits in at least one sum.
UNCONSTRAINED = {c.key for c in SPEC.cells if c.table == "t2"}


def test_plus_one_on_every_cell_breaks_a_hard_rule(example):
    unconstrained = set()
    for key in SPEC.keys:
        r = copy.deepcopy(example)
        value = r.values[key]
        r.values[key] = value + 1
        if not blocking(check(r)):
            unconstrained.add(key)
    assert unconstrained == UNCONSTRAINED
    assert len(UNCONSTRAINED) == 10


# --------------------------------------------------------------------------- property tests

counts = st.integers(min_value=0, max_value=60)


@st.composite
def consistent_reports(draw) -> Report:
    r = Report()
    for col in T3_PARTY_COLS:
        for row in T3_DETAIL_ROWS:
            r.values[f"t3.{row}.{col}"] = draw(counts)
        handled = sum(r.values[f"t3.{row}.{col}"] for row in T3_DETAIL_ROWS)
        carry_out = draw(counts)
        carry_in = draw(st.integers(min_value=0, max_value=handled + carry_out))
        r.values[f"t3.carry_out.{col}"] = carry_out
        r.values[f"t3.carry_in.{col}"] = carry_in
        r.values[f"t3.new.{col}"] = handled + carry_out - carry_in
        r.values[f"t3.total.{col}"] = handled
    for row, _, _ in T3_ROWS:
        r.values[f"t3.{row}.total"] = sum(r.values[f"t3.{row}.{c}"] for c in T3_PARTY_COLS)
    for group, _, _ in T4_GROUPS:
        parts = [draw(counts) for _ in range(4)]
        for suffix, v in zip(("keep", "correct", "other", "pending"), parts, strict=True):
            r.values[f"t4.{group}_{suffix}"] = v
        r.values[f"t4.{group}_total"] = sum(parts)
    for c in SPEC.cells_of("t2"):
        if c.kind == "count":
            r.values[c.key] = draw(counts)
    places = draw(st.integers(min_value=0, max_value=6))
    r.values["t2.fee_wan"] = Decimal(draw(st.integers(min_value=0, max_value=10**9))).scaleb(-places)
    return r


@settings(max_examples=60, deadline=None)
@given(consistent_reports())
def test_random_consistent_tables_pass(report):
    assert check(report) == []


@settings(max_examples=60, deadline=None)
@given(consistent_reports())
def test_check_after_fill_is_clean(report):
    expected = dict(report.values)
    derived = [c.key for c in SPEC.cells if c.derived]
    for key in derived:
        report.values[key] = None
    result = fill(report)
    assert sorted(result.filled) == sorted(derived)
    assert result.conflicts == [] and result.incomplete == []
    assert report.values == expected
    assert check(report) == []


def test_columns_cover_the_spec():
    assert [c for c, _ in T3_COLS][:-1] == list(T3_PARTY_COLS)


def test_findings_follow_the_tables() -> None:
    """Acceptance testing: findings of one rule came in ref-text order (表四!L5 before K5,
    表三 rows alphabetically); they now follow the spec's rules and the tables' cell order."""
    report = Report()  # all 200 cells blank: one N finding each
    findings = check(report)
    keys = [f.cells[0].key for f in findings]
    assert keys == list(SPEC.keys)
    assert [f.rule for f in findings][:11] == ["T2-N"] * 10 + ["T3-N"]
