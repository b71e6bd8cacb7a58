"""XlBook against a stand-in for Excel (the only mock allowed: Excel itself).

The fake mimics the parts of xlwings' object model XlBook uses (book.names, sheets, range
value/formula/color/note, used_range, app.alert), backed by an openpyxl workbook, so the
actions' logic runs through XlBook's code on Linux. What Excel really does is checked by the
Windows smoke test (docs/excel.md)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from xladdin.excel.actions import run
from xladdin.excel.book import MARK_COLORS, MARK_PREFIX
from xladdin.excel.filebook import FileBook
from xladdin.excel.xlbook import XlBook
from xladdin.names import SHEET_RESULTS
from xladdin.spec import SPEC

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))


class Obj:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


class FakeRange:
    def __init__(self, ws: Any, r1: int, c1: int, r2: int | None = None, c2: int | None = None) -> None:
        self.ws, self.r1, self.c1 = ws, r1, c1
        self.r2, self.c2 = r2 or r1, c2 or c1
        self.font = Obj(bold=False)
        self._ndim = 1

    def _cell(self) -> Any:
        return self.ws.cell(self.r1, self.c1)

    def options(self, ndim: int = 1) -> FakeRange:
        self._ndim = ndim
        return self

    @property
    def value(self) -> Any:
        def v(c: Any) -> Any:
            return None if isinstance(c.value, str) and c.value.startswith("=") else c.value  # not computed

        if (self.r1, self.c1) == (self.r2, self.c2) and self._ndim == 1:
            return v(self._cell())
        return [[v(self.ws.cell(r, c)) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    @value.setter
    def value(self, data: Any) -> None:
        if isinstance(data, list):
            for i, row in enumerate(data):
                for j, v in enumerate(row):
                    self.ws.cell(self.r1 + i, self.c1 + j).value = v
        else:
            self._cell().value = data

    @property
    def formula(self) -> Any:
        def f(c: Any) -> str:
            return "" if c.value is None else str(c.value)

        if (self.r1, self.c1) == (self.r2, self.c2):
            return f(self._cell())
        return tuple(tuple(f(self.ws.cell(r, c)) for c in range(self.c1, self.c2 + 1))
                     for r in range(self.r1, self.r2 + 1))

    @property
    def color(self) -> tuple[int, int, int] | None:
        f = self._cell().fill
        if f.fill_type != "solid" or not isinstance(f.fgColor.rgb, str):
            return None
        h = f.fgColor.rgb[-6:]
        return int(h[:2], 16), int(h[2:4], 16), int(h[4:], 16)

    @color.setter
    def color(self, rgb: tuple[int, int, int] | None) -> None:
        self._cell().fill = (PatternFill("solid", fgColor="FF" + "".join(f"{c:02X}" for c in rgb))
                             if rgb else PatternFill(fill_type=None))

    @property
    def note(self) -> Any:
        c = self._cell()
        if c.comment is None:
            return None
        return Obj(text=c.comment.text, delete=lambda: setattr(c, "comment", None))

    def add_note(self, text: str) -> None:
        assert self._cell().comment is None, "xlwings refuses a second note"
        self._cell().comment = Comment(text, "Excel")

    def add_hyperlink(self, address: str, text: str, tip: str) -> None:
        self._cell().value = text
        self.ws.links[self._cell().coordinate] = address

    @property
    def last_cell(self) -> Any:
        return Obj(row=self.r2, column=self.c2)

    @property
    def column_width(self) -> float:
        return self.ws.column_dimensions[get_column_letter(self.c1)].width or 0.0

    def merge(self, across: bool = False) -> None:
        if not any(m.min_row == self.r1 and m.min_col == self.c1 for m in self.ws.merged_cells.ranges):
            self.ws.merge_cells(start_row=self.r1, start_column=self.c1, end_row=self.r2, end_column=self.c2)

    @property
    def merge_area(self) -> FakeRange:
        for m in self.ws.merged_cells.ranges:
            if m.min_row <= self.r1 <= m.max_row and m.min_col <= self.c1 <= m.max_col:
                return FakeRange(self.ws, m.min_row, m.min_col, m.max_row, m.max_col)
        return self

    @property
    def wrap_text(self) -> bool:
        return bool(self._cell().alignment.wrap_text)

    @wrap_text.setter
    def wrap_text(self, value: bool) -> None:
        from openpyxl.styles import Alignment

        for r in range(self.r1, self.r2 + 1):
            self.ws.cell(r, self.c1).alignment = Alignment(wrap_text=value, vertical="top")

    @property
    def row_height(self) -> float | None:
        return self.ws.row_dimensions[self.r1].height

    @row_height.setter
    def row_height(self, h: float) -> None:
        self.ws.row_dimensions[self.r1].height = h

    @column_width.setter
    def column_width(self, w: float) -> None:
        self.ws.column_dimensions[get_column_letter(self.c1)].width = w


class FakeSheet:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        ws.links = getattr(ws, "links", {})
        self.api = Obj(ProtectContents=False)

    @property
    def name(self) -> str:
        return self.ws.title

    def range(self, a: Any, b: Any = None) -> FakeRange:
        if isinstance(a, tuple):
            return FakeRange(self.ws, a[0], a[1], *(b if b else ()))
        cell = self.ws[a]
        return FakeRange(self.ws, cell.row, cell.column)

    @property
    def used_range(self) -> FakeRange:
        return FakeRange(self.ws, 1, 1, max(self.ws.max_row, 1), max(self.ws.max_column, 1))

    def activate(self) -> None:
        self.ws.parent.active = self.ws

    def clear(self) -> None:
        for row in self.ws.iter_rows():
            for c in row:
                c.value = None
        self.ws.links.clear()

    @property
    def visible(self) -> bool:
        return self.ws.sheet_state == "visible"

    @visible.setter
    def visible(self, v: bool) -> None:
        self.ws.sheet_state = "visible" if v else "hidden"


class FakeSheets:
    def __init__(self, wb: Any) -> None:
        self.wb = wb

    def __iter__(self):  # noqa: ANN204
        return iter(FakeSheet(ws) for ws in self.wb.worksheets)

    def __getitem__(self, key: Any) -> FakeSheet:
        return FakeSheet(self.wb.worksheets[key] if isinstance(key, int) else self.wb[key])

    def add(self, name: str, after: FakeSheet | None = None) -> FakeSheet:
        return FakeSheet(self.wb.create_sheet(name))


class FakeBook:
    """What xlwings' Book looks like to XlBook."""

    def __init__(self, path: Path) -> None:
        self.wb = load_workbook(path)
        self.fullname = str(path)
        self.sheets = FakeSheets(self.wb)
        self.alerts: list[str] = []
        self.app = Obj(alert=lambda text, title=None: self.alerts.append(text))

    @property
    def names(self) -> list[Any]:
        return [Obj(name=n, refers_to="=" + d.attr_text) for n, d in self.wb.defined_names.items()]

    def save(self) -> None:
        self.wb.save(self.fullname)


@pytest.fixture
def fake(tmp_path: Path) -> FakeBook:
    path = tmp_path / "a.xlsx"
    shutil.copy(EXAMPLES[0], path)
    return FakeBook(path)


def test_xlbook_reads_the_same_report_as_the_file_book(fake: FakeBook) -> None:
    mine, theirs = XlBook(fake).read_report(), FileBook(fake.fullname).read_report()
    assert mine.values == theirs.values
    assert mine.meta == theirs.meta
    assert mine.addresses == theirs.addresses


def test_check_and_clear_through_xlbook(fake: FakeBook) -> None:
    book = XlBook(fake)
    addr = book.address_of(SPEC.cell("t2.licensing").xl_name)
    before = book.fill(addr)
    assert before  # the template's input fill, which clearing must bring back
    book.set(addr, "/")
    text = run("xladdin_check", book)
    assert "1 处强制错误" in text and fake.alerts[-1] == text
    assert set(book.marks()) == {addr}
    assert book.fill(addr) == MARK_COLORS["强制"]
    assert book.comment(addr).startswith(MARK_PREFIX)
    results = fake.wb[SHEET_RESULTS]
    assert fake.wb.active.title == SHEET_RESULTS
    assert results["C2"].value == "T2-N" and results.links["G2"] == "#'" + addr.replace("!", "'!")
    run("xladdin_check", book)  # a second run replaces the note (xlwings refuses to add a second)
    run("xladdin_clear", book)
    assert book.fill(addr) == before and book.comment(addr) == "" and book.marks() == {}


def test_xlbook_reads_each_sheet_once(fake: FakeBook, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = FakeSheet.range

    def counting(self: FakeSheet, a: Any, b: Any = None) -> FakeRange:
        calls.append(self.name)
        return original(self, a, b)

    monkeypatch.setattr(FakeSheet, "range", counting)
    XlBook(fake).read_report()
    assert len(calls) == len(set(calls)) <= len(fake.wb.sheetnames)


def test_fill_through_xlbook(fake: FakeBook) -> None:
    book = XlBook(fake)
    expected = FileBook(fake.fullname).read_report().values["t3.new.total"]
    book.write_key("t3.new.total", None)
    assert "填充 1 格" in run("xladdin_fill", book)
    assert book.read_key("t3.new.total") == expected


class FakeExcelApi:
    """Application.MacroOptions of an Excel where only `hosts` hold the NB_ functions."""

    def __init__(self, hosts: set[str]) -> None:
        self.hosts, self.calls = hosts, []

    def MacroOptions(self, macro: str, **options: Any) -> None:  # noqa: N802 - Excel's name
        host = macro.split("'!")[0].lstrip("'").replace("''", "'")
        if host not in self.hosts:
            raise RuntimeError("Cannot find macro")  # what pywin32 raises is a com_error
        self.calls.append((macro, options))


def test_function_wizard_texts_are_registered_from_python(fake: FakeBook, tmp_path: Path) -> None:
    from xladdin.excel import udfs

    api = FakeExcelApi({"xladdin.xlam"})
    fake.app = Obj(alert=fake.app.alert, api=api)
    fake.api = Obj(Saved=True)
    fake.name = "a.xlsx"
    assert XlBook(fake).register_functions(udfs.wizard_texts()) == len(udfs.UDFS)
    macro, options = api.calls[0]
    assert macro == "'xladdin.xlam'!NB_STATUS"
    assert options["Category"] == udfs.CATEGORY and options["Description"].startswith("年报校验状态")
    assert dict(api.calls)["'xladdin.xlam'!NB_RULE"]["ArgumentDescriptions"] == [udfs.ARG_DOCS["rule_id"]]
    # the macro-enabled template holds its own copy; its Saved flag is left as it was
    api.hosts.add("模板's.xlsm")
    fake.fullname, fake.name = str(tmp_path / "模板's.xlsm"), "模板's.xlsm"
    api.calls.clear()
    assert XlBook(fake).register_functions(udfs.wizard_texts()) == 2 * len(udfs.UDFS)
    assert "'模板''s.xlsm'!NB_VALUE" in dict(api.calls) and fake.api.Saved is True


def test_an_xlwings_upgrade_is_named_with_both_versions_and_the_fix(fake: FakeBook,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import xlwings as xw

    from xladdin.excel import udfs
    from xladdin.excel.xlbook import xlwings_mismatch

    assert xlwings_mismatch(xw.__version__) is None and xlwings_mismatch("") is None
    text = xlwings_mismatch("0.30.0")
    assert text and "0.30.0" in text and xw.__version__ in text
    assert "xladdin addin install" in text and "xladdin addin build" in text
    # in Excel (no book given) the button says so, then does its work
    fake.app = Obj(alert=fake.app.alert, api=FakeExcelApi({"xladdin.xlam"}))
    fake.api, fake.name = Obj(Saved=True), "a.xlsx"
    monkeypatch.setattr(XlBook, "caller", classmethod(lambda cls: XlBook(fake)))
    result = run("xladdin_help", vba_xlwings="0.30.0")
    assert fake.alerts[0] == text and result in fake.alerts[1]
    assert len(fake.app.api.calls) == len(udfs.UDFS)
    fake.alerts.clear()
    run("xladdin_help", vba_xlwings=xw.__version__)
    assert len(fake.alerts) == 1


def test_registering_texts_never_stops_a_button(fake: FakeBook) -> None:
    """Excel for Mac (appscript) or an odd COM state: no texts, and the action still runs."""
    from xladdin.excel import udfs

    assert not hasattr(fake.app, "api")
    assert XlBook(fake).register_functions(udfs.wizard_texts()) == 0


def test_draft_through_xlbook_matches_the_file_book(fake: FakeBook, tmp_path: Path) -> None:
    """生成正文 in Excel writes what the command line writes: typed parts kept, drafts beside
    (wrapped, merged over the block's rows), an empty part drafted and its rows grown."""
    from xladdin.draft import draft

    book = XlBook(fake)
    book.set(book.require("NB_sec_s6"), None)
    other = tmp_path / "b.xlsx"
    fake.save()
    shutil.copy(fake.fullname, other)
    text = run("xladdin_draft", book)
    assert "已写入空白的“其他需要报告的事项”" in text and fake.alerts[-1] == text
    run("xladdin_draft", FileBook(other))
    mine, theirs = fake.wb["正文"], load_workbook(other)["正文"]
    assert [[c.value for c in r] for r in mine.iter_rows()] == [[c.value for c in r] for r in theirs.iter_rows()]
    report = FileBook(other).read_report()
    assert report.sections["s6"] == draft(report)["s6"].text
    s6 = book.require("NB_sec_s6").rsplit("!", 1)[1]
    row = mine[s6].row
    assert sum(mine.row_dimensions[r].height or 15 for r in range(row, row + 3)) >= 3 * 16
    beside = mine.cell(mine["B10"].row, 3) if mine["C10"].value else None
    assert beside is not None and beside.alignment.wrap_text
    assert any(m.min_col == 3 and m.min_row == 10 and m.max_row == 12 for m in mine.merged_cells.ranges)
