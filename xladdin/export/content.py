"""The report as an ordered list of blocks: what every renderer draws, in the official order.

Title, preface, the six sections (一 with its five parts, 二/三/四 with their tables), the
agency signature and date. Renderers (docx, html, markdown) only decide how a block looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from ..report import Report
from ..spec.layout import Grid, GridCell, grid
from ..values import Value, is_absent

# A paragraph that opens with a second-level number "（一）" is a 二级标题 (楷体): either the
# whole paragraph (a short heading line) or its first sentence (a run-in heading).
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]")
_RUN_IN_MAX = 40  # longest first sentence still treated as a run-in heading

# Table column widths in mm for a 156 mm text block (docx as is, HTML as percentages) and the
# table font size in pt (五号 10.5, 小五 9).
TABLE_COLUMNS_MM: dict[str, tuple[float, ...]] = {
    "t2": (52.0, 34.67, 34.67, 34.66),
    # 表三: data columns hold 4 characters ("法律服务/机构"), group labels 5 ("（三）不予/公开").
    "t3": (8.0, 17.0, 33.0) + (14.0,) * 7,
    "t4": (10.4,) * 15,
}
TABLE_FONT_PT: dict[str, float] = {"t2": 10.5, "t3": 9.0, "t4": 9.0}
# A column narrower than this many characters of the table font sets its group labels
# vertically (表三's "三、本年度办理结果"), not two characters a line with one left over.
VERTICAL_BELOW_CHARS = 3
MM_PER_PT = 25.4 / 72


def vertical_label(table_key: str, cell: GridCell) -> bool:
    """A label spanning rows in one column too narrow for VERTICAL_BELOW_CHARS characters."""
    if cell.role != "label" or cell.rowspan == 1 or cell.colspan != 1:
        return False
    width = TABLE_COLUMNS_MM[table_key][cell.col]
    return width < VERTICAL_BELOW_CHARS * TABLE_FONT_PT[table_key] * MM_PER_PT


@dataclass(frozen=True)
class Title:
    lines: tuple[str, ...]  # printed lines: agency, then "2024年政府信息公开工作年度报告"

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass(frozen=True)
class Heading:
    level: int  # 1: 一、 (黑体); 2: （一） (楷体)
    text: str
    section: str = ""  # "s1" … for level 1


@dataclass(frozen=True)
class Paragraph:
    text: str  # the whole paragraph as written
    lead: str = ""  # run-in 二级标题 at the start of text (a prefix of text), drawn in 楷体
    part: str = ""  # narrative part key it came from


@dataclass(frozen=True)
class TableBlock:
    key: str  # "t2" | "t3" | "t4"
    grid: Grid
    texts: dict[tuple[int, int], str]  # (row, col) of a value cell -> printed value


@dataclass(frozen=True)
class Signature:
    agency: str
    date: str  # "2025年1月14日" or ""
    # Right indents in character widths (GB/T 9704 §7.3.5.1): the date 右空四字, the agency
    # name centred over the date.
    agency_indent: float
    date_indent: float


Block = Title | Heading | Paragraph | TableBlock | Signature


def cell_text(value: Value) -> str:
    """What a table cell prints: counts as integers, 万元 exactly as written, text as held,
    blank as blank (never an invented 0), a cell the source never printed as empty too."""
    if value is None or is_absent(value):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def chinese_date(iso: str) -> str:
    """2025-01-14 -> 2025年1月14日; text that is not an ISO date is printed as given."""
    try:
        d = date.fromisoformat(iso.strip())
    except ValueError:
        return iso.strip()
    return f"{d.year}年{d.month}月{d.day}日"


LATIN_WIDTH = 0.55  # advance of a digit or Latin letter in 3号 Noto Serif CJK, in body characters (measured)
AUTOSPACE_WIDTH = 0.2  # the gap Word and LibreOffice put where CJK meets Latin text (measured)


def _is_narrow(ch: str) -> bool:
    return ord(ch) < 0x2E80 and ch not in "—…“”‘’"


def text_width(text: str) -> float:
    """Printed width of a body-text line in character units: CJK and full-width 1, digits and
    Latin letters LATIN_WIDTH, plus the automatic space where CJK meets Latin text."""
    width = sum(LATIN_WIDTH if _is_narrow(ch) else 1.0 for ch in text)
    boundaries = sum(1 for a, b in pairwise(text) if _is_narrow(a) != _is_narrow(b))
    return width + AUTOSPACE_WIDTH * boundaries


# Every way text spells a line end (CRLF, a bare CR from a workbook's _x000D_, U+2028…): each
# ends a paragraph, as "\n" does, in every renderer.
LINE_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in LINE_BREAKS.split(text or "") if p.strip()]


def _paragraph(text: str, part: str) -> Heading | Paragraph:
    if _LEVEL2.match(text):
        stop = text.find("。")
        if stop == -1 and len(text) <= _RUN_IN_MAX:
            return Heading(2, text)
        if 0 < stop < _RUN_IN_MAX:
            return Paragraph(text, lead=text[: stop + 1], part=part)
    return Paragraph(text, part=part)


def title_lines(report: Report) -> tuple[str, ...]:
    """The title as the format prescribes, broken after the agency name (as printed)."""
    meta = report.meta
    full = meta.title
    if meta.agency and full.startswith(meta.agency) and len(full) > len(meta.agency):
        return (meta.agency, full[len(meta.agency) :])
    return (full,)


DATE_INDENT = 4.0  # 成文日期右空四字
AGENCY_ONLY_INDENT = 2.0  # with no date, the agency name 右空二字


def signature(report: Report) -> Signature:
    agency = report.meta.agency.strip()
    when = chinese_date(report.meta.published) if report.meta.published else ""
    if not when:
        return Signature(agency, "", AGENCY_ONLY_INDENT, DATE_INDENT)
    # Centred over the date: equal overhang on both sides; a name too long for that keeps
    # to the right margin.
    agency_indent = max(0.0, DATE_INDENT + (text_width(when) - text_width(agency)) / 2)
    return Signature(agency, when, agency_indent, DATE_INDENT)


def table_block(report: Report, table_key: str) -> TableBlock:
    g = grid(report.spec.table(table_key))
    texts = {(c.row, c.col): cell_text(report.value(c.key)) for c in g.value_cells() if c.key}
    return TableBlock(table_key, g, texts)


def section_heading(section) -> str:
    """一、总体情况: the number and the title as published (the template's （文字描述…）
    instruction is not part of the printed heading)."""
    return f"{section.number}、{section.heading}"


def build(report: Report) -> list[Block]:
    spec = report.spec
    blocks: list[Block] = [Title(title_lines(report))]
    blocks += [_paragraph(p, "preface") for p in paragraphs(report.section("preface"))]
    for section in spec.sections:
        blocks.append(Heading(1, section_heading(section), section.key))
        for part in (p for p in spec.parts if p.section == section.key):
            blocks += [_paragraph(p, part.key) for p in paragraphs(report.section(part.key))]
        if section.table:
            blocks.append(table_block(report, section.table))
    sig = signature(report)
    if sig.agency or sig.date:
        blocks.append(sig)
    return blocks


def narrative(report: Report) -> list[tuple[str, str]]:
    """(part key, paragraph) for every narrative paragraph, in document order (for tests)."""
    return [(p.key, t) for p in report.spec.parts for t in paragraphs(report.section(p.key))]
