"""Bad input: every unusable file gets one clear Chinese InputError naming the file, exit code
2 from the CLI, no traceback, and the input left untouched. Real files throughout: a real
.xls from LibreOffice, a real encrypted workbook from msoffcrypto, real zip damage."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from wbtools import rewrite, sha, sheet_part

from xladdin.cli import main
from xladdin.errors import InputError
from xladdin.io import read_report, read_report_fast, safety, write_report
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.load import load_report
from xladdin.report import Report

READERS: list[Callable[[Path], Report]] = [read_report, read_report_fast, load_report]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    return path


def refused(path: Path, capsys: pytest.CaptureFixture[str], *fragments: str) -> str:
    """Every reader and the CLI refuse `path` with a message naming it and the fragments."""
    before = sha(path) if path.is_file() else None
    message = ""
    for reader in READERS:
        with pytest.raises(InputError) as info:
            reader(path)
        message = str(info.value)
        assert path.name in message, message
        for fragment in fragments:
            assert fragment in message, message
    for argv in (["check", str(path)], ["dump", str(path), "--json"], ["fill", str(path)]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert err.startswith("错误：") and path.name in err, err
        assert "Traceback" not in err and out == ""
    if before is not None:
        assert sha(path) == before
    assert not list(path.parent.glob("*-已填充*"))
    return message


def test_missing_file(tmp_path: Path, capsys) -> None:
    refused(tmp_path / "没有这个文件.xlsx", capsys, "不存在")


def test_directory(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "文件夹.xlsx"
    folder.mkdir()
    refused(folder, capsys, "文件夹")


def test_no_permission(good: Path, capsys) -> None:
    """Tests run as root, who may read anything: read as `nobody` (effective uid) instead."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch the effective user")
    folder = Path(tempfile.mkdtemp(prefix="xladdin-perm-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        path = folder / "锁定.xlsx"
        shutil.copy(good, path)
        path.chmod(0o000)
        for reader in READERS:
            os.seteuid(65534)
            try:
                with pytest.raises(InputError, match="没有读取权限") as info:
                    reader(path)
            finally:
                os.seteuid(0)
            assert path.name in str(info.value)
    finally:
        shutil.rmtree(folder)


def test_empty_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    refused(path, capsys, "为空")


def test_not_a_zip(tmp_path: Path, capsys) -> None:
    path = tmp_path / "文本.xlsx"
    path.write_text("机关名称,年度\n某局,2024\n", encoding="utf-8")
    refused(path, capsys, "不是 Excel 工作簿")


def test_html_saved_as_xls(tmp_path: Path, capsys) -> None:
    path = tmp_path / "导出.xlsx"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    refused(path, capsys, "网页")


def test_truncated_zip(good: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "截断.xlsx"
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    refused(path, capsys, "损坏或不完整")


def test_corrupt_entry(good: Path, tmp_path: Path, capsys) -> None:
    """Central directory intact, compressed bytes of 表三's sheet part damaged."""
    path = tmp_path / "损坏.xlsx"
    shutil.copy(good, path)
    part = sheet_part(path, "表三")
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(part)
    data = bytearray(path.read_bytes())
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + info.compress_size // 3, start + info.compress_size // 3 + 64):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    refused(path, capsys, "损坏")


def test_word_document(tmp_path: Path, capsys) -> None:
    import docx

    path = tmp_path / "年报.xlsx"
    document = docx.Document()
    document.add_paragraph("不是工作簿")
    document.save(path)
    refused(path, capsys, "Word")


def test_not_our_template(tmp_path: Path, capsys) -> None:
    path = tmp_path / "别的表.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active["A1"] = "本年新收"
    wb.save(path)
    message = refused(path, capsys, "不是本工具的年报模板", "表二", "表三", "表四", "Sheet1")
    assert "NB_" in message


def test_template_with_sheet_and_name_removed(good: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "残缺.xlsx"
    wb = openpyxl.load_workbook(good)
    del wb["表四"]
    del wb.defined_names["NB_t3_new_natural"]
    wb.save(path)
    refused(path, capsys, "缺少工作表：表四", "NB_t3_new_natural", "NB_t4_review_keep")


def test_encrypted_workbook(good: Path, tmp_path: Path, capsys) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "加密.xlsx"
    with open(good, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt("密码123", out)
    refused(path, capsys, "密码")


@pytest.mark.libreoffice
def test_legacy_xls(tmp_path: Path, capsys) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed (.ci/run installs it)")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path),
            str(EXAMPLE_XLSX),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    path = tmp_path / (EXAMPLE_XLSX.stem + ".xls")
    assert path.read_bytes()[:8] == safety.OLE_MAGIC
    refused(path, capsys, "另存为", ".xlsx")


def test_zip_bomb_by_ratio(tmp_path: Path, capsys) -> None:
    path = tmp_path / "炸弹.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (12 * 1024 * 1024))
    refused(path, capsys, "压缩炸弹")


def test_zip_bomb_by_total_size(good: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED", 50_000)  # the example unzips to ~200 KB
    refused(good, capsys, "解压后体积过大")


def test_too_many_entries(good: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "条目.xlsx"
    shutil.copy(good, path)
    with zipfile.ZipFile(path, "a") as zf:
        for i in range(safety.MAX_ENTRIES + 1):
            zf.writestr(f"xl/media/x{i}.bin", b"")
    refused(path, capsys, "条目过多")


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


def test_xml_entity_declaration_refused(good: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "实体.xlsx"

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            body = data.decode("utf-8").split("?>", 1)[-1]
            return (LAUGHS + body).encode("utf-8")
        return data

    rewrite(good, path, edit)
    refused(path, capsys, "DOCTYPE")


def test_entity_hidden_past_the_prescan_is_refused_by_the_parser(good: Path, tmp_path: Path, capsys) -> None:
    """A DOCTYPE pushed 6 KB down by a long comment: the prolog scan reads the whole prolog."""
    path = tmp_path / "深藏.xlsx"
    part = sheet_part(good, "表三")

    def edit(name: str, data: bytes) -> bytes:
        if name == part:
            body = data.decode("utf-8").split("?>", 1)[-1]
            head = LAUGHS.replace("\n<!DOCTYPE", f"\n<!--{'x' * 6000}-->\n<!DOCTYPE")
            return (head + body.replace("<sheetData>", "<sheetData>", 1)).encode("utf-8")
        return data

    rewrite(good, path, edit)
    with zipfile.ZipFile(path) as zf:
        assert b"<!DOCTYPE" not in zf.read(part)[:4096]
    refused(path, capsys, "DOCTYPE")


def test_bad_numbers_are_values_not_read_errors(example: Report, tmp_path: Path, capsys) -> None:
    """Text, "/", "-", negative and fractional numbers read fine; check names them by cell."""
    example.values.update({"t3.new.biz": "-", "t3.open.biz": "/", "t4.review_keep": -2, "t2.penalty": "3件"})
    path = tmp_path / "怪值.xlsx"
    write_report(example, path)
    assert main(["check", str(path)]) == 1
    out, _ = capsys.readouterr()
    for address in (read_report(path).address(k) for k in ("t3.new.biz", "t3.open.biz", "t4.review_keep")):
        assert address in out


@pytest.mark.parametrize("text", ["[1, 2]", "3", '"年报"', "null"])
def test_json_that_is_not_an_object_is_an_input_error(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Acceptance testing: a JSON list gave AttributeError with a traceback."""
    path = tmp_path / "年报.json"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "不是有效的年报 JSON" in capsys.readouterr().err
