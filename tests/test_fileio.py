"""xladdin.fileio: the one atomic-write helper every output goes through."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from xladdin.errors import OutputError
from xladdin.fileio import atomic_write, replace_file


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_bytes_text_and_callback(tmp_path: Path) -> None:
    assert atomic_write(tmp_path / "a.bin", b"\x00\x01") == tmp_path / "a.bin"
    atomic_write(tmp_path / "b.txt", "机关名称")
    atomic_write(tmp_path / "c.zip", lambda tmp: zipfile.ZipFile(tmp, "w").writestr("x.xml", "<x/>"))
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert (tmp_path / "b.txt").read_bytes() == "机关名称".encode()
    assert zipfile.ZipFile(tmp_path / "c.zip").read("x.xml") == b"<x/>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.txt", "c.zip"]


def test_new_file_gets_normal_mode_and_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    new = atomic_write(tmp_path / "new.txt", "x")
    assert new.stat().st_mode & 0o777 == 0o666 & ~umask()  # not mkstemp's 0600
    old = tmp_path / "old.txt"
    old.write_text("old", encoding="utf-8")
    old.chmod(0o640)
    atomic_write(old, "new")
    assert old.read_text(encoding="utf-8") == "new" and old.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyError("boom")])
def test_failure_keeps_the_old_file_and_removes_the_temp_file(tmp_path: Path, error: BaseException) -> None:
    target = tmp_path / "keep.xlsx"
    target.write_text("old", encoding="utf-8")

    def broken(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise error

    with pytest.raises(OutputError if isinstance(error, OSError) else KeyError) as info:
        atomic_write(target, broken)
    if isinstance(error, OSError):
        assert "写入失败" in str(info.value) and "keep.xlsx" in str(info.value)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.xlsx"]


def test_replace_file_lets_os_errors_through(tmp_path: Path) -> None:
    target = tmp_path / "t.zip"
    target.write_bytes(b"old")

    def broken(tmp: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError) as info:
        replace_file(target, broken)
    assert not isinstance(info.value, OutputError)
    assert [p.name for p in tmp_path.iterdir()] == ["t.zip"]
    replace_file(target, b"new")
    assert target.read_bytes() == b"new"


def test_missing_folder_is_named_or_created(tmp_path: Path) -> None:
    missing = tmp_path / "没有的文件夹"
    with pytest.raises(OutputError, match="输出文件夹不存在") as info:
        atomic_write(missing / "a.txt", "x")
    assert str(missing) in str(info.value)
    assert not missing.exists()
    atomic_write(missing / "sub" / "a.txt", "x", make_dirs=True)
    assert (missing / "sub" / "a.txt").read_text(encoding="utf-8") == "x"


def test_target_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "报告.docx").mkdir()
    with pytest.raises(OutputError, match="输出路径是一个文件夹"):
        atomic_write(tmp_path / "报告.docx", b"x")


def test_folder_without_write_permission(tmp_path: Path) -> None:
    """Tests run as root, who may write anywhere: write as `nobody` (effective uid) instead."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch the effective user")
    folder = Path(tempfile.mkdtemp(prefix="xladdin-ro-", dir="/tmp"))
    try:
        folder.chmod(0o755)  # readable, not writable, for nobody
        os.seteuid(65534)
        try:
            with pytest.raises(OutputError, match="没有写入该文件夹的权限") as info:
                atomic_write(folder / "a.txt", "x")
        finally:
            os.seteuid(0)
        assert str(folder) in str(info.value)
        assert list(folder.iterdir()) == []
    finally:
        shutil.rmtree(folder)
