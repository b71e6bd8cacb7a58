"""Outputs never land on an input: found in acceptance testing (check --xlsx, export -o and
audit --xlsx given the report itself used to replace it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from wbtools import sha

from xladdin.cli import main
from xladdin.io.example import EXAMPLE_XLSX


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "年报 2024.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, path)
    return path


def test_check_xlsx_onto_the_input_is_refused(capsys: pytest.CaptureFixture[str], book: Path) -> None:
    before = sha(book)
    code, _, err = run(capsys, "check", str(book), "--xlsx", str(book))
    assert code == 2
    assert "就是输入文件" in err and "Traceback" not in err
    assert sha(book) == before


def test_check_xlsx_onto_the_previous_report_is_refused(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    last = tmp_path / "上年.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, last)
    before = sha(last)
    code, _, err = run(capsys, "check", str(book), "--previous", str(last), "--xlsx", str(last))
    assert code == 2 and "--xlsx 输出就是输入文件" in err
    assert sha(last) == before


@pytest.mark.parametrize("fmt", ["html", "md", "docx"])
def test_export_onto_the_input_is_refused(capsys: pytest.CaptureFixture[str], book: Path, fmt: str) -> None:
    before = sha(book)
    code, _, err = run(capsys, "export", str(book), "-f", fmt, "-o", str(book))
    assert code == 2
    assert sha(book) == before
    assert ".xlsx" in err and fmt in err  # wrong extension for the format, named


def test_export_onto_an_input_with_the_right_suffix_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    src = tmp_path / "发布稿.md"
    shutil.copyfile(EXAMPLE_XLSX.with_name("威海市人力资源和社会保障局-2024-发布稿.txt"), src)
    before = sha(src)
    code, _, err = run(capsys, "export", str(src), "-f", "md", "-o", str(src))
    assert code == 2 and "就是输入文件" in err
    assert sha(src) == before


def test_export_htm_suffix_is_accepted(capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "export", str(book), "-f", "html", "-o", str(tmp_path / "页.htm"))
    assert code == 0 and (tmp_path / "页.htm").read_text(encoding="utf-8").lstrip().startswith("<!DOCTYPE")


def test_audit_xlsx_onto_an_input_is_refused(capsys: pytest.CaptureFixture[str], book: Path) -> None:
    before = sha(book)
    code, _, err = run(capsys, "audit", str(book), "--xlsx", str(book))
    assert code == 2 and "就是输入文件" in err
    assert sha(book) == before


def test_audit_skips_its_own_workbook_in_the_audited_folder(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    out = tmp_path / "审核结果.xlsx"
    assert run(capsys, "audit", str(tmp_path), "--xlsx", str(out))[0] == 0
    code, stdout, _ = run(capsys, "audit", str(tmp_path), "--xlsx", str(out))  # second run, same folder
    assert code == 0, stdout
    assert "无法读取" not in stdout or "0 个无法读取" in stdout


def test_export_refusal_lists_ten_findings_and_points_to_check(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A blank template has 166 blank input cells (the 34 formula totals are blank because their
    parts are), 33 findings by table row: the refusal used to print all 200 lines."""
    blank = tmp_path / "空白.xlsx"
    assert run(capsys, "template", "-o", str(blank))[0] == 0
    code, _, err = run(capsys, "export", str(blank), "-f", "md")
    assert code == 1 and not (tmp_path / "空白.md").exists()
    lines = err.strip().splitlines()
    assert "33 处强制错误" in lines[0]
    assert len(lines) == 12 and "另有 23 处" in lines[-1] and "xladdin check" in lines[-1]
    assert lines[1].startswith("  【T2-N 表二数值】表二“规章”行 3 格")  # table order; no internal key


def test_audit_folder_lists_files_its_listing_skipped(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    """A .xls in an audited folder used to vanish from the results without a word; now it is
    a row naming the problem (and .doc/.wps/.rtf/.odt, which load_report reads, are audited)."""
    (tmp_path / "旧版.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    (tmp_path / "照片.jpg").write_bytes(b"\xff\xd8\xff")  # not a report: still ignored
    code, out, _ = run(capsys, "audit", str(tmp_path))
    assert code == 2
    assert "旧版.xls" in out and "照片.jpg" not in out
    assert "共 2 个文件" in out


@pytest.mark.libreoffice
def test_audit_folder_reads_a_doc(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed (.ci/run installs it)")
    import json

    src = tmp_path / "示例.docx"
    assert main(["export", str(EXAMPLE_XLSX), "-f", "docx", "-o", str(src)]) == 0
    src.rename(tmp_path / "示例.doc")  # LibreOffice reads the content whatever the extension
    capsys.readouterr()
    code, out, _ = run(capsys, "audit", str(tmp_path), "--json")
    records = json.loads(out)
    assert [Path(r["source"]).name for r in records] == ["示例.doc"]
    assert code == 0 and records[0]["meta"]["agency"] == "威海市人力资源和社会保障局"


def test_audit_xlsx_into_an_unwritable_folder_fails_before_auditing(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    """It used to audit everything, then fail to save with openpyxl tracebacks on stderr."""
    code, out, err = run(capsys, "audit", str(book), "--xlsx", "/proc/审核.xlsx")
    assert code == 2 and out == ""
    assert "--xlsx 输出无法写入该文件夹" in err and "Traceback" not in err
    code, _, err = run(capsys, "check", str(book), "--xlsx", str(tmp_path / "没有" / "r.xlsx"))
    assert code == 2 and "--xlsx 输出的文件夹不存在" in err
    code, _, err = run(capsys, "audit", str(book), "--xlsx", str(tmp_path))
    assert code == 2 and "是一个文件夹" in err
    assert [p.name for p in tmp_path.iterdir()] == [book.name]  # no probe file left behind


def test_argument_errors_and_help_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse's own words were English: "error: the following arguments are required"."""
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "用法：xladdin check" in err and "错误：缺少参数：文件" in err and "required" not in err
    with pytest.raises(SystemExit):
        main(["export", "x.xlsx", "-f", "doc"])
    assert "无效的选择：'doc'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["check", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "选项" in out and "显示本帮助并退出" in out and "options" not in out


def test_fill_of_a_blank_template_does_not_list_34_formula_cells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The template's totals are formulas: fill printed “未填 …” for each of the 34."""
    blank = tmp_path / "空白.xlsx"
    run(capsys, "template", "-o", str(blank))
    code, out, _ = run(capsys, "fill", str(blank))
    assert code == 0
    assert "未填" not in out.replace("因细项不全未填", "")
    assert "34 个公式合计格（表三!D28、表三!E28、表三!F28等）" in out
    assert len(out.strip().splitlines()) == 3


SEED = EXAMPLE_XLSX.with_name("威海市人力资源和社会保障局-2024-发布稿.txt")


def test_import_onto_its_own_text_or_last_years_workbook_is_refused(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    """`import a.txt -o a.txt` replaced the published text with a workbook."""
    text = tmp_path / "发布稿.txt"
    shutil.copyfile(SEED, text)
    before, last = sha(text), sha(book)
    code, _, err = run(capsys, "import", str(text), "-o", str(text))
    assert code == 2 and "就是输入文件" in err
    code, _, err = run(capsys, "import", str(text), "--previous", str(book), "-o", str(book))
    assert code == 2 and "就是输入文件" in err
    assert sha(text) == before and sha(book) == last


@pytest.mark.parametrize("command", [["import", str(SEED)], ["fill", str(EXAMPLE_XLSX)]])
def test_a_workbook_is_never_written_under_another_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    """`fill a.xlsx -o a.docx` wrote a workbook named .docx (over an exported Word file)."""
    target = tmp_path / "年报.docx"
    target.write_bytes(b"the Word file exported earlier")
    code, _, err = run(capsys, *command, "-o", str(target))
    assert code == 2 and "应保存为 .xlsx" in err and "“.docx”" in err
    assert target.read_bytes() == b"the Word file exported earlier"


def test_rollup_onto_a_named_input_is_refused(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    """`rollup a.xlsx b.xlsx -o a.xlsx` dropped a.xlsx from the sum and wrote over it."""
    other = tmp_path / "乙.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, other)
    before = sha(book)
    code, _, err = run(capsys, "rollup", str(book), str(other), "-o", str(book))
    assert code == 2 and "就是输入文件" in err
    assert sha(book) == before


def test_export_of_several_files_to_a_file_name_is_refused(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    """`export a.xlsx b.txt -o 合并.md` created a folder named 合并.md."""
    code, _, err = run(capsys, "export", str(book), str(SEED), "-f", "md", "-o", str(tmp_path / "合并.md"))
    assert code == 2 and "-o 应为文件夹" in err
    assert not (tmp_path / "合并.md").exists()
    code, out, _ = run(capsys, "export", str(book), str(SEED), "-f", "md", "-o", str(tmp_path / "导出 2025"))
    assert code == 0 and len(list((tmp_path / "导出 2025").glob("*.md"))) == 2


def test_audit_rule_counts_follow_the_spec_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from xladdin.io import write_report
    from xladdin.report import Report

    a, b = tmp_path / "甲.json", tmp_path / "乙.xlsx"
    report = Report.from_json((EXAMPLE_XLSX.parent / "weihai-2024.json").read_text(encoding="utf-8"))
    report.values["t2.licensing"] = "/"  # T2-N
    write_report(report, b)
    report.values["t3.new.natural"] = 11  # E1, and T3-R: the JSON's totals are typed numbers
    a.write_text(report.to_json(), encoding="utf-8")
    _, out, _ = run(capsys, "audit", str(a), str(b))
    line = next(x for x in out.splitlines() if x.startswith("按规则统计"))
    assert line.index("E1") < line.index("T3-R") < line.index("T2-N")


def test_rollup_folder_names_an_xls_it_cannot_sum(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    """A .xls in a rolled-up folder was left out without a word."""
    (tmp_path / "旧版.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    out = tmp_path / "汇总" / "汇总.xlsx"
    out.parent.mkdir()
    code, stdout, err = run(capsys, "rollup", str(tmp_path), "-o", str(out))
    assert "共 2 个文件，计入 1 份" in stdout
    assert "旧版.xls" in err and code == 2


def test_check_previous_must_be_another_years_report(
    capsys: pytest.CaptureFixture[str], book: Path, tmp_path: Path
) -> None:
    """`check a.xlsx --previous a.xlsx` compared a report's 上年结转 with its own 结转下年度."""
    code, _, err = run(capsys, "check", str(book), "--previous", str(book))
    assert code == 2 and "就是本文件" in err
    same_year = tmp_path / "同年.xlsx"
    shutil.copyfile(EXAMPLE_XLSX, same_year)
    code, _, err = run(capsys, "check", str(book), "--previous", str(same_year))
    assert "上年报告的年度为 2024，本年报告为 2024" in err
