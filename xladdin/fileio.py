"""Atomic file writes for the whole package.

Every output goes to a temporary file in the destination folder and is then `os.replace`d over
the destination, so a crash or a full disk never leaves a half-written file and readers see the
old file or the new one. The temporary file is removed on any failure, and the result gets the
permissions a normally created file would (mkstemp makes 0600 files).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import OutputError, os_reason

# What to write: bytes, text (UTF-8), or a function that writes the file at the temp path it is
# given (openpyxl's `Workbook.save`, a zipfile rewrite, a renderer writing a file).
Content = bytes | str | Callable[[Path], object]

BUSY = "无法写入（没有权限，或文件正在 Excel/WPS 中打开，请先关闭）"


def atomic_write(path: str | os.PathLike[str], content: Content, *, make_dirs: bool = False) -> Path:
    """Write `content` to `path` atomically; failures become an `OutputError` naming the file
    (or the folder, when the folder is missing or not writable). `make_dirs` creates missing
    parent folders instead of refusing."""
    target = Path(path)
    folder = target.parent
    if make_dirs:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"无法创建输出文件夹（{os_reason(exc)}）", path=str(folder)) from exc
    elif not folder.is_dir():
        raise OutputError("输出文件夹不存在", path=str(folder))
    if target.is_dir():
        raise OutputError("输出路径是一个文件夹，请给出文件名", path=str(target))
    try:
        tmp = _temp_file(target)
    except PermissionError as exc:
        raise OutputError("没有写入该文件夹的权限", path=str(folder)) from exc
    except OSError as exc:
        raise OutputError(f"无法在该文件夹中写入（{os_reason(exc)}）", path=str(folder)) from exc
    try:
        _finish(tmp, target, content)
    except PermissionError as exc:
        raise OutputError(BUSY, path=str(target)) from exc
    except OSError as exc:
        raise OutputError(f"写入失败（{os_reason(exc)}）", path=str(target)) from exc
    return target


def replace_file(path: str | os.PathLike[str], content: Content) -> Path:
    """`atomic_write` for internal rewrites (e.g. zip surgery on a file that is itself a
    temporary file of an outer save): OSError passes through untranslated, so the outer
    save can report the user's file rather than its own temporary one."""
    target = Path(path)
    _finish(_temp_file(target), target, content)
    return target


def _temp_file(target: Path) -> Path:
    # Same folder (os.replace must not cross file systems); the target's suffix, because some
    # writers pick the format from it; a leading dot so it stays out of the user's way.
    fd, tmp = tempfile.mkstemp(prefix=f".~{target.stem[:40]}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    return Path(tmp)


def _finish(tmp: Path, target: Path, content: Content) -> None:
    try:
        if isinstance(content, str):
            tmp.write_bytes(content.encode("utf-8"))
        elif isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            content(tmp)
        os.chmod(tmp, _normal_mode(target))
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _normal_mode(target: Path) -> int:
    """The mode of the file being replaced, or what a newly created file would get."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
