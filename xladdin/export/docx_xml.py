"""Low-level WordprocessingML the python-docx API does not cover.

East Asian font names (`w:eastAsia`; python-docx writes only ascii/hAnsi), merged tables built
as XML (gridSpan/vMerge, repeated header rows), PAGE fields, the line grid. Everything here
takes and returns lxml elements or XML text; docx.py composes them into the document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

from ..spec.layout import Grid, GridCell

W_NS = nsdecls("w")
TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    """Millimetres to twips."""
    return round(value * TWIPS_PER_MM)


def pt(value: float) -> int:
    """Points to twips."""
    return round(value * 20)


# --------------------------------------------------------------------------- fonts


def set_fonts(rpr: etree._Element, east_asia: str, latin: str | None = None) -> None:
    """Write explicit font names on a w:rPr, East Asian included, and drop theme fonts
    (a theme attribute would override the explicit name)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = etree.Element(qn("w:rFonts"))
        rpr.insert(0, rfonts)  # rFonts is the first child of rPr
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    latin = latin or east_asia
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:hint"), "eastAsia")


_RPR_ORDER = (
    "w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline "
    "w:shadow w:emboss w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing "
    "w:w w:kern w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd w:fitText "
    "w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout w:specVanish w:oMath"
).split()


def _set_ordered(rpr: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """Set a child of w:rPr keeping the schema order (Word rejects misordered children)."""
    element = rpr.find(qn(tag))
    if element is None:
        element = etree.Element(qn(tag))
        rank = _RPR_ORDER.index(tag)
        for sibling in rpr:
            if not isinstance(sibling.tag, str):
                continue
            name = f"{sibling.prefix}:{etree.QName(sibling).localname}"
            if name in _RPR_ORDER and _RPR_ORDER.index(name) > rank:
                sibling.addprevious(element)
                break
        else:
            rpr.append(element)
    for attr in list(element.attrib):
        del element.attrib[attr]
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def set_run_props(
    rpr: etree._Element,
    *,
    size_pt: float | None = None,
    spacing_pt: float | None = None,
    bold: bool | None = None,
    color: str | None = None,
    lang: str | None = None,
) -> None:
    """Size (half-points, Latin and complex), character spacing, bold, colour, language."""
    if bold is not None:
        _set_ordered(rpr, "w:b", val="1" if bold else "0")
        _set_ordered(rpr, "w:bCs", val="1" if bold else "0")
    if color is not None:
        _set_ordered(rpr, "w:color", val=color)
    if spacing_pt is not None:
        _set_ordered(rpr, "w:spacing", val=str(pt(spacing_pt)))
    if size_pt is not None:
        half = str(round(size_pt * 2))
        _set_ordered(rpr, "w:sz", val=half)
        _set_ordered(rpr, "w:szCs", val=half)
    if lang is not None:
        _set_ordered(rpr, "w:lang", val="en-US", eastAsia=lang)


def rpr_xml(east_asia: str, latin: str | None, size_pt: float, spacing_pt: float = 0.0) -> str:
    """A complete w:rPr as text (for runs built as XML)."""
    latin = escape(latin or east_asia, {'"': "&quot;"})
    ea = escape(east_asia, {'"': "&quot;"})
    spacing = f'<w:spacing w:val="{pt(spacing_pt)}"/>' if spacing_pt else ""
    half = round(size_pt * 2)
    return (
        f'<w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{ea}" w:cs="{latin}" '
        f'w:hint="eastAsia"/>{spacing}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>'
    )


def run_xml(text: str, rpr: str) -> str:
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


# --------------------------------------------------------------------------- page numbers


def page_number_paragraph(rpr: str, align: str, indent_twips: int, style_id: str = "") -> etree._Element:
    """"— 1 —" with a PAGE field; odd pages right-aligned, even pages left, one character in."""
    side = "right" if align == "right" else "left"
    style = f'<w:pStyle w:val="{style_id}"/>' if style_id else ""
    xml = (
        f"<w:p {W_NS}><w:pPr>{style}<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" "
        f'w:lineRule="auto"/><w:ind w:{side}="{indent_twips}" w:firstLine="0"/><w:jc w:val="{side}"/></w:pPr>'
        + run_xml("— ", rpr)
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        + f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        + run_xml("1", rpr)
        + f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
        + run_xml(" —", rpr)
        + "</w:p>"
    )
    return parse_xml(xml)


def replace_content(container: etree._Element, *elements: etree._Element) -> None:
    """Replace the paragraphs/tables of a header or footer element."""
    for child in list(container):
        if child.tag in (qn("w:p"), qn("w:tbl")):
            container.remove(child)
    for element in elements:
        container.append(element)


# --------------------------------------------------------------------------- section


def set_doc_grid(sect_pr: etree._Element, line_pitch_twips: int) -> None:
    """docGrid type="lines": a line grid with no character grid (LibreOffice renders a
    `linesAndChars` grid at 14 characters per line; see anchors.md §3.2)."""
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = etree.SubElement(sect_pr, qn("w:docGrid"))
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(line_pitch_twips))


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class TableStyle:
    widths: tuple[int, ...]  # column widths in twips, one per grid column
    size_pt: float  # font size of the table
    body_font: str
    header_font: str
    latin: str | None
    style_id: str  # paragraph style of cell text
    row_height: int = 0  # minimum row height in twips (0: none)
    cell_margin: int = 34  # left/right cell margin in twips (0.6 mm)
    keep_rows: int = 0  # rows from the top kept on the page of the row below (w:keepNext)
    vertical: Callable[[GridCell], bool] = lambda cell: False  # label set top to bottom


def _borders(tag: str) -> str:
    sides = "".join(
        f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return f"<w:{tag}>{sides}</w:{tag}>"


def _align(cell: GridCell) -> str:
    # Row labels read left to right like the printed table; everything else is centred.
    return "left" if cell.role == "label" and cell.rowspan == 1 else "center"


def table_xml(
    g: Grid,
    texts: dict[tuple[int, int], str],
    style: TableStyle,
    align: Callable[[GridCell], str] = _align,
) -> etree._Element:
    """The table of a layout grid as a w:tbl: one w:tc per covered grid slot, horizontal spans
    as gridSpan, vertical spans as vMerge restart/continue, header rows marked w:tblHeader."""
    if len(style.widths) != g.cols:
        raise ValueError(f"{g.table}: {len(style.widths)} widths for {g.cols} columns")
    owner: dict[tuple[int, int], GridCell] = {}
    for cell in g.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owner[(r, c)] = cell
    body_rpr = rpr_xml(style.body_font, style.latin, style.size_pt)
    head_rpr = rpr_xml(style.header_font, style.latin, style.size_pt)
    total = sum(style.widths)
    out = [
        f"<w:tbl {W_NS}><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>",
        _borders("tblBorders"),
        '<w:tblLayout w:type="fixed"/><w:tblCellMar>'
        f'<w:left w:w="{style.cell_margin}" w:type="dxa"/><w:right w:w="{style.cell_margin}" w:type="dxa"/>'
        '</w:tblCellMar><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        "".join(f'<w:gridCol w:w="{w}"/>' for w in style.widths),
        "</w:tblGrid>",
    ]
    for r in range(g.rows):
        tr_pr = ["<w:cantSplit/>"]
        if style.row_height:
            tr_pr.append(f'<w:trHeight w:val="{style.row_height}" w:hRule="atLeast"/>')
        if r < g.header_rows:
            tr_pr.append("<w:tblHeader/>")
        out.append(f"<w:tr><w:trPr>{''.join(tr_pr)}</w:trPr>")
        c = 0
        while c < g.cols:
            cell = owner.get((r, c))
            span = cell.colspan if cell is not None and cell.col == c else 1
            width = sum(style.widths[c : c + span])
            props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
            if span > 1:
                props.append(f'<w:gridSpan w:val="{span}"/>')
            starts = cell is not None and cell.row == r and cell.col == c
            if cell is not None and cell.rowspan > 1:
                props.append('<w:vMerge w:val="restart"/>' if cell.row == r else "<w:vMerge/>")
            if starts and style.vertical(cell):
                props.append('<w:textDirection w:val="tbRl"/>')
            props.append('<w:vAlign w:val="center"/>')
            text = ""
            rpr = body_rpr
            jc = "center"
            if starts:
                text = texts.get((r, c), "") if cell.role == "value" else cell.text
                rpr = body_rpr if cell.role in ("value", "label") else head_rpr
                jc = align(cell)
            run = run_xml(text, rpr) if text else ""
            keep = "<w:keepNext/>" if r < style.keep_rows else ""
            out.append(
                f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr><w:p><w:pPr><w:pStyle w:val=\"{style.style_id}\"/>"
                f'{keep}<w:jc w:val="{jc}"/></w:pPr>{run}</w:p></w:tc>'
            )
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return parse_xml("".join(out))
