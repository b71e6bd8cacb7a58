"""Text fitting for the workbooks we write: wrapped lines (CJK ≈ 2 units), the 409 pt cap,
short file names, and a long cell list that still fits its row."""

from __future__ import annotations

from xladdin.check import check
from xladdin.io.sheets import cells_text, short_names
from xladdin.report import Report
from xladdin.sheetfit import MAX_ROW_HEIGHT, row_height, wrapped_lines


def test_wrapped_lines_counts_cjk_as_two_units_and_keeps_words_whole() -> None:
    assert wrapped_lines("政" * 19, 40) == 1  # 38 units in 38.5 of room
    assert wrapped_lines("政" * 20, 40) == 2
    assert wrapped_lines("abc " * 30, 40) == 4  # 120 units, words of 4 never split
    assert wrapped_lines("x" * 100, 40) == 3  # a URL breaks anywhere
    assert wrapped_lines("a\nb\n\nc", 10) == 4  # paragraphs, an empty one too
    assert wrapped_lines("", 10) == 1


def test_row_height_is_capped_at_excels_maximum() -> None:
    assert row_height([("政" * 5000, 20)]) == MAX_ROW_HEIGHT
    assert row_height([("短", 20), (None, 5)], minimum=15) == 20  # one line of 16 pt + padding


def test_short_names_are_paths_below_the_common_folder() -> None:
    names = short_names(["/a/各部门/甲/年报.pdf", "/a/各部门/乙/年报.pdf", "/a/各部门/丙.docx", ""])
    assert names == {"": "", "/a/各部门/甲/年报.pdf": "甲/年报.pdf", "/a/各部门/乙/年报.pdf": "乙/年报.pdf",
                     "/a/各部门/丙.docx": "丙.docx"}
    assert short_names(["/tmp/x/审核.xlsx"])["/tmp/x/审核.xlsx"] == "审核.xlsx"


def test_a_long_cell_list_runs_on_to_fit_one_row(example: Report) -> None:
    for key in ("t3.open.natural", "t3.deny_1.natural"):
        example.values[key] += 1  # T3-T natural: 22 cells
    [finding] = [f for f in check(example) if f.rule == "T3-T"]
    assert len(finding.cells) == 22
    narrow = cells_text(finding, 12)
    assert "\n" not in narrow and row_height([(narrow, 12)]) < MAX_ROW_HEIGHT
    assert narrow.endswith(f"……共 {len(finding.cells)} 格")
    assert cells_text(finding, 200) == cells_text(finding)  # fits: one cell a line
