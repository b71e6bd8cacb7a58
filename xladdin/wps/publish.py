"""WPS's add-in lists: publish.xml (publish mode) and jsplugins.xml (the oem.ini mode of older
政务版 builds), both `<jsplugins>` with one element per add-in.

Our entry is merged into a list that may hold other vendors' add-ins: their elements (and the
comments between them) stay as they are, ours replaces any earlier one of the same name and
type, and the file is written atomically. A list that cannot be read is left untouched.

Entries:
- publish.xml, add-in folder in jsaddons: <jsplugin name type url="<name>_<version>" version
  enable="enable_dev" install="null" customDomain=""/> (as WPS's publish page writes it);
- jsplugins.xml, offline package: <jsplugin name type url="file:///…/<name>.7z" version enable="true"/>.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from defusedxml.ElementTree import DefusedXMLParser

from ..errors import InputError
from ..fileio import atomic_write
from .package import ADDIN_NAME, ADDIN_TYPE

ENTRY_TAGS = ("jsplugin", "jspluginonline")


def read_list(path: Path) -> ET.Element:
    """The <jsplugins> root of an existing list, or a new empty one."""
    if not path.exists():
        return ET.Element("jsplugins")
    try:
        parser = DefusedXMLParser(target=ET.TreeBuilder(insert_comments=True))
        root = ET.fromstring(path.read_bytes(), parser=parser)
    except (ET.ParseError, ValueError, OSError) as exc:
        raise InputError(f"不是可读的 WPS 加载项列表（{exc}），为免破坏其中其他加载项的登记，未做任何改动",
                         path=str(path)) from exc
    if root.tag != "jsplugins":
        raise InputError(f"根元素应为 <jsplugins>，实为 <{root.tag}>；未做任何改动", path=str(path))
    return root


def _ours(el: ET.Element, name: str = ADDIN_NAME, kind: str = ADDIN_TYPE) -> bool:
    return el.tag in ENTRY_TAGS and el.get("name") == name and el.get("type", kind) == kind


def to_bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def merged(root: ET.Element, tag: str, attrs: dict[str, str]) -> ET.Element:
    for el in [e for e in root if _ours(e)]:
        root.remove(el)
    ET.SubElement(root, tag, attrs)
    return root


def merge(path: Path, tag: str, attrs: dict[str, str]) -> Path:
    root = merged(read_list(path), tag, attrs)
    return atomic_write(path, to_bytes(root), make_dirs=True)


def remove(path: Path) -> bool:
    """Take our entry out of a list; False if it had none (the file is then not rewritten)."""
    if not path.exists():
        return False
    root = read_list(path)
    ours = [e for e in root if _ours(e)]
    if not ours:
        return False
    for el in ours:
        root.remove(el)
    atomic_write(path, to_bytes(root))
    return True


def entries(path: Path) -> list[dict[str, str]]:
    """Every entry of a list: tag and attributes (for tests and `xladdin wps install` reports)."""
    return [{"tag": e.tag, **e.attrib} for e in read_list(path) if e.tag in ENTRY_TAGS]


def publish_entry(version: str) -> tuple[str, dict[str, str]]:
    from .package import folder_name

    return "jsplugin", {"name": ADDIN_NAME, "type": ADDIN_TYPE, "url": folder_name(version), "version": version,
                        "enable": "enable_dev", "install": "null", "customDomain": ""}


def jsplugins_entry(archive: Path, version: str) -> tuple[str, dict[str, str]]:
    return "jsplugin", {"name": ADDIN_NAME, "type": ADDIN_TYPE, "url": archive.resolve().as_uri(),
                        "version": version, "enable": "true"}


__all__ = ["entries", "jsplugins_entry", "merge", "publish_entry", "read_list", "remove"]
