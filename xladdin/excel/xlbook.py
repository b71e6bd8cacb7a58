"""XlBook: the book interface over the workbook open in Excel (xlwings).

Runs inside the Python process that the ribbon's RunPython starts; `XlBook.caller()` wraps
`xw.Book.caller()`, the active workbook. Nothing here can run on Linux (no Excel): it is
exercised by the manual Windows smoke test (docs/excel.md). Dialogs use Excel's own on
Windows (GetOpenFilename, FileDialog, InputBox) and tkinter on macOS. The template protects
its sheets (no password); cells are unprotected for the action and protected again after it
(Windows; on macOS a protected sheet makes the write fail with Excel's own message).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..io.names import parse_reference
from .book import TITLE, Book, quoted, rgb_hex
from .identity import ADDIN_NAME, CATEGORY, MISMATCH_TEMPLATE

XL_SHEET_VERY_HIDDEN = 2
XL_TOP, XL_LEFT = -4160, -4131  # xlTop, xlLeft
_PROTECTION_OPTIONS = (
    "AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
    "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows",
    "AllowSorting", "AllowFiltering", "AllowUsingPivotTables",
)


FILTERS = {
    ("open", ".xlsx"): "Excel 工作簿 (*.xlsx;*.xlsm),*.xlsx;*.xlsm",
    ("save", ".xlsx"): "Excel 工作簿 (*.xlsx),*.xlsx",
    ("save", ".docx"): "Word 文档 (*.docx),*.docx,PDF (*.pdf),*.pdf,网页 (*.html),*.html,Markdown (*.md),*.md",
    ("open", ".db"): "审核结果库 (*.db),*.db",  # the office's store (审核 group)
}


def _coords(cell: str) -> tuple[int, int]:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(cell)
    return row, column_index_from_string(letters)


def _rgb(color: str) -> tuple[int, int, int] | None:
    if not color:
        return None
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


class XlBook(Book):
    def __init__(self, book: Any) -> None:
        self.book = book
        self._names: dict[str, str] | None = None
        self._unprotected: dict[str, dict[str, bool]] = {}  # sheet -> protection options to restore
        # sheet -> (values, formulas) of its used range from A1: one COM call per sheet instead
        # of two per cell (reading a report is ~400 cells; UDFs read it on every recalculation)
        self._grids: dict[str, tuple[list[list[Any]], list[list[Any]]]] = {}

    @classmethod
    def caller(cls) -> XlBook:
        import xlwings as xw

        return cls(xw.Book.caller())

    # ------------------------------------------------------------ primitives

    @property
    def path(self) -> str:
        return str(self.book.fullname)

    def defined_names(self) -> dict[str, str]:
        if self._names is None:
            out = {}
            for name in self.book.names:
                if "!" in name.name:  # sheet-scoped
                    continue
                ref = parse_reference(str(name.refers_to))
                if ref:
                    out[name.name] = f"{ref[0]}!{ref[1]}"
            self._names = out
        return self._names

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def _range(self, address: str) -> Any:
        sheet, cell = address.rsplit("!", 1)
        return self.book.sheets[sheet].range(cell)

    def _grid(self, sheet: str) -> tuple[list[list[Any]], list[list[Any]]]:
        if sheet not in self._grids:
            ws = self.book.sheets[sheet]
            last = ws.used_range.last_cell
            rng = ws.range((1, 1), (last.row, last.column))
            values = rng.options(ndim=2).value
            formulas = rng.formula
            if not isinstance(formulas, (list, tuple)) or (formulas and not isinstance(formulas[0], (list, tuple))):
                formulas = [[formulas]]  # a one-cell used range
            self._grids[sheet] = ([list(r) for r in values], [list(r) for r in formulas])
        return self._grids[sheet]

    def _at(self, address: str, which: int) -> Any:
        sheet, cell = address.rsplit("!", 1)
        row, col = _coords(cell)
        grid = self._grid(sheet)[which]
        if row <= len(grid) and col <= len(grid[row - 1]):
            return grid[row - 1][col - 1]
        return None  # outside the used range: empty

    def get(self, address: str) -> Any:
        return self._at(address, 0)

    def formula(self, address: str) -> str:
        f = self._at(address, 1)
        return f if isinstance(f, str) and f.startswith("=") else ""

    def _writable(self, address: str) -> Any:
        """The range, its sheet unprotected first if needed (the template protects its sheets
        without a password; `finish` protects them again with the same options)."""
        sheet = address.rsplit("!", 1)[0]
        if sheet not in self._unprotected:
            ws = self.book.sheets[sheet].api
            if sys.platform == "win32" and ws.ProtectContents:
                p = ws.Protection
                options = {k: bool(getattr(p, k)) for k in _PROTECTION_OPTIONS}
                try:
                    ws.Unprotect()
                except Exception as exc:
                    from ..errors import InputError

                    raise InputError("工作表设置了保护密码：请先“撤销工作表保护”再操作", path=self.path,
                                     sheet=sheet) from exc
                self._unprotected[sheet] = options
        return self._range(address)

    def finish(self) -> None:
        for sheet, options in self._unprotected.items():
            self.book.sheets[sheet].api.Protect(DrawingObjects=True, Contents=True, Scenarios=True, **options)
        self._unprotected.clear()

    def set(self, address: str, value: Any) -> None:
        self._writable(address).value = value
        self._grids.clear()  # formulas elsewhere may have changed too

    def fill(self, address: str) -> str:
        return rgb_hex(self._range(address).color)

    def set_fill(self, address: str, color: str) -> None:
        self._writable(address).color = _rgb(color)

    def comment(self, address: str) -> str:
        note = self._range(address).note
        return note.text if note is not None else ""

    def set_comment(self, address: str, text: str) -> None:
        rng = self._writable(address)
        if rng.note is not None:
            rng.note.delete()
        if text:
            if hasattr(rng, "add_note"):
                rng.add_note(text)
            else:  # xlwings < 0.37
                rng.api.AddComment(text)

    def read_rows(self, sheet: str) -> list[list[Any]]:
        if sheet not in self.sheet_names():
            return []
        ws = self.book.sheets[sheet]
        last = ws.used_range.last_cell
        values = ws.range((1, 1), (last.row, last.column)).options(ndim=2).value
        return [list(r) for r in values or []]

    def write_rows(self, sheet: str, rows: list[list[Any]], widths: list[int] | None = None,
                   state: str = "visible") -> None:
        self._grids.pop(sheet, None)
        if sheet in self.sheet_names():
            ws = self.book.sheets[sheet]
            ws.clear()
        else:
            ws = self.book.sheets.add(sheet, after=self.book.sheets[-1])
        width = max((len(r) for r in rows), default=0)
        if rows and width:
            ws.range("A1").value = [list(r) + [None] * (width - len(r)) for r in rows]
            ws.range((1, 1), (1, width)).font.bold = True
        for i, w in enumerate(widths or [], start=1):
            ws.range((1, i)).column_width = w
        if state == "veryHidden" and sys.platform == "win32":
            ws.api.Visible = XL_SHEET_VERY_HIDDEN
        elif state != "visible":
            ws.visible = False

    def show_text(self, address: str, text: str, rows: int = 1, width: float | None = None) -> None:
        from ..sheetfit import MAX_ROW_HEIGHT, line_height, wrapped_lines

        sheet, cell = address.rsplit("!", 1)
        row, col = _coords(cell)
        ws = self.book.sheets[sheet]
        rng = self._writable(address)
        rng.value = text
        self._grids.clear()
        area = ws.range((row, col), (row + rows - 1, col)) if rows > 1 else rng
        if rows > 1:
            area.merge()
        area.wrap_text = True
        if sys.platform == "win32":
            area.api.VerticalAlignment = XL_TOP
            area.api.HorizontalAlignment = XL_LEFT
        if width is not None:
            ws.range((1, col)).column_width = width
        merged = rng.merge_area
        last = merged.last_cell
        first_row, last_row = row, max(last.row, row)
        span = sum(ws.range((1, c)).column_width or 8.43 for c in range(col, max(last.column, col) + 1))
        need = wrapped_lines(text, span) * line_height(11.0) + 6
        per_row = min(MAX_ROW_HEIGHT, need / (last_row - first_row + 1))
        for r in range(first_row, last_row + 1):
            line = ws.range((r, 1))
            if (line.row_height or 15.0) < per_row:
                line.row_height = per_row

    def format_list(self, sheet: str, widths: list[float]) -> None:
        from openpyxl.utils import get_column_letter

        from ..sheetfit import FOOTER, row_height

        ws = self.book.sheets[sheet]
        for i, width in enumerate(widths, start=1):
            ws.range((1, i)).column_width = width
        rows = self.read_rows(sheet)
        last = max((len(r) for r in rows), default=1)
        whole = ws.range((1, 1), (max(len(rows), 1), last))
        whole.wrap_text = True
        for r, values in enumerate(rows, start=1):  # the file path's heights: the same look
            shown = [(v, widths[j] if j < len(widths) else 8.43) for j, v in enumerate(values)]
            ws.range((r, 1)).row_height = row_height(shown, minimum=15)
        if sys.platform != "win32":
            return  # Excel for Mac: page setup and panes through AppleScript are not ours to set
        try:
            whole.api.VerticalAlignment = XL_TOP
            setup = ws.api.PageSetup
            setup.PaperSize, setup.Orientation = 9, 2  # xlPaperA4, xlLandscape
            setup.Zoom = False
            setup.FitToPagesWide, setup.FitToPagesTall = 1, False
            setup.PrintTitleRows = "$1:$1"
            setup.CenterFooter = FOOTER
            ws.activate()
            window = self.book.app.api.ActiveWindow
            window.FreezePanes = False
            window.SplitColumn, window.SplitRow = 0, 1
            window.FreezePanes = True
            if not ws.api.AutoFilterMode:
                ws.range(f"A1:{get_column_letter(last)}{max(len(rows), 1)}").api.AutoFilter(1)
        except Exception:  # noqa: BLE001 - a COM refusal here must not undo the check's results
            pass

    def set_print_area(self, sheet: str, area: str) -> None:
        if sys.platform == "win32" and sheet in self.sheet_names():
            self.book.sheets[sheet].api.PageSetup.PrintArea = area

    def add_link(self, address: str, target: str, text: str) -> None:
        self._grids.pop(address.rsplit("!", 1)[0], None)
        rng = self._range(address)
        if sys.platform == "win32":
            rng.api.Hyperlinks.Add(Anchor=rng.api, Address="", SubAddress=quoted(target), TextToDisplay=text)
        else:
            rng.add_hyperlink("#" + quoted(target), text, target)

    def ask_file(self, question: str, prompt: str, mode: str = "open", suffix: str = ".xlsx",
                 default: str = "") -> str | None:
        if sys.platform == "win32":
            api = self.book.app.api
            if mode == "folder":
                dialog = api.FileDialog(4)  # msoFileDialogFolderPicker
                dialog.Title = prompt
                return str(dialog.SelectedItems(1)) if dialog.Show() == -1 else None
            filters = FILTERS.get((mode, suffix), f"*{suffix},*{suffix}")
            if mode == "save":
                answer = api.GetSaveAsFilename(InitialFileName=default, FileFilter=filters, Title=prompt)
            else:
                answer = api.GetOpenFilename(FileFilter=filters, Title=prompt)
            return str(answer) if answer not in (False, None, "False") else None
        return _tk_file(prompt, mode, suffix, default)

    def ask_text(self, question: str, prompt: str, default: str = "") -> str | None:
        if sys.platform == "win32":
            answer = self.book.app.api.InputBox(prompt, TITLE, default)
            return None if answer in (False, None, "False") else str(answer)
        from tkinter import Tk, simpledialog

        root = Tk()
        root.withdraw()
        try:
            return simpledialog.askstring(TITLE, prompt, initialvalue=default, parent=root)
        finally:
            root.destroy()

    def message(self, text: str, title: str = TITLE) -> None:
        self.book.app.alert(text, title)

    def save(self) -> None:
        self.book.save()

    def done(self) -> None:
        """In Excel the user decides when to save."""

    def show_sheet(self, sheet: str) -> None:
        self.book.sheets[sheet].activate()

    def open_workbook(self, path: str) -> None:
        import xlwings as xw

        xw.Book(path)

    def open_other(self, path: str) -> Book:
        """Another workbook (last year's report) is read from its file, not opened in Excel."""
        from .filebook import FileBook

        return FileBook(path)

    def register_functions(self, texts: list[tuple[str, str, list[str]]]) -> int:
        """The function wizard's Chinese texts (description, category, argument help) for the NB_
        functions, in the add-in and in the calling workbook if it is the macro-enabled template.
        Done from Python on every button click, so that the VBA needs no auto-run macro and no
        Chinese text. `texts`: (name, description, argument descriptions), from
        udfs.wizard_texts(). Never fails an action; returns how many functions were registered."""

        try:
            api = self.book.app.api
            hosts = [ADDIN_NAME]
            if Path(self.path).suffix.lower() in (".xlsm", ".xltm"):
                hosts.append(str(self.book.name))
        except Exception:  # noqa: BLE001 - e.g. Excel for Mac: no function wizard texts to set
            return 0
        done = 0
        for host in hosts:
            try:
                saved = self.book.api.Saved
            except Exception:  # noqa: BLE001 - COM: whatever Excel raises, the action goes on
                saved = None
            for name, description, args in texts:
                try:
                    api.MacroOptions("'" + host.replace("'", "''") + "'!" + name, Description=description,
                                     Category=CATEGORY, ArgumentDescriptions=args or None)
                except Exception:  # noqa: BLE001 - this workbook does not hold the functions
                    break
                done += 1
            if saved is not None:
                self.book.api.Saved = saved  # registering texts is no change the user must save
        return done


def xlwings_mismatch(vba_version: str) -> str | None:
    """The Chinese notice when the workbook's VBA was built for another xlwings than Python has.

    The VBA names xlwings' DLL by version (xlwings64-<version>.dll, next to python.exe): after
    upgrading xlwings the NB_ functions fail with "Could not load xlwings64-….dll" until the
    add-in is rebuilt. Buttons still work (RunPython starts python.exe), so they say it; the
    NB_ cells say the same through the VBA (udf_vba.NB_ERROR).
    """
    import xlwings as xw

    if not vba_version or vba_version == xw.__version__:
        return None
    return MISMATCH_TEMPLATE.format(addin=vba_version, python=xw.__version__)


def _tk_file(prompt: str, mode: str, suffix: str, default: str = "") -> str | None:
    from tkinter import Tk, filedialog

    root = Tk()
    root.withdraw()
    try:
        if mode == "folder":
            answer = filedialog.askdirectory(title=prompt)
        elif mode == "save":
            folder, name = (str(Path(default).parent), Path(default).name) if default else (None, None)
            answer = filedialog.asksaveasfilename(title=prompt, defaultextension=suffix, initialdir=folder,
                                                  initialfile=name)
        else:
            answer = filedialog.askopenfilename(title=prompt, filetypes=[("Excel", "*.xlsx *.xlsm")])
        return answer or None
    finally:
        root.destroy()
