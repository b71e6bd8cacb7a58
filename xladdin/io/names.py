"""Resolve the template's defined names in an opened workbook to (sheet, cell) places.

Readers and writers address every value through `xladdin.names` (NB_t3_new_natural,
NB_meta_agency, NB_sec_s1_request…); this module turns those names into places and says
precisely what is missing when a workbook is not one of ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..names import SHEET_NOTES, TABLE_SHEETS, all_names
from ..previous import SHEET_PREVIOUS

Place = tuple[str, str]  # (sheet title, "D7")


@dataclass
class Layout:
    cells: dict[str, Place] = field(default_factory=dict)  # cell key -> place
    meta: dict[str, Place] = field(default_factory=dict)  # Meta field -> place
    sections: dict[str, Place] = field(default_factory=dict)  # part key -> place
    notes_sheet: str | None = None  # the 说明 sheet, when present
    previous_sheet: str | None = None  # the hidden 上年数据 sheet, when present

    def address(self, place: Place) -> str:
        return f"{place[0]}!{place[1]}"


def name_targets(raw: dict[str, str]) -> dict[str, Place | None]:
    """Defined name -> single-cell place from raw `definedName` texts ("'表三'!$D$7").
    None when the name does not point at one cell on one sheet (#REF!, a range, a constant)."""
    out: dict[str, Place | None] = {}
    for name, text in raw.items():
        out[name] = parse_reference(text)
    return out


# 'sheet name' (quotes doubled inside) or sheet, "!", one cell with optional $: nothing else
_REF = re.compile(r"^=?(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_reference(text: str) -> Place | None:
    """"='表 三'!$D$7" or "表三!D7" -> ("表 三", "D7"); None for ranges, several areas,
    constants, #REF!."""
    m = _REF.match(text.strip())
    if not m:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
    return sheet, f"{m.group(3).upper()}{m.group(4)}"


def resolve(targets: dict[str, Place | None], sheets: list[str], path: str) -> Layout:
    """Map every template name to its place; InputError listing whatever is missing."""
    layout = Layout()
    missing_names: list[str] = []
    broken: list[str] = []
    sheet_set = set(sheets)
    for name, (kind, key) in all_names().items():
        if name not in targets:
            missing_names.append(name)
            continue
        place = targets[name]
        if place is None or place[0] not in sheet_set:
            broken.append(name)
            continue
        {"cell": layout.cells, "meta": layout.meta, "section": layout.sections}[kind][key] = place
    if missing_names or broken:
        raise InputError(_not_ours(missing_names, broken, sheets), path=path)
    layout.notes_sheet = SHEET_NOTES if SHEET_NOTES in sheet_set else None
    layout.previous_sheet = SHEET_PREVIOUS if SHEET_PREVIOUS in sheet_set else None
    return layout


def _not_ours(missing: list[str], broken: list[str], sheets: list[str]) -> str:
    total = len(all_names())
    if len(missing) == total:
        lack = [s for s in TABLE_SHEETS.values() if s not in sheets]
        text = "不是本工具的年报模板（没有任何 NB_ 开头的定义名称）"
        if lack:
            text += f"；缺少工作表：{'、'.join(lack)}"
        text += f"。现有工作表：{'、'.join(sheets) or '无'}。请用 `xladdin template` 生成模板后填写，或把已发布的年报（.docx/.pdf/.html/.txt）直接交给本工具读取"
        return text
    parts = []
    lack_sheets = [s for s in TABLE_SHEETS.values() if s not in sheets]
    if lack_sheets:
        parts.append(f"缺少工作表：{'、'.join(lack_sheets)}")
    if missing:
        parts.append(f"缺少定义名称 {len(missing)} 个：{_listing(missing)}")
    if broken:
        parts.append(f"定义名称指向无效（已删除的工作表、#REF! 或不是单个单元格）{len(broken)} 个：{_listing(broken)}")
    return "不是完整的年报模板（" + "；".join(parts) + "）。请勿删除模板的工作表、行列或名称"


def _listing(names: list[str], limit: int = 8) -> str:
    shown = "、".join(names[:limit])
    return shown + (f" 等（共 {len(names)} 个）" if len(names) > limit else "")
