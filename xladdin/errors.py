"""Errors the user can act on. Messages are Chinese and name file, sheet and cell."""

from __future__ import annotations

import errno


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


_OS_REASONS = {
    errno.ENOENT: "路径不存在",
    errno.EEXIST: "同名文件或文件夹已存在",
    errno.ENOTDIR: "路径中有一级不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "只读的磁盘或文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EBUSY: "文件正被占用",
    errno.EMFILE: "打开的文件过多",
    errno.EIO: "磁盘读写错误",
}


def os_reason(exc: OSError) -> str:
    """An OSError in Chinese (the system's own text is English on most machines)."""
    reason = _OS_REASONS.get(exc.errno or -1)
    if reason:
        return reason
    return f"系统错误 {exc.errno}" if exc.errno else type(exc).__name__
