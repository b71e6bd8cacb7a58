"""Bytes to text, decided by evidence: BOM, then the candidate encodings (UTF-8, the charset a
web page declares, GB18030 for GB2312/GBK pages) tried strictly, and the first reading that
holds Chinese text wins. A report is Chinese: a page that declares iso-8859-1 but is UTF-8
decodes to mojibake without a single CJK character, so the declaration loses to the bytes.
Random bytes named .txt (control characters, no valid reading) are refused, never parsed.
"""

from __future__ import annotations

import re

from ..errors import InputError

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
MIN_CJK = 0.01  # share of CJK characters a Chinese report has at the least (real ones: 30-60 %)
MAX_CONTROL = 0.001  # share of control characters a text file may have (real ones: none)


def declared_charset(data: bytes) -> str | None:
    m = _META.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def decode_bytes(data: bytes, html: bool = False, source: str = "") -> str:
    """Decode a published report; InputError naming `source` when the bytes are no text."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="replace"), source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16", errors="replace"), source)
    declared = declared_charset(data) if html else None
    candidates = ["utf-8"]
    if declared and declared not in _GB and declared not in ("utf-8", "utf8"):
        candidates.append(declared)
    candidates.append("gb18030")  # GB2312/GBK pages: a superset, so GBK characters read too
    readings: list[str] = []
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        if _cjk_share(text) >= MIN_CJK:
            return _checked(text, source)
        readings.append(text)
    if readings:  # no reading is Chinese: the first valid one (an English or empty page)
        return _checked(readings[0], source)
    raise InputError(
        "无法识别文件的文字编码（既不是 UTF-8 也不是 GB18030/GBK 编码的文本），可能不是文本文件或已损坏", path=source
    )


def _cjk_share(text: str) -> float:
    letters = sum(1 for ch in text if not ch.isspace())
    return len(_CJK.findall(text)) / letters if letters else 0.0


def _checked(text: str, source: str) -> str:
    controls = len(_CONTROL.findall(text))
    if controls and controls > MAX_CONTROL * max(len(text), 1):
        raise InputError(f"不是文本文件（含有 {controls} 个控制字符，像是二进制数据）", path=source)
    return text
