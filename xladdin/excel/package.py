"""Zip-level surgery on .xlsx/.xlsm/.xlam packages: the parts openpyxl cannot write or drops.

openpyxl writes the workbook; these functions then add (or re-attach) the ribbon
(`customUI/customUI.xml` + its relationship in `_rels/.rels`), the VBA project
(`xl/vbaProject.bin` + relationship + content type) and set the workbook's content type
(.xlsm / .xlam). Entries are copied by name, never by reusing ZipInfo objects (reusing them
mutates header offsets and corrupts the output).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree as ET

from ..fileio import atomic_write, replace_file

RIBBON_PART = "customUI/customUI.xml"
RIBBON_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
VBA_PART = "xl/vbaProject.bin"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
VBA_CT = "application/vnd.ms-office.vbaProject"
CT = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    ".xltm": "application/vnd.ms-excel.template.macroEnabled.main+xml",
    ".xlam": "application/vnd.ms-excel.addin.macroEnabled.main+xml",
}
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"


def read_parts(path: str | Path | IO[bytes]) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def write_parts(path: str | Path, parts: dict[str, bytes]) -> None:
    """Write a package atomically; an OutputError names the file when that fails."""
    atomic_write(path, lambda tmp: _zip_parts(tmp, parts))


def _zip_parts(path: Path, parts: dict[str, bytes]) -> None:
    order = ["[Content_Types].xml"] + [n for n in parts if n != "[Content_Types].xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            z.writestr(name, parts[name])


def _register() -> None:
    ET.register_namespace("", PKG_REL_NS)


def relationships(xml: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(xml)
    return [dict(r.attrib) for r in root]


def _add_relationship(xml: bytes | None, rel_type: str, target: str) -> bytes:
    """Add a relationship unless one of that type already points at `target`."""
    _register()
    root = ET.fromstring(xml) if xml else ET.Element(f"{{{PKG_REL_NS}}}Relationships")
    ids = set()
    for rel in root:
        ids.add(rel.get("Id"))
        if rel.get("Type") == rel_type and rel.get("Target", "").lstrip("/") == target.lstrip("/"):
            return xml or ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    n = 1
    while f"rIdXl{n}" in ids:
        n += 1
    ET.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=f"rIdXl{n}", Type=rel_type, Target=target)
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8")


def _content_types(xml: bytes, overrides: dict[str, str], defaults: dict[str, str]) -> bytes:
    ET.register_namespace("", CT_NS)
    root = ET.fromstring(xml)
    for ext, ctype in defaults.items():
        if not any(e.get("Extension", "").lower() == ext for e in root.iter(f"{{{CT_NS}}}Default")):
            root.insert(0, ET.Element(f"{{{CT_NS}}}Default", Extension=ext, ContentType=ctype))
    for part, ctype in overrides.items():
        found = [e for e in root.iter(f"{{{CT_NS}}}Override") if e.get("PartName") == part]
        if found:
            found[0].set("ContentType", ctype)
        else:
            ET.SubElement(root, f"{{{CT_NS}}}Override", PartName=part, ContentType=ctype)
    return ET.tostring(root, xml_declaration=True, encoding="UTF-8")


def content_types(parts: dict[str, bytes]) -> dict[str, str]:
    """PartName -> content type, Overrides resolved over Defaults."""
    root = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iter(f"{{{CT_NS}}}Default")}
    out = {}
    for name in parts:
        ext = name.rsplit(".", 1)[-1].lower()
        if ext in defaults:
            out["/" + name] = defaults[ext]
    for e in root.iter(f"{{{CT_NS}}}Override"):
        out[e.get("PartName", "")] = e.get("ContentType", "")
    return out


def workbook_part(parts: dict[str, bytes]) -> str:
    for rel in relationships(parts["_rels/.rels"]):
        if rel["Type"].endswith("/officeDocument"):
            return rel["Target"].lstrip("/")
    return "xl/workbook.xml"


def attach_ribbon(parts: dict[str, bytes], ribbon_xml: bytes) -> None:
    parts[RIBBON_PART] = ribbon_xml
    parts["_rels/.rels"] = _add_relationship(parts.get("_rels/.rels"), RIBBON_REL, RIBBON_PART)


def ribbon(parts: dict[str, bytes]) -> bytes | None:
    """The ribbon XML if the package has it AND the relationship that makes Excel load it."""
    rels = relationships(parts.get("_rels/.rels", b"<Relationships/>"))
    for rel in rels:
        if rel["Type"] == RIBBON_REL or rel["Type"].endswith("/ui/extensibility"):
            target = rel["Target"].lstrip("/")
            return parts.get(target)
    return None


def attach_vba(parts: dict[str, bytes], vba_bin: bytes, suffix: str) -> None:
    """Add the VBA project and make the workbook macro-enabled (.xlsm/.xltm/.xlam)."""
    wb = workbook_part(parts)
    folder, name = wb.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{name}.rels"
    parts[VBA_PART] = vba_bin
    parts[rels_name] = _add_relationship(parts.get(rels_name), VBA_REL, "vbaProject.bin")
    set_workbook_type(parts, suffix, extra={"/" + VBA_PART: VBA_CT})


def set_workbook_type(parts: dict[str, bytes], suffix: str, extra: dict[str, str] | None = None) -> None:
    overrides = {"/" + workbook_part(parts): CT[suffix.lower()]}
    overrides.update(extra or {})
    parts["[Content_Types].xml"] = _content_types(parts["[Content_Types].xml"], overrides, {})


def carry_over(original: dict[str, bytes], saved_path: str | Path) -> None:
    """After openpyxl re-saved a workbook: re-attach the ribbon it dropped (and customUI14)."""
    xml = ribbon(original)
    if xml is None:
        return
    parts = read_parts(saved_path)
    if ribbon(parts) == xml:
        return
    attach_ribbon(parts, xml)
    for name, data in original.items():
        if name.startswith("customUI/") and name not in parts:
            parts[name] = data
    replace_file(saved_path, lambda tmp: _zip_parts(tmp, parts))  # saved_path is the caller's temp file
