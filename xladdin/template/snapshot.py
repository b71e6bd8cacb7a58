"""A comparable summary of a workbook's content (not its zip bytes).

Used to verify that the committed template equals a fresh build: values and formulas of
every cell, merges, defined names, data validations, protection, conditional formats, styles
that matter to users (fill, lock), column widths, row heights and print settings.
"""

from __future__ import annotations

from typing import Any

from openpyxl.workbook.workbook import Workbook


def _defined_names(wb: Workbook) -> dict[str, str]:
    out = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    for ws in wb.worksheets:  # print titles/areas live as sheet-scoped names
        out.update({f"{ws.title}!{n}": dn.attr_text for n, dn in ws.defined_names.items()})
    return out


def snapshot(wb: Workbook) -> dict[str, Any]:
    sheets: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type else None
                if c.value is None and fill is None:
                    continue
                cells[c.coordinate] = (c.value, fill, bool(c.protection.locked), c.number_format)
        sheets[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (
                    str(dv.sqref),
                    dv.type,
                    dv.operator,
                    dv.formula1,
                    dv.formula2,
                    dv.prompt,
                    dv.error,
                    bool(dv.showInputMessage),
                    bool(dv.showErrorMessage),
                )
                for dv in ws.data_validations.dataValidation
            ),
            "protection": (
                bool(ws.protection.sheet),
                ws.protection.password,
                bool(ws.protection.formatRows),
                bool(ws.protection.formatColumns),
            ),
            "conditional": sorted(
                (str(rng.sqref), tuple(rule.formula or ()))
                for rng in ws.conditional_formatting
                for rule in rng.rules
            ),
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
            "print": (
                ws.page_setup.paperSize,
                ws.page_setup.orientation,
                ws.page_setup.fitToWidth,
                ws.page_setup.fitToHeight,
                ws.print_title_rows,
                str(ws.print_area) if ws.print_area else None,
            ),
            "freeze": ws.freeze_panes,
        }
    return {"sheets": list(wb.sheetnames), "content": sheets, "names": _defined_names(wb)}


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Human-readable differences between two snapshots (empty when equal)."""
    out: list[str] = []
    if a["sheets"] != b["sheets"]:
        out.append(f"sheets: {a['sheets']} != {b['sheets']}")
    if a["names"] != b["names"]:
        keys = set(a["names"]) ^ set(b["names"]) | {
            k for k in set(a["names"]) & set(b["names"]) if a["names"][k] != b["names"][k]
        }
        out.append(f"defined names differ: {sorted(keys)[:10]}")
    for sheet in set(a["content"]) & set(b["content"]):
        sa, sb = a["content"][sheet], b["content"][sheet]
        for part in sa:
            if sa[part] == sb.get(part):
                continue
            if part == "cells":
                coords = set(sa["cells"]) | set(sb["cells"])
                diff = sorted(c for c in coords if sa["cells"].get(c) != sb["cells"].get(c))
                out.append(f"{sheet}: cells differ at {diff[:10]}")
            else:
                out.append(f"{sheet}: {part} differ")
    return out
