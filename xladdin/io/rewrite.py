"""What a rewrite of a user's workbook through openpyxl would lose.

openpyxl keeps cells, styles, comments, images and charts, and (opened with rich_text=True)
rich-text runs; it silently drops text boxes and other shapes, form and ActiveX controls,
embedded objects, threaded comments, slicers, timelines and sparklines. `lost_on_rewrite`
names what a file holds of those, per sheet, so that a button run on the file
(`addin run`) refuses before writing instead of losing them.

That list is what we know openpyxl drops; `lost_between` checks what it actually dropped. It
compares the package before and after a rewrite — validations, conditional formats, merged
cells, links, header and footer pictures, pictures and embedded files (by content), charts,
every x14/x15 extension of a sheet, pivot tables, data connections… — and names what went
missing, so that a rewrite that lost anything is never put in place of the user's file.
"""

from __future__ import annotations

import posixpath
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


# --------------------------------------------------------------------------- after a rewrite

SHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Sheet content counted before and after a rewrite: element -> (what it is, child counted or "").
SHEET_CONTENT = {
    "dataValidations": ("数据有效性", "dataValidation"),
    "conditionalFormatting": ("条件格式", "cfRule"),
    "hyperlinks": ("超链接", "hyperlink"),
    "mergeCells": ("合并单元格", "mergeCell"),
    "tableParts": ("表格（列表）", "tablePart"),
    "picture": ("工作表背景图片", ""),
    "legacyDrawingHF": ("页眉页脚中的图片", ""),
    "protectedRanges": ("允许编辑区域", "protectedRange"),
    "autoFilter": ("自动筛选", ""),
}
EXT_NAMES = {
    "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}": "数据有效性（Excel 2010 格式，如引用其他工作表的下拉列表）",
    "{78C0D931-6437-407d-A8EE-F0AAD7539E65}": "条件格式（Excel 2010 格式，如数据条、图标集）",
    "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}": "迷你图",
    "{A8765BA9-456A-4dab-B4F3-ACF838C121DE}": "切片器",
    "{3A4CF648-6AED-40f4-86FF-DC5316D8AED3}": "切片器",
    "{7E03D99C-DC04-49d9-9315-930204A7B6E9}": "日程表",
}
# Workbook extensions that hold no content of the user's (Excel writes them into every file).
HARMLESS_EXT = {
    "{140A7094-0E35-4892-8432-C4D2E57EDEB5}",  # x15:workbookPr chartTrackingRefBase
    "{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}",  # xcalcf:calcFeatures
    "{79F54976-1DA5-4618-B147-4CDE4B953A38}",  # x14:workbookPr
}
XDR_CONTENT = {f"{{{XDR}}}pic": "图片", f"{{{XDR}}}graphicFrame": "图表或 SmartArt"}
# Parts whose loss loses what the user made, by folder (pictures and embeddings by content).
PART_FAMILIES = {
    "xl/charts/chart": "图表", "xl/pivotTables/": "数据透视表", "xl/pivotCache/": "数据透视表缓存",
    "xl/tables/": "表格（列表）", "xl/queryTables/": "查询表", "xl/externalLinks/": "外部链接",
    "xl/connections.xml": "数据连接", "customXml/item": "自定义 XML 数据", "xl/richData/": "单元格中的图片",
    "xl/vbaProject.bin": "宏（VBA 工程）", "xl/model/": "数据模型",
}


def inventory(path: str | Path, skip_sheets: set[str] | frozenset[str] = frozenset()) -> dict[str, int]:
    """What the package at `path` holds that a person made or sees, as counts keyed by a
    Chinese description ("工作表“表三”：数据有效性"), sheets in `skip_sheets` left out (those a
    button rewrites itself). Pictures and embedded files count by content."""
    import hashlib

    out: dict[str, int] = {}

    def add(key: str, n: int = 1) -> None:
        if n:
            out[key] = out.get(key, 0) + n

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        sheets, _ = workbook_part(zf)
        for title, part in sheets.items():
            if title in skip_sheets or part not in names:
                continue
            where = f"工作表“{title}”："
            root = etree.fromstring(zf.read(part), _PARSER)
            for el in root:
                tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
                if tag in SHEET_CONTENT:
                    what, child = SHEET_CONTENT[tag]
                    add(where + what, sum(1 for c in el.iter(f"{{{SHEET_MAIN}}}{child}")) if child else 1)
                elif tag == "headerFooter" and "".join(el.itertext()).strip():
                    add(where + "页眉页脚")
                elif tag == "extLst":
                    for ext in el:
                        uri = ext.get("uri", "")
                        add(where + EXT_NAMES.get(uri, f"扩展内容 {uri}"))
            targets = rels(zf, part)
            for rid, target in targets.items():
                if targets.get("type:" + rid, "").endswith("/drawing") and target in names:
                    for el in etree.fromstring(zf.read(target), _PARSER).iter(*XDR_CONTENT):
                        add(where + XDR_CONTENT[el.tag])
        wb_root = etree.fromstring(zf.read("xl/workbook.xml"), _PARSER)
        for ext in wb_root.iter(f"{{{SHEET_MAIN}}}ext"):
            if ext.getparent() is not None and etree.QName(ext.getparent()).localname == "extLst" \
                    and ext.getparent().getparent() is wb_root and ext.get("uri", "") not in HARMLESS_EXT:
                add(f"工作簿：{EXT_NAMES.get(ext.get('uri', ''), '扩展内容 ' + ext.get('uri', ''))}")
        for name in names:
            if name.startswith(("xl/media/", "xl/embeddings/")):
                digest = hashlib.sha1(zf.read(name)).hexdigest()[:12]
                add(f"图片或嵌入对象（{posixpath.basename(name)}，{digest}）")
            for prefix, what in PART_FAMILIES.items():
                if name.startswith(prefix) and not name.endswith(".rels"):
                    add(what)
    return out


def lost_between(before: str | Path, after: str | Path, skip_sheets: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """What `before` held that `after` (its rewrite) does not: Chinese descriptions with how
    many went missing; [] when nothing was lost. Media are matched by content, so a picture
    renamed by the rewrite (image3.png -> image1.png) is not lost."""
    old, new = inventory(before, skip_sheets), inventory(after, skip_sheets)
    media_new = {k.rsplit("，", 1)[1] for k in new if k.startswith("图片或嵌入对象")}
    lost = [k.rsplit("，", 1)[0] + "）" for k in sorted(old)
            if k.startswith("图片或嵌入对象") and k.rsplit("，", 1)[1] not in media_new]
    for key, n in old.items():
        if key.startswith("图片或嵌入对象"):
            continue
        missing = n - new.get(key, 0)
        if missing > 0:
            lost.append(f"{key} {missing} 处")
    return lost
