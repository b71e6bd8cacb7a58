"""JsonBook: the book interface over a workbook described in JSON, for the WPS add-in's service.

The WPS add-in (xladdin/wps/addin/js/door.js) reads the open workbook through WPS's object model
and sends what it read: the defined names, the cells by key (data cells, 基本信息, 正文), the
rows of the few sheets the actions read (说明, 校验结果, 上年数据, the marks sheet), and the
answers to questions asked so far. A ribbon action runs on this book exactly as it runs on Excel
(XlBook) or a file (FileBook); every change it makes is recorded as an *edit* ("set", "fill",
"comment", "rows", "link", "show", "open") that the add-in applies to the real workbook.

What the JSON lacks is asked for, never guessed:
- a question (ask_text / ask_file) without an answer stops the action with `NeedAnswer`;
- rows of a sheet, fills and comments of cells not sent are collected in `needed` while the
  action runs on (with empty stand-ins); the service then discards that run and asks the add-in
  for all of them at once. Actions only change the workbook through this book, so a discarded
  run left nothing behind.

The wire format (all keys optional):
    {"path": "...", "sheets": [...], "names": {"NB_t3_new_natural": "表三!D7", ...},
     "cells": {"t3.new.natural": 10, ...}, "meta": {"agency": "...", ...},
     "sections": {"s1.request": "...", ...}, "formulas": {"t3.new.total": "=SUM(D7:I7)", ...},
     "rows": {"说明": [[...], ...], ...}, "fills": {"表三!D7": "FFC7CE"}, "comments": {"表三!D7": "..."},
     "answers": {"previous": "/path/上年.xlsx", "year": null}}
Without "names" the template's own defined names are assumed (a client that only has the cells);
with "names": {} the workbook has none (not a report: 校验 says so, 新建年报 works).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io.names import parse_reference
from ..names import all_names
from .book import TITLE, Book, rgb_hex

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 in Excel's (and WPS's) date system
MAX_CELL_TEXT = 32767  # a cell holds at most this many characters (Excel and WPS)
KINDS = {"cell": "cells", "meta": "meta", "section": "sections"}


class NeedAnswer(Exception):
    """An action asked a question the add-in has not answered yet."""

    def __init__(self, ask: dict[str, str]) -> None:
        super().__init__(ask["question"])
        self.ask = ask


@dataclass
class Needed:
    rows: list[str] = field(default_factory=list)
    fills: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rows or self.fills or self.comments)

    def to_dict(self) -> dict[str, list[str]]:
        return {"rows": self.rows, "fills": self.fills, "comments": self.comments}


def _address(ref: Any, what: str) -> str:
    """"表三!D7", "'表三'!$D$7" or "='表三'!$D$7" -> "表三!D7"."""
    parsed = parse_reference(str(ref)) if isinstance(ref, str) else None
    if not parsed:
        raise InputError(f"{what}应为“工作表!单元格”形式的地址，收到“{ref}”")
    return f"{parsed[0]}!{parsed[1]}"


def _wire_value(value: Any, what: str) -> Any:
    """A value as JSON carries it: text, number, boolean or null (no nested structures)."""
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, str) and len(value) > MAX_CELL_TEXT:
            raise InputError(f"{what}的文字超过 {MAX_CELL_TEXT} 个字符（单元格的上限）")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{what}不是有效的数字")
        return value
    raise InputError(f"{what}应为文字、数字或空，收到 {type(value).__name__}")


def _out(value: Any) -> Any:
    """A value written by an action, as JSON: dates as ISO text, Decimal as a number."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _dict(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise InputError(f"请求中的“{key}”应为对象（键: 值）")
    return value


class JsonBook(Book):
    def __init__(self, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise InputError("请求内容应为 JSON 对象")
        path = str(data.get("path") or "")
        self._path = path if os.path.isabs(path) else ""  # "工作簿1": never saved
        self.edits: list[dict[str, Any]] = []
        self.messages: list[str] = []
        self.needed = Needed()
        self.answers = _dict(data, "answers")
        known = all_names()
        names = _dict(data, "names")
        if "names" in data:  # as sent (a workbook without our names has none)
            self._names = {}
            for n, ref in names.items():  # single cells only, as the other books read them
                place = parse_reference(ref) if isinstance(ref, str) and "!" not in str(n) else None
                if place:
                    self._names[str(n)] = f"{place[0]}!{place[1]}"
        else:
            from ..template.layout import name_positions

            self._names = {n: p.address for n, p in name_positions().items()}
        self._values: dict[str, Any] = {}
        self._formulas: dict[str, str] = {}
        by_kind = {kind: _dict(data, part) for kind, part in KINDS.items()}
        formulas = _dict(data, "formulas")
        for name, address in self._names.items():
            kind, key = known.get(name, ("", ""))
            if not kind:
                continue
            given = by_kind[kind]
            if key in given:
                self._values[address] = self._from_wire(kind, key, given[key])
            if kind == "cell" and isinstance(formulas.get(key), str) and formulas[key].startswith("="):
                self._formulas[address] = formulas[key]
        self._rows: dict[str, list[list[Any]]] = {}
        for sheet, rows in _dict(data, "rows").items():
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise InputError(f"工作表“{sheet}”的内容应为行的列表")
            self._rows[str(sheet)] = [[_wire_value(v, f"工作表“{sheet}”") for v in r] for r in rows]
        sheets = data.get("sheets")
        if sheets is None:
            from ..template.layout import name_positions

            sheets = list(dict.fromkeys(p.sheet for p in name_positions().values()))
        if not isinstance(sheets, list):
            raise InputError("请求中的“sheets”应为工作表名称的列表")
        self._sheets = [str(s) for s in sheets]
        for sheet in self._rows:
            if sheet not in self._sheets:
                self._sheets.append(sheet)
        self._fills = {_address(a, "底色的单元格"): rgb_hex(c) for a, c in _dict(data, "fills").items()}
        self._comments = {_address(a, "批注的单元格"): str(c or "") for a, c in _dict(data, "comments").items()}

    @staticmethod
    def _from_wire(kind: str, key: str, value: Any) -> Any:
        value = _wire_value(value, f"单元格 {key} ")
        if kind == "meta" and key == "published" and isinstance(value, (int, float)) and not isinstance(value, bool):
            # WPS's Value2 gives a date cell as its serial number
            if 1 <= value < 2958466:
                return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return value

    # ------------------------------------------------------------ primitives

    @property
    def path(self) -> str:
        return self._path

    def defined_names(self) -> dict[str, str]:
        return dict(self._names)

    def sheet_names(self) -> list[str]:
        return list(self._sheets)

    def _grid_cell(self, address: str) -> tuple[list[list[Any]], int, int] | None:
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

        sheet, cell = address.rsplit("!", 1)
        if sheet not in self._rows:
            return None
        letters, row = coordinate_from_string(cell)
        return self._rows[sheet], row - 1, column_index_from_string(letters) - 1

    def get(self, address: str) -> Any:
        if address in self._values:
            return self._values[address]
        at = self._grid_cell(address)
        if at is not None:
            rows, r, c = at
            return rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        return None

    def formula(self, address: str) -> str:
        return self._formulas.get(address, "")

    def set(self, address: str, value: Any) -> None:
        value = _out(value)
        self._values[address] = value
        self._formulas.pop(address, None)
        at = self._grid_cell(address)
        if at is not None:
            rows, r, c = at
            while len(rows) <= r:
                rows.append([])
            rows[r].extend([None] * (c + 1 - len(rows[r])))
            rows[r][c] = value
        self.edits.append({"op": "set", "address": address, "value": value})

    def fill(self, address: str) -> str:
        if address not in self._fills:
            if address not in self.needed.fills:
                self.needed.fills.append(address)
            return ""
        return self._fills[address]

    def set_fill(self, address: str, color: str) -> None:
        self._fills[address] = color
        self.edits.append({"op": "fill", "address": address, "color": color})

    def comment(self, address: str) -> str:
        if address not in self._comments:
            if address not in self.needed.comments:
                self.needed.comments.append(address)
            return ""
        return self._comments[address]

    def set_comment(self, address: str, text: str) -> None:
        self._comments[address] = text
        self.edits.append({"op": "comment", "address": address, "text": text})

    def read_rows(self, sheet: str) -> list[list[Any]]:
        if sheet in self._rows:
            return [list(r) for r in self._rows[sheet]]
        if sheet in self._sheets and sheet not in self.needed.rows:
            self.needed.rows.append(sheet)
        return []

    def write_rows(self, sheet: str, rows: list[list[Any]], widths: list[int] | None = None,
                   state: str = "visible") -> None:
        rows = [[_out(v) for v in r] for r in rows]
        self._rows[sheet] = [list(r) for r in rows]
        if sheet not in self._sheets:
            self._sheets.append(sheet)
        self.edits.append({"op": "rows", "sheet": sheet, "rows": rows, "widths": list(widths or []), "state": state})

    def add_link(self, address: str, target: str, text: str) -> None:
        self.edits.append({"op": "link", "address": address, "target": target, "text": text})

    def _answer(self, ask: dict[str, str]) -> str | None:
        question = ask["question"]
        if question not in self.answers:
            raise NeedAnswer(ask)
        answer = self.answers[question]
        if answer is None or answer == "":
            return None
        if not isinstance(answer, str):
            raise InputError(f"对“{ask['prompt'].rstrip('：:')}”的回答应为文字")
        return answer

    def ask_file(self, question: str, prompt: str, mode: str = "open", suffix: str = ".xlsx",
                 default: str = "") -> str | None:
        return self._answer({"question": question, "prompt": prompt, "kind": "file", "mode": mode,
                             "suffix": suffix, "default": default})

    def ask_text(self, question: str, prompt: str, default: str = "") -> str | None:
        return self._answer({"question": question, "prompt": prompt, "kind": "text", "default": default})

    def message(self, text: str, title: str = TITLE) -> None:
        self.messages.append(text)

    def save(self) -> None:
        """The user saves in WPS, as in Excel."""

    def done(self) -> None:
        """In WPS, as in Excel, the user decides when to save."""

    def show_sheet(self, sheet: str) -> None:
        self.edits.append({"op": "show", "sheet": sheet})

    def open_workbook(self, path: str) -> None:
        self.edits.append({"op": "open", "path": str(path)})

    def open_other(self, path: str) -> Book:
        """Another workbook (last year's report) is read from its file, as XlBook does."""
        from .filebook import FileBook

        if not Path(path).is_file():
            raise InputError("找不到文件", path=path)
        return FileBook(path)


__all__ = ["JsonBook", "NeedAnswer", "Needed"]
