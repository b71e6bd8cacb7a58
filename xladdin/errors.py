"""Errors the user can act on. Messages are Chinese and name file, sheet and cell."""

from __future__ import annotations


class XladdinError(Exception):
    """Base class: the CLI prints `message` and exits with `exit_code`, no traceback."""

    exit_code = 2

    def __init__(self, message: str, path: str = "", sheet: str = "", cell: str = "") -> None:
        self.path, self.sheet, self.cell = path, sheet, cell
        where = "".join(
            [f"文件“{path}”" if path else "", f"工作表“{sheet}”" if sheet else "", f"单元格 {cell}" if cell else ""]
        )
        super().__init__(f"{where}：{message}" if where else message)

    @property
    def message(self) -> str:
        return str(self)


class InputError(XladdinError):
    """The input cannot be used (not a workbook, corrupt, wrong template, unreadable…)."""


class OutputError(XladdinError):
    """The output cannot be written."""
