"""What a rewrite of a user's workbook through openpyxl would lose.

openpyxl keeps cells, styles, comments, images and charts, and (opened with rich_text=True)
rich-text runs; it silently drops text boxes and other shapes, form and ActiveX controls,
embedded objects, threaded comments, slicers, timelines and sparklines. `lost_on_rewrite`
names what a file holds of those, per sheet, so that a button run on the file
(`addin run`) refuses before writing instead of losing them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from .parts import rels, workbook_part

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
SHAPES = {f"{{{XDR}}}sp": "文本框或形状", f"{{{XDR}}}grpSp": "组合形状", f"{{{XDR}}}cxnSp": "连接线"}
REL_KINDS = {
    "/control": "表单控件",
    "/ctrlProp": "表单控件",
    "/oleObject": "嵌入对象",
    "/package": "嵌入对象",
    "/threadedComment": "新版批注（线程批注）",
    "/slicer": "切片器",
    "/timeline": "日程表",
}
PACKAGE_PREFIXES = {"xl/activeX/": "ActiveX 控件", "xl/slicerCaches/": "切片器", "xl/timelineCaches/": "日程表"}
SHEET_MARKERS = {b"sparklineGroup": "迷你图"}


def lost_on_rewrite(path: str | Path) -> list[str]:
    """Chinese descriptions ("工作表“表三”：文本框或形状 1 个") of the content an openpyxl
    rewrite of `path` would drop; [] when nothing would be lost."""
    found: list[str] = []
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        sheets, _ = workbook_part(zf)
        for title, part in sheets.items():
            counts: dict[str, int] = {}
            targets = rels(zf, part)
            for rid, target in targets.items():
                if rid.startswith("type:"):
                    continue
                kind = targets.get("type:" + rid, "")
                if kind.endswith("/drawing") and target in names:
                    root = etree.fromstring(zf.read(target), _PARSER)
                    for anchor in root:
                        for el in anchor:
                            if el.tag in SHAPES:
                                counts[SHAPES[el.tag]] = counts.get(SHAPES[el.tag], 0) + 1
                for suffix, what in REL_KINDS.items():
                    if kind.endswith(suffix):
                        counts[what] = counts.get(what, 0) + 1
            if part in names:
                data = zf.read(part)
                for marker, what in SHEET_MARKERS.items():
                    if marker in data:
                        counts[what] = counts.get(what, 0) + 1
            if counts:
                found.append(f"工作表“{title}”：" + "、".join(f"{k} {n} 个" for k, n in counts.items()))
        for prefix, what in PACKAGE_PREFIXES.items():
            if any(n.startswith(prefix) for n in names) and not any(what in f for f in found):
                found.append(what)
    return found
