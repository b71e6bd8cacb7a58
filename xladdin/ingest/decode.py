"""Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030 family; HTML meta charset."""

from __future__ import annotations

import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn"}


def declared_charset(data: bytes) -> str | None:
    m = _META.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_bytes(data: bytes, html: bool = False) -> str:
    """Decode a published report. GB2312/GBK pages decode as GB18030 (a superset), so a page
    labelled GB2312 that uses GBK characters still reads correctly."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    declared = declared_charset(data) if html else None
    if declared and declared not in _GB and declared not in ("utf-8", "utf8"):
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")
