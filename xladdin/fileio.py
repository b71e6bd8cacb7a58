"""Atomic file writes for the whole package.

Every output goes to a temporary file in the destination folder and is then `os.replace`d over
the destination, so a crash or a full disk never leaves a half-written file and readers see the
old file or the new one. The temporary file is removed on any failure, and the result gets the
permissions a normally created file would (mkstemp makes 0600 files).

A file the user made read-only is never replaced (a rename needs only the folder's permission,
so this is checked here, not left to the system). Temporary files are named `.~<name>-<random>
<suffix>` (`TEMP_NAME`); folder listings skip them (`is_temp_name`), and one left behind by a
killed write is removed by the next write of the same file.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .errors import OutputError, os_reason

# What to write: bytes, text (UTF-8), or a function that writes the file at the temp path it is
# given (openpyxl's `Workbook.save`, a zipfile rewrite, a renderer writing a file).
Content = bytes | str | Callable[[Path], object]

BUSY = "无法写入（没有权限，或文件正在 Excel/WPS 中打开，请先关闭）"
READ_ONLY = "文件是只读的（没有写入权限），未修改；如需覆盖，请先取消只读属性，或另指定输出文件"
TEMP_PREFIX = ".~"
# mkstemp names: the prefix, up to 40 characters of the target stem, "-", random characters.
TEMP_NAME = re.compile(r"^\.~.+-[A-Za-z0-9_]+(\.[A-Za-z0-9]+)?$")
STALE_SECONDS = 600  # a temp file older than this is a leftover of a killed write, not a write in progress


def is_temp_name(name: str) -> bool:
    """A temporary file of ours (`.~name-XXXXXXXX.xlsx`) or an Office lock file (`~$name.xlsx`)."""
    return name.startswith("~$") or bool(TEMP_NAME.match(name))


def atomic_write(path: str | os.PathLike[str], content: Content, *, make_dirs: bool = False) -> Path:
    """Write `content` to `path` atomically; failures become an `OutputError` naming the file
    (or the folder, when the folder is missing or not writable). `make_dirs` creates missing
    parent folders instead of refusing. A symbolic link is written through: the file it
    points at is replaced and the link stays (a link to the copy a web server publishes)."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
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
    refuse_read_only(target)
    _remove_leftovers(target)
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
    except Exception as exc:  # lxml reports a failed write as SerialisationError("IO_EFBIG")
        why = _io_failure(exc)
        if why is None:
            raise
        raise OutputError(f"写入失败（{why}），原文件未改动", path=str(target)) from exc
    return target


_IO_CODES = {"EFBIG": "文件大小超过系统限制", "ENOSPC": "磁盘空间不足", "EDQUOT": "超出磁盘配额", "EIO": "磁盘读写错误"}


def _io_failure(exc: BaseException) -> str | None:
    """The Chinese reason of an I/O failure a library reported as something else."""
    text = str(exc)
    for code, why in _IO_CODES.items():
        if code in text:
            return why
    return None


def replace_file(path: str | os.PathLike[str], content: Content) -> Path:
    """`atomic_write` for internal rewrites (e.g. zip surgery on a file that is itself a
    temporary file of an outer save): OSError passes through untranslated, so the outer
    save can report the user's file rather than its own temporary one."""
    target = Path(path)
    _finish(_temp_file(target), target, content)
    return target


def refuse_read_only(target: Path) -> None:
    """OutputError when `target` exists and its own permissions forbid writing it (also for
    root, for whom os.access always says yes: a 0444 file is read-only by intent)."""
    try:
        st = target.stat()
    except OSError:
        return  # does not exist (yet): the folder's permission decides
    if not stat.S_ISREG(st.st_mode):
        raise OutputError("输出路径不是普通文件（可能是设备或管道），不能写入", path=str(target))
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise OutputError(READ_ONLY, path=str(target))


def _temp_prefix(target: Path) -> str:
    return f"{TEMP_PREFIX}{target.stem[:40]}-"


def _remove_leftovers(target: Path) -> None:
    """Delete temporary files a killed write of `target` left behind (older than STALE_SECONDS)."""
    prefix, now = _temp_prefix(target), time.time()
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(prefix) and is_temp_name(p.name)]
    except OSError:
        return
    for p in candidates:
        try:
            if p.suffix == target.suffix and now - p.stat().st_mtime > STALE_SECONDS:
                p.unlink()
        except OSError:
            continue


def _temp_file(target: Path) -> Path:
    # Same folder (os.replace must not cross file systems); the target's suffix, because some
    # writers pick the format from it; a leading dot so it stays out of the user's way.
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=target.suffix, dir=target.parent)
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


# --------------------------------------------------------------------------- reading inputs


def check_input(path: str | os.PathLike[str], limit: int | None = None) -> int:
    """The input is an existing regular file we may read, not empty and (with `limit`) not
    larger than `limit` bytes; returns its size. InputError in Chinese naming the file: a
    device or a FIFO (`/dev/zero` behind a symlink) is refused at once, never read."""
    from .errors import InputError

    p = Path(path)
    try:
        if not p.exists():
            if p.is_symlink():
                raise InputError("文件不存在（这是一个指向不存在目标的链接）", path=str(p))
            raise InputError("文件不存在，请检查路径和文件名", path=str(p))
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise InputError("这是一个文件夹，不是文件", path=str(p))
        if not stat.S_ISREG(st.st_mode):
            raise InputError("不是普通文件（可能是设备、管道或套接字），不能作为年报读取", path=str(p))
        with open(p, "rb") as fh:
            fh.read(1)
    except PermissionError as exc:
        raise InputError("没有读取权限，请检查文件权限或先关闭占用它的程序", path=str(p)) from exc
    except OSError as exc:
        raise InputError(f"无法读取（{os_reason(exc)}）", path=str(p)) from exc
    if st.st_size == 0:
        raise InputError("文件为空（0 字节），可能下载或复制不完整", path=str(p))
    if limit is not None and st.st_size > limit:
        raise InputError(
            f"文件过大（{st.st_size / (1 << 20):.1f} MB，超过上限 {limit / (1 << 20):.0f} MB），不像一份年度报告",
            path=str(p),
        )
    return st.st_size


def read_input(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of an input file after `check_input`, never more than `limit` (a file that
    grows while it is read is refused too)."""
    from .errors import InputError

    p = Path(path)
    check_input(p, limit)
    try:
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"读取时出错（{os_reason(exc)}，文件可能在读取时被删除或移动）", path=str(p)) from exc
    if len(data) > limit:
        raise InputError(f"文件过大（超过上限 {limit / (1 << 20):.0f} MB），不像一份年度报告", path=str(p))
    return data
