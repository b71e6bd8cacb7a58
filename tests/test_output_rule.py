"""Nothing the user has is replaced: the one output rule of every command (io/outputs.py).

A name the user did not give (fill's "-已填充", demo's files) never replaces a file; a path
the user gave that names an existing file is refused with a Chinese message unless --force
(an xladdin output of the same kind and a blank template excepted); a symbolic link is written
through. Built from the bundled example, as shared/repro 16, 17, 31 and 33 are.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from wbtools import sha

from xladdin.cli import main
from xladdin.excel.actions import run as run_button
from xladdin.excel.filebook import FileBook
from xladdin.io import read_report_fast
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.io.outputs import claim, free_name, is_blank_template
from xladdin.template import write_template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "weihai-2024.json"
EXAMPLE_TEXT = EXAMPLE_XLSX.with_name(f"{EXAMPLE_XLSX.stem}-发布稿.txt")


def _word(path: Path, text: str = "在全市政务公开工作会议上的讲话") -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    d.save(str(path))
    return path


def _refused(argv: list[str], victim: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = sha(victim)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err, err
    assert sha(victim) == before, f"{victim.name} changed"
    return err


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["template", "-o", "{v}"], "已填写.xlsx"),
        (["fill", str(EXAMPLE_JSON), "-o", "{v}"], "上年备份.xlsx"),
        (["import", str(EXAMPLE_TEXT), "-o", "{v}"], "备份2.xlsx"),
        (["export", str(EXAMPLE_JSON), "-f", "docx", "-o", "{v}"], "讲话稿.docx"),
        (["export", str(EXAMPLE_JSON), "-f", "md", "-o", "{v}"], "笔记.md"),
    ],
)
def test_an_explicit_output_never_replaces_a_users_file(argv, name, tmp_path: Path, capsys) -> None:
    victim = tmp_path / name
    if name.endswith(".xlsx"):
        shutil.copy(EXAMPLE_XLSX, victim)  # a filled report
    elif name.endswith(".docx"):
        _word(victim)
    else:
        victim.write_text("# 我的笔记\n", encoding="utf-8")
    args = [a.format(v=victim) for a in argv]
    before = sha(victim)
    err = _refused(args, victim, capsys)
    assert victim.name in err and "--force" in err and "已存在" in err
    # --force is the user saying "replace it"
    assert main([*args, "--force"]) in (0, 1)
    capsys.readouterr()
    assert victim.exists() and sha(victim) != before


@pytest.mark.parametrize("option", [["check", "{r}", "--xlsx", "{v}"], ["audit", "{r}", "--xlsx", "{v}"],
                                    ["rollup", "{r}", "-o", "{v}"]])
def test_our_outputs_are_replaced_and_force_allows_a_strangers(option, tmp_path: Path, capsys) -> None:
    report = tmp_path / "甲局.json"
    shutil.copy(EXAMPLE_JSON, report)
    stranger = tmp_path / "别人的.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "他人的数据"
    wb.save(stranger)
    args = [a.format(r=report, v=stranger) for a in option]
    _refused(args, stranger, capsys)
    assert main([*args, "--force"]) in (0, 1)
    assert main(args) in (0, 1)  # now ours, of this kind: replaced without asking
    capsys.readouterr()


def test_a_blank_template_is_replaced_a_filled_one_never(tmp_path: Path, capsys) -> None:
    blank = write_template(tmp_path / "模板.xlsx")
    assert is_blank_template(blank) and not is_blank_template(EXAMPLE_XLSX)
    assert main(["template", "-o", str(blank)]) == 0
    filled = tmp_path / "已填写.xlsx"
    shutil.copy(EXAMPLE_XLSX, filled)
    _refused(["template", "-o", str(filled)], filled, capsys)


def test_fills_default_output_never_replaces_a_file(tmp_path: Path, capsys) -> None:
    """shared/repro 17: `fill a.xlsx` twice kept the name and replaced the hand-edited output."""
    src = tmp_path / "a.xlsx"
    shutil.copy(EXAMPLE_XLSX, src)
    assert main(["fill", str(src)]) == 0
    first = tmp_path / "a-已填充.xlsx"
    wb = openpyxl.load_workbook(first)
    wb["基本信息"]["B2"] = "人工修改"
    wb.save(first)
    edited = sha(first)
    assert main(["fill", str(src)]) == 0
    out = capsys.readouterr().out
    assert sha(first) == edited
    assert (tmp_path / "a-已填充-2.xlsx").is_file() and "a-已填充-2.xlsx" in out
    # a JSON input whose default name is taken by a user's workbook
    rj = tmp_path / "r.json"
    shutil.copy(EXAMPLE_JSON, rj)
    users = tmp_path / "r-已填充.xlsx"
    shutil.copy(EXAMPLE_XLSX, users)
    before = sha(users)
    assert main(["fill", str(rj)]) == 0
    assert sha(users) == before and (tmp_path / "r-已填充-2.xlsx").is_file()


def test_demo_keeps_every_file_already_in_its_folder(tmp_path: Path, capsys) -> None:
    """shared/repro 16: the user's batch audit workbook and notes, named as the demo's files."""
    work = tmp_path / "work"
    work.mkdir()
    assert main(["audit", str(EXAMPLE_JSON), "--xlsx", str(work / "审核结果.xlsx"), "-q"]) == 0
    (work / "审核摘要.md").write_text("# 我的审核笔记\n乙局第五部分需要补充。\n", encoding="utf-8")
    before = {p.name: sha(p) for p in work.iterdir()}
    capsys.readouterr()
    assert main(["demo", "-o", str(work)]) in (0, 1)
    out = capsys.readouterr().out
    assert {p.name: sha(p) for p in work.iterdir() if p.name in before} == before
    assert (work / "审核结果-2.xlsx").is_file() and "审核结果-2.xlsx" in out
    assert (work / "审核摘要-2.md").is_file() and "审核摘要-2.md" in out


def test_free_name_skips_files_links_and_names_taken(tmp_path: Path) -> None:
    (tmp_path / "报告.docx").write_bytes(b"x")
    (tmp_path / "报告-2.docx").symlink_to(tmp_path / "不存在.docx")  # a dangling link is taken too
    assert free_name(tmp_path, "报告", ".docx") == tmp_path / "报告-3.docx"
    assert free_name(tmp_path, "报告", ".docx", [tmp_path / "报告-3.docx"]) == tmp_path / "报告-4.docx"


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_an_output_through_a_link_is_written_through(fmt: str, tmp_path: Path, capsys) -> None:
    """shared/repro 31: the link to the copy a web server publishes was replaced by a file."""
    site = tmp_path / "site"
    site.mkdir()
    real = site / f"real.{fmt}"
    main(["export", str(EXAMPLE_JSON), "-f", fmt, "-o", str(real)])
    link = site / f"link.{fmt}"
    link.symlink_to(real.name)
    report = tmp_path / "r.json"
    report.write_text(EXAMPLE_JSON.read_text(encoding="utf-8").replace("威海市胶州路7号", "威海市新地址1号"), encoding="utf-8")
    before = sha(real)
    assert main(["export", str(report), "-f", fmt, "-o", str(link), "--force"]) == 0
    capsys.readouterr()
    assert link.is_symlink() and os.readlink(link) == real.name
    assert sha(real) != before and "威海市新地址1号" in real.read_text(encoding="utf-8")


def test_a_link_to_an_audit_workbook_is_written_through_one_to_a_report_refused(tmp_path: Path, capsys) -> None:
    real = tmp_path / "real.xlsx"
    assert main(["audit", str(EXAMPLE_JSON), "--xlsx", str(real), "-q"]) == 0
    link = tmp_path / "link.xlsx"
    link.symlink_to(real.name)
    before = sha(real)
    assert main(["audit", str(EXAMPLE_JSON), "--xlsx", str(link), "-q"]) == 0
    assert link.is_symlink() and sha(real) != before  # each write carries its own time
    report = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, report)
    to_report = tmp_path / "指向年报.xlsx"
    to_report.symlink_to(report.name)
    capsys.readouterr()
    _refused(["fill", str(EXAMPLE_JSON), "-o", str(to_report)], report, capsys)
    assert to_report.is_symlink()


def test_an_input_is_never_the_output_even_with_force(tmp_path: Path, capsys) -> None:
    src = tmp_path / "a.json"
    shutil.copy(EXAMPLE_JSON, src)
    link = tmp_path / "a.md"
    link.symlink_to(src.name)
    err = _refused(["export", str(src), "-f", "md", "-o", str(link), "--force"], src, capsys)
    assert "就是输入文件" in err


def test_claim_explains_what_it_keeps(tmp_path: Path) -> None:
    from xladdin.errors import OutputError

    doc = _word(tmp_path / "讲话.docx")
    with pytest.raises(OutputError, match="一份 Word 文档"):
        claim(doc)
    assert claim(doc, force=True) == doc
    assert claim(tmp_path / "新.docx") == tmp_path / "新.docx"


def test_build_replaces_its_own_addin_and_blank_template_not_a_filled_one(tmp_path: Path, capsys) -> None:
    out = tmp_path / "dist"
    assert main(["addin", "build", "-o", str(out)]) == 0
    assert main(["addin", "build", "-o", str(out)]) == 0
    template = out / "政务公开年报模板.xlsm"
    book = FileBook(template, answers={})
    book.write_meta(read_report_fast(EXAMPLE_XLSX).meta)
    book.save()
    capsys.readouterr()
    _refused(["addin", "build", "-o", str(out)], template, capsys)


def test_the_export_button_asks_before_replacing(tmp_path: Path) -> None:
    book_path = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, book_path)
    target = _word(tmp_path / "讲话稿.docx")
    before = sha(target)
    book = FileBook(book_path, answers={"export_path": str(target)})
    assert run_button("xladdin_export", book) == "已取消"
    assert sha(target) == before and ("replace_export", f"文件“{target}”已存在，替换它吗？确认请输入“是”") in book.unanswered
    book = FileBook(book_path, answers={"export_path": str(target), "replace_export": "是"})
    assert run_button("xladdin_export", book).startswith("已导出")
    assert sha(target) != before
