"""Word export in the 公文 layout of GB/T 9704-2012.

A4; margins 37/35/28/26 mm (top/bottom/left/right); title 2号 方正小标宋简体 centred; body 3号
仿宋_GB2312 at 22 lines × 28 characters (exact line spacing 28.95 pt, character spacing −0.25 pt,
a line-only docGrid); 一级标题 黑体, 二级标题 楷体_GB2312; "— 1 —" page numbers in 4号, odd
pages right, even pages left. Every style and run carries w:eastAsia. Tables come from the one
layout grid (`xladdin.spec.layout`) as XML (docx_xml.table_xml).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm

from ..fileio import atomic_write
from ..report import Report
from . import content as C
from .docx_xml import (
    W_NS,
    TableStyle,
    mm,
    page_number_paragraph,
    pt,
    replace_content,
    rpr_xml,
    set_doc_grid,
    set_fonts,
    set_run_props,
    table_xml,
)
from .settings import ExportSettings

# GB/T 9704-2012 numbers (anchors.md §3.2).
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 156
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
PAGE_NUMBER_PT = 14.0  # 4号
LINE_PT = 28.95  # exact line spacing: 22 lines in the 225 mm text block
CHAR_SPACING_PT = -0.25  # 28 characters of 3号 in the 156 mm line (LibreOffice and Word)
CHAR_PT = BODY_PT + CHAR_SPACING_PT  # advance of one CJK character
FOOTER_MM = 24  # page-number line: its dashes about 7 mm below the text block (measured)
HEADER_MM = 15

TABLE_ROW_MM = 6.5

# Body text flows left-aligned, not justified: the body is a fixed pitch of 28 CJK characters, so
# lines of Chinese still end flush, while a line before an unbreakable Latin token (a phone
# number, a URL) is not letter-spaced across the page. Punctuation at a line end hangs in the
# margin as Word does by default. w:overflowPunct is left out on purpose: LibreOffice reads it
# inverted (val="0" turns hanging on), and its justified lines with negative character spacing
# drop a hanging full-width comma from the PDF ("保密审查制度，严把" printed without the comma).
BODY_JC = '<w:jc w:val="left"/>'
BODY_FLOW = "<w:widowControl/>"  # no single line of a paragraph alone at a page top or bottom

STYLE_TABLE = "表格文字"
STYLE_SIGNATURE = "落款"


def _twips_widths(widths_mm: tuple[float, ...]) -> tuple[int, ...]:
    """mm widths as twips summing exactly to the text width (the last column absorbs rounding)."""
    total = mm(TEXT_WIDTH_MM)
    twips = [mm(w) for w in widths_mm]
    twips[-1] += total - sum(twips)
    return tuple(twips)


def _restyle(style, ppr: str, rpr: str) -> None:
    """Replace a style's paragraph and run properties (dropping theme fonts, colours, borders)."""
    element = style.element
    for tag in ("w:pPr", "w:rPr"):
        for old in element.findall(qn(tag)):
            element.remove(old)
    element.append(parse_xml(f"<w:pPr {W_NS}>{ppr}</w:pPr>"))
    element.append(parse_xml(rpr.replace("<w:rPr>", f"<w:rPr {W_NS}>", 1)))


def _line(exact_pt: float = LINE_PT) -> str:
    return f'<w:spacing w:before="0" w:after="0" w:line="{pt(exact_pt)}" w:lineRule="exact"/>'


def _setup_styles(doc: DocumentObject, s: ExportSettings) -> dict[str, str]:
    latin = s.latin_font
    indent = f'<w:ind w:firstLine="{pt(2 * CHAR_PT)}"/>'
    no_indent = '<w:ind w:left="0" w:right="0" w:firstLine="0"/>'

    # Document defaults: the body font, so text outside any style is still 仿宋 with eastAsia.
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPr"))
        set_fonts(rpr, s.font("body"), latin)
        set_run_props(rpr, size_pt=BODY_PT, lang="zh-CN")

    styles = doc.styles
    body_rpr = rpr_xml(s.font("body"), latin, BODY_PT, CHAR_SPACING_PT)
    _restyle(styles["Normal"], BODY_FLOW + _line() + indent + BODY_JC, body_rpr)
    _restyle(
        styles["Title"],
        '<w:keepNext/>' + _line(35) + no_indent + '<w:jc w:val="center"/><w:outlineLvl w:val="9"/>',
        rpr_xml(s.font("title"), latin, TITLE_PT),
    )
    for name, role, level in (("Heading 1", "heading1", 0), ("Heading 2", "heading2", 1)):
        _restyle(
            styles[name],
            f'<w:keepNext/><w:keepLines/>{BODY_FLOW}{_line()}{indent}{BODY_JC}<w:outlineLvl w:val="{level}"/>',
            rpr_xml(s.font(role), latin, BODY_PT, CHAR_SPACING_PT),
        )
    for name, ppr, rpr in (
        (
            STYLE_TABLE,
            '<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            + no_indent,
            rpr_xml(s.font("table"), latin, 10.5),
        ),
        (STYLE_SIGNATURE, _line() + no_indent + '<w:jc w:val="right"/>', body_rpr),
    ):
        style = styles[name] if name in styles else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        _restyle(style, ppr, rpr)
    for style in (styles["Title"], styles["Heading 1"], styles["Heading 2"]):
        # Colour black, not bold (the built-in headings are blue and bold).
        set_run_props(style.element.find(qn("w:rPr")), bold=False, color="000000")
    return {
        "table": styles[STYLE_TABLE].style_id,
        "signature": styles[STYLE_SIGNATURE].style_id,
        "title": styles["Title"].style_id,
        "heading1": styles["Heading 1"].style_id,
        "heading2": styles["Heading 2"].style_id,
    }


def _setup_page(doc: DocumentObject, s: ExportSettings) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(HEADER_MM), Mm(FOOTER_MM)
    section.gutter = Mm(0)
    set_doc_grid(section._sectPr, pt(LINE_PT))

    doc.settings.odd_and_even_pages_header_footer = True
    rpr = rpr_xml(s.font("page_number"), s.latin_font, PAGE_NUMBER_PT)
    one_char = pt(PAGE_NUMBER_PT)
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    replace_content(section.footer._element, page_number_paragraph(rpr, "right", one_char))
    replace_content(section.even_page_footer._element, page_number_paragraph(rpr, "left", one_char))


def _paragraph(doc: DocumentObject, style_id: str = ""):
    """A new paragraph; the style set by id (python-docx's lookup by name scans every style)."""
    p = doc.add_paragraph()
    if style_id:
        p._p.style = style_id
    return p


def _run(paragraph, text: str, font: str, latin: str | None):
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), font, latin)
    return run


def _add_table(doc: DocumentObject, block: C.TableBlock, s: ExportSettings, style_id: str) -> None:
    widths_mm, size = C.TABLE_COLUMNS_MM[block.key], C.TABLE_FONT_PT[block.key]
    style = TableStyle(
        widths=_twips_widths(widths_mm),
        size_pt=size,
        body_font=s.font("table"),
        header_font=s.font("table_header"),
        latin=s.latin_font,
        style_id=style_id,
        row_height=mm(TABLE_ROW_MM),
        # Table 二 is small: keep it whole. Others: keep the header with the first body row.
        keep_rows=block.grid.rows - 1 if block.key == "t2" else block.grid.header_rows + 1,
        vertical=lambda cell: C.vertical_label(block.key, cell),
    )
    tbl = table_xml(block.grid, block.texts, style)
    body = doc.element.body
    body.find(qn("w:sectPr")).addprevious(tbl)
    _paragraph(doc, style_id)  # a little air between the table and the next heading


def build_docx(report: Report, settings: ExportSettings | None = None) -> DocumentObject:
    """The report as a python-docx Document (not saved)."""
    s = settings or ExportSettings()
    latin = s.latin_font
    doc = Document()
    ids = _setup_styles(doc, s)
    _setup_page(doc, s)

    # The default template starts with no paragraphs; everything below is appended in order.
    for block in C.build(report):
        if isinstance(block, C.Title):
            p = _paragraph(doc, ids["title"])
            for i, line in enumerate(block.lines):
                run = _run(p, line, s.font("title"), latin)
                if i < len(block.lines) - 1:
                    run.add_break()
            doc.add_paragraph()  # one blank line under the title
        elif isinstance(block, C.Heading):
            p = _paragraph(doc, ids["heading1"] if block.level == 1 else ids["heading2"])
            _run(p, block.text, s.font("heading1" if block.level == 1 else "heading2"), latin)
        elif isinstance(block, C.Paragraph):
            p = doc.add_paragraph()
            if block.lead:
                _run(p, block.lead, s.font("heading2"), latin)
            rest = block.text[len(block.lead) :]
            if rest:
                _run(p, rest, s.font("body"), latin)
        elif isinstance(block, C.TableBlock):
            _add_table(doc, block, s, ids["table"])
        elif isinstance(block, C.Signature):
            # The signature never stands alone on a page: the last text line, the blank line,
            # the agency and the date are kept together.
            if doc.paragraphs:
                doc.paragraphs[-1].paragraph_format.keep_with_next = True
            doc.add_paragraph().paragraph_format.keep_with_next = True
            lines = [(t, i) for t, i in ((block.agency, block.agency_indent), (block.date, block.date_indent)) if t]
            for n, (text, indent) in enumerate(lines):
                p = _paragraph(doc, ids["signature"])
                p.paragraph_format.right_indent = round(indent * CHAR_PT * 12700)
                p.paragraph_format.keep_with_next = n < len(lines) - 1
                _run(p, text, s.font("body"), latin)

    props = doc.core_properties
    props.title = report.meta.title
    props.subject = "政府信息公开工作年度报告"
    props.author = report.meta.agency or "xladdin"
    props.last_modified_by = "xladdin"
    props.language = "zh-CN"
    props.comments = "由 xladdin 按国办公开办函〔2021〕30号格式生成"
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    props.revision = 1
    return doc


def docx_bytes(report: Report, settings: ExportSettings | None = None) -> bytes:
    buffer = io.BytesIO()
    build_docx(report, settings).save(buffer)
    return buffer.getvalue()


def write_docx(report: Report, path: str | Path, settings: ExportSettings | None = None) -> Path:
    return atomic_write(path, docx_bytes(report, settings), make_dirs=True)
