"""The template workbook (政务公开年报模板.xlsx), generated from the spec.

    from xladdin.template import build_workbook, write_template
    wb = build_workbook()            # openpyxl.Workbook, nothing written
    write_template("out.xlsx")       # atomic write; default: templates/政务公开年报模板.xlsx

Sheets: 基本信息, 正文, 表二, 表三, 表四, 校验, 说明. Every cell key, metadata field and narrative
part has a defined name (`xladdin.names.all_names()`) pointing at one cell; derived cells hold
Excel formulas; the 校验 sheet recomputes every identity of the spec with formulas.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from ..fileio import atomic_write
from ..names import TEMPLATE_NAME, TEMPLATE_PATH, all_names
from ..spec import SPEC, Spec
from .checks_sheet import build_checks_sheet
from .layout import CHECK_STATUS_NAME, addresses, cell_positions, name_positions
from .sheets import build_meta_sheet, build_notes_sheet, build_table_sheet, build_text_sheet, fit_text_rows

__all__ = [
    "CHECK_STATUS_NAME",
    "TEMPLATE_NAME",
    "TEMPLATE_PATH",
    "addresses",
    "build_workbook",
    "cell_positions",
    "fit_text_rows",
    "name_positions",
    "write_template",
]


def build_workbook(spec: Spec = SPEC) -> Workbook:
    """Build the template in memory."""
    wb = Workbook()
    build_meta_sheet(wb, spec)
    build_text_sheet(wb, spec)
    for table in spec.tables:
        build_table_sheet(wb, table, spec)
    build_checks_sheet(wb, spec)
    build_notes_sheet(wb)
    positions = name_positions(spec)
    for name in all_names(spec):
        wb.defined_names[name] = DefinedName(name, attr_text=positions[name].abs_ref)
    wb.active = 0
    _fixed_properties(wb)
    return wb


def _fixed_properties(wb: Workbook) -> None:
    """Deterministic document properties, so rebuilding changes nothing but real edits."""
    from datetime import datetime

    stamp = datetime(2021, 1, 1)
    wb.properties.creator = "xladdin"
    wb.properties.title = "政府信息公开工作年度报告模板（国办公开办函〔2021〕30号格式）"
    wb.properties.created = stamp
    wb.properties.modified = stamp


def write_template(path: str | os.PathLike[str] = TEMPLATE_PATH, spec: Spec = SPEC) -> Path:
    """Build and save the template atomically (temp file in the same folder, then rename)."""
    return atomic_write(path, build_workbook(spec).save, make_dirs=True)
