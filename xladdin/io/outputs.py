"""Which existing files an output may replace.

The findings workbook (`check --xlsx`), the batch audit workbook (`audit --xlsx`) and the
roll-up (`rollup -o`) carry a custom document property `xladdin-output` naming their kind.
An existing file is replaced only when it is an xladdin output of the same kind — never a
report of the run, never anybody else's workbook (`refuse_replacing`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import OutputError

MARK = "xladdin-output"
KINDS = {"findings": "审核结果（问题清单）", "audit": "批量审核结果", "rollup": "汇总年报"}
CUSTOM_PART = "docProps/custom.xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
# Outputs written before the mark existed are known by their sheets.
LEGACY_SHEETS = {
    "findings": ("概况", "审核结果", "涉及单元格"),
    "audit": ("汇总", "明细"),
    "rollup": ("汇总来源", "汇总明细"),
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def mark(wb: Any, kind: str) -> None:
    """Stamp an openpyxl workbook (normal or write-only) as an xladdin output of `kind`."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    for prop in list(props):
        if prop.name == MARK:
            props.props.remove(prop)
    props.append(StringProperty(name=MARK, value=kind))


def output_kind(path: str | Path) -> str | None:
    """The kind of xladdin output `path` is, or None (not one, or unreadable)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if CUSTOM_PART in names and zf.getinfo(CUSTOM_PART).file_size < 1_000_000:
                root = etree.fromstring(zf.read(CUSTOM_PART), _PARSER)
                for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
                    if prop.get("name") == MARK:
                        text = "".join(prop.itertext()).strip()
                        return text if text in KINDS else None
            from .parts import workbook_part

            sheets = list(workbook_part(zf)[0])
    except Exception:  # noqa: BLE001 - whatever it is, it is not an output of ours
        return None
    for kind, wanted in LEGACY_SHEETS.items():
        if kind == "rollup" and all(s in sheets for s in wanted):
            return kind
        if tuple(sheets) == wanted:
            return kind
    return None


def refuse_replacing(
    output: str | Path, inputs: list[str | Path], option: str = "输出文件", kind: str | None = None
) -> None:
    """OutputError when writing `output` would replace one of the `inputs` (an exported page
    must never land on the report it was made from), or — with `kind` — an existing file that
    is not an xladdin output of that kind (a report in the audited folder, a user's workbook).
    A missing output, or our own output of the same kind, passes."""
    from .safety import same_file

    out = Path(output)
    if not out.exists():
        return
    for src in inputs:
        if Path(src).exists() and same_file(out, src):
            raise OutputError(f"{option}就是输入文件“{src}”，写出会覆盖它；请另指定输出文件", path=str(out))
    if kind is None:
        return
    if out.is_dir():
        raise OutputError(f"{option}是一个文件夹，请给出文件名", path=str(out))
    if output_kind(out) != kind:
        raise OutputError(
            f"{option}已存在，且不是 xladdin 写出的{KINDS[kind]}工作簿（可能是一份年报或他人的文件），"
            "为免覆盖已停止；请另指定输出文件，或先移走该文件",
            path=str(out),
        )
