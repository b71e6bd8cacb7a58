"""Markdown export: faithful text, tables flattened with every label kept, values in place."""

from __future__ import annotations

from _export_support import digit_runs, distinct_report
from conftest import SEED_TEXT

from xladdin.export import content as C
from xladdin.export import export
from xladdin.export.markdown import render_markdown
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_COLS, T3_CORNER, T3_ROWS, T4_GROUPS, T4_SUFFIXES
from xladdin.spec.layout import grid


def _rows(md: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split(" | ")] for line in md.splitlines() if line.startswith("| ")]


def test_every_label_is_kept(example):
    md = render_markdown(example)
    labels = {c.text for t in SPEC.tables for c in grid(t).cells if c.text}
    missing = [label for label in labels if label not in md]
    assert not missing
    assert T3_CORNER in md


def test_values_in_flattened_rows(example):
    report = distinct_report(example)
    rows = {r[0]: r[1:] for r in _rows(render_markdown(report))}
    # 表三: the row label is the full path; the columns are in the official order.
    for row, group, label in T3_ROWS:
        path = " / ".join(p for p in (("三、本年度办理结果" if row not in ("new", "carry_in", "carry_out") else ""), group, label) if p)
        assert rows[path] == [str(report.values[f"t3.{row}.{col}"]) for col, _ in T3_COLS], path
    # 表四 on its side: one line per column.
    for group, top, sub in T4_GROUPS:
        for suffix, name in T4_SUFFIXES:
            path = " / ".join(p for p in (top, sub, name) if p)
            assert rows[path] == [str(report.values[f"t4.{group}_{suffix}"])]
    # 表二: one small table per block, the fee as the exact Decimal.
    assert rows["行政事业性收费"] == ["1234.50"]
    assert rows["行政规范性文件"] == [str(report.values[k]) for k in ("t2.norm_made", "t2.norm_repealed", "t2.norm_valid")]
    header = next(r for r in _rows(render_markdown(report)) if r[0] == T3_CORNER)
    assert header[1:] == [
        "申请人情况 / 自然人",
        *(f"申请人情况 / 法人或其他组织 / {name}" for key, name in T3_COLS[1:-1]),
        "申请人情况 / 总计",
    ]


def test_text_title_headings_signature(example):
    md = render_markdown(example)
    lines = md.splitlines()
    assert lines[0] == f"# {example.meta.title}"
    assert [line[3:] for line in lines if line.startswith("## ")] == [C.section_heading(s) for s in SPEC.sections]
    for _, paragraph in C.narrative(example):
        assert paragraph in lines
    assert lines[-2:] == ["威海市人力资源和社会保障局  ", "2025年1月14日"]


def test_markdown_syntax_in_text_is_escaped(example):
    example.sections["s5"] = "1. 第一条 | 含竖线\n# 不是标题"
    md = render_markdown(example)
    assert "1\\. 第一条 | 含竖线" in md.splitlines()
    assert "\\# 不是标题" in md.splitlines()


def test_example_holds_every_number_of_the_seed(example, tmp_path):
    text = export(example, "md", tmp_path / "weihai.md").read_text(encoding="utf-8")
    missing = digit_runs(SEED_TEXT.read_text(encoding="utf-8")) - digit_runs(text)
    assert not missing, sorted(missing)


def test_html_and_links_in_text_stay_text(example):
    """Acceptance testing: a narrative holding <script> or <b> was written raw, and any
    Markdown renderer (CommonMark allows raw HTML) would have run or applied it."""
    from markdown_it import MarkdownIt

    example.sections["preface"] = '前言<script>alert(1)</script> & [点此](javascript:alert(1)) `代码`'
    example.sections["s5"] = "问题一：<b>粗体</b>"
    example.meta.agency = "某局<i>斜体</i>"
    html = MarkdownIt("commonmark").render(render_markdown(example))
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "<a " not in html and "<code>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "[点此](javascript:alert(1))" in html
