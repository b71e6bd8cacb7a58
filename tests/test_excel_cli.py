"""`xladdin addin …` from the command line."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from xladdin.cli import main
from xladdin.excel import package
from xladdin.names import SHEET_RESULTS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))


def test_build_writes_both_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "build", "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "xladdin.xlam" in out and "冒烟测试" in out
    assert package.ribbon(package.read_parts(tmp_path / "xladdin.xlam"))


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="checks the no-Excel message")
def test_install_without_excel_explains_and_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "install"]) == 1
    out = capsys.readouterr().out
    assert "本机没有 Excel" in out and "XLSTART" in out and "--dir" in out


def test_install_and_uninstall_with_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "install", "--dir", str(tmp_path)]) == 0
    assert (tmp_path / "xladdin.xlam").exists() and (tmp_path / "xladdin.conf").exists()
    assert main(["addin", "uninstall", "--dir", str(tmp_path)]) == 0
    assert not (tmp_path / "xladdin.xlam").exists()


def test_run_a_button_on_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.xlsx"
    shutil.copy(EXAMPLES[0], path)
    assert main(["addin", "run", "xladdin_check", str(path)]) == 0
    assert capsys.readouterr().out.startswith("通过")
    from openpyxl import load_workbook

    assert SHEET_RESULTS in load_workbook(path).sheetnames


def test_run_rejects_unknown_buttons_and_bad_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "run", "xladdin_nothing", "x.xlsx"]) == 2
    assert "未知的按钮" in capsys.readouterr().err
    assert main(["addin", "run", "xladdin_help", "--answer", "novalue"]) == 2
    assert "问题=回答" in capsys.readouterr().err


def test_list_names_every_button(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["addin", "list"]) == 0
    assert capsys.readouterr().out.count("xladdin_") == 13


def test_run_without_a_needed_answer_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Acceptance testing: a button whose dialog had no --answer printed a bare “已取消”, exit 0."""
    path = tmp_path / "a.xlsx"
    shutil.copy(EXAMPLES[0], path)
    before = path.read_bytes()
    assert main(["addin", "run", "xladdin_import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "--answer previous=" in err and "上年度年报" in err
    assert path.read_bytes() == before
    assert main(["addin", "run", "xladdin_new", "-a", "agency=某局", "-a", "year=2025", "-a", "level=县"]) == 2
    assert "--answer new_path=" in capsys.readouterr().err
    assert main(["addin", "run", "xladdin_settings", str(path)]) == 0  # optional answers: nothing to change
