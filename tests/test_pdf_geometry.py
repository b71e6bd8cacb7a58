"""Tables rebuilt from word boxes and ruling lines (pdf_tables.py), and ruling lines found in a
page image (scan_grid, by morphology): a blank cell stays blank, a missing number does not shift the
others, a label over two lines in one cell is joined, a merged cell appears once."""

from __future__ import annotations

from PIL import Image, ImageDraw

from xladdin.ingest.pdf_tables import Segment, Word, cell_text, page_blocks, split_words

# A 3-column table: label | a | b, rows 0..3; the label column of rows 2-3 is one merged cell.
XS = [0, 100, 150, 200]
YS = [0, 20, 40, 60, 80]


def _grid(merge_rows_2_3: bool = False) -> list[Segment]:
    segs = [Segment(False, x, YS[0], YS[-1]) for x in XS]
    for i, y in enumerate(YS):
        if merge_rows_2_3 and i == 3:
            segs.append(Segment(True, y, XS[1], XS[-1]))  # no line under the label of row 2
        else:
            segs.append(Segment(True, y, XS[0], XS[-1]))
    return segs


def _w(text: str, x: float, y: float, width: float = 10) -> Word:
    return Word(text, x, y - 5, x + width, y + 5)


def test_blank_cell_stays_blank_and_numbers_keep_their_column() -> None:
    words = [_w("标签一", 5, 10, 40), _w("3", 110, 10), _w("4", 160, 10),
             _w("标签二", 5, 30, 40), _w("7", 160, 30)]  # fmt: skip
    rows = [b.cells for b in page_blocks(words, _grid()) if b.cells and any(b.cells)]
    assert rows == [["标签一", "3", "4"], ["标签二", "", "7"]]


def test_label_over_two_lines_is_joined_and_merged_cell_once() -> None:
    words = [_w("（二）部分公开（区分", 5, 45, 90), _w("处理的）", 5, 55, 40), _w("1", 110, 50), _w("2", 160, 50),
             _w("9", 110, 70), _w("8", 160, 70)]  # fmt: skip
    blocks = [b for b in page_blocks(words, _grid(merge_rows_2_3=True)) if b.cells is not None]
    cells = [b.cells for b in blocks]
    assert ["（二）部分公开（区分 处理的）", "1", "2"] in cells  # one cell, both lines
    assert ["9", "8"] in cells  # the merged label cell appears once, in the row it starts


def test_ocr_look_alikes_and_spaces_in_numbers() -> None:
    assert cell_text([_w("o", 0, 0)]) == "0"
    assert cell_text([_w("1", 0, 0), _w("2", 30, 0)]) == "12"
    assert cell_text([_w("行政许可", 0, 0, 40)]) == "行政许可"


def test_split_words_shares_the_box() -> None:
    a, b = split_words([Word("商业企业 科研机构", 0, 0, 90, 10)])
    assert (a.text, b.text) == ("商业企业", "科研机构")
    assert a.x1 <= b.x0 and b.x1 == 90


def test_text_outside_tables_is_lines_in_reading_order() -> None:
    words = [_w("第二行", 0, 130, 30), _w("第一行", 0, 110, 30), _w("右边", 50, 110, 20)]
    blocks = page_blocks(words, _grid())
    texts = [b.text for b in blocks if b.cells is None]
    assert texts == ["第一行 右边", "第二行"]


def test_ruling_lines_found_in_an_image_and_text_strokes_ignored() -> None:
    """A 150 dpi page: a 4×2 grid whose left column's last two rows are one merged cell, with
    text in it (其 strokes, a long dash) that is no ruling line."""
    import numpy as np
    from PIL import ImageFont

    from xladdin.ingest.scan_grid import rulings, tables

    im = Image.new("L", (600, 400), 255)
    d = ImageDraw.Draw(im)
    for y in (50, 110, 170, 230, 290):
        x0 = 200 if y == 230 else 40  # no rule under the label of row 3: rows 3-4 merged there
        d.line([(x0, y), (560, y)], fill=0, width=2)
    for x in (40, 200, 560):
        d.line([(x, 50), (x, 290)], fill=0, width=2)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 22)
    d.text((50, 65), "三、其他——一", font=font, fill=0)
    d.text((300, 125), "12", font=font, fill=0)
    segs = rulings(np.asarray(im), 150)
    hs = sorted(int(s.pos) for s in segs if s.horizontal)  # a 2 px rule at y is centred at y + 0.5
    vs = sorted(int(s.pos) for s in segs if not s.horizontal)
    assert hs == [50, 110, 170, 230, 290]
    assert vs == [40, 200, 560]
    (table,) = tables(segs, 150)
    assert (len(table.ys) - 1, len(table.xs) - 1) == (4, 2)
    merged = [c for c in table.cells if c.rows > 1]
    assert [(c.row, c.col, c.rows, c.cols) for c in merged] == [(2, 0, 2, 1)]
    assert len(table.cells) == 7


def test_ocr_digit_error_is_named_by_the_identities(example) -> None:
    """t3.open.natural printed 3, read 8 by OCR: T3-R and T3-T fail, and only 3 in
    that cell would make them hold; the note names both, the read value stays."""
    from xladdin.ingest.ocr_check import digit_hints, lookalikes, note_digit_hints
    from xladdin.ingest.pdf import OCR_MARK

    assert example.values["t3.open.natural"] == 3
    assert lookalikes(3) == {8} and 3 in lookalikes(8) and lookalikes(10) == {70, 16, 18, 19}
    for key in example.spec.keys:
        example.addresses[key] = f"第4页第20行{OCR_MARK}"
    assert digit_hints(example, OCR_MARK) == {}
    example.values["t3.open.natural"] = 8
    assert digit_hints(example, OCR_MARK) == {"t3.open.natural": 3}
    note_digit_hints(example, OCR_MARK)
    assert example.values["t3.open.natural"] == 8
    assert "文字识别读作 8，若为 3 则T3-R、T3-T全部成立" in example.notes["t3.open.natural"]
    example.values["t3.open.biz"] = 5  # two errors: no single cell explains them, no hint
    assert digit_hints(example, OCR_MARK) == {}


def test_a_box_over_two_cells_is_cut_at_the_rule() -> None:
    words = [_w("标签一", 5, 10, 40), Word("34", 120, 5, 180, 15)]  # "3" in column a, "4" in b
    rows = [b.cells for b in page_blocks(words, _grid()) if b.cells and any(b.cells)]
    assert rows == [["标签一", "3", "4"]]
