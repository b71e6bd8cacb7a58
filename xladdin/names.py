"""How the template workbook addresses everything: sheet names and defined names.

Readers and writers find cells through these defined names, never through hard-coded
coordinates, so the layout can change without touching I/O.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from .report import Meta
from .spec import SPEC, Spec

SHEET_META = "基本信息"
SHEET_TEXT = "正文"
SHEET_CHECKS = "校验"
SHEET_NOTES = "说明"  # explanations (说明) for 提示 findings: columns 规则实例 | 说明
NOTES_HEADER = ("规则实例", "说明")  # the 说明 sheet's header row (the 校验结果 sheet has both too)
SHEET_RESULTS = "校验结果"  # written by the Excel 校验 action
TABLE_SHEETS = {t.key: t.sheet for t in SPEC.tables}  # t2 -> 表二 …

PREFIX = "NB_"

TEMPLATE_NAME = "政务公开年报模板.xlsx"
TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "templates" / TEMPLATE_NAME  # the committed template


def cell_name(key: str) -> str:
    """t3.deny_1.natural -> NB_t3_deny_1_natural"""
    return SPEC.cell(key).xl_name


def meta_name(field: str) -> str:
    return f"{PREFIX}meta_{field}"


def section_name(part: str) -> str:
    """s1.request -> NB_sec_s1_request"""
    return f"{PREFIX}sec_{part.replace('.', '_')}"


def all_names(spec: Spec = SPEC) -> dict[str, tuple[str, str]]:
    """Every defined name of the template -> (kind, key); kind is cell, meta or section."""
    out: dict[str, tuple[str, str]] = {c.xl_name: ("cell", c.key) for c in spec.cells}
    out.update({meta_name(f.name): ("meta", f.name) for f in fields(Meta)})
    out.update({section_name(p.key): ("section", p.key) for p in spec.parts})
    return out
