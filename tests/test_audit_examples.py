"""The real reports in tests/data/examples/ and the seed text, audited through the published-
report reader and through the hand-built fixtures; findings inspected by hand and pinned.

- 沭阳县发展和改革局 2023 (HTML table): the organisation columns of table 三 are blank in the
  original (125 blanks, T3-N 强制: blank is not 0), part 五 is titled "存在的主要问题及
  整改措施" (S1 提示), the title lacks 工作 ("…政府信息公开年度报告", S8 提示) and table 二 prints
  the old label 规范性文件 (F1 提示, read from the published text only). Its narrative
  (收到 26 件, 249 条 = 9+7+39+6+1+1+185+1) is consistent.
- 洪泽区人民政府 2024 (PDF text): table 三 prints （六）其他处理 as one row, the 2019 layout
  (F1 强制: the 2021 format has three rows there). The narrative says 区政府办 "受理政府信息公开申请 17 件" while
  table 三 counts 95 new applications (X1 提示: the table seems to cover more than the
  narrative's office). Everything else is consistent (未收取 = "处理费 0 元", 复议/诉讼 silent).
- The seed (威海人社局 2024): no finding at all.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from audit_fixtures import HONGZE, SHUYANG, hongze, shuyang

from xladdin.audit import audit, audit_paths, check_text
from xladdin.cli import main
from xladdin.report import Report
from xladdin.spec.format2021 import T3_COLS, T3_ROWS
from xladdin.values import ABSENT, Doubt

SEED = SHUYANG.parents[1] / "seeds" / "000_0f8514aaa6f27642.txt"


def _read(path):  # type: ignore[no-untyped-def]
    from xladdin.ingest import read_published

    return read_published(path)


def pinned(findings) -> tuple[Counter, list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    counts = Counter(f.rule for f in findings)
    others = [(f.rule, f.severity, f.ref) for f in findings if f.rule != "T3-N"]
    return counts, others


SHUYANG_OTHERS = [("F1", "提示", "F1:t2"), ("S1", "提示", "S1:s5.title"), ("S8", "提示", "S8")]


def test_shuyang_fixture() -> None:
    counts, others = pinned(audit(shuyang()))
    assert counts == {"T3-N": 125, "F1": 1, "S1": 1, "S8": 1}
    assert others == SHUYANG_OTHERS


def test_hongze_fixture() -> None:
    old, f = audit(hongze())
    assert (old.rule, old.severity, old.ref) == ("F1", "强制", "F1:t3_rows")
    assert (f.rule, f.severity, f.expected, f.actual) == ("X1", "提示", 95, 17)
    assert "区政府办代表区政府受理政府信息公开申请 17 件" in f.snippet


def test_shuyang_published() -> None:
    report = _read(SHUYANG)
    findings = audit(report)
    counts, others = pinned(findings)
    assert counts == {"T3-N": 125, "F1": 1, "S1": 1, "S8": 1}
    assert others == SHUYANG_OTHERS
    blanks = {c.key for f in findings if f.rule == "T3-N" for c in f.cells}
    assert "t3.new.biz" in blanks and "t3.new.natural" not in blanks


def test_hongze_published() -> None:
    report = _read(HONGZE)
    old, f = audit(report)
    assert (old.rule, old.severity, old.expected, old.actual) == ("F1", "强制", 25, 23)
    assert (f.rule, f.severity, f.expected, f.actual) == ("X1", "提示", 95, 17)
    assert [c.key for c in f.cells] == ["t3.new.total", "t3.carry_in.total"]


def test_hongze_published_late() -> None:
    """Published 2025-02-25 (the PDF's date): a 区 government's deadline is 2月20日."""
    report = _read(HONGZE)
    report.meta.published = "2025-02-25"
    assert sorted(f.rule for f in audit(report)) == ["F1", "S4", "X1"]


def test_seed_text_published_is_clean() -> None:
    assert audit(_read(SEED)) == []


def test_fixture_and_reader_agree() -> None:
    for path, built in ((SHUYANG, shuyang()), (HONGZE, hongze())):
        read = _read(path)

        def seen(report: Report) -> list[tuple]:
            return [
                (f.rule, f.severity, f.ref, f.message, f.expected, f.actual, f.snippet)
                for f in audit(report) if f.scope in ("文表", "结构")
            ]

        assert seen(read) == seen(built)


def test_audit_folder_of_real_texts(capsys: pytest.CaptureFixture[str]) -> None:
    records = {r.meta.get("agency"): r for r in audit_paths([SHUYANG, HONGZE, SEED], jobs=2)}
    assert not any(r.error for r in records.values())
    assert (records["沭阳县发展和改革局"].hard, records["沭阳县发展和改革局"].soft) == (25, 3)  # 125 blanks, 25 rows
    assert (records["淮安市洪泽区人民政府"].hard, records["淮安市洪泽区人民政府"].soft) == (1, 1)
    assert records["威海市人力资源和社会保障局"].findings == []
    assert main(["audit", str(SHUYANG.parent), "--jobs", "1"]) == 1  # 沭阳's blanks are 强制
    out = capsys.readouterr().out
    assert "共 2 个文件：2 个有强制错误，0 个只有提示" in out and "T3-N 25 处（125 格）" in out


def test_seed_against_the_example_json(example: Report) -> None:
    """The seed text read and the example JSON give the same audit (both empty)."""
    assert audit(example) == audit(_read(SEED)) == []


# 上海市人民政府办公厅 2019 年报 (published 2020-01-31 on www.shanghai.gov.cn; the HTML is archived
# in a public repository): its 依申请 paragraph verbatim, and its table 三 as printed — the
# 总计 column is blank except in the 新收/结转/（七）总计 rows.
SHANGHAI_REQUEST = (
    "市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%；答复政府信息公开申请805件"
    "（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复），均在法定期限内予以答复。"
    "予以公开及部分公开258件，占33.9%；不予公开35件，占4.34%；因本机关不掌握等原因无法提供265件，占32.9%；"
    "不予处理158件，占19.6%；其他处理0件。信息公开类行政复议7件，诉讼9件，均获维持，继续保持了省级政府零败诉的记录。"
)
SHANGHAI_T3 = {  # row: (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计); None = blank
    "new": (821, 35, None, None, 2, 1, 859),
    "carry_in": (18, None, None, None, None, None, 18),
    "open": (258, 12, None, None, 1, 1, None),
    "partial": (3, None, None, None, None, None, None),
    "deny_1": (14, None, None, None, None, None, None),
    "deny_5": (5, None, None, None, None, None, None),
    "deny_6": (3, 1, None, None, None, None, None),
    "deny_8": (10, 2, None, None, None, None, None),
    "unable_1": (252, 12, None, None, 1, None, None),
    "unable_2": (44, 3, None, None, None, None, None),
    "unable_3": (25, None, None, None, None, None, None),
    "noproc_1": (148, 1, None, None, None, None, None),
    "noproc_2": (5, 4, None, None, None, None, None),
    "total": (767, 35, None, None, 2, 1, 805),
    "carry_out": (72, None, None, None, None, None, 72),
}


def _shanghai_t3() -> Report:
    """A report holding 上海 2019's table 三 as printed (blank cells blank)."""
    report = Report()
    for key in [k for k in report.values if k.startswith("t3.")]:
        report.values[key] = None
    for row, values in SHANGHAI_T3.items():
        for (col, _), v in zip(T3_COLS, values, strict=True):
            report.values[f"t3.{row}.{col}"] = v
    return report


def test_shanghai_2019_request_paragraph() -> None:
    report = _shanghai_t3()
    report.values.update({"t4.review_keep": 5, "t4.review_pending": 2, "t4.review_total": 7,
                          "t4.suit_direct_keep": 8, "t4.suit_direct_pending": 1, "t4.suit_direct_total": 9})
    report.sections["s1.request"] = SHANGHAI_REQUEST
    found = [(f.rule, f.severity, f.ref, f.expected, f.actual) for f in check_text(report)]
    # 258 of 805 is 32.05 %, not the 33.9 % printed ((七)总计 805: all six columns printed).
    # The counts of 予以公开/部分公开 and 无法提供 are not compared: their rows leave cells blank,
    # so their totals are unknown (T3-N reports the blanks; a sum would take them for 0).
    # Everything else agrees: 受理 859 = 新收, 答复 805 = （七）总计, 结转 18, 不予公开 35
    # (4.34 % truncated), 不予处理 158 (19.6 %), 复议 7. "均获维持" is not what table 四 says:
    # 2 复议 and 1 诉讼 尚未审结 (诉讼 9 is not compared: the 复议后起诉 cells are blank).
    assert found == [
        ("X1", "提示", "X1:s1.request:open_partial.share", Decimal("32.05"), Decimal("33.9")),
        ("X2", "提示", "X2:s1.request:review.keep_all", 7, 5),
    ]


def test_a_total_is_compared_only_when_every_cell_is_printed() -> None:
    """The same paragraph with 上海 2019's blank cells printed as 0: the totals are known, and the
    narrative's 258 (自然人 only: the rows add up to 272 + 3) and 265 (the 不掌握 item alone:
    "不掌握等原因" names the whole 无法提供 group, 337) are reported, one finding per fact."""
    report = _shanghai_t3()
    for key in [k for k in report.values if k.startswith("t3.")]:
        if report.values[key] is None:
            report.values[key] = 0
    for row, _, _ in T3_ROWS:
        report.values[f"t3.{row}.total"] = sum(report.values[f"t3.{row}.{c}"] for c, _ in T3_COLS if c != "total")  # type: ignore[misc]
    report.sections["s1.request"] = SHANGHAI_REQUEST
    found = {f.ref: f for f in check_text(report) if f.rule == "X1"}
    both = found["X1:s1.request:request.open_partial"]
    assert (both.expected, both.actual) == (275, 258) and "应为 32.05%" in both.message  # count and share: one finding
    unable = found["X1:s1.request:request.unable"]
    assert (unable.expected, unable.actual) == (337, 265)
    assert "265 件只是其中“本机关不掌握相关政府信息”一项" in unable.message
    assert set(found) == {"X1:s1.request:request.open_partial", "X1:s1.request:request.unable"}
    # a negative, 待核 or absent cell among the rows summed: that total is not compared either
    for odd in (-47, Doubt("47 3", (47, 473), "有多种读法"), ABSENT):
        report.values["t3.unable_2.total"] = odd
        assert "X1:s1.request:request.unable" not in {f.ref for f in check_text(report)}


def test_a_sub_item_named_without_others_is_that_item() -> None:
    """"因本机关不掌握而无法提供 N 件" (no 等) means the 不掌握 item: no finding when N equals it."""
    report = _shanghai_t3()
    report.sections["s1.request"] = "本年度因本机关不掌握相关政府信息而无法提供265件。"
    assert [f.ref for f in check_text(report) if "unable" in f.ref] == []
