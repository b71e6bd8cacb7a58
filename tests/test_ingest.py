"""Published reports in, Report out: the seed text, the two real examples, repair cases and
the `xladdin import` command."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import DATA, EXAMPLE_JSON, SEED_TEXT

from xladdin.check import check
from xladdin.cli import main
from xladdin.errors import InputError
from xladdin.ingest import parse_text, read_published
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_COLS, T3_ROWS
from xladdin.values import Doubt

HONGZE = DATA / "examples" / "2024_洪泽区人民政府.txt"
SHUYANG = DATA / "examples" / "2023_沭阳县发展和改革局.txt"


def t3_rows(rows: dict[str, list]) -> dict[str, object]:
    return {f"t3.{row}.{col}": v for row, vals in rows.items() for (col, _), v in zip(T3_COLS, vals, strict=True)}


# --------------------------------------------------------------------------- the seed

@pytest.fixture(scope="module")
def seed() -> Report:
    return read_published(SEED_TEXT)


def test_seed_values_are_exactly_the_example(seed: Report, example: Report) -> None:
    assert {k: seed.values[k] for k in SPEC.keys} == {k: example.values[k] for k in SPEC.keys}
    assert isinstance(seed.values["t2.fee_wan"], Decimal) and seed.values["t2.fee_wan"] == Decimal("268.29")


def test_seed_sections_and_meta_are_exactly_the_example(seed: Report, example: Report) -> None:
    for part in SPEC.parts:
        assert seed.sections[part.key] == example.sections[part.key], part.key
    assert seed.meta == example.meta


def test_seed_repairs_are_marked_with_their_reason(seed: Report) -> None:
    # the 予以公开 row prints six numbers for seven columns: 3 0 0 0 0 3
    for col, _ in T3_COLS:
        assert "只印 6 个数" in seed.notes[f"t3.open.{col}"]
        assert "3,0,0,0,0,0,3" in seed.notes[f"t3.open.{col}"]
    assert seed.addresses["t3.open.natural"] == "第53行"
    assert seed.addresses["t4.review_keep"] == "第84行"
    # 1.属于国家秘密 is blank, its numbers printed on the (三)不予公开 line
    assert "视为第 1 项的数字" in seed.notes["t3.deny_1.natural"]
    assert "只印 6 个数" in seed.notes["t3.deny_1.natural"]
    assert set(seed.observed["repair"]["repaired"]) >= {f"t3.open.{c}" for c, _ in T3_COLS}
    assert seed.observed["repair"]["ambiguous"] == [] and seed.observed["repair"]["unreadable"] == []
    # the typo "2. 其他法律法规禁止公开" is still row deny_2
    assert seed.addresses["t3.deny_2.natural"] == "第58行"


def test_seed_passes_every_check(seed: Report) -> None:
    assert check(seed) == []


def test_seed_observed_structure(seed: Report) -> None:
    obs = seed.observed
    assert [h["section"] for h in obs["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert obs["headings"][3] == {"section": "s4", "text": "四、政府信息公开行政复议、行政诉讼情况", "where": "第79行"}
    assert obs["title"] == "威海市人力资源和社会保障局2024年政府信息公开工作年度报告"
    assert obs["signature"] == "威海市人力资源和社会保障局" and obs["signature_date"] == "2025-01-14"
    assert obs["tables"] == ["t2", "t3", "t4"] and obs["old_format_labels"] == []


# --------------------------------------------------------------------------- 洪泽区 (PDF text)

# Read by hand from the pdfplumber text: numbers often sit on the line before their label;
# （六）其他处理 is printed as one row (0 in every column), so its three items are 0.
HONGZE_T3 = {
    "new": [95, 0, 0, 0, 0, 0, 95], "carry_in": [0] * 7, "open": [50, 0, 0, 0, 0, 0, 50],
    "partial": [9, 0, 0, 0, 0, 0, 9], "deny_1": [0] * 7, "deny_2": [0] * 7,
    "deny_3": [1, 0, 0, 0, 0, 0, 1], "deny_4": [0] * 7, "deny_5": [0] * 7,
    "deny_6": [1, 0, 0, 0, 0, 0, 1], "deny_7": [1, 0, 0, 0, 0, 0, 1], "deny_8": [0] * 7,
    "unable_1": [31, 0, 0, 0, 0, 0, 31], "unable_2": [1, 0, 0, 0, 0, 0, 1], "unable_3": [0] * 7,
    "noproc_1": [1, 0, 0, 0, 0, 0, 1], "noproc_2": [0] * 7, "noproc_3": [0] * 7,
    "noproc_4": [0] * 7, "noproc_5": [0] * 7, "other_1": [0] * 7, "other_2": [0] * 7,
    "other_3": [0] * 7, "total": [95, 0, 0, 0, 0, 0, 95], "carry_out": [0] * 7,
}  # fmt: skip
HONGZE_T2 = {
    "t2.reg_made": 0, "t2.reg_repealed": 0, "t2.reg_valid": 0, "t2.norm_made": 3,
    "t2.norm_repealed": 0, "t2.norm_valid": 8, "t2.licensing": 9487, "t2.penalty": 2776,
    "t2.coercion": 84, "t2.fee_wan": Decimal("7545"),
}  # fmt: skip
HONGZE_T4 = [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]


def test_hongze_pdf_text_imports_completely() -> None:
    r = read_published(HONGZE)
    expected = {**HONGZE_T2, **t3_rows(HONGZE_T3)}
    expected.update(zip([c.key for c in SPEC.cells_of("t4")], HONGZE_T4, strict=True))
    assert {k: r.values[k] for k in SPEC.keys} == expected
    assert check(r) == []
    assert r.meta.agency == "淮安市洪泽区人民政府" and r.meta.year == 2024 and r.meta.level == "县"
    assert r.meta.contact_phone == "0517-87290606" and r.meta.contact_address == "淮安市洪泽区洪泽湖大道90号"
    assert r.meta.published == ""  # the text ends without a signature date: not invented
    assert r.observed["t3_rows"] == 23
    assert "23 行" in r.notes["t3.other_2.natural"]
    assert r.extra["t3.other.natural"] == 0  # the printed （六） row
    # provenance: numbers before their label ("9 0 0 0 0 0 9" on line 72, label on 71)
    assert r.addresses["t3.partial.natural"] == "第72行"
    assert r.addresses["t3.deny_3.natural"] == "第79行"
    assert r.addresses["t3.noproc_5.natural"] == "第101行"
    assert [h["section"] for h in r.observed["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert r.sections["s1.request"].startswith("（二）依申请公开情况。")
    assert "受理政府信息公开申请 17 件" in r.sections["s1.request"]
    assert r.sections["s6"].endswith("信息处理费 0 元。")


# --------------------------------------------------------------------------- 沭阳县 (HTML text)

def test_shuyang_imports_completely_with_its_printed_blanks() -> None:
    r = read_published(SHUYANG)
    party = [c for c, _ in T3_COLS if c not in ("natural", "total")]
    naturals = {"new": 26, "open": 26, "total": 26}
    for row, _, _ in T3_ROWS:
        n = naturals.get(row, 0)
        assert r.values[f"t3.{row}.natural"] == n and r.values[f"t3.{row}.total"] == n
        for col in party:
            assert r.values[f"t3.{row}.{col}"] is None  # printed blank: not 0
    assert [r.values[c.key] for c in SPEC.cells_of("t4")] == [0, 0, 0, 1, 1] + [0] * 10
    assert [r.values[c.key] for c in SPEC.cells_of("t2")] == [0, 0, 0, 8, 0, 18, 0, 0, 0, Decimal("0")]
    findings = check(r)
    # exactly what the report deserves: its 125 blank cells, and its table 二 row printed under
    # the old label 规范性文件 (a 提示: every cell of it is printed and read)
    [layout] = [f for f in findings if f.rule == "F1"]
    assert (layout.ref, layout.severity) == ("F1:t2", "提示") and "印作“规范性文件”" in layout.message
    assert len(findings) == 126 and {f.rule for f in findings} == {"T3-N", "F1"}
    assert r.meta.agency == "沭阳县发展和改革局" and r.meta.year == 2023 and r.meta.level == "部门"
    assert r.meta.published == "2024-01-17" and r.meta.contact_phone == "0527-83593059"
    assert r.meta.website == "http://www.shuyang.gov.cn/"
    assert r.observed["headings"][4]["text"] == "五、存在的主要问题及整改措施"  # old title, still section 五
    assert r.sections["s1.platform"].startswith("（四）加强平台建设")
    assert r.sections["s1.oversight"].startswith("（五）及时回应关切")
    assert r.sections["s6"] == "2023年度，县发展和改革局政府信息公开未发生收费情况。"


# --------------------------------------------------------------------------- repair cases

def _seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")


def test_glued_digits_with_a_narrative_clue_are_split() -> None:
    text = _seed_text().replace("行政规范性文件\t0\t1\t19", "行政规范性文件0119")
    r = parse_text(text)
    assert [r.values[k] for k in ("t2.norm_made", "t2.norm_repealed", "t2.norm_valid")] == [0, 1, 19]
    assert "粘连" in r.notes["t2.norm_valid"]


def test_glued_digits_without_clue_are_ambiguous_never_guessed() -> None:
    # 52348: 5/23/48, 5/2/348, 5/234/8 (and 52/3/48 … whose 现行有效 is below 本年制发): only
    # 本年制发 = 5 is settled, by plausibility, and the note says so; the other two stay open
    text = _seed_text().replace("行政规范性文件\t0\t1\t19", "行政规范性文件52348")
    r = parse_text(text)
    assert r.values["t2.norm_made"] == 5
    assert "仅按合理性（现行有效件数不低于本年制发件数）" in r.notes["t2.norm_made"]
    for key in ("t2.norm_repealed", "t2.norm_valid"):
        value = r.values[key]
        assert isinstance(value, Doubt) and value.printed == "52348" and "5,23,48" in value.row_readings
        assert "无法确定" in r.notes[key]
        assert "5,23,48 / " in r.notes[key] or " / 5,23,48" in r.notes[key]
    assert r.values["t2.norm_repealed"].readings == (2, 23, 234)  # type: ignore[union-attr]
    assert set(r.observed["repair"]["ambiguous"]) == {"t2.norm_repealed", "t2.norm_valid"}
    # the reader's doubt is one 待核 finding for the row, never a T2-N 强制 against the agency
    [d1] = check(r)
    assert (d1.rule, d1.severity) == ("D1", "待核")
    assert [c.key for c in d1.cells] == ["t2.norm_repealed", "t2.norm_valid"]
    assert "“52348”" in d1.message and "5,23,48" in d1.message and "不是报告的错误" in d1.message


def test_glued_digits_resolved_by_last_years_report(example: Report) -> None:
    previous = Report.from_dict(example.to_dict())
    previous.values["t2.norm_valid"] = 20  # 20 + 3 − 1 = 22: of 3/1/22, 3/12/2, 31/2/2 only the first fits
    text = _seed_text().replace("行政规范性文件\t0\t1\t19", "行政规范性文件3122")
    text = text.replace("废止规范性文件 1 件，现行有效规范性文件 19 件。", "")
    r = parse_text(text, previous=previous)
    assert [r.values[k] for k in ("t2.norm_made", "t2.norm_repealed", "t2.norm_valid")] == [3, 1, 22]
    assert "按上年报告行政规范性文件现行有效 20 件（T2-C）确定为 3,1,22" in r.notes["t2.norm_made"]
    # 5223 fits twice (5/2/23 and 5/22/3 both give 20 + made − repealed = valid); only the first
    # keeps 现行有效 at or above 本年制发: taken, by plausibility, with a note saying so
    text = text.replace("行政规范性文件3122", "行政规范性文件5223")
    r = parse_text(text, previous=previous)
    assert [r.values[k] for k in ("t2.norm_made", "t2.norm_repealed", "t2.norm_valid")] == [5, 2, 23]
    assert "仅按合理性" in r.notes["t2.norm_valid"]
    # 5233: 5/2/33 and 5/23/3 fit T2-C … and 5/23/3 is implausible; 1211: 1/2/11? 20+1-2=19 no …
    text = text.replace("行政规范性文件5223", "行政规范性文件6226")  # 6/2/26? 24 no; 6/22/6? 4 no: none fits
    r = parse_text(text, previous=previous)
    value = r.values["t2.norm_valid"]
    assert isinstance(value, Doubt) and value.printed == "6226" and "无法确定" in r.notes["t2.norm_valid"]


def test_glued_t3_row_is_split_by_the_identities() -> None:
    text = _seed_text().replace("2. 重复申请\t1\t0\t0\t0\t0\t0\t1", "2. 重复申请\t10\t0\t0\t0\t0\t1")
    r = parse_text(text)
    assert [r.values[f"t3.noproc_2.{c}"] for c, _ in T3_COLS] == [1, 0, 0, 0, 0, 0, 1]
    assert check(r) == []


def test_23_row_table_with_other_cases_leaves_items_unknown() -> None:
    # (六) printed as one row with 1 case: which of its three items is unknown, say so
    text = _seed_text()
    start = text.index("(六) 其他处理")
    end = text.index("(七) 总计")
    text = text[:start] + "(六) 其他处理\t1\t0\t0\t0\t0\t0\t1\n" + text[end:]
    r = parse_text(text)
    for row in ("other_1", "other_2", "other_3"):
        assert isinstance(r.values[f"t3.{row}.natural"], Doubt)
        assert r.values[f"t3.{row}.biz"] == 0  # a zero subtotal does decide its items
        assert "23 行" in r.notes[f"t3.{row}.natural"]
    assert r.extra["t3.other.natural"] == 1
    assert r.values["t3.total.natural"] == 10


def test_2019_format_gives_exactly_one_f1() -> None:
    text = _seed_text().replace("本年制发件数\t本年废止件数\t现行有效件数", "本年新制作数量\t本年新公开数量\t对外公开总数量")
    r = parse_text(text)
    assert r.notes["old_format_label"] == "本年新制作数量"
    f1 = [f for f in check(r) if f.rule == "F1"]
    assert len(f1) == 1 and "本年新制作数量" in f1[0].message
    assert r.observed["old_format_labels"] == ["对外公开总数量", "本年新公开数量", "本年新制作数量"]


def test_page_numbers_and_bracket_widths_do_not_matter(example: Report) -> None:
    text = _seed_text().replace("(", "（").replace(")", "）")
    text = text.replace("四、结转下年度继续办理", "- 3 -\n四、结转下年度继续办理")
    r = parse_text(text)
    assert {k: r.values[k] for k in SPEC.keys} == {k: example.values[k] for k in SPEC.keys}


# --------------------------------------------------------------------------- errors and CLI

def test_unreadable_files_raise_chinese_input_errors(tmp_path) -> None:
    bad = tmp_path / "坏.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(InputError, match="文件“.*坏.pdf”：文件已损坏"):
        read_published(bad)
    empty = tmp_path / "空.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="没有可读取的文字"):
        read_published(empty)
    with pytest.raises(InputError, match="文件不存在"):
        read_published(tmp_path / "无.docx")


def test_cli_import_json_is_the_report(capsys) -> None:
    assert main(["import", str(SEED_TEXT), "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    expected = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    assert data["values"] == expected["values"] and data["meta"] == expected["meta"]
    assert data == read_published(SEED_TEXT).to_dict()
    assert "按勾稽关系修复 21 格" in captured.err


def test_cli_import_summary_and_workbook(tmp_path, capsys) -> None:
    out = tmp_path / "洪泽.xlsx"
    assert main(["import", str(HONGZE), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "淮安市洪泽区人民政府" in text and "数字 200" in text and "23 行" in text
    from xladdin.load import load_report

    back = load_report(out)
    assert {k: back.values[k] for k in SPEC.keys} == {k: read_published(HONGZE).values[k] for k in SPEC.keys}


def test_cli_import_bad_input_exit_code_2(tmp_path, capsys) -> None:
    assert main(["import", str(tmp_path / "x.pdf")]) == 2
    assert "文件不存在" in capsys.readouterr().err


def test_web_page_furniture_is_not_the_report() -> None:
    text = SHUYANG.read_text(encoding="utf-8")
    chrome = (
        "首页 > 政务公开 > 政府信息公开年报\n网站导航 | 无障碍\n沭阳县发展和改革局2023年政府信息公开年度报告\n"
        "发布日期：2024-01-17 来源：县发改局 浏览次数：100\n字号：大 中 小\n"
    )
    text = text.replace("沭阳县发展和改革局2023年政府信息公开年度报告\n", chrome, 1)
    text = text.replace("沭阳县发展和改革局\n2024年1月17日", "")  # no signature: the page date stands in
    r = parse_text(text)
    assert r.observed["title"] == "沭阳县发展和改革局2023年政府信息公开年度报告"
    assert r.meta.published == "2024-01-17" and r.observed["signature_date"] == ""
    assert r.sections["preface"].startswith("根据《中华人民共和国政府信息公开条例》")


def test_labels_printed_out_of_order_pair_with_later_numbers() -> None:
    """A converter printed two labels of table 三 early (among fragments of the rotated group
    labels) and their numbers later as label-less rows; the title over two lines after a stray
    word. Labels keep waiting for numbers, in order, and the identities confirm the pairing."""
    r0 = Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
    r0.values.update(read_published(HONGZE).values)  # the 洪泽 figures: many rows are not zero
    r0.meta.agency = "淮安市洪泽区人民政府"
    for col in ("natural", "total"):  # give the two moved rows different, non-zero figures
        r0.values[f"t3.open.{col}"] -= 5
        r0.values[f"t3.noproc_5.{col}"] += 2
        r0.values[f"t3.other_1.{col}"] += 3
    assert check(r0) == []
    lines = to_text_rows(r0)
    text = "\n".join(lines)
    got = parse_text("正文\n2024 年淮安市洪泽区人民政府政府信息公开\n工作年度报告\n" + text)
    assert got.meta.agency == "淮安市洪泽区人民政府" and got.meta.year == 2024
    assert {k: got.values[k] for k in SPEC.keys} == {k: r0.values[k] for k in SPEC.keys}
    assert got.observed["repair"]["ambiguous"] == []


def to_text_rows(report: Report) -> list[str]:
    """The report as | rows, with the labels of noproc_5 and other_1 moved before unable_3."""
    from ingest_docs import to_text

    lines = to_text(report, " | ").split("\n")[2:]
    i5 = next(i for i, ln in enumerate(lines) if "5.要求行政机关确认" in ln)
    i61 = next(i for i, ln in enumerate(lines) if "1.申请人无正当理由" in ln)
    iu3 = next(i for i, ln in enumerate(lines) if "3.补正后申请内容仍不明确" in ln)
    moved = []
    for i in (i5, i61):
        cells = lines[i].split(" | ")
        numbers = [c for c in cells if c.isdigit()]
        moved.append(cells[-1 - len(numbers)])
        lines[i] = " | ".join(numbers)
    return lines[:iu3] + ["三、本", "年度办"] + moved + lines[iu3:]


@pytest.mark.parametrize("printed, findings", [("5", []), ("6", ["T3-G4"])])
def test_printed_subtotal_rows_go_to_extra_and_are_checked(printed: str, findings: list[str]) -> None:
    text = _seed_text().replace(
        "(四) 无法提供\t1. 本机关不掌握相关政府信息",
        f"(四) 无法提供\t{printed}\t0\t0\t0\t0\t0\t{printed}\n\t1. 本机关不掌握相关政府信息",
    )
    r = parse_text(text)
    assert r.extra["t3.unable.natural"] == int(printed) and r.extra["t3.unable.total"] == int(printed)
    assert [r.values[f"t3.unable_1.{c}"] for c, _ in T3_COLS] == [5, 0, 0, 0, 0, 0, 5]
    assert sorted({f.rule for f in check(r)}) == findings


def test_a_file_that_is_not_a_report_is_an_input_error(tmp_path) -> None:
    path = tmp_path / "通知.txt"
    path.write_text("关于做好春节期间值班工作的通知\n各单位：请按要求安排值班。\n", encoding="utf-8")
    with pytest.raises(InputError, match="未能识别为政府信息公开工作年度报告"):
        read_published(path)


def test_a_stray_empty_cell_in_a_row_is_dropped_with_a_note() -> None:
    text = _seed_text().replace("2. 重复申请\t1\t0\t0\t0\t0\t0\t1", "2. 重复申请\t1\t0\t\t0\t0\t0\t0\t1")
    r = parse_text(text)
    assert [r.values[f"t3.noproc_2.{c}"] for c, _ in T3_COLS] == [1, 0, 0, 0, 0, 0, 1]
    assert "多出空白格" in r.notes["t3.noproc_2.natural"]
    assert check(r) == []
