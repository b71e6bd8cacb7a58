"""Nothing lost: outputs never replace a report, a stranger's file or a read-only file, and a
temporary file left by a killed write is neither read as a report nor left for ever."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import openpyxl
import pytest
from wbtools import sha

from xladdin.cli import main
from xladdin.fileio import STALE_SECONDS, atomic_write, is_temp_name
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.io.outputs import output_kind
from xladdin.load import report_files


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "各部门"
    d.mkdir()
    for name in ("甲局", "乙局"):
        shutil.copy(EXAMPLE_XLSX, d / f"{name}.xlsx")
    return d


def _refused(argv: list[str], victim: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = sha(victim)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and victim.name in err and "Traceback" not in err, err
    assert sha(victim) == before
    return err


@pytest.mark.parametrize(
    "argv",
    [
        ["audit", "{dir}", "--xlsx", "{dir}/乙局.xlsx"],
        ["rollup", "{dir}", "-o", "{dir}/乙局.xlsx"],
        ["check", "{dir}/甲局.xlsx", "--xlsx", "{dir}/乙局.xlsx"],
    ],
)
def test_an_output_never_replaces_a_report_of_the_folder(argv, folder: Path, capsys) -> None:
    err = _refused([a.format(dir=folder) for a in argv], folder / "乙局.xlsx", capsys)
    assert "不是 xladdin 写出的" in err


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["audit", "{dir}", "--xlsx", "{out}"], "audit"),
        (["rollup", "{dir}", "-o", "{out}"], "rollup"),
        (["check", "{dir}/甲局.xlsx", "--xlsx", "{out}"], "findings"),
    ],
)
def test_our_own_output_of_the_same_kind_is_replaced(argv, kind, folder: Path, tmp_path: Path, capsys) -> None:
    out = folder / "结果.xlsx"  # inside the audited folder: not read as a report on the second run
    args = [a.format(dir=folder, out=out) for a in argv]
    first = main(args)
    assert output_kind(out) == kind
    assert main(args) == first
    capsys.readouterr()
    stranger = tmp_path / "别人的.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "他人的数据"
    wb.save(stranger)
    _refused([a.format(dir=folder, out=stranger) for a in argv], stranger, capsys)


@pytest.mark.parametrize("command", ["fill", "addin", "import", "template"])
def test_a_read_only_file_is_never_replaced(command: str, folder: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "只读.xlsx"
    shutil.copy(EXAMPLE_XLSX, target)
    os.chmod(target, 0o444)
    argv = {
        "fill": ["fill", str(folder / "甲局.xlsx"), "-o", str(target)],
        "addin": ["addin", "run", "xladdin_check", str(target)],
        "import": ["import", str(Path(__file__).parent / "data" / "seeds" / "000_0f8514aaa6f27642.txt"), "-o", str(target)],
        "template": ["template", "-o", str(target)],
    }[command]
    err = _refused(argv, target, capsys)
    assert "只读" in err
    assert os.stat(target).st_mode & 0o777 == 0o444


def test_temp_files_are_not_reports_and_leftovers_are_removed(folder: Path) -> None:
    leftover = folder / ".~甲局-k7_52tq2.xlsx"
    leftover.write_bytes(b"PK\x03\x04 partial")
    lock = folder / "~$甲局.xlsx"
    lock.write_bytes(b"owner")
    assert is_temp_name(leftover.name) and is_temp_name(lock.name) and not is_temp_name("甲局.xlsx")
    assert [p.name for p in report_files(folder)] == ["乙局.xlsx", "甲局.xlsx"]
    fresh = folder / ".~甲局-abcdefgh.xlsx"  # a write in progress elsewhere: left alone
    fresh.write_bytes(b"")
    old = time.time() - STALE_SECONDS - 5
    os.utime(leftover, (old, old))
    atomic_write(folder / "甲局.xlsx", (folder / "乙局.xlsx").read_bytes())
    assert not leftover.exists() and fresh.exists()


def test_audit_and_rollup_of_a_folder_skip_a_leftover(folder: Path, capsys) -> None:
    (folder / ".~乙局-zz9_xx1q.xlsx").write_bytes(EXAMPLE_XLSX.read_bytes()[:2000])
    assert main(["audit", str(folder), "--json"]) == 0
    out = capsys.readouterr().out
    assert ".~" not in out
    assert main(["rollup", str(folder), "--json"]) in (0, 1)
    assert ".~" not in capsys.readouterr().out
