"""Inputs and outputs of the commands: refusing to overwrite an input, checking that an
output can be written before a long run, and the files of a folder that can be read.
(Read-only commands load their input with `xladdin.load.load_report_fast`.)
"""

from __future__ import annotations

import argparse
import errno
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..report import Report


def refuse_overwriting(
    output: str | Path, inputs: list[str | Path], option: str = "输出文件", kind: str | None = None,
    force: bool = False,
) -> None:
    """Raise OutputError when `output` (a path the user gave) may not be written: the one
    output rule, xladdin.io.outputs.claim."""
    from ..io.outputs import claim

    claim(output, inputs, kind=kind, force=force, option=option)


def workbook_output(output: str | Path, inputs: list[str | Path], force: bool = False) -> Path:
    """The -o of a command that writes a report workbook, checked before any work: never one
    of its inputs, a workbook suffix, and the one output rule (--force to replace)."""
    from ..io.outputs import refuse_inputs
    from ..io.workbook import check_workbook_suffix

    refuse_inputs(output, inputs, "-o 输出")
    path = check_workbook_suffix(output)
    refuse_overwriting(path, inputs, "-o 输出", force=force)
    return path


def add_force(parser: argparse.ArgumentParser, also: str = "") -> None:
    """The --force of every command that writes a file the user names."""
    parser.add_argument("--force", action="store_true", help=f"{also}输出文件已存在时替换它（默认拒绝，以免覆盖你的文件）")


_ERRNO_TEXT = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "只读文件系统",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENOENT: "文件夹不存在或不可写",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EEXIST: "同名文件已存在",
}


def ensure_writable(output: str | Path, option: str = "输出文件") -> None:
    """Before a long run (a batch audit), make sure `output` can be written: its folder
    exists and takes a file. Raises OutputError in Chinese; writes nothing that stays."""
    from ..errors import OutputError

    out = Path(output)
    folder = out.parent
    if out.is_dir():
        raise OutputError(f"{option}是一个文件夹，请给出文件名", path=str(out))
    if not folder.is_dir():
        raise OutputError(f"{option}的文件夹不存在", path=str(folder))
    try:
        fd, probe = tempfile.mkstemp(prefix=".~xladdin-", dir=folder)
    except OSError as exc:
        why = _ERRNO_TEXT.get(exc.errno or 0, "无法写入")
        raise OutputError(f"{option}无法写入该文件夹（{why}）", path=str(folder)) from exc
    os.close(fd)
    os.unlink(probe)


def free_name(folder: Path, stem: str, ext: str, taken: list[Path] | None = None) -> Path:
    """A name the user did not give: xladdin.io.outputs.free_name."""
    from ..io.outputs import free_name as pick

    return pick(folder, stem, ext, taken)


def loadable_in(folder: Path) -> list[Path]:
    """The report files of a folder (xladdin.load.report_files: temp and lock files skipped)."""
    from ..load import report_files

    return report_files(folder)


def usable_previous(report: Report, previous: Report) -> Report | None:
    """Last year's report given with --previous, when it is last year's report of this agency
    (audit.crossyear.previous_misfit); else None, and why on stderr: the 跨期 rules would
    compare unrelated numbers, the importer take another agency's figures as clues."""
    import sys

    from ..audit.crossyear import previous_misfit

    misfit = previous_misfit(report, previous)
    if misfit:
        print(f"注意：{'；'.join(misfit)}，未用于跨期核对", file=sys.stderr)
        return None
    return previous
