"""The reader's doubt is never the agency's defect (issue 15): a text cut short, non-standard
outlines, cells glued to what follows them, evidence across years — each cause as a class, on
generated variants of the seed report and of generated reports (hypothesis), and on the real
reports of tests/data/real where one shows it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ingest_flat import _plain, flattened
from test_ingest_mangle import BASE, correct_reports

from xladdin.audit import audit, audit_paths
from xladdin.audit.lastyear import pairs
from xladdin.ingest import parse_text, read_published
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.values import ABSENT, Doubt, is_number

SEED = Path(__file__).parent / "data" / "seeds" / "000_0f8514aaa6f27642.txt"
TEXT = SEED.read_text("utf-8")
REAL = Path(__file__).parent / "data" / "real"
IDENTITY_RULES = {"E1", "T3-R", "T3-G3", "T3-G4", "T3-G5", "T3-G6", "T3-T", "T4-1", "T4-2", "T4-3"}
N_RULES = {"T2-N", "T3-N", "T4-N"}


@pytest.fixture(scope="module")
def full() -> Report:
    return parse_text(TEXT, "seed")


def _row_ends(text: str) -> list[int]:
    """The end of every table row line of the seed (tables 二, 三, 四)."""
    a, b = text.index("## 二、主动公开"), text.index("## 五、")
    out, pos = [], a
    for line in text[a:b].split("\n"):
        end = pos + len(line)
        if "\t" in line and re.search(r"\d\s*$", line):
            out.append(end)
        pos = end + 1
    return out


def _unsettled(report: Report) -> set[str]:
    return {k for k in SPEC.keys if report.values[k] is ABSENT or isinstance(report.values[k], Doubt)}


def _no_hard_on_unsettled(report: Report, findings: list) -> list[str]:  # type: ignore[type-arg]
    """强制 T*-N or identity findings naming a cell the reader marked absent or in doubt."""
    unsettled = _unsettled(report)
    return [
        f.ref for f in findings
        if f.severity == "强制" and f.rule in N_RULES | IDENTITY_RULES and unsettled & {c.key for c in f.cells}
    ]  # fmt: skip


# --------------------------------------------------------------------------- pages cut short


@pytest.mark.parametrize("newline", [False, True], ids=["cut-mid-line", "cut-after-line-break"])
def test_seed_cut_at_every_row_boundary(newline: bool, full: Report) -> None:
    """The seed text cut after every row of every table: one D2 (待核), the cells after the cut
    absent, nothing beyond it reported as missing (S1, S7), no 强制 at all (the seed is right),
    and every printed number read as in the whole text."""
    ends = _row_ends(TEXT)
    assert len(ends) >= 30
    for end in ends:
        r = parse_text(TEXT[:end] + ("\n" if newline else ""), "cut")
        findings = audit(r)
        [d2] = [f for f in findings if f.rule == "D2"]
        assert d2.severity == "待核" and "原文不完整：在“" in d2.message, end
        assert [f.ref for f in findings if f.severity == "强制"] == [], (end, [f.message for f in findings if f.severity == "强制"])
        assert not [f for f in findings if f.rule in ("S1", "S7")], end
        absent = {k for k in SPEC.keys if r.values[k] is ABSENT}
        assert {c.key for c in d2.cells} == absent, end
        for key in SPEC.keys:
            v = r.values[key]
            if v is ABSENT or isinstance(v, Doubt):
                continue
            assert v == full.values[key], (end, key, v)
        # the row the text stops in: with no line break after it, its last number is not trusted
        # (it may itself be cut), unless it is a 0; everything printed before is read
        assert sum(1 for v in r.values.values() if is_number(v) or v is None) >= 1


def test_flattened_seed_cut_after_every_row(full: Report) -> None:
    """The seed flattened as a crawler stores it, cut after every row's run of digits."""
    report = Report.from_dict(full.to_dict())
    text = flattened(report, [])
    body_at = text.index("\n", text.index("\n") + 1) + 1
    body = text[body_at:]
    runs = [m.end() for m in re.finditer(r"\d(?=\D)", body) if body_at + m.end() > text.index("二、主动公开")]
    stops = [e for e in runs if "五、" not in body[:e]][::4]  # every 4th run end: a spread of cut points
    assert len(stops) >= 8
    for stop in stops:
        r = parse_text(text[: body_at + stop], "flat cut")
        findings = audit(r)
        assert _no_hard_on_unsettled(r, findings) == [], stop
        assert [f.ref for f in findings if f.rule == "D2"] == ["D2"], stop
        assert not [f for f in findings if f.rule in ("S1", "S7") and f.severity == "强制"], stop
        for key in SPEC.keys:
            v = r.values[key]
            if is_number(v):
                assert v == full.values[key], (stop, key, v)


def test_a_half_printed_glued_row_is_never_read_as_numbers(full: Report) -> None:
    """A flattened row "一、本年新收…10000010" cut after a few digits is not read as numbers
    (not 1,0,0 nor 100): its cells are absent, and nothing is 强制."""
    text = flattened(Report.from_dict(full.to_dict()), [])
    label = "一、本年新收政府信息公开申请数量"
    for digits in range(1, 8):
        r = parse_text(text[: text.index(label) + len(label) + digits])
        assert all(r.values[f"t3.new.{c}"] is ABSENT for c in ("natural", "biz", "total")), digits
        assert not [f for f in audit(r) if f.severity == "强制"], digits


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(report=correct_reports(BASE), spaces=st.lists(st.integers(0, 10**6), max_size=4), at=st.floats(0.0, 1.0))
def test_generated_flattened_and_cut_short_blames_nothing_unsettled(report: Report, spaces: list[int], at: float) -> None:
    """For any generated report, flattened and cut short anywhere in its tables: no T*-N or
    identity finding is 强制 on a cell the reader marked absent, ambiguous or unreadable, and
    the parts never reached are not reported missing."""
    report = _plain(report)
    text = flattened(report, spaces)
    a, b = text.index("二、"), text.index("五、")
    cut = a + int((b - a) * at)
    got = parse_text(text[:cut])
    findings = audit(got)
    assert _no_hard_on_unsettled(got, findings) == []
    never = set((got.observed.get("cut") or {}).get("sections") or [])
    assert not [f.ref for f in findings if f.rule == "S1" and f.ref.split(":")[1].split(".")[0] in never]
    assert not [f.ref for f in findings if f.rule == "S7"]


def test_truncated_real_reports_say_so_once() -> None:
    for name, stop in (
        ("2023_广州市海珠区官洲街道办事处.txt", "表三从"),
        ("2023_西咸新区底张街道办事处.txt", "表二从"),
        ("2025_海城市西四镇.txt", "表二从"),
    ):
        r = read_published(REAL / name)
        findings = audit(r)
        [d2] = [f for f in findings if f.rule == "D2"]
        assert stop in d2.message and "第四、五、六部分" in d2.message or "第三、四、五、六部分" in d2.message
        assert not [f for f in findings if f.rule in ("S1", "S7")]


# --------------------------------------------------------------------------- outlines


def _swap(text: str, a: str, b: str) -> str:
    """The seed with the blocks of two headings (up to the next "## ") swapped."""
    i, j = text.index(a), text.index(b)
    j_end = text.find("\n## ", j + 1)
    j_end = len(text) if j_end < 0 else j_end
    block_a, block_b = text[i:j], text[j:j_end]
    return text[:i] + block_b.rstrip("\n") + "\n\n" + block_a.rstrip("\n") + "\n" + text[j_end:]


def _s1(findings: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f.ref, f.severity) for f in findings if f.rule == "S1"]


def test_renamed_sections_are_read_and_said_once(full: Report) -> None:
    text = TEXT.replace("## 五、存在的主要问题及改进情况", "## 五、存在的主要问题及改进措施")
    text = text.replace("## 六、其他需要报告的事项", "## 六、需要说明的其他事项与附表")
    r = parse_text(text)
    assert r.values == full.values and r.sections["s5"] == full.sections["s5"] and r.sections["s6"] == full.sections["s6"]
    assert _s1(audit(r)) == [("S1:s5.title", "提示"), ("S1:s6.title", "提示")]
    said = {f.ref: f.message for f in audit(r)}
    assert "印作“五、存在的主要问题及改进措施”" in said["S1:s5.title"]


def test_swapped_sections_are_one_order_finding(full: Report) -> None:
    text = _swap(TEXT, "## 五、存在的主要问题", "## 六、其他需要报告的事项")
    text = text.replace("## 五、存在的主要问题及改进情况", "## 六、存在的主要问题及改进情况").replace(
        "## 六、其他需要报告的事项", "## 五、其他需要报告的事项"
    )
    r = parse_text(text)
    assert [h["section"] for h in r.observed["headings"]][-2:] == ["s6", "s5"]
    assert r.values == full.values and r.sections["s5"] == full.sections["s5"]
    findings = audit(r)
    assert _s1(findings) == [("S1:order", "强制")]
    [order] = [f for f in findings if f.rule == "S1"]
    assert "原文第五部分为“五、其他需要报告的事项”" in order.message
    assert not [f for f in findings if f.ref in ("S3", "X4:silent")]


def test_a_fee_table_in_place_of_part_five(full: Report) -> None:
    """五、信息处理费收取情况 with a small table of its own, then 六、存在的主要问题…: the fee table is
    not table 四, the parts are known by their words, one S1 says what was printed instead."""
    s5_at, s6_at = TEXT.index("## 五、"), TEXT.index("## 六、")
    problems = TEXT[s5_at:s6_at].replace("## 五、存在的主要问题及改进情况", "## 六、存在的主要问题及改进措施")
    fee = "## 五、信息处理费收取情况\n\n通知收取件数\t通知收取金额（元）\t实际收取金额（元）\n3\t120\t120\n\n"
    sign = TEXT[TEXT.index("威海市人力资源和社会保障局\n\n2025") :]
    r = parse_text(TEXT[:s5_at] + fee + problems + "\n" + sign)
    assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}
    findings = audit(r)
    [order] = [f for f in findings if f.rule == "S1"]
    assert order.severity == "强制" and "信息处理费收取情况" in order.message and "没有“其他需要报告的事项”" in order.message
    assert not [f for f in findings if f.rule in ("X4", "S3", "S7", "D2")]


def test_a_missing_heading_and_a_merged_part(full: Report) -> None:
    r = parse_text(TEXT.replace("#### 四、政府信息公开行政复议、行政诉讼情况", ""))
    assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}
    assert _s1(audit(r)) == [("S1:s4", "强制")]
    s6_at = TEXT.index("## 六、")
    merged = TEXT[:s6_at].replace("## 五、存在的主要问题及改进情况", "## 五、存在的主要问题及改进情况和其他需要报告的事项")
    merged += TEXT[TEXT.index("\n", s6_at) + 1 :]
    r = parse_text(merged)
    [f] = [f for f in audit(r) if f.ref == "S1:s6"]
    assert "没有单列：原文并入“五、存在的主要问题及改进情况和其他需要报告的事项”" in f.message


def test_flattened_outline_variants(full: Report) -> None:
    """The same renamed and swapped headings in text that lost its line structure."""
    report = Report.from_dict(full.to_dict())
    text = flattened(report, [])
    renamed = text.replace("五、存在的主要问题及改进情况（文字描述）", "五、存在的主要问题及改进措施")
    r = parse_text(renamed)
    assert [h["section"] for h in r.observed["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}
    fee = text.replace(
        "五、存在的主要问题及改进情况（文字描述）", "五、信息处理费收取情况通知收取件数通知收取金额（元）实际收取金额（元）000六、存在的主要问题及改进措施"
    ).replace("六、其他需要报告的事项（文字描述，收取信息处理费情况在此处报告。）", "")
    r = parse_text(fee)
    assert sorted(h["section"] for h in r.observed["headings"]) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}
    assert [f.ref for f in audit(r) if f.rule == "S1"] == ["S1:order"]


def test_a_space_inside_the_heading_suffix_keeps_the_heading(full: Report) -> None:
    """The hypothesis failure of test_flattened_reports_read_exactly_or_ambiguous: a space
    inserted into "（文字描述，…）" of 六、 made it no heading (sections' suffix pattern)."""
    report = Report.from_dict(full.to_dict())
    text = flattened(report, [])
    at = text.index("六、其他需要报告的事项（") + len("六、其他需要报告的事项")
    for k in range(0, 6):
        spaced = text[: at + k] + " " + text[at + k :]
        assert [h["section"] for h in parse_text(spaced).observed["headings"]][-1] == "s6", k


def test_real_outline_with_a_fee_table_in_place_of_part_five() -> None:
    r = read_published(REAL / "2025_平潭综合实验区金井片区管理局.txt")
    assert [h["section"] for h in r.observed["headings"]] == ["s1", "s2", "s3", "s4", "s6", "s5"]
    assert all(r.values[c.key] == 0 for c in SPEC.cells_of("t4"))  # the fee table's 0 0 0 is not table 四
    findings = audit(r)
    [s1] = [f for f in findings if f.rule == "S1"]
    assert s1.ref == "S1:order" and "“五、信息处理费收取情况”" in s1.message and "“六、存在的主要问题及改进措施”" in s1.message
    assert r.sections["s5"].startswith("2025年，我局政府信息公开工作取得阶段性成效")


# --------------------------------------------------------------------------- glued to what follows


@pytest.mark.parametrize(
    "tail", [" 2024年，我局共发布信息107条。", "\t2025年1月14日", " 第3页", "2023年，在主动公开的107条政府信息中"]
)
def test_text_and_a_year_after_the_last_cell_of_each_table(tail: str, full: Report) -> None:
    lines = TEXT.split("\n")
    last = {
        "t2": next(i for i, ln in enumerate(lines) if ln.startswith("行政事业性收费")),
        "t3": next(i for i, ln in enumerate(lines) if ln.startswith("四、结转下年度")),
        "t4": next(i for i, ln in enumerate(lines) if ln.startswith("0\t0\t0\t0\t0\t0\t0\t0")),
    }
    for table, i in last.items():
        glued = list(lines)
        glued[i] = glued[i].rstrip("\t") + tail
        r = parse_text("\n".join(glued))
        assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}, (table, tail)
        assert audit(r) == [], (table, tail)


@pytest.mark.parametrize("tail", ["2023年，在主动公开的107条政府信息中，全文电子化的共107条。", "（二）主动公开政府信息的主要类别2023年，共107条。"])
def test_flattened_text_after_the_last_cell_of_each_table(tail: str, full: Report) -> None:
    report = Report.from_dict(full.to_dict())
    text = flattened(report, [])
    for table, marker in (("t2", "268.29"), ("t3", "四、结转下年度继续办理0000000"), ("t4", "0" * 15)):
        at = text.index(marker) + len(marker)
        r = parse_text(text[:at] + tail + text[at:])
        assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}, table


def test_real_fee_cell_glued_to_the_next_paragraph() -> None:
    r = read_published(REAL / "2023_平潭综合实验区财政金融局.txt")
    assert str(r.values["t2.fee_wan"]) == "5949.09"
    assert r.sections["s2"].count("主要类别") == 1  # the paragraph after the table stays one paragraph


# --------------------------------------------------------------------------- evidence across years


def _this_and_last(tmp_path: Path, example: Report) -> tuple[Path, Path]:
    """This year's text with table 二's 行政规范性文件 row glued (1213: 1/2/13 and 1/21/3 both keep
    现行有效 at or above 本年制发; only last year's 现行有效 14 settles it: 14 + 1 − 2 = 13) and no
    narrative figure; last year's report as JSON."""
    last = Report.from_dict(example.to_dict())
    last.meta.year = 2023
    last.values["t2.norm_valid"] = 14
    last.values["t3.carry_out.natural"], last.values["t3.carry_out.total"] = 0, 0
    text = TEXT.replace("行政规范性文件\t0\t1\t19", "行政规范性文件1213").replace("废止规范性文件 1 件，现行有效规范性文件 19 件。", "")
    this = tmp_path / "2024年报.txt"
    this.write_text(text, "utf-8")
    prev = tmp_path / "上年" / "2023年报.json"
    prev.parent.mkdir()
    prev.write_text(last.to_json(), "utf-8")
    return this, prev


def test_last_years_report_settles_table_two(tmp_path: Path, example: Report) -> None:
    this, prev = _this_and_last(tmp_path, example)
    alone = read_published(this)
    assert all(isinstance(alone.values[f"t2.norm_{m}"], Doubt) for m in ("repealed", "valid"))
    [record] = audit_paths([this], previous=str(prev.parent))
    assert record.previous == str(prev)
    assert not [f for f in record.findings if f.rule == "D1"]  # settled: no 待核 left
    # in a folder audit without --previous, last year's report in the folder counts as --previous
    records = {Path(r.source).name: r for r in audit_paths([this, prev], jobs=1)}
    assert records["2024年报.txt"].previous == str(prev)
    assert not [f for f in records["2024年报.txt"].findings if f.rule == "D1"]


def test_the_note_says_last_year_decided(tmp_path: Path, example: Report) -> None:
    from xladdin.audit.lastyear import reread
    from xladdin.load import load_report

    this, prev = _this_and_last(tmp_path, example)
    r = reread(read_published(this), load_report(prev))
    assert [r.values[f"t2.norm_{m}"] for m in ("made", "repealed", "valid")] == [1, 2, 13]
    assert "按上年报告行政规范性文件现行有效 14 件（T2-C）确定为 1,2,13" in r.notes["t2.norm_valid"]
    assert r.observed["previous_evidence"] == str(prev)


def test_last_year_is_the_same_agency_exactly() -> None:
    class R:
        def __init__(self, source: str, agency: str, year: int) -> None:
            self.source, self.meta, self.error = source, {"agency": agency, "year": year}, ""

    records = [
        R("a", "上海市人民政府", 2024), R("b", "上海市人民政府办公厅", 2023), R("c", "上海市人民政府办公厅", 2024),
        R("d", "上海市 人民政府", 2023), R("e", "甲局", 2024), R("f", "甲局", 2023), R("g", "甲局", 2023),
    ]
    # 上海市人民政府 takes its own 2023 (spaces folded), never 办公厅's; 甲局 has two 2023s: none
    assert pairs(records) == {0: "d", 2: "b"}


# --------------------------------------------------------------------------- narrative, title, metadata


def _request(text: str, full: Report) -> list[str]:
    r = Report.from_dict(full.to_dict())
    r.sections["s1.request"] = text
    return [f.ref for f in audit(r) if f.rule.startswith("X")]


def test_structure_words_items_and_scope_are_not_case_counts(full: Report) -> None:
    # the seed's table 三: 本年新收 10, 复议 0, 诉讼 0
    assert _request("本报告分六个部分，从三个方面总结行政复议、行政诉讼工作。", full) == []
    assert _request("依申请公开及不予公开319份，依申请公开信息354条。", full) == []
    assert _request("全市共收到政府信息公开申请5000件，各部门均已办结。", full) == []
    assert _request("本机关共收到政府信息公开申请12件。", full) == ["X1:s1.request:request.received"]


def test_the_preface_banner_is_not_quoted() -> None:
    for path in sorted(REAL.glob("*.txt")):
        for f in audit(read_published(path)):
            assert "====" not in f.message and "====" not in f.snippet, (path.name, f.ref)


def test_items_published_in_a_real_narrative() -> None:
    r = read_published(REAL / "2024_平潭综合实验区综合执法与应急管理局.txt")
    x = [f for f in audit(r) if f.rule.startswith("X")]
    [f] = x  # one sentence, one finding: the table records no application at all
    assert f.severity == "提示" and {"t3.new.total", "t3.total.total", "t3.unable_1.total"} <= {c.key for c in f.cells}
    assert "319" not in f.message


def test_title_and_agency_read_clean() -> None:
    for path in sorted(REAL.glob("*平潭*.txt")):
        r = read_published(path)
        assert not r.meta.agency.startswith("标题") and r.meta.agency.startswith("平潭综合实验区"), path.name
        assert r.observed["published_from"] == "发布日期"
    r = read_published(REAL / "2023_平潭综合实验区财政金融局.txt")
    assert r.meta.published == "2024-01-31" and r.observed["signature_date"] == "2024-01-29"


def test_s4_says_which_date_it_used(full: Report) -> None:
    late = TEXT.replace("2025年1月14日", "2025年2月14日")
    r = parse_text(late)
    [f] = [f for f in audit(r) if f.rule == "S4"]
    assert "落款日期（原文未印发布日期，以落款日期代替）" in f.message
    r = parse_text("发布日期：2025-02-14\n" + TEXT)
    [f] = [f for f in audit(r) if f.rule == "S4"]
    assert f.message.startswith("发布日期（原文所印“发布日期/发布时间”） 2025-02-14")


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("威海市人力资源和社会保障局2024年政府信息公开年度报告", "缺少“工作”二字"),
        ("威海市人力资源和社会保障局2024年政府信息公开工作告年度报", "字样有误或不完整"),
        ("标题: 威海市人力资源和社会保障局2024年政府信息公开工作年度报告", ""),
        ("威海市人力资源和社会保障局2024年度政府信息公开工作年度报告", ""),
    ],
)
def test_title(title: str, said: str) -> None:
    text = TEXT.replace("## 2024 年政府信息公开工作年度报告", title).replace("# 威海市人力资源和社会保障局\n", "")
    r = parse_text(text)
    assert r.meta.agency == "威海市人力资源和社会保障局"
    found = [f for f in audit(r) if f.rule == "S8"]
    if not said:
        assert found == []
    else:
        [f] = found
        assert f.severity == "提示" and said in f.message and "应为“威海市人力资源和社会保障局2024年政府信息公开工作年度报告”" in f.message


# --------------------------------------------------------------------------- 待核 everywhere


def test_doubt_in_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str], example: Report) -> None:
    from openpyxl import load_workbook

    from xladdin.cli import main
    from xladdin.io.sheets import BLUE

    src = REAL / "2025_上海市人民政府办公厅.md"
    js = tmp_path / "上海.json"
    assert main(["dump", str(src), "--json"]) == 0
    js.write_text(capsys.readouterr().out, "utf-8")
    # check: 待核 alone exits 0; the terminal says 待核 and counts it apart
    assert main(["check", str(js)]) == 0
    out = capsys.readouterr().out
    assert "待核" in out and "2 处待核" in out
    assert main(["check", str(js), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [f["severity"] for f in found] == ["待核", "待核", "提示"]  # and S6, a 提示
    assert found[0]["cells"][0]["doubt"]["printed"] == "22 235"
    # the findings workbook: its own colour, a filter over the severity column, counted apart
    book = tmp_path / "结果.xlsx"
    assert main(["check", str(js), "--xlsx", str(book)]) == 0
    capsys.readouterr()
    wb = load_workbook(book)
    ws = wb["审核结果"]
    assert ws.auto_filter.ref and ws.cell(2, 2).value == "待核" and ws.cell(2, 2).fill.fgColor.rgb.endswith(BLUE)
    overview = {r[0]: r[1] for r in wb["概况"].iter_rows(values_only=True) if r[0]}
    assert overview["待核"] == 2 and overview["强制错误"] == 0
    # the batch: a report right but for one row in doubt exits 0, counted and coloured apart
    data = example.to_dict()
    data["doubt"] = {
        f"t2.norm_{m}": {"printed": "1213", "readings": [], "why": "有多种读法", "row": "第34行", "row_readings": ["1,21,3", "1,2,13"]}
        for m in ("repealed", "valid")
    }
    doubtful = tmp_path / "批" / "待核.json"
    doubtful.parent.mkdir()
    doubtful.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    (tmp_path / "批" / "示例.json").write_text(example.to_json(), "utf-8")
    assert main(["audit", str(doubtful.parent), "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "1 个有待核（无强制错误）、须人工核定" in out and "D1 1 处" in out
    audit_book = tmp_path / "审核.xlsx"
    assert main(["audit", str(doubtful), "--xlsx", str(audit_book)]) == 0
    capsys.readouterr()
    wb = load_workbook(audit_book)
    head = [c.value for c in wb["汇总"][1]]
    row = [c.value for c in wb["汇总"][2]]
    assert row[head.index("待核")] == 1 and row[head.index("结论")] == "有待核" and row[head.index("强制")] == 0
    assert wb["汇总"].cell(2, head.index("结论") + 1).fill.fgColor.rgb.endswith(BLUE)
    detail = wb["明细"]
    sev = [c.value for c in detail[1]].index("严重程度") + 1
    assert {detail.cell(r, sev).value for r in range(2, detail.max_row + 1)} >= {"待核"}
    doubt_rows = [r for r in range(2, detail.max_row + 1) if detail.cell(r, sev).value == "待核"]
    assert all(detail.cell(r, sev).fill.fgColor.rgb.endswith(BLUE) for r in doubt_rows)


def test_a_workbook_total_over_a_blank_cell_is_not_compared() -> None:
    """A clerk's blank 表三!H15 makes Excel's （七）总计 one short: the narrative is not compared
    with that total (the blank itself is a T3-N finding); with the cell filled it is."""
    from xladdin.io import read_report
    from xladdin.io.example import example_workbook

    report = read_report(example_workbook())
    assert "t3.total.total" in report.formulas
    blank = next(k for k in SPEC.keys if report.address(k) == "表三!H15")
    total = report.values["t3.total.total"]
    report.sections["s1.request"] = f"全年共办结政府信息公开申请{total + 1}件。"  # type: ignore[operator]
    assert [f.ref for f in audit(report) if f.rule == "X1"] == ["X1:s1.request:request.done"]
    report.values[blank] = None
    findings = audit(report)
    assert [f.ref for f in findings if f.rule == "X1"] == []
    assert f"T3-N:{blank}" in {f.ref for f in findings}


@pytest.mark.parametrize(
    ("template", "printed"),
    [
        ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("五、存在的主要问题及改进情况（文字描述）", "五、存在问题及改进措施"),
        ("五、存在的主要问题及改进情况（文字描述）", "五、存在的主要问题及下一步工作打算"),
        ("六、其他需要报告的事项（文字描述，收取信息处理费情况在此处报告。）", "六、其他事项"),
        ("六、其他需要报告的事项（文字描述，收取信息处理费情况在此处报告。）", "六、需要说明的其他事项与附表"),
        ("六、其他需要报告的事项（文字描述，收取信息处理费情况在此处报告。）", "六、需要说明的其他事项"),
    ],
)
def test_renamed_headings_in_flattened_text(template: str, printed: str, full: Report) -> None:
    text = flattened(Report.from_dict(full.to_dict()), [])
    r = parse_text(text.replace(template, printed))
    assert [h["text"] for h in r.observed["headings"] if h["text"].startswith(printed[0])] == [printed]
    assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}
    key = {"四": "s4", "五": "s5", "六": "s6"}[printed[0]]
    assert [(f.ref, f.severity) for f in audit(r) if f.rule == "S1"] == [(f"S1:{key}.title", "提示")]


def test_headings_numbered_as_parts_in_flattened_text(full: Report) -> None:
    """"第二部分 主动公开政府信息情况": the part's number written out is the template's heading."""
    text = flattened(Report.from_dict(full.to_dict()), [])
    for old, new in (("二、主动公开政府信息情况", "第二部分 主动公开政府信息情况"), ("五、存在的主要问题", "第五部分存在的主要问题")):
        text = text.replace(old, new)
    r = parse_text(text)
    assert [h["section"] for h in r.observed["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert {k: r.values[k] for k in SPEC.keys} == {k: full.values[k] for k in SPEC.keys}
    assert [f for f in audit(r) if f.rule == "S1"] == []


def test_a_doubt_from_any_reader_is_checked_alike(full: Report) -> None:
    """A cell put in doubt by OCR (not by the repair: no entry in observed["repair"]) is one D1
    for its row with its readings, no T3-N, in no identity, and no narrative total uses it."""
    r = Report.from_dict(full.to_dict())
    r.observed = {}
    r.values["t3.new.natural"] = Doubt("8", (8, 3), "文字识别存疑（3/8 形近）", "第2页第5行")
    r.values["t3.new.total"] = Doubt("18", (18, 13), "文字识别存疑（3/8 形近）", "第2页第5行")
    r.sections["s1.request"] = "本年新收政府信息公开申请99件。"
    findings = audit(r)
    [d1] = [f for f in findings if f.rule == "D1"]
    assert d1.severity == "待核" and [c.key for c in d1.cells] == ["t3.new.natural", "t3.new.total"]
    assert "8 / 3" in d1.message and "18 / 13" in d1.message and "文字识别存疑" in d1.message
    assert not [f for f in findings if f.severity == "强制"]
    assert not [f for f in findings if f.rule.startswith(("T3", "E1", "X1"))]


@pytest.mark.parametrize(
    "printed",
    [
        "标题: 平潭综合实验区财政金融局", "首页>政务公开>平潭综合实验区财政金融局", "2024-01-31 平潭综合实验区财政金融局",
        "平潭综合实验区财政金融局（2024年1月29日）", "中国平潭 | 平潭综合实验区财政金融局",
    ],
)
def test_agency_name_without_label_banner_or_date(printed: str) -> None:
    from xladdin.ingest.sections import clean_agency

    assert clean_agency(printed) == "平潭综合实验区财政金融局"
    assert clean_agency("某市大数据和网站管理中心") == "某市大数据和网站管理中心"  # 网站 in a name is the name
