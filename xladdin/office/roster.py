"""The supervising office's roster (名单): which agencies must publish, at which level, under
which parent, and whose report sums its subordinates' (汇总).

A workbook (first sheet, or the sheet named 名单) or a CSV file with a header row naming the
columns 机关名称, 层级, 上级机关, 网站 (optional), 汇总 (optional: 是/否), 其他名称 (optional: the
names an agency's reports use, separated by 、; where a person confirms an unsure match). Every problem is a
Chinese InputError naming the file, the sheet and the cell. `write_template` writes an empty
roster with the drop-downs; `roster_findings` compares the roster with the reports (缺报 R1,
迟报 R2, 名单外 R3, 名称待确认 R4).
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..check.findings import Finding
from ..errors import InputError
from ..spec import SPEC
from .names import Match, NameIndex

SHEET = "名单"
COLUMNS = ("机关名称", "层级", "上级机关", "网站", "汇总", "其他名称")
REQUIRED = ("机关名称", "层级")
WIDTHS = (40, 10, 36, 36, 8, 40)
ALIAS_SEPARATORS = ("、", "；", ";", "，", ",")
YES, NO = "是", "否"
LEVELS = tuple(lv.name for lv in SPEC.levels)
MAX_ROWS = 100_000


@dataclass
class Agency:
    name: str
    level: str
    parent: str = ""
    website: str = ""
    summary: bool = False  # its report sums its subordinates' reports (汇总)
    row: int = 0  # where it is on the roster (for messages)
    aliases: list[str] = field(default_factory=list)  # 其他名称: names its reports use (a person confirmed them)


@dataclass
class Roster:
    agencies: list[Agency] = field(default_factory=list)
    source: str = ""

    def __post_init__(self) -> None:
        self._index: NameIndex | None = None

    @property
    def index(self) -> NameIndex:
        if self._index is None:
            names = [(a.name, i) for i, a in enumerate(self.agencies)]
            names += [(alias, i) for i, a in enumerate(self.agencies) for alias in a.aliases]
            self._index = NameIndex([n for n, _ in names], [i for _, i in names])
        return self._index

    def match(self, name: str) -> Match:
        return self.index.match(name)

    def children(self, parent: Agency) -> list[Agency]:
        """The agencies whose 上级机关 is `parent` (matched by name, as reports are)."""
        me = self.agencies.index(parent)
        return [a for a in self.agencies if a.parent and a is not parent and self.match(a.parent).entry == me]

    def to_json(self) -> str:
        return json.dumps({"source": self.source, "agencies": [asdict(a) for a in self.agencies]}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Roster:
        data = json.loads(text)
        return cls([Agency(**a) for a in data["agencies"]], data.get("source", ""))


# --------------------------------------------------------------------------- reading


def read_roster(path: str | Path) -> Roster:
    """The roster in `path` (.xlsx/.xlsm or .csv)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("名单文件不存在", path=str(p))
    suffix = p.suffix.lower()
    if suffix == ".csv":
        rows, sheet = _csv_rows(p), ""
    elif suffix in (".xlsx", ".xlsm"):
        rows, sheet = _xlsx_rows(p)
    else:
        raise InputError("名单应为 .xlsx 工作簿或 .csv 文件", path=str(p))
    return _parse(rows, str(p), sheet)


def _csv_rows(p: Path) -> list[list[Any]]:
    data = p.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes nearly anything
        raise InputError("无法识别文字编码（应为 UTF-8 或 GBK）", path=str(p))
    return [row for row in csv.reader(text.splitlines())][:MAX_ROWS]


def _xlsx_rows(p: Path) -> tuple[list[list[Any]], str]:
    from ..io.workbook import open_workbook

    wb = open_workbook(p, data_only=True, read_only=True)
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = [list(r) for _, r in zip(range(MAX_ROWS), ws.iter_rows(values_only=True), strict=False)]
        return rows, ws.title
    finally:
        wb.close()


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _parse(rows: list[list[Any]], path: str, sheet: str) -> Roster:
    from openpyxl.utils import get_column_letter

    header_row = next((i for i, r in enumerate(rows) if any(_text(v) for v in r)), None)
    if header_row is None:
        raise InputError("名单是空的：第一行应为列名 " + "、".join(COLUMNS), path=path, sheet=sheet)
    header = [_text(v) for v in rows[header_row]]
    where = {name: header.index(name) for name in COLUMNS if name in header}
    for name in REQUIRED:
        if name not in where:
            raise InputError(
                f"第 {header_row + 1} 行（列名行）缺少“{name}”列；应有的列：" + "、".join(COLUMNS),
                path=path, sheet=sheet, cell=f"A{header_row + 1}",
            )
    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    for i in range(header_row + 1, len(rows)):
        row = rows[i]

        def get(col: str, row: list[Any] = row) -> str:
            j = where.get(col)
            return _text(row[j]) if j is not None and j < len(row) else ""

        def cell(col: str, n: int = i) -> str:
            return f"{get_column_letter(where[col] + 1)}{n + 1}"

        name = get("机关名称")
        if not name:
            if any(_text(v) for v in row):
                raise InputError("机关名称为空，但这一行填了其他内容", path=path, sheet=sheet, cell=cell("机关名称"))
            continue
        level = get("层级").removesuffix("级") if get("层级") not in LEVELS else get("层级")
        if level not in LEVELS:
            raise InputError(
                f"层级“{get('层级')}”无效，应为 {'、'.join(LEVELS)} 之一", path=path, sheet=sheet, cell=cell("层级"),
            )
        summary = get("汇总")
        if summary not in ("", YES, NO):
            raise InputError(f"汇总“{summary}”无效，应为“是”或“否”（或留空）", path=path, sheet=sheet, cell=cell("汇总"))
        key = "".join(name.split())
        if key in seen:
            raise InputError(
                f"机关“{name}”在名单上出现两次（另见第 {seen[key]} 行）", path=path, sheet=sheet, cell=cell("机关名称"),
            )
        seen[key] = i + 1
        aliases = get("其他名称")
        for sep in ALIAS_SEPARATORS:
            aliases = aliases.replace(sep, "、")
        agencies.append(Agency(name, level, get("上级机关"), get("网站"), summary == YES, i + 1,
                               [a.strip() for a in aliases.split("、") if a.strip()]))
    if not agencies:
        raise InputError("名单上没有机关（列名行之下没有数据）", path=path, sheet=sheet)
    roster = Roster(agencies, path)
    for a in agencies:
        if a.parent and not roster.match(a.parent).sure:
            raise InputError(
                f"上级机关“{a.parent}”不在名单上（或名称与名单上多个机关相近）；请在名单上列出上级机关，或改正名称",
                path=path, sheet=sheet, cell=f"{get_column_letter(where['上级机关'] + 1)}{a.row}",
            )
    return roster


# --------------------------------------------------------------------------- template


def write_template(path: str | Path) -> Path:
    """An empty roster workbook: the header row, drop-downs for 层级 and 汇总, A4 print setup."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..io.save import save_atomic
    from ..sheetfit import print_setup

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for c, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = ws.cell(1, c, name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"
    print_setup(ws, landscape=True, title_rows="1:1", centered=False)
    last = 2000
    level = DataValidation(
        type="list", formula1='"' + ",".join(LEVELS) + '"', allow_blank=True, showInputMessage=True,
        showErrorMessage=True, promptTitle="层级", prompt="决定发布时限：部门、乡镇 1月31日；县 2月20日；市 3月10日；省、垂直 3月31日",
        errorTitle="层级无效", error="只能选择：" + "、".join(LEVELS),
    )
    level.add(f"B2:B{last}")
    summary = DataValidation(
        type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showInputMessage=True, showErrorMessage=True,
        promptTitle="汇总", prompt="“是”：此机关的年报汇总其下级机关（上级机关为它的各机关）的数据",
        errorTitle="汇总无效", error="只能选择“是”或“否”",
    )
    summary.add(f"E2:E{last}")
    parent = DataValidation(
        type="custom", formula1="TRUE", allow_blank=True, showInputMessage=True,
        promptTitle="上级机关", prompt="填写名单上另一行的机关名称；最上级的机关留空",
    )
    parent.add(f"C2:C{last}")
    alias = DataValidation(
        type="custom", formula1="TRUE", allow_blank=True, showInputMessage=True, promptTitle="其他名称",
        prompt="报告中使用的其他名称（如简称、旧称），用顿号分隔；“名称待确认”的报告经人工确认后可把其名称写在这里",
    )
    alias.add(f"F2:F{last}")
    for dv in (level, summary, parent, alias):
        ws.add_data_validation(dv)
    return save_atomic(wb, path)


# --------------------------------------------------------------------------- findings


@dataclass
class Placed:
    """One report (a file of the store) and where it lands on the roster."""

    source: str
    agency: str  # as the report gives it
    year: int | None
    published: str
    match: Match


def deadline(level: str, year: int) -> date:
    month, day = SPEC.level(level).deadline
    return date(year + 1, month, day)


def roster_findings(roster: Roster, placed: list[Placed], year: int) -> list[tuple[str, Finding]]:
    """(agency name, finding) of the roster rules: R1 缺报 for each agency with no report of
    `year`, R2 迟报 for a report published after its level's deadline, R3 for a report from an
    agency not on the roster, R4 for a name a person must match. The agency of R1/R2 is the
    roster's name, of R3/R4 the report's."""
    out: list[tuple[str, Finding]] = []
    reported: dict[int, list[Placed]] = {}
    for p in placed:
        if p.year is not None and p.year != year:
            continue
        if p.match.sure:
            reported.setdefault(p.match.entry, []).append(p)  # type: ignore[arg-type]
        elif p.match.unsure:
            names = "、".join(f"“{roster.agencies[i].name}”（第 {roster.agencies[i].row} 行）" for i in p.match.candidates)
            out.append((p.agency, _finding(
                "R4", f"报告“{Path(p.source).name}”的机关名称“{p.agency}”与名单上的 {names} 相近，不能确定是哪一个；"
                f"请人工确认，并把“{p.agency}”写入该机关的“其他名称”列", ref="R4", actual=p.agency)))
        else:
            out.append((p.agency, _finding(
                "R3", f"报告“{Path(p.source).name}”的机关“{p.agency or '（未写机关名称）'}”不在名单上；请核对名单或报告的机关名称",
                ref="R3", actual=p.agency)))
    unsure = {i for p in placed if p.match.unsure for i in p.match.candidates}
    for i, agency in enumerate(roster.agencies):
        due = deadline(agency.level, year)
        reports = reported.get(i)
        if not reports:
            maybe = "（另有名称相近、待确认的报告）" if i in unsure else ""
            out.append((agency.name, _finding(
                "R1", f"名单上的“{agency.name}”（{agency.level}，名单第 {agency.row} 行）未见 {year} 年度报告{maybe}；"
                f"其发布时限为 {due.isoformat()}", ref="R1", expected=due.isoformat())))
            continue
        dated = [(p, _date(p.published)) for p in reports]
        known = [(p, d) for p, d in dated if d is not None]
        if not known:
            continue  # no publication date: the deadline cannot be judged (S4 says so where it can)
        p, when = min(known, key=lambda pd: pd[1])
        if when > due:
            out.append((agency.name, _finding(
                "R2", f"“{agency.name}”{year} 年度报告发布日期 {when.isoformat()} 晚于{agency.level}的时限 "
                f"{due.isoformat()}（{SPEC.level(agency.level).note}），逾期 {(when - due).days} 天",
                ref="R2", expected=due.isoformat(), actual=when.isoformat())))
    return out


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _finding(rule: str, message: str, **kw: Any) -> Finding:
    r = SPEC.rule(rule)
    return Finding(rule=rule, severity=r.severity, scope=r.scope, message=message, title=r.title, text=r.text, **kw)


__all__ = ["COLUMNS", "Agency", "Placed", "Roster", "deadline", "read_roster", "roster_findings", "write_template"]
