"""Other tools' layouts of the tables (issue 9 item 4): table 二 rows printed on one line with
their block title and column headers, table 三 labels prefixed with their group or cut short,
notes printed inside cells, a table 二 without its 规章 row, the old label 规范性文件, typos
in header labels. Each read against the seed report it was made from."""

from __future__ import annotations

import re

import pytest
from test_ingest import _seed_text

from xladdin.check import check
from xladdin.ingest import parse_text
from xladdin.spec import SPEC
from xladdin.values import ABSENT

SEED = _seed_text()
T2_DOCS_BLOCK = (
    "第二十条第（一）项\t\t\t\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n行政规范性文件\t0\t1\t19\n"
)


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return parse_text(SEED)


def _same(report, seed, but: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    want = dict(seed.values) | (but or {})
    return {k: (report.values[k], want[k]) for k in SPEC.keys if report.values[k] != want[k]}


def test_table_two_rows_on_one_line_with_the_block_title(seed) -> None:  # type: ignore[no-untyped-def]
    assert T2_DOCS_BLOCK in SEED
    text = SEED.replace(
        T2_DOCS_BLOCK,
        "第二十条第（一）项 规章 本年制发件数 本年废止件数 现行有效件数 | 0 | 0 | 0\n"
        "第二十条第（一）项 行政规范性文件 本年制发件数 本年废止件数 现行有效件数 | 0 | 1 | 19\n",
    )
    text = text.replace(
        "第二十条第（五）项\t\t\t\n信息内容\t本年处理决定数量\t\t\n行政许可\t0\t\t\n",
        "第二十条第（五）项 行政许可 本年处理决定数量 | 52031\n",
    )
    r = parse_text(text)
    assert _same(r, seed, {"t2.licensing": 52031}) == {}
    assert check(r) == []


def test_table_three_labels_with_their_group_or_cut_short(seed) -> None:  # type: ignore[no-untyped-def]
    text = SEED.replace("\t1. 属于国家秘密", "\t（三）1.属于国家秘密").replace("\t1. 本机关不掌握", "\t（四）1.本机关不掌握")
    text = re.sub(r"1\. 申请人无正当理由逾期不补正[^\t]*", "1.申请人无正当理由逾期不补正", text)
    assert text != SEED
    r = parse_text(text)
    assert _same(r, seed) == {}
    assert check(r) == []


def test_notes_printed_inside_cells(seed) -> None:  # type: ignore[no-untyped-def]
    text = SEED.replace("行政规范性文件\t0\t1\t19", "行政规范性文件\t0\t1\t19（其中修订4件）")
    assert _same(parse_text(text), seed) == {}
    # the same in text that lost its line structure
    flat = "x" * 20 + "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件505（其中修订4件）"
    r = parse_text(flat + "第二十条第（五）项信息内容本年处理决定数量行政许可0")
    assert [r.values[f"t2.norm_{m}"] for m in ("made", "repealed", "valid")] == [5, 0, 5]


def test_table_two_without_its_reg_row_is_reported_once(seed) -> None:  # type: ignore[no-untyped-def]
    r = parse_text(SEED.replace("规章\t0\t0\t0\n", ""))
    assert [r.values[f"t2.reg_{m}"] for m in ("made", "repealed", "valid")] == [ABSENT] * 3
    assert _same(r, seed, {f"t2.reg_{m}": ABSENT for m in ("made", "repealed", "valid")}) == {}
    # the older layout once, named as such (not only "incomplete"), no S7 and no T2-N per cell
    [f] = check(r)
    assert (f.ref, f.severity) == ("F1:t2", "强制") and "没有“规章”行" in f.message
    assert [c.key for c in f.cells] == [f"t2.reg_{m}" for m in ("made", "repealed", "valid")]
    # with the old label too: still one finding, naming both
    r = parse_text(SEED.replace("规章\t0\t0\t0\n", "").replace("行政规范性文件\t0\t1\t19", "规范性文件\t0\t1\t19"))
    [f] = check(r)
    assert f.ref == "F1:t2" and "只印“规范性文件”一行" in f.message and "印作“规范性文件”" in f.message


def test_old_label_and_header_typos_still_read(seed) -> None:  # type: ignore[no-untyped-def]
    text = SEED.replace("行政规范性文件\t0\t1\t19", "规范性文件\t0\t1\t19")
    text = text.replace("法律服务机构", "法律服 务机构").replace("社会公益组织", "社会公益组")
    r = parse_text(text)
    assert _same(r, seed) == {}
    # the old label is said on the row's cells (the official label everywhere else: no notes)
    said = {k: v for k, v in r.notes.items() if k.startswith("t2.")}
    assert said == {
        f"t2.norm_{m}": "原文行标签印作“规范性文件”，格式为“行政规范性文件”，按此行读取"
        for m in ("made", "repealed", "valid")
    }
    assert not [k for k in seed.notes if k.startswith("t2.")]
    # and named once as the older layout, a 提示: every cell is printed and read
    assert [(f.ref, f.severity) for f in check(r)] == [("F1:t2", "提示")]


def test_table_four_as_three_five_column_tables(seed) -> None:  # type: ignore[no-untyped-def]
    """OCR Markdown prints table 四 as three small tables (复议, 直接起诉, 复议后起诉) of 5 columns."""
    start = SEED.index("行政复议\t\t\t\t\t行政诉讼")
    end = SEED.index("\t".join(["0"] * 15)) + len("\t".join(["0"] * 15))
    values = [3, 0, 1, 0, 4, 2, 1, 0, 0, 3, 0, 0, 0, 1, 1]
    head = "| --- | --- | --- | --- | --- |\n| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
    blocks = []
    for title, part in zip(("行政复议", "行政诉讼 未经复议直接起诉", "行政诉讼 复议后起诉"), range(3), strict=True):
        row = " | ".join(str(v) for v in values[part * 5 : part * 5 + 5])
        blocks.append(f"| {title} | | | | |\n{head}| {row} |\n")
    r = parse_text(SEED[:start] + "\n".join(blocks) + SEED[end:])
    keys = [k for k in SPEC.keys if k.startswith("t4.")]
    assert [r.values[k] for k in keys] == values
    assert _same(r, seed, dict(zip(keys, values, strict=True))) == {}
    assert check(r) == []
