"""Atomic saves, and the ribbon relationship openpyxl drops.

A save writes a temporary file in the destination folder and then `os.replace`s it over the
destination, so a crash or a full disk never leaves a half-written workbook, and readers see
either the old file or the new one.

openpyxl with `keep_vba=True` keeps `customUI/*` parts of an .xlsm but rewrites
`_rels/.rels` without the `ui/extensibility` relationship, so the ribbon silently vanishes
(see shared/reference/xlwings.md). `restore_ribbon` copies the relationship (and any part
that went missing) back from the source workbook, entry by entry with zipfile.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from ..fileio import atomic_write, replace_file

RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
UI_REL_TYPES = (
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",  # customUI.xml
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",  # customUI14.xml
)
_MIME = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def save_atomic(
    workbook: Any | Callable[[Path], object],
    path: str | Path,
    source: str | Path | None = None,
    after: Callable[[Path], object] | None = None,
) -> Path:
    """Save `workbook` (anything with .save(path), or a function writing to a path) to `path`
    atomically. With `source`, the ribbon relationships of the source workbook are restored;
    `after(temp_path)` may post-process the saved file before it replaces `path`."""

    def write(tmp: Path) -> None:
        if callable(getattr(workbook, "save", None)):
            workbook.save(tmp)
        else:
            workbook(tmp)
        if source is not None:
            restore_ribbon(source, tmp)
        if after is not None:
            after(tmp)

    return atomic_write(path, write)


def ui_relationships(rels_xml: bytes) -> list[etree._Element]:
    root = etree.fromstring(rels_xml, _PARSER)
    return [r for r in root if r.get("Type") in UI_REL_TYPES]


def restore_ribbon(source: str | Path, target: str | Path) -> bool:
    """Put the source's ribbon (customUI) relationship and parts back into `target`.
    Returns True when `target` was changed."""
    try:
        with zipfile.ZipFile(source) as src:
            src_names = set(src.namelist())
            if RELS not in src_names:
                return False
            wanted = ui_relationships(src.read(RELS))
            if not wanted:
                return False
            src_parts = {n: src.read(n) for n in src_names if _under_ui(n, wanted)}
    except (zipfile.BadZipFile, OSError, etree.XMLSyntaxError):
        return False
    with zipfile.ZipFile(target) as zin:
        names = zin.namelist()
        rels_root = etree.fromstring(zin.read(RELS), _PARSER)
        have = {r.get("Target", "").lstrip("/") for r in rels_root if r.get("Type") in UI_REL_TYPES}
        missing_rels = [r for r in wanted if r.get("Target", "").lstrip("/") not in have]
        missing_parts = {n: b for n, b in src_parts.items() if n not in names}
        if not missing_rels and not missing_parts:
            return False
        ids = {r.get("Id") for r in rels_root}
        for rel in missing_rels:
            new = etree.SubElement(rels_root, f"{{{PKG_REL_NS}}}Relationship")
            rid, n = rel.get("Id") or "rIdUI", 1
            while rid in ids:
                rid, n = f"rIdUI{n}", n + 1
            ids.add(rid)
            new.set("Id", rid)
            new.set("Type", rel.get("Type", ""))
            new.set("Target", rel.get("Target", ""))
        rels_bytes = etree.tostring(rels_root, xml_declaration=True, encoding="UTF-8", standalone=True)
        types = _content_types(zin.read(CONTENT_TYPES), missing_parts)

    def write(tmp: Path) -> None:  # reopens target so it is closed before the replace (Windows)
        with zipfile.ZipFile(target) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:  # copy by name; fresh ZipInfo so nothing of zin is mutated
                data = zin.read(name)
                if name == RELS:
                    data = rels_bytes
                elif name == CONTENT_TYPES:
                    data = types
                zout.writestr(name, data)
            for name, data in sorted(missing_parts.items()):
                zout.writestr(name, data)

    replace_file(target, write)
    return True


def _under_ui(name: str, rels: list[etree._Element]) -> bool:
    """Entries of the ribbon: the customUI part, its _rels and images in its folder."""
    for rel in rels:
        folder = posixpath.dirname(rel.get("Target", "").lstrip("/"))
        if folder and (name == folder or name.startswith(folder + "/")):
            return True
    return False


def _content_types(xml: bytes, parts: dict[str, bytes]) -> bytes:
    """Add a Default content type for extensions of restored parts that lack one."""
    root = etree.fromstring(xml, _PARSER)
    known = {d.get("Extension", "").lower() for d in root if d.tag == f"{{{CT_NS}}}Default"}
    changed = False
    for name in parts:
        ext = name.rsplit(".", 1)[-1].lower()
        if ext in known or ext not in _MIME:
            continue
        el = etree.SubElement(root, f"{{{CT_NS}}}Default")
        el.set("Extension", ext)
        el.set("ContentType", _MIME[ext])
        known.add(ext)
        changed = True
    if not changed:
        return xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
