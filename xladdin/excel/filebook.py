"""FileBook: the book interface over a workbook file (openpyxl), for tests and the CLI.

Dialog answers come from `answers` (question id -> path or text) instead of a window; a
question without an answer counts as "cancelled". Messages are collected in `messages`.
Saving is atomic, keeps macros (keep_vba for .xlsm/.xltm) and re-attaches the ribbon that
openpyxl drops.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from ..errors import InputError, OutputError
from ..fileio import atomic_write
from ..io.cells import formula_of, safe_text, set_value, unescape
from ..io.cells import row as safe_row
from ..io.names import parse_reference
from ..io.parts import sheet_scan, workbook_part
from ..io.rewrite import lost_between, lost_on_rewrite
from ..io.workbook import open_workbook
from . import package
from .book import TITLE, Book, quoted, rgb_hex

MACRO_SUFFIXES = {".xlsm", ".xltm"}
COMMENT_AUTHOR = "xladdin校验"  # not "xladdin": xladdin.io reads comments by that author as notes


class FileBook(Book):
    def __init__(self, path: str | Path, answers: dict[str, str] | None = None,
                 workbook: Workbook | None = None) -> None:
        self._path = Path(path)
        self.answers = dict(answers or {})
        self.messages: list[str] = []
        self.unanswered: list[tuple[str, str]] = []  # (question id, prompt) asked without an answer
        self._loaded_from = self._path  # its ribbon goes into whatever file we save to
        self._changed = False  # a cell was set: saved formula results may be stale
        self._results: dict[str, dict[str, Any]] | None = None  # sheet -> saved formula results
        self._rewritten: set[str] = set()  # sheets write_rows replaced: our own content
        if workbook is not None:
            self.wb = workbook
            return
        if self._path.suffix.lower() == ".xlam":
            raise InputError("加载项文件（.xlam）不能作为年报工作簿打开", path=str(self._path))
        # the pre-open checks of every command (zip bombs, DOCTYPE, encrypted, .xls…)
        self.wb = open_workbook(self._path, keep_vba=self._path.suffix.lower() in MACRO_SUFFIXES, keep_user_content=True)

    # ------------------------------------------------------------ primitives

    @property
    def path(self) -> str:
        return str(self._path)

    def defined_names(self) -> dict[str, str]:
        out = {}
        for name, dn in self.wb.defined_names.items():
            ref = parse_reference(dn.attr_text or "")
            if ref and ref[0] in self.wb.sheetnames:
                out[name] = f"{ref[0]}!{ref[1]}"
        return out

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def _cell(self, address: str):  # noqa: ANN202 - openpyxl Cell
        sheet, coord = address.rsplit("!", 1)
        if sheet not in self.wb.sheetnames:
            raise InputError("找不到工作表", path=self.path, sheet=sheet)
        return self.wb[sheet][coord]

    def get(self, address: str) -> Any:
        cell = self._cell(address)
        if formula_of(cell) is not None:
            # What Excel shows: the result the file saved, as the file readers take it, while
            # nothing has been changed; after a change it is computed (see Book.read_report).
            return None if self._changed else self._saved_result(address)
        value = cell.value
        return unescape(str(value) if isinstance(value, CellRichText) else value)

    def formula(self, address: str) -> str:
        return formula_of(self._cell(address)) or ""

    def set(self, address: str, value: Any) -> None:
        self._changed = True
        set_value(self._cell(address), value, self.path)

    def _saved_result(self, address: str) -> Any:
        sheet, coord = address.rsplit("!", 1)
        if self._results is None:
            self._results = {}
            if self._loaded_from.is_file():
                with zipfile.ZipFile(self._loaded_from) as zf:
                    parts, _ = workbook_part(zf)
                    self._results = {s: sheet_scan(zf, part).cached for s, part in parts.items()}
        return self._results.get(sheet.strip("'"), {}).get(coord.replace("$", ""))

    def fill(self, address: str) -> str:
        f = self._cell(address).fill
        if f is None or f.fill_type != "solid":
            return ""
        rgb = f.fgColor.rgb if f.fgColor is not None else None
        return rgb_hex(rgb) if isinstance(rgb, str) else ""

    def set_fill(self, address: str, color: str) -> None:
        cell = self._cell(address)
        cell.fill = PatternFill("solid", fgColor="FF" + color) if color else PatternFill(fill_type=None)

    def comment(self, address: str) -> str:
        c = self._cell(address).comment
        return c.text if c is not None else ""

    def set_comment(self, address: str, text: str) -> None:
        cell = self._cell(address)
        if not text:
            cell.comment = None
            return
        note = Comment(safe_text(text, self.path), COMMENT_AUTHOR)
        note.width, note.height = 300, 160
        cell.comment = note

    def read_rows(self, sheet: str) -> list[list[Any]]:
        if sheet not in self.wb.sheetnames:
            return []
        rows = [
            [unescape(str(v) if isinstance(v, CellRichText) else v) for v in r]
            for r in self.wb[sheet].iter_rows(values_only=True)
        ]
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        return rows

    def write_rows(self, sheet: str, rows: list[list[Any]], widths: list[int] | None = None,
                   state: str = "visible") -> None:
        self._rewritten.add(sheet)
        if sheet in self.wb.sheetnames:
            index = self.wb.sheetnames.index(sheet)
            self.wb.remove(self.wb[sheet])
            ws = self.wb.create_sheet(sheet, index)
        else:
            ws = self.wb.create_sheet(sheet)
        for values in rows:
            ws.append(safe_row(ws, list(values), self.path))
        if rows:
            for cell in ws[1]:
                cell.font = Font(bold=True)
            ws.freeze_panes = "A2"
        for i, width in enumerate(widths or [], start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if state != "visible":
            ws.sheet_state = state

    def add_link(self, address: str, target: str, text: str) -> None:
        cell = set_value(self._cell(address), text, self.path)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=quoted(target), display=text)
        cell.style = "Hyperlink"

    def ask_file(self, question: str, prompt: str, mode: str = "open", suffix: str = ".xlsx",
                 default: str = "") -> str | None:
        return self._answer(question, prompt)

    def ask_text(self, question: str, prompt: str, default: str = "") -> str | None:
        return self._answer(question, prompt)

    def _answer(self, question: str, prompt: str) -> str | None:
        """The given answer; an unanswered question is remembered so that the command line
        can say which --answer it needs instead of a bare “已取消”."""
        if question not in self.answers:
            self.unanswered.append((question, prompt.rstrip("：:")))
        return self.answers.get(question)

    def message(self, text: str, title: str = TITLE) -> None:
        self.messages.append(text)

    def save(self) -> None:
        self.save_as(self._path)

    def save_as(self, path: str | Path) -> None:
        """Atomic save; macros kept for .xlsm, the ribbon re-attached if the file had one.
        Refused, before anything is written, when the file holds content openpyxl would drop
        (text boxes, shapes, controls…: io/rewrite.py)."""
        target = Path(path)
        source = self._loaded_from
        lost = lost_on_rewrite(source) if source.is_file() else []
        if lost:
            raise OutputError(
                "工作簿含有本工具改写时无法保留的内容（" + "；".join(lost) + "），为免丢失，未写入任何改动。"
                "请在 Excel 中使用加载项按钮，或用命令行（如 xladdin check、xladdin fill -o 新文件）处理",
                path=str(source),
            )
        original = package.read_parts(source) if source.exists() and source.suffix.lower() in MACRO_SUFFIXES else None

        def write(tmp: Path) -> None:
            self.wb.save(tmp)
            if original is not None:
                package.carry_over(original, tmp)
            if source.is_file():  # what openpyxl dropped that nobody knew it would
                gone = lost_between(source, tmp, skip_sheets=frozenset(self._rewritten))
                if gone:
                    raise OutputError(
                        "改写后的工作簿会丢失原有内容（" + "；".join(gone) + "），为免丢失，未写入任何改动。"
                        "请在 Excel 中使用加载项按钮，或用命令行（如 xladdin check、xladdin fill -o 新文件）处理",
                        path=str(source),
                    )

        atomic_write(target, write)
        self._path = target

    def open_other(self, path: str) -> Book:
        return FileBook(path, answers=self.answers)
