"""What an agency's name says about it: its level (部门/乡镇/县/市/省), for the deadline check
and for metadata read from published reports. One heuristic, used by the importer and the
auditor alike."""

from __future__ import annotations

import re

from .spec import SPEC

_OFFICE = re.compile(r"(办公室|办公厅)$")
_TOWN = re.compile(r"(乡|镇)人民政府$|街道办事处$|街道$|(乡|镇)$")
# 直辖市 are province-level governments although their names end in 市人民政府.
_PROVINCE = re.compile(r"(省|自治区)人民政府$|^(北京|天津|上海|重庆)市人民政府$")
_COUNTY = re.compile(r"(县|区|旗)人民政府$")
_CITY = re.compile(r"(市|州|盟)人民政府$")
_DEPARTMENT = re.compile(r"(局|委|办|厅|中心|委员会|办公室|署|院|所|站|队|会)$")


def guess_level(agency: str) -> str:
    """The level name of SPEC.levels the agency's name implies, or "" when it says nothing.

    A government's own office (XX市人民政府办公室) reports for that government. A 县级市
    ("昆山市人民政府") cannot be told from a 地级市 by its name: it is taken as 市.
    """
    name = re.sub(r"\s+", "", agency)
    if not name:
        return ""
    if _TOWN.search(name):
        return SPEC.level("town").name
    core = _OFFICE.sub("", name) if "人民政府" in name else name
    for pattern, level in ((_PROVINCE, "province"), (_COUNTY, "county"), (_CITY, "city")):
        if pattern.search(core):
            return SPEC.level(level).name
    if _DEPARTMENT.search(name):
        return SPEC.level("dept").name
    return ""
