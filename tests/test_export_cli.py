"""`xladdin export`: formats, output naming, refusal on 强制 findings unless --force."""

from __future__ import annotations

import shutil

import docx
import pytest
from conftest import EXAMPLE_JSON

from xladdin.cli import main
from xladdin.report import Report


@pytest.fixture
def example_file(tmp_path):
    path = tmp_path / "weihai-2024.json"
    shutil.copy(EXAMPLE_JSON, path)
    return path


@pytest.fixture
def broken_file(tmp_path):
    """The example with an E1 imbalance (本年新收·自然人 10 -> 12)."""
    report = Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
    report.values["t3.new.natural"] = 12
    path = tmp_path / "broken.json"
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def test_exports_next_to_the_input(example_file, capsys):
    assert main(["export", str(example_file), "--format", "docx"]) == 0
    out = example_file.with_suffix(".docx")
    assert out.exists() and "已导出" in capsys.readouterr().out
    assert docx.Document(str(out)).paragraphs[0].text.startswith("威海市人力资源和社会保障局")


def test_output_file_and_folder(example_file, tmp_path):
    assert main(["export", str(example_file), "-f", "md", "-o", str(tmp_path / "x" / "report.md")]) == 0
    assert (tmp_path / "x" / "report.md").read_text(encoding="utf-8").startswith("# 威海市")
    second = tmp_path / "copy.json"
    shutil.copy(example_file, second)
    assert main(["export", str(example_file), str(second), "-f", "html", "-o", str(tmp_path / "site")]) == 0
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["copy.html", "weihai-2024.html"]


def test_fragment_only_for_html(example_file, tmp_path, capsys):
    assert main(["export", str(example_file), "-f", "html", "--fragment", "-o", str(tmp_path / "f.html")]) == 0
    assert (tmp_path / "f.html").read_text(encoding="utf-8").startswith('<div class="xladdin-report"')
    assert main(["export", str(example_file), "-f", "md", "--fragment"]) == 2
    assert "--fragment" in capsys.readouterr().err


def test_refuses_on_blocking_findings_and_names_them(broken_file, capsys):
    assert main(["export", str(broken_file), "-f", "docx"]) == 1
    err = capsys.readouterr().err
    assert "强制错误" in err and "未导出" in err and "【E1 表三收支平衡】" in err and "E1:natural" not in err and "--force" in err
    assert not broken_file.with_suffix(".docx").exists()


def test_force_exports_anyway(broken_file, capsys):
    assert main(["export", str(broken_file), "-f", "md", "--force"]) == 0
    captured = capsys.readouterr()
    assert "【E1 表三收支平衡】" in captured.err and "已导出" in captured.out
    assert "| 一、本年新收政府信息公开申请数量 | 12 |" in broken_file.with_suffix(".md").read_text(encoding="utf-8")


def test_one_bad_file_does_not_stop_the_others(example_file, broken_file, tmp_path, capsys):
    missing = tmp_path / "nope.json"
    code = main(["export", str(example_file), str(broken_file), str(missing), "-f", "md", "-o", str(tmp_path / "o")])
    assert code == 2
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["weihai-2024.md"]
    assert "文件不存在" in capsys.readouterr().err


def test_never_overwrites_the_input(tmp_path):
    # A published .md report exported to Markdown goes to "<name>-导出.md".
    from xladdin.cli.export import _targets

    source = tmp_path / "report.md"
    source.write_text("x", encoding="utf-8")
    assert _targets([source], "md", None) == [tmp_path / "report-导出.md"]


def test_format_from_the_output_suffix(example_file, tmp_path, capsys):
    assert main(["export", str(example_file), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["export", str(example_file)]) == 0  # no -f, no suffix: the 公文 (docx)
    assert example_file.with_suffix(".docx").is_file()
    assert main(["export", str(example_file), "-o", str(tmp_path / "r.odt")]) == 2
    assert "-f" in capsys.readouterr().err


def test_default_name_never_replaces_an_existing_file(example_file, capsys):
    edited = example_file.with_suffix(".md")
    edited.write_text("人工修改过的导出稿", encoding="utf-8")
    assert main(["export", str(example_file), "-f", "md"]) == 0
    assert edited.read_text(encoding="utf-8") == "人工修改过的导出稿"
    second = example_file.with_name(f"{example_file.stem}-2.md")
    assert second.exists() and str(second) in capsys.readouterr().out
