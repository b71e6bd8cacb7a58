"""Real published reports (tests/data/real/, each file's first lines name its source): every
one of the 200 values and every finding is pinned after checking it by hand against the printed
tables and text. A value the printed text does not settle stays ambiguous (raw text + a Chinese
note), never a guess.

What each report exercises:
- 2024_上海市科委 (省级部门, PDF→Markdown): the tables' part headings numbered 一、二、三、五
  (S1 编号 hints); 第一部分's parts numbered 二、…六、 on from 一、总体情况; 表三 rows whose number lines are split from their
  labels; a label printed before the anchored row that precedes its numbers (5.属于三类内部事务信息
  / 1.本机关不掌握… printed together); 第五部分 heading lost (its “（一）主要问题” is read as 第五部分);
  “同意公开答复 9 件” is 予以公开, not 答复; 结转下年度·总计 printed blank; “所有申请均已按要求
  办理完成” while 1 request is carried over (X1, true: the text itself says 转下一年度 1 件).
- 2025_上海市人民政府办公厅 (直辖市 = 省级, PDF→Markdown): 表二 rows with a cell lost to a
  multi-line footnote (“22 | 235”): ambiguous, pinned as such; 第五部分 heading lost.
- 2025_沭阳县人民政府 (县, recognised Markdown): 表三 split into one small table per row with
  columns “数据1…6”; “行政复议、行政诉讼案件 74 件” is 复议 + 诉讼 together (61 + 3 + 10).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from xladdin.audit import audit
from xladdin.audit.narrative import extract
from xladdin.load import load_report
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_COLS, T3_ROWS
from xladdin.values import Doubt

REAL = Path(__file__).parent / "data" / "real"

KEWEI_T2 = ['0', '0', '0', '13', '0', '55', '97', '0', '0', '0']
KEWEI_T3 = {
    "new": [32, 2, 0, 0, 0, 0, 34],
    "carry_in": [2, 0, 0, 0, 0, 0, 2],
    "open": [9, 0, 0, 0, 0, 0, 9],
    "partial": [0, 0, 0, 0, 0, 0, 0],
    "deny_1": [0, 0, 0, 0, 0, 0, 0],
    "deny_2": [0, 0, 0, 0, 0, 0, 0],
    "deny_3": [0, 0, 0, 0, 0, 0, 0],
    "deny_4": [0, 0, 0, 0, 0, 0, 0],
    "deny_5": [1, 0, 0, 0, 0, 0, 1],
    "deny_6": [1, 0, 0, 0, 0, 0, 1],
    "deny_7": [0, 0, 0, 0, 0, 0, 0],
    "deny_8": [0, 0, 0, 0, 0, 0, 0],
    "unable_1": [4, 0, 0, 0, 0, 0, 4],
    "unable_2": [6, 0, 0, 0, 0, 0, 6],
    "unable_3": [0, 0, 0, 0, 0, 0, 0],
    "noproc_1": [0, 0, 0, 0, 0, 0, 0],
    "noproc_2": [0, 0, 0, 0, 0, 0, 0],
    "noproc_3": [0, 0, 0, 0, 0, 0, 0],
    "noproc_4": [0, 0, 0, 0, 0, 0, 0],
    "noproc_5": [0, 0, 0, 0, 0, 0, 0],
    "other_1": [8, 2, 0, 0, 0, 0, 10],
    "other_2": [0, 0, 0, 0, 0, 0, 0],
    "other_3": [4, 0, 0, 0, 0, 0, 4],
    "total": [33, 2, 0, 0, 0, 0, 35],
    "carry_out": [1, 0, 0, 0, 0, 0, None],
}
KEWEI_T4 = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
KEWEI_REFS = {
    'S1:s5', 'S1:s2.number', 'S1:s3.number', 'S1:s4.number', 'S1:s6.number',
    'S2', 'S6', 'T3-N:t3.carry_out.total', 'X6:s1.platform:289',
    'X1:s1.request:request.done',  # 所有申请均已按要求办理完成, yet 1 carried over (its own text says so too)
    'F1:t2',  # table 二 prints the old label 规范性文件 (a 提示: the cells are printed and read)
}

SH_OFFICE_T2 = ['22 235', '22 235', '22 235', '34 189', '34 189', '34 189', '0', '0', '0', '0']
SH_OFFICE_T3 = {
    "new": [1259, 36, 0, 0, 0, 0, 1295],
    "carry_in": [170, 15, 0, 0, 4, 0, 189],
    "open": [201, 5, 0, 0, 0, 0, 206],
    "partial": [2, 0, 0, 0, 0, 0, 2],
    "deny_1": [4, 0, 0, 0, 0, 0, 4],
    "deny_2": [0, 0, 0, 0, 0, 0, 0],
    "deny_3": [1, 0, 0, 0, 0, 0, 1],
    "deny_4": [0, 0, 0, 0, 0, 0, 0],
    "deny_5": [8, 0, 0, 0, 1, 0, 9],
    "deny_6": [1, 0, 0, 0, 0, 0, 1],
    "deny_7": [0, 0, 0, 0, 0, 0, 0],
    "deny_8": [5, 0, 0, 0, 0, 0, 5],
    "unable_1": [484, 28, 0, 0, 1, 0, 513],
    "unable_2": [47, 1, 0, 0, 0, 0, 48],
    "unable_3": [3, 0, 0, 0, 0, 0, 3],
    "noproc_1": [61, 1, 0, 0, 0, 0, 62],
    "noproc_2": [16, 0, 0, 0, 0, 0, 16],
    "noproc_3": [1, 0, 0, 0, 0, 0, 1],
    "noproc_4": [1, 0, 0, 0, 0, 0, 1],
    "noproc_5": [0, 0, 0, 0, 0, 0, 0],
    "other_1": [40, 1, 0, 0, 2, 0, 43],
    "other_2": [0, 0, 0, 0, 0, 0, 0],
    "other_3": [264, 12, 0, 0, 0, 0, 276],
    "total": [1139, 48, 0, 0, 4, 0, 1191],
    "carry_out": [290, 3, 0, 0, 0, 0, 293],
}
SH_OFFICE_T4 = [40, 0, 10, 5, 55, 2, 0, 4, 6, 12, 6, 0, 9, 7, 22]
# one 待核 per printed row the reader could not settle (规章, 行政规范性文件), never six T2-N 强制
SH_OFFICE_REFS = {'S1:s5', 'S2', 'S6', 'D1:t2.reg_made', 'D1:t2.norm_made'}

SHUYANG_T2 = ['0', '0', '0', '6', '1', '32', '517645', '693957', '2154', '4068.208']
SHUYANG_T3 = {
    "new": [705, 3, 0, 0, 5, 0, 713],
    "carry_in": [36, 0, 0, 0, 0, 0, 36],
    "open": [290, 1, 0, 0, 3, 0, 294],
    "partial": [99, 0, 0, 0, 2, 0, 101],
    "deny_1": [0, 0, 0, 0, 0, 0, 0],
    "deny_2": [0, 0, 0, 0, 0, 0, 0],
    "deny_3": [2, 0, 0, 0, 0, 0, 2],
    "deny_4": [2, 0, 0, 0, 0, 0, 2],
    "deny_5": [13, 0, 0, 0, 0, 0, 13],
    "deny_6": [2, 0, 0, 0, 0, 0, 2],
    "deny_7": [4, 0, 0, 0, 0, 0, 4],
    "deny_8": [9, 0, 0, 0, 0, 0, 9],
    "unable_1": [111, 0, 0, 0, 0, 0, 111],
    "unable_2": [2, 0, 0, 0, 0, 0, 2],
    "unable_3": [0, 0, 0, 0, 0, 0, 0],
    "noproc_1": [12, 0, 0, 0, 0, 0, 12],
    "noproc_2": [6, 1, 0, 0, 0, 0, 7],
    "noproc_3": [0, 0, 0, 0, 0, 0, 0],
    "noproc_4": [0, 0, 0, 0, 0, 0, 0],
    "noproc_5": [0, 0, 0, 0, 0, 0, 0],
    "other_1": [9, 0, 0, 0, 0, 0, 9],
    "other_2": [7, 0, 0, 0, 0, 0, 7],
    "other_3": [142, 1, 0, 0, 0, 0, 143],
    "total": [710, 3, 0, 0, 5, 0, 718],
    "carry_out": [31, 0, 0, 0, 0, 0, 31],
}
SHUYANG_T4 = [27, 10, 9, 15, 61, 3, 0, 0, 0, 3, 8, 0, 1, 1, 10]
SHUYANG_REFS = {'S1:s5.title', 'S2', 'S6', 'X4:notice'}


CASES = {
    "2024_上海市科委.md": (("上海市科委", 2024, "部门"), KEWEI_T2, KEWEI_T3, KEWEI_T4, set(), KEWEI_REFS),
    "2025_上海市人民政府办公厅.md": (
        ("上海市人民政府办公厅", 2025, "省"), SH_OFFICE_T2, SH_OFFICE_T3, SH_OFFICE_T4,
        {"t2.reg_made", "t2.reg_repealed", "t2.reg_valid", "t2.norm_made", "t2.norm_repealed", "t2.norm_valid"},
        SH_OFFICE_REFS,
    ),
    "2025_沭阳县人民政府.md": (("沐阳县人民政府", 2025, "县"), SHUYANG_T2, SHUYANG_T3, SHUYANG_T4, set(), SHUYANG_REFS),
}


def _t2(value: object) -> str | None:
    """A table 二 value as text; a cell in doubt as the printed text behind it."""
    if isinstance(value, Doubt):
        return value.printed
    return None if value is None else format(value, "f") if isinstance(value, Decimal) else str(value)


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):  # type: ignore[no-untyped-def]
    report = load_report(REAL / request.param)
    return request.param, report, audit(report)


def test_source_is_named(case) -> None:  # type: ignore[no-untyped-def]
    name, _, _ = case
    first = (REAL / name).read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("github.com/") and "commit " in first


def test_meta(case) -> None:  # type: ignore[no-untyped-def]
    name, report, _ = case
    assert (report.meta.agency, report.meta.year, report.meta.level) == CASES[name][0]


def test_all_200_values(case) -> None:  # type: ignore[no-untyped-def]
    name, report, _ = case
    _, t2, t3, t4, _, _ = CASES[name]
    v = report.values
    assert [_t2(v[c.key]) for c in SPEC.cells if c.table == "t2"] == t2
    assert {row: [v[f"t3.{row}.{c}"] for c, _ in T3_COLS] for row, *_ in T3_ROWS} == t3
    assert [v[c.key] for c in SPEC.cells if c.table == "t4"] == t4
    assert len(t2) + 7 * len(t3) + len(t4) == 200


def test_doubtful_cells_stay_marked(case) -> None:  # type: ignore[no-untyped-def]
    name, report, _ = case
    ambiguous = CASES[name][4]
    assert set(report.observed["repair"]["ambiguous"]) == ambiguous
    assert report.observed["repair"]["unreadable"] == []
    for key in ambiguous:
        assert report.notes[key].startswith("无法确定：原文")
        assert isinstance(report.values[key], Doubt)


def test_findings(case) -> None:  # type: ignore[no-untyped-def]
    name, _, findings = case
    assert {f.ref for f in findings} == CASES[name][5]


def test_lost_s5_heading_is_reported_but_its_text_is_kept() -> None:
    report = load_report(REAL / "2024_上海市科委.md")
    assert report.sections["s5"].startswith("（一）主要问题")
    assert "张江高新区" in report.sections["s5"]
    assert "主要问题" not in report.sections["s4"]
    assert report.observed["implied_sections"] == {"s5": "第194行"}
    [s1] = [f for f in audit(report) if f.ref == "S1:s5"]
    assert s1.severity == "强制" and "第194行起的内容已按第五部分读取" in s1.message


def test_s1_parts_numbered_on_from_the_section_heading() -> None:
    # 一、总体情况 then 二、工作机制保障 … 六、政府信息公开平台建设: parts by their words, not position
    report = load_report(REAL / "2024_上海市科委.md")
    heads = {k: report.sections[k].split("\n")[0] for k in report.sections if k.startswith("s1.") and k != "s1.intro"}
    assert heads == {
        "s1.active": "三、主动公开工作情况",
        "s1.request": "四、政府信息公开申请情况",
        "s1.management": "五、政府信息管理",
        "s1.platform": "六、政府信息公开平台建设",
        "s1.oversight": "二、工作机制保障",
    }


def test_hard_wrapped_line_a_little_short_still_joins() -> None:
    # "…指南并标" is 25 characters, as wide as the PDF's lines: the paragraph goes on
    report = load_report(REAL / "2024_上海市科委.md")
    assert "指南并标注更新日期" in report.sections["s1.management"]


def test_narrative_facts_read_as_the_tables_count_them() -> None:
    # the facts the text checks compare: every one agrees with the tables, hence no X1/X2 above
    facts = {
        (f.topic, f.measure, f.value)
        for f in extract(load_report(REAL / "2025_沭阳县人民政府.md")).facts
        if f.value is not None
    }
    assert ("review_suit", "total", 74) in facts  # 行政复议、行政诉讼案件 74 件 = 61 + 3 + 10
    assert ("request", "carry_out", 31) in facts  # 结转下一年 31 件
    kewei = [
        (f.measure, f.value)
        for f in extract(load_report(REAL / "2024_上海市科委.md")).facts
        if f.part == "s1.request" and f.value is not None
    ]
    assert kewei == [
        ("received", 34), ("carry_in", 2), ("open", 9), ("partial", 0), ("deny", 2),
        ("unable", 10), ("noproc", 0), ("other", 14), ("carry_out", 1),
    ]


def test_ambiguous_cell_finding_names_the_reading_problem() -> None:
    report = load_report(REAL / "2025_上海市人民政府办公厅.md")
    found = {f.ref: f for f in audit(report)}
    assert not [ref for ref in found if ref.startswith("T2-N")]  # the reader's doubt is not the agency's error
    d1 = found["D1:t2.reg_made"]
    assert d1.severity == "待核" and "不能唯一读出" in d1.message
    assert "“22 235”" in d1.message
