"""Word export: read back with python-docx — values by grid position, narrative, page setup,
fonts (eastAsia included), merges, repeated headers, page numbers, the seed's numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import pytest
from _export_support import (
    HEADING_OF_TABLE,
    CellGrid,
    digit_runs,
    distinct_report,
    docx_tables_by_heading,
    docx_text,
    expected_texts,
)
from conftest import SEED_TEXT
from docx.oxml.ns import qn
from docx.shared import Mm

from xladdin.export import content as C
from xladdin.export import export
from xladdin.export.docx import docx_bytes
from xladdin.export.settings import DEFAULT_FONTS, ExportSettings
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_CORNER
from xladdin.spec.layout import grid


def _read(report, settings=None) -> docx.document.Document:
    return docx.Document(io.BytesIO(docx_bytes(report, settings)))


@pytest.fixture
def distinct(example):
    return distinct_report(example)


def test_every_value_in_the_right_cell_of_the_right_table(distinct):
    doc = _read(distinct)
    tables = docx_tables_by_heading(doc)
    expected = expected_texts(distinct)
    checked = 0
    for table in SPEC.tables:
        t = tables[HEADING_OF_TABLE[table.key]]
        g = grid(table)
        assert len(t.rows) == g.rows and len(t.columns) == g.cols
        cell = CellGrid(t)
        for (r, c), text in expected[table.key].items():
            assert cell(r, c).text == text, (table.key, r, c)
            checked += 1
    assert checked == 200
    assert "1234.50" in docx_text(doc)  # the Decimal as written, trailing zero kept


def test_labels_verbatim_at_their_grid_position(example):
    tables = docx_tables_by_heading(_read(example))
    for table in SPEC.tables:
        at = CellGrid(tables[HEADING_OF_TABLE[table.key]])
        for cell in grid(table).cells:
            if cell.role != "value":
                assert at(cell.row, cell.col).text == cell.text


def test_every_narrative_paragraph_in_order(example):
    doc = _read(example)
    texts = [p.text for p in doc.paragraphs]
    wanted = [t for _, t in C.narrative(example)]
    assert wanted, "the example has narrative"
    positions = [texts.index(t) for t in wanted]  # raises if a paragraph is missing
    assert positions == sorted(positions)


def test_title_headings_and_signature(example):
    doc = _read(example)
    title = doc.paragraphs[0]
    assert title.style.name == "Title"
    assert title.text.replace("\n", "") == example.meta.title
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [C.section_heading(s) for s in SPEC.sections]
    assert headings[0] == "一、总体情况" and headings[5] == "六、其他需要报告的事项"
    tail = [p.text for p in doc.paragraphs if p.text][-2:]
    assert tail == ["威海市人力资源和社会保障局", "2025年1月14日"]


def test_order_tables_follow_their_sections(example):
    doc = _read(example)
    order = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            order.append("table")
        elif child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text[:2] in {"二、", "三、", "四、", "五、"}:
                order.append(text[:2])
    assert order == ["二、", "table", "三、", "table", "四、", "table", "五、"]


def test_page_setup_gbt9704(example):
    doc = _read(example)
    section = doc.sections[0]
    for actual, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(mm)) < Mm(0.1)
    grid_el = section._sectPr.find(qn("w:docGrid"))
    assert grid_el.get(qn("w:type")) == "lines" and grid_el.get(qn("w:linePitch")) == "579"
    normal = doc.styles["Normal"].element
    spacing = normal.find(qn("w:pPr")).find(qn("w:spacing"))
    assert spacing.get(qn("w:line")) == "579" and spacing.get(qn("w:lineRule")) == "exact"
    rpr = normal.find(qn("w:rPr"))
    assert rpr.find(qn("w:spacing")).get(qn("w:val")) == "-5"  # −0.25 pt: 28 characters a line
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "32"  # 3号


def _east_asia(style) -> str:
    return style.element.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_fonts_east_asia_on_styles_and_runs(example):
    doc = _read(example)
    assert _east_asia(doc.styles["Normal"]) == "仿宋_GB2312"
    assert _east_asia(doc.styles["Title"]) == "方正小标宋简体"
    assert _east_asia(doc.styles["Heading 1"]) == "黑体"
    assert _east_asia(doc.styles["Heading 2"]) == "楷体_GB2312"
    assert doc.styles["Title"].font.size.pt == 22
    assert doc.styles["Heading 1"].font.size.pt == 16
    # No theme font may override the names (python-docx's template uses them).
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        rfonts = doc.styles[style].element.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert not any("Theme" in k for k in rfonts.attrib), style
    # Every run carries w:eastAsia: body, tables, footers.
    runs = list(doc.element.body.iter(qn("w:r")))
    for footer in (doc.sections[0].footer, doc.sections[0].even_page_footer):
        runs += list(footer._element.iter(qn("w:r")))
    assert len(runs) > 300
    for run in runs:
        rfonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert rfonts is not None and rfonts.get(qn("w:eastAsia")), run.xml[:200]
    heading_runs = [r for p in doc.paragraphs if p.style.name == "Heading 1" for r in p.runs]
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in heading_runs} == {"黑体"}


def test_run_in_second_level_heading_in_kaiti(example):
    example.sections["s1.active"] = "（一）主动公开情况。全年发布信息 3816 条。\n（二）政策解读"
    doc = _read(example)
    para = next(p for p in doc.paragraphs if p.text.startswith("（一）主动公开情况"))
    assert para.runs[0].text == "（一）主动公开情况。"
    assert para.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    assert para.runs[1]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    heading = next(p for p in doc.paragraphs if p.text == "（二）政策解读")
    assert heading.style.name == "Heading 2"


def test_font_names_are_a_setting(example):
    fonts = dict(DEFAULT_FONTS, body="仿宋", title="华文中宋")
    doc = _read(example, ExportSettings(fonts=fonts, latin_font="Times New Roman"))
    assert _east_asia(doc.styles["Normal"]) == "仿宋"
    assert _east_asia(doc.styles["Title"]) == "华文中宋"
    rfonts = doc.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:ascii")) == "Times New Roman"


def test_merges_and_repeated_header_rows(example):
    tables = docx_tables_by_heading(_read(example))
    t3 = tables[HEADING_OF_TABLE["t3"]]
    corner = t3.cell(0, 0)
    assert corner.text == T3_CORNER
    assert corner._tc is t3.cell(2, 2)._tc  # 3 × 3 corner
    result = t3.cell(5, 0)  # 三、本年度办理结果 spans the 22 result rows
    assert result.text == "三、本年度办理结果" and result._tc is t3.cell(26, 0)._tc
    assert t3.cell(26, 0)._tc is not t3.cell(27, 0)._tc
    # The 8 mm column is too narrow for three characters: its group label runs top to bottom.
    directions = [
        (tc, d.get(qn("w:val"))) for t in tables.values() for tc in t._tbl.iter(qn("w:tc"))
        for d in tc.iter(qn("w:textDirection"))
    ]
    assert directions == [(result._tc, "tbRl")]
    assert t3.cell(0, 3)._tc is t3.cell(0, 9)._tc  # 申请人情况 across 7 columns
    assert t3.cell(1, 3)._tc is t3.cell(2, 3)._tc  # 自然人 over two header rows
    for t, header_rows in ((t3, 3), (tables[HEADING_OF_TABLE["t4"]], 3)):
        flags = [tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None for tr in t._tbl.tr_lst]
        assert flags[:header_rows] == [True] * header_rows and not any(flags[header_rows:])
    t4 = tables[HEADING_OF_TABLE["t4"]]
    assert t4.cell(0, 5).text == "行政诉讼" and t4.cell(0, 5)._tc is t4.cell(0, 14)._tc
    t2 = tables[HEADING_OF_TABLE["t2"]]
    assert t2.cell(0, 0).text == "第二十条第（一）项" and t2.cell(0, 0)._tc is t2.cell(0, 3)._tc


def test_tables_fit_the_text_width(example):
    doc = _read(example)
    text_width = doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin
    for table in doc.tables:
        cols = table._tbl.tblGrid.findall(qn("w:gridCol"))
        total = sum(int(c.get(qn("w:w"))) for c in cols) * 635  # twips -> EMU
        assert abs(total - text_width) < Mm(0.5)


def test_odd_and_even_page_numbers(example):
    doc = _read(example)
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer._element.find(qn("w:p"))
        assert p.find(qn("w:pPr")).find(qn("w:jc")).get(qn("w:val")) == side
        instr = "".join(t.text for t in p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        text = "".join(t.text for t in p.iter(qn("w:t")))
        assert text == "— 1 —"
        sizes = {sz.get(qn("w:val")) for sz in p.iter(qn("w:sz"))}
        assert sizes == {"28"}  # 4号


def test_example_holds_every_number_of_the_seed(example, tmp_path):
    out = export(example, "docx", tmp_path / "weihai.docx")
    text = docx_text(docx.Document(str(out)))
    seed = SEED_TEXT.read_text(encoding="utf-8")
    missing = digit_runs(seed) - digit_runs(text)
    assert not missing, f"numbers of the seed missing from the export: {sorted(missing)}"


def test_forced_export_prints_what_cells_hold(example):
    example.values["t3.new.natural"] = "/"
    example.values["t3.new.biz"] = None
    example.values["t2.fee_wan"] = Decimal("0.10")
    tables = docx_tables_by_heading(_read(example))
    t3 = tables[HEADING_OF_TABLE["t3"]]
    assert t3.cell(3, 3).text == "/"
    assert t3.cell(3, 4).text == ""  # blank stays blank, never an invented 0
    t2 = tables[HEADING_OF_TABLE["t2"]]
    fee = next(c for c in grid(SPEC.table("t2")).value_cells() if c.key == "t2.fee_wan")
    assert t2.cell(fee.row, fee.col).text == "0.10"


def test_atomic_write_leaves_no_temp_files(example, tmp_path):
    export(example, "docx", tmp_path / "a.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx"]


def test_body_flow_left_aligned_widow_control_headings_keep_with_next(example):
    """Body text is left-aligned (a line before a long phone number or URL is not letter-spaced
    across the page) with widow/orphan control; headings keep with the next paragraph; no
    w:overflowPunct (LibreOffice reads it inverted). The PDF tests check the rendered result."""
    doc = _read(example)
    for name in ("Normal", "Heading 1", "Heading 2"):
        ppr = doc.styles[name].element.find(qn("w:pPr"))
        assert ppr.find(qn("w:jc")).get(qn("w:val")) == "left", name
        assert ppr.find(qn("w:widowControl")) is not None, name
        assert ppr.find(qn("w:overflowPunct")) is None, name
        assert (ppr.find(qn("w:keepNext")) is not None) == (name != "Normal"), name
    body = doc.element.body
    assert not [jc for jc in body.iter(qn("w:jc")) if jc.get(qn("w:val")) in ("both", "distribute")]
