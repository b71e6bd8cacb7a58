"""The book interface: everything the ribbon actions need from a workbook, and nothing more.

Implemented by `xlbook.XlBook` (xlwings, the workbook open in Excel) and `filebook.FileBook`
(openpyxl, a file on disk: tests and the CLI); this module imports neither. Cells are found through the template's defined names
(`xladdin.names`), never through coordinates. Addresses are "表三!D7" (sheet!A1, no $).

A subclass implements the primitives (get/set a cell, fill colour, comment, hyperlink, rows of a
sheet, dialogs, messages, save); the helpers here (read/write by key, the whole Report, marks)
are written once on top of them, so every action runs the same on both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from typing import Any

from openpyxl.utils import get_column_letter

from ..io import assemble
from ..io.assemble import apply_formulas, cell_value, notes_header
from ..names import NOTES_HEADER, SHEET_META, SHEET_NOTES, SHEET_RESULTS, cell_name, meta_name, section_name
from ..previous import SHEET_PREVIOUS, previous_from_rows
from ..report import Meta, Report
from ..spec import SPEC

MARKS_SHEET = "_xladdin_marks"  # very hidden: address | original fill | original comment | note | colour
MARKS_HEADER = ("address", "fill", "comment", "note", "color")
MARK_COLORS = {"强制": "FFC7CE", "提示": "FFEB9C"}  # Excel's "bad" red and "neutral" yellow
MARK_PREFIX = "【校验】"  # first line of every comment the 校验 action writes
TITLE = "政务公开年报"
NOTES_HEADER_REF, NOTES_HEADER_TEXT = NOTES_HEADER  # the 说明 sheet's columns


def quoted(address: str) -> str:
    """"表三!D7" -> "'表三'!D7" (the form Excel wants in hyperlinks and formulas)."""
    sheet, cell = address.rsplit("!", 1)
    return "'" + sheet.replace("'", "''") + "'!" + cell


def rgb_hex(color: Any) -> str:
    """Normalise a colour to "RRGGBB" ("" for none): (r, g, b), "#rrggbb", "FFrrggbb"."""
    if color is None or color == "":
        return ""
    if isinstance(color, tuple):
        return "".join(f"{int(c):02X}" for c in color[:3])
    text = str(color).lstrip("#").upper()
    return text[-6:] if len(text) >= 6 else ""


class Book(ABC):
    """A workbook as the ribbon actions see it."""

    # ------------------------------------------------------------ primitives

    @property
    @abstractmethod
    def path(self) -> str:
        """Full path of the workbook ("" if never saved)."""

    @abstractmethod
    def defined_names(self) -> dict[str, str]:
        """Workbook-level defined names -> "sheet!A1" (names of single cells only)."""

    @abstractmethod
    def sheet_names(self) -> list[str]: ...

    @abstractmethod
    def get(self, address: str) -> Any:
        """The value shown in the cell (for a formula: its result, None when not computed)."""

    @abstractmethod
    def formula(self, address: str) -> str:
        """The cell's formula ("=SUM(...)"), "" when it holds a plain value."""

    @abstractmethod
    def set(self, address: str, value: Any) -> None: ...

    @abstractmethod
    def fill(self, address: str) -> str:
        """Solid fill colour "RRGGBB", "" for none."""

    @abstractmethod
    def set_fill(self, address: str, color: str) -> None:
        """Solid fill "RRGGBB"; "" removes the fill."""

    @abstractmethod
    def comment(self, address: str) -> str:
        """Comment (note) text, "" for none."""

    @abstractmethod
    def set_comment(self, address: str, text: str) -> None:
        """Replace the comment; "" deletes it."""

    @abstractmethod
    def read_rows(self, sheet: str) -> list[list[Any]]:
        """The used range of a sheet, from A1, as rows of values ([] if the sheet is missing)."""

    @abstractmethod
    def write_rows(self, sheet: str, rows: list[list[Any]], widths: list[int] | None = None,
                   state: str = "visible") -> None:
        """Replace a sheet's content with rows from A1 (created, after the others, if missing).
        The first row is a header (bold, frozen). state: visible, hidden or veryHidden."""

    @abstractmethod
    def add_link(self, address: str, target: str, text: str) -> None:
        """Put an internal hyperlink to `target` ("sheet!A1") in the cell at `address`."""

    @abstractmethod
    def ask_file(self, question: str, prompt: str, mode: str = "open", suffix: str = ".xlsx",
                 default: str = "") -> str | None:
        """Ask for a path; mode is open, save or folder; `default` proposes a file name (save).
        None when the user cancels."""

    @abstractmethod
    def ask_text(self, question: str, prompt: str, default: str = "") -> str | None:
        """Ask for a line of text. None when the user cancels."""

    @abstractmethod
    def message(self, text: str, title: str = TITLE) -> None: ...

    @abstractmethod
    def save(self) -> None: ...

    def done(self) -> None:
        """End of an action: the file implementation saves; in Excel the user decides."""
        self.save()

    def show_sheet(self, sheet: str) -> None:
        """Bring a sheet to the front (Excel); nothing to do for a file."""
        return None

    def finish(self) -> None:
        """After every action, even a failed one: undo temporary changes (sheet protection)."""
        return None

    def open_workbook(self, path: str) -> None:
        """Show a workbook just written (Excel opens it; nothing to do for a file)."""
        return None

    @abstractmethod
    def open_other(self, path: str) -> Book:
        """The workbook at `path` as a Book, to read another report (last year's)."""

    # ------------------------------------------------------------ by key

    def address_of(self, name: str) -> str | None:
        return self.defined_names().get(name)

    def require(self, name: str) -> str:
        addr = self.address_of(name)
        if addr is None:
            from ..errors import InputError

            raise InputError(f"缺少定义名称 {name}：这不是年报模板生成的工作簿", path=self.path)
        return addr

    def is_report(self) -> bool:
        names = self.defined_names()
        return all(c.xl_name in names for c in SPEC.cells)

    def read_key(self, key: str) -> Any:
        return self.get(self.require(cell_name(key)))

    def write_key(self, key: str, value: Any) -> None:
        self.set(self.require(cell_name(key)), value)

    def read_report(self) -> Report:
        """Meta, narrative and the 200 values through the defined names; addresses recorded."""
        names = self.defined_names()
        report = Report(source=self.path)
        uncomputed: dict[str, str] = {}
        for cell in SPEC.cells:
            addr = names.get(cell.xl_name)
            if addr is None:
                continue
            report.addresses[cell.key] = addr
            formula = self.formula(addr)
            if formula:
                report.formulas[cell.key] = formula
            raw = self.get(addr)
            if formula and raw is None:
                uncomputed[cell.key] = formula
            report.values[cell.key] = cell_value(raw, cell.kind)
        if uncomputed:
            # computed from their parts on a scratch copy, exactly as the file readers do
            apply_formulas(report, uncomputed, {})
        for f in fields(Meta):
            addr = names.get(meta_name(f.name))
            if addr is not None:
                raw = self.get(addr)
                if f.name == "year":
                    report.meta.year = assemble.year(raw)
                elif f.name == "published":
                    report.meta.published = assemble.iso_date(raw)
                else:
                    setattr(report.meta, f.name, assemble.text(raw).strip())
        for part in SPEC.parts:
            addr = names.get(section_name(part.key))
            if addr is not None:
                raw = self.get(addr)
                report.sections[part.key] = assemble.text(raw)
        report.explanations.update(self.read_explanations())
        report.previous = self.read_previous()  # as the file readers do: check() uses it
        return report

    def read_previous(self) -> Report | None:
        """Last year's figures kept by 导入上年数据 (None if never imported)."""
        return previous_from_rows(self.read_rows(SHEET_PREVIOUS))

    def read_explanations(self) -> dict[str, str]:
        """说明 by rule instance: the 说明 sheet, then the 说明 column of 校验结果 (which wins)."""
        out: dict[str, str] = {}
        for sheet in (SHEET_NOTES, SHEET_RESULTS):
            out.update(assemble.explanations(self.read_rows(sheet)))
        return out

    def save_explanations(self, explanations: dict[str, str]) -> int:
        """Write 说明 into the template's 说明 sheet (update a row or append one), cell by cell,
        so the file readers (xladdin.io) see them too. Returns how many were written."""
        rows = self.read_rows(SHEET_NOTES)
        table = notes_header(rows)
        if table is None:
            return 0
        header, ref_col, text_col = table
        where = {str(r[ref_col]).strip(): i for i, r in enumerate(rows) if i > header and ref_col < len(r)
                 and r[ref_col] not in (None, "")}
        next_row = len(rows)
        written = 0
        for ref, text in explanations.items():
            current = rows[where[ref]][text_col] if ref in where and text_col < len(rows[where[ref]]) else None
            if current is not None and str(current).strip() == text:
                continue
            i = where.get(ref)
            if i is None:
                i, next_row = next_row, next_row + 1
                self.set(f"{SHEET_NOTES}!{get_column_letter(ref_col + 1)}{i + 1}", ref)
            self.set(f"{SHEET_NOTES}!{get_column_letter(text_col + 1)}{i + 1}", text)
            written += 1
        return written

    def write_meta(self, meta: Meta, only: tuple[str, ...] | None = None) -> None:
        names = self.defined_names()
        for f in fields(Meta):
            if only is not None and f.name not in only:
                continue
            addr = names.get(meta_name(f.name))
            value = getattr(meta, f.name)
            if addr is not None and value not in (None, ""):
                self.set(addr, value)

    # ------------------------------------------------------------ marks

    def marks(self) -> dict[str, tuple[str, str]]:
        """Marked cells -> (original fill, original comment)."""
        return {a: (m.fill, m.comment) for a, m in self._mark_records().items()}

    def _mark_records(self) -> dict[str, Mark]:
        out = {}
        for row in self.read_rows(MARKS_SHEET)[1:]:
            if row and row[0]:
                row = list(row) + ["", "", "", ""]
                out[str(row[0])] = Mark(*(str(v or "") for v in row[1:5]))
        return out

    def mark(self, address: str, severity: str, text: str) -> None:
        """Colour a cell by severity and comment it; the original look is kept for clear_marks."""
        self.mark_many({address: (severity, text)})

    def mark_many(self, marks: dict[str, tuple[str, str]]) -> None:
        saved = self._mark_records()
        for address, (severity, text) in marks.items():
            if address not in saved:
                saved[address] = Mark(self.fill(address), self.comment(address))
            color = MARK_COLORS.get(severity, MARK_COLORS["提示"])
            note = f"{MARK_PREFIX}\n{text}"
            original = saved[address].comment
            self.set_fill(address, color)
            self.set_comment(address, f"{note}\n\n{original}" if original else note)
            saved[address] = Mark(saved[address].fill, original, note, color)
        self._write_marks(saved)

    def clear_marks(self) -> int:
        """Take every mark off again: the fill goes back to what it was, unless the user has
        recoloured the cell since; from the comment only our note is removed, so whatever the
        user typed into it meanwhile stays. Returns how many cells were restored."""
        saved = self._mark_records()
        for address, m in saved.items():
            if not m.note:  # a marks sheet of an older version: our note is the comment's
                # first block (【校验】…); what follows it (the original, a reply) stays
                if rgb_hex(self.fill(address)) in MARK_COLORS.values():
                    self.set_fill(address, m.fill)
                current = self.comment(address)
                self.set_comment(address, unmarked_comment(current, "") or (m.comment if not current else ""))
                continue
            if rgb_hex(self.fill(address)) == m.color:
                self.set_fill(address, m.fill)
            current = self.comment(address)
            kept = unmarked_comment(current, m.note)
            if kept != current:
                self.set_comment(address, kept)
        if saved or MARKS_SHEET in self.sheet_names():
            self._write_marks({})
        return len(saved)

    def _write_marks(self, saved: dict[str, Mark]) -> None:
        rows: list[list[Any]] = [list(MARKS_HEADER)]
        rows += [[a, m.fill, m.comment, m.note, m.color] for a, m in saved.items()]
        self.write_rows(MARKS_SHEET, rows, state="veryHidden")


@dataclass(frozen=True)
class Mark:
    """What 校验 did to one cell: its fill and comment before, the note and colour it added."""

    fill: str
    comment: str
    note: str = ""
    color: str = ""


def unmarked_comment(current: str, note: str) -> str:
    """`current` without our note: the note and the blank line after it are cut where they
    stand; a comment whose note the user edited away keeps everything but a leading block that
    still starts with 【校验】 (up to its first blank line)."""
    at = current.find(note) if note else -1
    if at >= 0:
        end = at + len(note)
        if current.startswith("\n\n", end):
            end += 2
        rest = current[end:]
        return current[:at] + (rest.lstrip("\n") if at == 0 else rest)  # no blank first line left over
    if current.startswith(MARK_PREFIX):
        _, sep, rest = current.partition("\n\n")
        return rest if sep else ""
    return current


__all__ = ["Book", "MARKS_SHEET", "Mark", "unmarked_comment", "MARK_COLORS", "MARK_PREFIX", "SHEET_META", "quoted",
           "rgb_hex"]
