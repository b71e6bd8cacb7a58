"""What an agency's name says about it: its level (部门/乡镇/县/市/省), for the deadline check
and for metadata read from published reports. One heuristic, used by the importer and the
auditor alike.

Not every body with 局 or 会 in its name is a 部门: a 开发区/新区/综合实验区 管委会 or a 自贸区
片区管理局 administers an area the way a government does, and its level (县-like or 市-like,
reporting for itself only or summarising the whole area) cannot be told from the name alone.
`level_of` then says it is not sure, what it assumed and which other levels may apply, and the
deadline check states that assumption instead of asserting one deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .spec import SPEC

_OFFICE = re.compile(r"(办公室|办公厅)$")
_TOWN = re.compile(r"(乡|镇)人民政府$|街道办事处$|街道$|(乡|镇)$")
# 直辖市 are province-level governments although their names end in 市人民政府.
_PROVINCE = re.compile(r"(省|自治区)人民政府$|^(北京|天津|上海|重庆)市人民政府$")
_COUNTY = re.compile(r"(县|区|旗)人民政府$")
_CITY = re.compile(r"(市|州|盟)人民政府$")
_DEPARTMENT = re.compile(r"(局|委|办|厅|中心|委员会|办公室|署|院|所|站|队|会)$")
# An area administered by a 管委会 (派出机构 of a government) rather than by a 人民政府.
_ZONE = re.compile(
    r"(综合实验区|综合试验区|经济技术开发区|高新技术产业开发区|开发区|经开区|高新区|新区|新城|自由贸易试验区|自贸区|"
    r"自贸试验区|片区|保税区|综保区|保税港区|港区|园区|示范区|实验区|试验区|合作区|度假区|风景名胜区|景区)"
)
_ZONE_BODY = re.compile(r"(管委会|管理委员会|管理局|管理办公室|管理处|党工委)$")
# The report speaks for the whole area (a summary of its departments), not for one office.
_SUMMARY = re.compile(r"全(区|市|县|旗|州)(共|各级|各部门|各单位|累计|政务公开|政府信息公开工作)|汇总")


@dataclass(frozen=True)
class LevelGuess:
    level: str  # a SPEC level name, "" when nothing can be said
    sure: bool = True
    basis: str = ""  # Chinese: what the guess rests on (said in the S4 message when not sure)
    others: tuple[str, ...] = ()  # other level names that may apply when not sure


def level_of(agency: str, text: str = "") -> LevelGuess:
    """The level of the agency named `agency`, using the report's `text` (its narrative) where
    the name leaves it open: a 管委会 whose report summarises the whole area is taken as 县
    (市 may apply), one that reports for itself as 部门 (its area's 县 deadline may apply)."""
    name = re.sub(r"\s+", "", agency)
    zone = _ZONE.search(name)
    if zone and _ZONE_BODY.search(name):
        body = f"“{name}”是{zone.group(1)}的管理机构（不是政府部门，也不是乡镇）"
        summary = _SUMMARY.search(text)
        if summary:
            return LevelGuess(
                SPEC.level("county").name, False, f"{body}，报告有全区汇总（“{summary.group(0)}”），按县级时限推定",
                (SPEC.level("city").name,),
            )
        return LevelGuess(
            SPEC.level("dept").name, False, f"{body}，报告未见全区汇总，按本机关自身报告（部门时限）推定",
            (SPEC.level("county").name,),
        )
    level = guess_level(name)
    return LevelGuess(level) if level else LevelGuess("", False)


def guess_level(agency: str) -> str:
    """The level name of SPEC.levels the agency's name implies, or "" when it says nothing.

    A government's own office (XX市人民政府办公室) reports for that government. A 县级市
    ("昆山市人民政府") cannot be told from a 地级市 by its name: it is taken as 市.
    """
    name = re.sub(r"\s+", "", agency)
    if not name:
        return ""
    if _ZONE.search(name) and _ZONE_BODY.search(name):
        return ""  # a 管委会 / 片区管理局: see level_of
    if _TOWN.search(name):
        return SPEC.level("town").name
    core = _OFFICE.sub("", name) if "人民政府" in name else name
    for pattern, level in ((_PROVINCE, "province"), (_COUNTY, "county"), (_CITY, "city")):
        if pattern.search(core):
            return SPEC.level(level).name
    if _DEPARTMENT.search(name):
        return SPEC.level("dept").name
    return ""
