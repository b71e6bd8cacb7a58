"""运算: blanks filled, typed values kept (and reported), formulas kept, inputs untouched."""

from __future__ import annotations

from xladdin.check import check
from xladdin.fill import fill
from xladdin.spec import SPEC

DERIVED = [c.key for c in SPEC.cells if c.derived]
INPUTS = [c.key for c in SPEC.cells if not c.derived]


def test_fill_blank_totals(example):
    for key in DERIVED:
        example.values[key] = None
    result = fill(example)
    assert len(result.filled) == 34
    assert example.values["t3.total.total"] == 10
    assert example.values["t3.unable_1.total"] == 5
    assert example.values["t4.review_total"] == 0
    assert check(example) == []
    assert "填充 34 格" in result.summary()


def test_inputs_are_never_touched(example):
    before = {k: example.values[k] for k in INPUTS}
    example.values["t3.open.total"] = None
    fill(example, overwrite=True)
    assert {k: example.values[k] for k in INPUTS} == before


def test_typed_total_that_disagrees_is_kept_and_reported(example):
    example.values["t3.open.total"] = 4
    result = fill(example)
    assert example.values["t3.open.total"] == 4
    assert [f.ref for f in result.conflicts] == ["T3-R:open"]
    assert result.filled == [] and result.overwritten == []
    assert "保留原值" in result.summary()


def test_overwrite_replaces_typed_total(example):
    example.values["t3.open.total"] = 4
    result = fill(example, overwrite=True)
    assert example.values["t3.open.total"] == 3
    assert result.overwritten == ["t3.open.total"]


def test_formula_cells_keep_their_formula_and_get_the_computed_value(example):
    example.values["t4.review_total"] = None
    example.formulas["t4.review_total"] = "=SUM(A5:D5)"
    result = fill(example)
    assert example.values["t4.review_total"] == 0
    assert example.formulas["t4.review_total"] == "=SUM(A5:D5)"
    assert "t4.review_total" not in result.filled  # the workbook computes it itself


def test_incomplete_parts_leave_total_blank(example):
    example.values["t3.open.biz"] = "/"
    example.values["t3.open.total"] = None
    result = fill(example)
    assert example.values["t3.open.total"] is None
    assert "t3.open.total" in result.incomplete


def test_fill_is_idempotent(example):
    for key in DERIVED:
        example.values[key] = None
    fill(example)
    second = fill(example)
    assert second.changed == [] and second.conflicts == []


def test_summary_of_totals_that_cannot_be_computed(example):
    example.values["t3.open.biz"] = "/"
    example.values["t3.open.total"] = None
    assert "1 个合计因细项不全或不是数字，暂无法计算" in fill(example).summary()
