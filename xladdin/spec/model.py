"""Types that describe a report format as data.

Nothing here knows about a particular revision: `format2021` fills these types with the
official 2021 format, and every other module (template, reader, checks, exporters, importers)
derives what it needs from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["count", "amount"]  # count: non-negative integer (件); amount: non-negative decimal (万元)
Scope = Literal["表内", "表间", "跨期", "文表", "结构", "读取", "名单"]  # 名单: the office's roster (缺报/迟报)
# 强制: the report is wrong; 提示: may be right, needs a 说明; 待核: the *reading* is in doubt (an
# ambiguous, unreadable or cut-off source), for a person to settle. 待核 is never the agency's
# defect: it never goes into a rectification notice and never fails a run on its own.
Severity = Literal["强制", "提示", "待核"]
SEVERITIES: tuple[str, ...] = ("强制", "待核", "提示")  # the order findings are listed in


@dataclass(frozen=True)
class Cell:
    """One data cell of an official table."""

    key: str  # public key, e.g. "t3.deny_1.natural"
    table: str  # "t2" | "t3" | "t4"
    row: str  # row key within the table
    col: str  # column key within the table ("" for single-column rows of table 二)
    kind: Kind
    label: str  # full official path of labels, joined by " / "
    short: str  # short Chinese name for messages, e.g. "本年新收·自然人"
    derived: bool = False  # a total the format defines as the sum of other cells

    @property
    def xl_name(self) -> str:
        """Defined name of this cell in the template workbook (NB_ avoids clashes)."""
        return "NB_" + self.key.replace(".", "_")


@dataclass(frozen=True)
class HeaderCell:
    """One cell of a table's header block: text and the span it covers (0-based grid)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class RowLabel:
    """A label cell in the left label area of a table body (0-based within the body)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Block:
    """A block of table 二: a title row, a column-header row, and data rows."""

    title: str
    columns: tuple[str, ...]  # column header texts, first is "信息内容"
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row label, cell keys in column order)


@dataclass(frozen=True)
class Table:
    key: str  # "t2" | "t3" | "t4"
    number: str  # "二" | "三" | "四"
    title: str  # the section title the table belongs to
    sheet: str  # sheet name in the template workbook
    label_cols: int  # width of the left label area
    data_cols: int  # number of data columns
    header: tuple[HeaderCell, ...] = ()  # header block (tables 三 and 四)
    header_rows: int = 0
    body_labels: tuple[RowLabel, ...] = ()  # label cells of the body (table 三)
    body: tuple[tuple[str, ...], ...] = ()  # cell keys per body row (tables 三 and 四)
    blocks: tuple[Block, ...] = ()  # table 二 only


@dataclass(frozen=True)
class Identity:
    """sum(left) == sum(right), one instance of a rule."""

    rule: str  # rule id, e.g. "E1"
    instance: str  # what this instance is about, e.g. "natural"
    where: str  # Chinese description of the instance, e.g. "自然人列"
    left: tuple[str, ...]
    right: tuple[str, ...]
    derive: str | None = None  # the cell that fill may compute from the others

    @property
    def ref(self) -> str:
        return f"{self.rule}:{self.instance}" if self.instance else self.rule


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # short Chinese name
    scope: Scope
    severity: Severity
    text: str  # the rule as written, with the spec's wording
    message: str  # Chinese message template; placeholders documented per rule kind
    source: str = ""  # where the format states it (【原文】/【推导】/…)
    identities: tuple[Identity, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str  # "s1" … "s6"
    number: str  # "一" … "六"
    title: str  # verbatim template title
    heading: str  # the bare title without the （文字描述…） suffix
    table: str | None = None


@dataclass(frozen=True)
class NarrativePart:
    key: str  # key in Report.sections, e.g. "s1.request"
    section: str  # "s1"
    title: str  # Chinese name of the part


@dataclass(frozen=True)
class Level:
    key: str
    name: str  # 部门 / 乡镇 / 县 / 市 / 省 / 垂直
    deadline: tuple[int, int]  # (month, day) in the year after the report year
    note: str


@dataclass(frozen=True)
class Spec:
    id: str
    name: str
    document: str
    sections: tuple[Section, ...]
    parts: tuple[NarrativePart, ...]
    tables: tuple[Table, ...]
    cells: tuple[Cell, ...]
    rules: tuple[Rule, ...]
    levels: tuple[Level, ...]
    old_format_labels: tuple[str, ...] = ()  # labels only the 2019 format has
    _by_key: dict[str, Cell] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({c.key: c for c in self.cells})

    def cell(self, key: str) -> Cell:
        return self._by_key[key]

    def has_cell(self, key: str) -> bool:
        return key in self._by_key

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.cells)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)

    def level(self, name: str) -> Level:
        return next(lv for lv in self.levels if lv.name == name or lv.key == name)

    def cells_of(self, table: str) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.table == table)
