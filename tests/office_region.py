"""A generated region for the office's loop: a city, its counties and their departments, each
report a copy of the example workbook (xladdin/examples) with its own agency name, level,
publication date and figures, written with openpyxl; a roster (名单.xlsx) to go with it.

The city's and the counties' reports are 汇总 reports: their table cells are the sums of their
subordinates' reports (as written), so the hierarchy rule (H1) only sees what is planted.
Used by tests/test_office*.py and bench/office_bench.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "xladdin" / "examples" / "威海市人力资源和社会保障局-2024.xlsx"
EXAMPLE_AGENCY = "威海市人力资源和社会保障局"
YEAR = 2024
DEPARTMENTS = ("人力资源和社会保障局", "教育局", "财政局", "民政局", "卫生健康委员会", "生态环境局", "交通运输局",
               "自然资源和规划局", "住房和城乡建设局", "市场监督管理局", "农业农村局", "应急管理局", "司法局", "商务局",
               "文化和旅游局", "退役军人事务局", "医疗保障局", "审计局", "统计局", "水务局")
COUNTIES = ("环翠区", "文登区", "荣成市", "乳山市", "高区", "经区", "临港区", "南海新区", "石岛区", "张村镇",
            "羊亭镇", "孙家疃", "竹岛", "鲸园", "环山", "嵩山", "田和", "皇冠", "怡园", "温泉")


@dataclass
class Agency:
    name: str
    level: str
    parent: str = ""
    summary: bool = False
    published: str = f"{YEAR + 1}-01-20"
    changes: dict[str, Any] = field(default_factory=dict)  # cell key -> planted value (or f(sum))
    skip: bool = False  # on the roster, no report (缺报)
    path: Path | None = None


@dataclass
class Region:
    folder: Path
    roster: Path
    agencies: list[Agency]
    extra: list[Path]  # reports of agencies not on the roster

    def agency(self, name: str) -> Agency:
        return next(a for a in self.agencies if a.name == name)


def plan(counties: int = 3, depts_per_county: int = 3, city_depts: int = 4) -> list[Agency]:
    city = Agency("威海市人民政府", "市", summary=True, published=f"{YEAR + 1}-03-05")
    out = [city]
    for d in DEPARTMENTS[:city_depts] if city_depts <= len(DEPARTMENTS) else _many(city_depts):
        out.append(Agency(f"威海市{d}", "部门", city.name))
    for c in _names(COUNTIES, counties):
        gov = Agency(f"{c}人民政府", "县", city.name, summary=True, published=f"{YEAR + 1}-02-18")
        out.append(gov)
        for d in DEPARTMENTS[:depts_per_county] if depts_per_county <= len(DEPARTMENTS) else _many(depts_per_county):
            out.append(Agency(f"{c}{d}", "部门", gov.name))
    return out


def _names(base: tuple[str, ...], n: int) -> list[str]:
    return list(base[:n]) if n <= len(base) else [f"第{i + 1}区" for i in range(n)]


def _many(n: int) -> list[str]:
    return [DEPARTMENTS[i % len(DEPARTMENTS)] + ("" if i < len(DEPARTMENTS) else f"第{i // len(DEPARTMENTS)}分局")
            for i in range(n)]


class Writer:
    """The example workbook loaded once; each report is written by changing the cells that
    differ and saving under a new name (fast enough for thousands of reports)."""

    def __init__(self) -> None:
        self.wb = openpyxl.load_workbook(EXAMPLE)
        self.places: dict[str, tuple[str, str]] = {}
        for name, dn in self.wb.defined_names.items():
            if not name.startswith("NB_"):
                continue
            sheet, coord = next(iter(dn.destinations))
            self.places[name] = (sheet, coord.replace("$", ""))
        self.base: dict[str, Any] = {}  # cell key -> value of the data cells (not formulas)
        from xladdin.spec import SPEC

        for cell in SPEC.cells:
            sheet, coord = self.places[cell.xl_name]
            value = self.wb[sheet][coord].value
            if not (isinstance(value, str) and value.startswith("=")):
                self.base[cell.key] = value
        self.key_place = {c.key: self.places[c.xl_name] for c in SPEC.cells}
        self.text_cells = [(ws.title, c.coordinate, c.value) for ws in self.wb.worksheets if ws.title in ("正文", "基本信息")
                           for row in ws.iter_rows() for c in row if isinstance(c.value, str) and EXAMPLE_AGENCY in c.value]

    def meta(self, field_name: str) -> tuple[str, str]:
        return self.places[f"NB_meta_{field_name}"]

    def write(self, path: Path, name: str, level: str, published: str, values: dict[str, Any]) -> Path:
        wb = self.wb
        touched: list[tuple[str, str, Any]] = []

        def put(sheet: str, coord: str, value: Any) -> None:
            touched.append((sheet, coord, wb[sheet][coord].value))
            wb[sheet][coord].value = value

        for sheet, coord, text in self.text_cells:
            put(sheet, coord, text.replace(EXAMPLE_AGENCY, name))
        put(*self.meta("agency"), name)
        put(*self.meta("level"), level)
        put(*self.meta("published"), published)
        for key, value in values.items():
            if self.base.get(key) != value or key not in self.base:
                put(*self.key_place[key], value)
        try:
            wb.save(path)
        finally:
            for sheet, coord, old in reversed(touched):
                wb[sheet][coord].value = old
        return path


def build(folder: Path, agencies: list[Agency], extra: tuple[str, ...] = ("威海市住房公积金管理中心",)) -> Region:
    """Write every report (children first, so a 汇总 report sums what its subordinates wrote) and
    the roster; agencies with `skip` get no report."""
    folder.mkdir(parents=True, exist_ok=True)
    writer = Writer()
    values: dict[str, dict[str, Any]] = {}
    children: dict[str, list[Agency]] = {}
    for a in agencies:
        if a.parent:
            children.setdefault(a.parent, []).append(a)

    def figures(a: Agency) -> dict[str, Any]:
        if a.name in values:
            return values[a.name]
        if a.summary and children.get(a.name):
            total: dict[str, Any] = {}
            for key, base in writer.base.items():
                parts = [figures(c).get(key) for c in children[a.name] if not c.skip]
                nums = [p for p in parts if isinstance(p, (int, Decimal, float)) and not isinstance(p, bool)]
                exact = sum(Decimal(str(n)) for n in nums)  # 万元 summed exactly, written as the nearest float
                total[key] = (int(exact) if all(isinstance(n, int) for n in nums) else float(exact)) if len(nums) == len(parts) else base
        else:
            total = dict(writer.base)
        for key, change in a.changes.items():  # a value, or a function of the sum (a planted difference)
            total[key] = change(total.get(key)) if callable(change) else change
        values[a.name] = total
        return total

    for a in agencies:
        if not a.skip:
            a.path = writer.write(folder / f"{a.name}-{YEAR}.xlsx", a.name, a.level, a.published, figures(a))
    extras = [writer.write(folder / f"{n}-{YEAR}.xlsx", n, "部门", f"{YEAR + 1}-01-15", dict(writer.base)) for n in extra]
    roster = write_roster(folder.parent / "名单.xlsx", agencies)
    return Region(folder, roster, agencies, extras)


def write_roster(path: Path, agencies: list[Agency]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["机关名称", "层级", "上级机关", "网站", "汇总"])
    for a in agencies:
        ws.append([a.name, a.level, a.parent, "", "是" if a.summary else "否"])
    wb.save(path)
    return path


__all__ = ["Agency", "Region", "Writer", "build", "plan", "write_roster"]
