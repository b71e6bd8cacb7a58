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
    errno.EFBIG: "文件大小超过系统限制",
    errno.EDQUOT: "超出磁盘配额",
    errno.EPIPE: "管道已关闭",
}


def os_reason(exc: OSError) -> str:
    """An OSError in Chinese (the system's own text is English on most machines)."""
    reason = _OS_REASONS.get(exc.errno or -1)
    if reason:
        return reason
    return f"系统错误 {exc.errno}" if exc.errno else type(exc).__name__


def describe(exc: BaseException) -> str:
    """What went wrong inside a parser, in Chinese, without the library's English text
    (e.g. "File is not a zip file", "Opening and ending tag mismatch")."""
    name = type(exc).__name__
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno:
        return os_reason(exc)
    if isinstance(exc, MemoryError):
        return "内容过大，内存不足"
    if isinstance(exc, RecursionError):
        return "嵌套层次过深"
    if name in ("BadZipFile", "LargeZipFile") or "zip" in text:
        return "压缩包结构错误"
    if "crc" in text or "zlib" in text or "decompress" in text or name == "EOFError":
        return "压缩数据损坏或不完整"
    if "xml" in name.lower() or "syntax" in name.lower() or "parse" in name.lower() or "tag" in text:
        return "XML 内容格式错误"
    if isinstance(exc, UnicodeError):
        return "文字编码错误"
    if isinstance(exc, KeyError):
        return "缺少必需的部件或条目"
    return "内部格式错误"
