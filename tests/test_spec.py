"""The spec as data: 200 cells, verbatim labels, every rule of §4 of the format."""

from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_CORNER


def test_two_hundred_cells_with_unique_keys():
    keys = SPEC.keys
    assert len(keys) == 200
    assert len(set(keys)) == 200
    assert sum(1 for c in SPEC.cells if c.table == "t2") == 10
    assert sum(1 for c in SPEC.cells if c.table == "t3") == 175
    assert sum(1 for c in SPEC.cells if c.table == "t4") == 15


def test_public_keys():
    for key in (
        "t2.reg_made", "t2.norm_valid", "t2.licensing", "t2.penalty", "t2.coercion", "t2.fee_wan",
        "t3.new.natural", "t3.carry_in.other_org", "t3.deny_8.legal", "t3.unable_3.research",
        "t3.noproc_5.nonprofit", "t3.other_3.biz", "t3.total.total", "t3.carry_out.total",
        "t4.review_keep", "t4.suit_direct_pending", "t4.suit_after_review_total",
    ):
        assert SPEC.has_cell(key), key


def test_kinds_and_derived():
    assert SPEC.cell("t2.fee_wan").kind == "amount"
    assert all(c.kind == "count" for c in SPEC.cells if c.key != "t2.fee_wan")
    derived = {c.key for c in SPEC.cells if c.derived}
    assert len(derived) == 25 + 7 - 1 + 3


def test_verbatim_labels():
    labels = " ".join(c.label for c in SPEC.cells)
    for text in (
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "3.危及“三安全一稳定”",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "本年收费金额（单位：万元）",
        "未经复议直接起诉",
    ):
        assert text in labels
    assert T3_CORNER == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert [s.title for s in SPEC.sections][5] == "六、其他需要报告的事项（文字描述，收取信息处理费情况在此处报告。）"


def test_rules_have_ids_scopes_and_messages():
    ids = {r.id for r in SPEC.rules}
    for rid in ("E1", "T3-R", "T3-G3", "T3-G4", "T3-G5", "T3-G6", "T3-T", "T4-1", "T4-2", "T4-3",
                "T2-N", "T3-N", "T4-N", "T2-C", "Y1"):
        assert rid in ids
    assert len(SPEC.rule("T3-R").identities) == 25
    assert len(SPEC.rule("E1").identities) == 7
    for r in SPEC.rules:
        assert r.scope in ("表内", "表间", "跨期", "文表", "结构", "读取", "名单")
        assert r.severity in ("强制", "提示", "待核")
        # only the tool's own doubt is 待核: a reading (读取), or a roster name match (R4)
        assert (r.severity == "待核") == (r.scope == "读取" or r.id == "R4")
        assert r.message and r.text


def test_unknown_cell_key_in_json_is_named():
    import pytest

    from xladdin.report import Report

    with pytest.raises(ValueError, match="未知的单元格键“nokey”"):
        Report.from_dict({"values": {"nokey": 3}})
