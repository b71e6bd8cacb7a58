"""Reading a JSON input (a Report from `dump --json`, a settings file): bounded, Chinese errors.

The file is checked like every input (`fileio.read_input`: a regular file, not a device or a
FIFO, at most `limit` bytes), a UTF-8 BOM is accepted (Windows Notepad writes one), nesting
is limited before the parser sees it (a deeply nested array exhausted Python's recursion),
lone surrogates (`"\\ud800"`, not a character) are refused, and every failure is a Chinese
`InputError` naming the file, with line and column for a syntax error.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .errors import InputError
from .fileio import read_input
from .textsafety import SURROGATE as _SURROGATE

MAX_JSON_BYTES = 20 << 20  # a Report is ~30 KB; a settings file a few hundred bytes
MAX_DEPTH = 64  # a Report nests 4 levels deep


def read_json(path: str | Path, limit: int = MAX_JSON_BYTES, what: str = "JSON") -> Any:
    """The parsed content of a JSON file; InputError (Chinese, naming the file) otherwise.
    `what` names the expected content in messages ("年报 JSON")."""
    p = Path(path)
    data = read_input(p, limit)
    return parse_json(data, str(p), what)


def parse_json(data: bytes | str, where: str = "", what: str = "JSON") -> Any:
    if isinstance(data, bytes):
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"JSON 文件应为 UTF-8 编码（第 {exc.start + 1} 个字节无法按 UTF-8 解码）", path=where) from exc
    else:
        text = data.lstrip("\ufeff")
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise InputError(f"JSON 嵌套过深（超过 {MAX_DEPTH} 层），不是年报数据", path=where)
    try:
        value = json.loads(text, parse_int=_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"不是有效的{what}（第 {exc.lineno} 行第 {exc.colno} 列：{_REASONS.get(exc.msg, '格式错误')}）", path=where) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(f"不是有效的{what}（格式错误）", path=where) from exc
    bad = _first_surrogate(value)
    if bad is not None:
        raise InputError(f"JSON 中的文字含有无效字符（孤立的 UTF-16 代理项，位于 {bad}）", path=where)
    return value


def _int(literal: str) -> int | str:
    """A JSON integer; one of hundreds of digits stays its text (no count is that long, and
    Python refuses to convert past 4,300 digits): the checks then report it."""
    return int(literal) if len(literal) <= 100 else literal


_REASONS = {
    "Expecting value": "缺少值",
    "Expecting property name enclosed in double quotes": "属性名应使用双引号",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Unterminated string starting at": "字符串没有结束引号",
    "Extra data": "多余的内容",
    "Invalid control character at": "字符串中有控制字符",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
}


_STRING = re.compile(r'"(?:\\.|[^"\\])*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings (no recursion, no parse)."""
    depth = deepest = 0
    for m in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _first_surrogate(value: Any, where: str = "") -> str | None:
    """The path ("sections.s1") of the first string holding a lone surrogate, or None."""
    if isinstance(value, str):
        return (where or "顶层") if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            key = str(k)
            if _SURROGATE.search(key):
                return f"{where}.{key!r}" if where else repr(key)
            found = _first_surrogate(v, f"{where}.{key}" if where else key)
            if found:
                return found
    if isinstance(value, list):
        for i, v in enumerate(value):
            found = _first_surrogate(v, f"{where}[{i}]")
            if found:
                return found
    return None
