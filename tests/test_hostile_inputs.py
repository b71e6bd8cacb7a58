"""Hostile and broken inputs, one class per test, through every command that reads that kind
of input: a Chinese message naming the file (exit 2) or a correct reading, never a
traceback, never unbounded memory or time."""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from wbtools import rewrite, sha, sheet_part

from xladdin.cli import main
from xladdin.errors import InputError
from xladdin.io import read_report, read_report_fast
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.io.safety import dtd_in_prolog
from xladdin.load import load_report
from xladdin.processes import run_in_group
from xladdin.report import Report
from xladdin.values import parse_value

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "weihai-2024.json"
SEED_TEXT = ROOT / "tests" / "data" / "seeds" / "000_0f8514aaa6f27642.txt"


def refused_by(argvs: list[list[str]], path: Path, capsys: pytest.CaptureFixture[str], *fragments: str) -> None:
    """Each command exits 2 with a Chinese message naming `path` (and the fragments),
    without a traceback or English library text, and leaves `path` unchanged."""
    before = sha(path) if path.is_file() else None
    for argv in argvs:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "错误：" in err and path.name in err and "Traceback" not in err, (argv, err)
        for fragment in fragments:
            assert fragment in err, (argv, err)
        for english in ("File is not a zip", "Error", "error:", "Exception"):
            assert english not in err, (argv, err)
    if before is not None:
        assert sha(path) == before


def workbook_commands(path: Path, tmp: Path) -> list[list[str]]:
    return [
        ["check", str(path)],
        ["dump", str(path), "--json"],
        ["audit", str(path)],
        ["fill", str(path), "-o", str(tmp / "filled.xlsx")],
        ["export", str(path), "-f", "md", "-o", str(tmp / "out.md")],
        ["addin", "run", "xladdin_check", str(path)],
    ]


def report_commands(path: Path, tmp: Path) -> list[list[str]]:
    return [
        ["check", str(path)],
        ["dump", str(path), "--json"],
        ["audit", str(path)],
        ["fill", str(path), "-o", str(tmp / "filled.xlsx")],
        ["export", str(path), "-f", "html", "-o", str(tmp / "out.html")],
        ["rollup", str(path), "-o", str(tmp / "sum.xlsx")],
    ]


def _limited(limit_mb: int) -> None:  # preexec_fn of a subprocess: an address-space cap
    resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))


def cli(*args: str, limit_mb: int | None = None, fsize: int | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    def limits() -> None:
        if limit_mb:
            _limited(limit_mb)
        if fsize:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "xladdin", *args], capture_output=True, text=True, timeout=timeout,
        preexec_fn=limits, env=env,
    )  # fmt: skip


# --------------------------------------------------------------------------- workbooks


def _set_cell_xml(src: Path, out: Path, sheet: str, edit) -> Path:  # noqa: ANN001
    part = sheet_part(src, sheet)
    return rewrite(src, out, lambda name, data: edit(data.decode("utf-8")).encode("utf-8") if name == part else data)


def test_a_far_away_cell_is_read_within_bounds(tmp_path: Path) -> None:
    """One stray cell at XFD1048576: calamine would allocate 512 GiB; both readers read only
    the template's cells, in a process capped at 1.5 GB."""
    far = _set_cell_xml(
        EXAMPLE_XLSX, tmp_path / "远.xlsx", "表三",
        lambda x: x.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'),
    )  # fmt: skip
    assert read_report_fast(far).values == read_report(far).values == read_report(EXAMPLE_XLSX).values
    for command in (["check", str(far)], ["dump", str(far), "--json"], ["audit", str(far)]):
        done = cli(*command, limit_mb=1500)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr and "memory allocation" not in done.stderr


def test_duplicate_zip_entries_are_refused(tmp_path: Path, capsys) -> None:
    dup = tmp_path / "重名.xlsx"
    shutil.copy(EXAMPLE_XLSX, dup)
    with zipfile.ZipFile(dup, "a") as zf, pytest.warns(UserWarning):
        zf.writestr("xl/workbook.xml", zf.read("xl/workbook.xml"))
    refused_by(workbook_commands(dup, tmp_path), dup, capsys, "重名")


def test_doctype_after_a_long_comment_in_any_part_is_refused(tmp_path: Path, capsys) -> None:
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'

    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/styles.xml":
            body = data.decode("utf-8").split("?>", 1)[-1]
            return f'<?xml version="1.0"?>\n<!--{"c" * 6000}-->\n{bomb}{body}'.encode()
        return data

    path = rewrite(EXAMPLE_XLSX, tmp_path / "深藏.xlsx", edit)
    refused_by(workbook_commands(path, tmp_path), path, capsys, "DOCTYPE")
    upper = tmp_path / "大写.xlsx"  # a part of any name and case is scanned
    shutil.copy(EXAMPLE_XLSX, upper)
    with zipfile.ZipFile(upper, "a") as zf:
        zf.writestr("customXml/ITEM1.XML", f"<?xml version='1.0'?>{bomb}<a/>")
    refused_by(workbook_commands(upper, tmp_path)[:2], upper, capsys, "ITEM1.XML")
    assert dtd_in_prolog(io.BytesIO(b"\xef\xbb\xbf<?xml?><!--" + b"-" * 200_000 + b"--><!doctype a><a/>"))
    assert not dtd_in_prolog(io.BytesIO(b"<?xml?><root><!-- <!DOCTYPE --></root>"))
    assert not dtd_in_prolog(io.BytesIO(b"\x89PNG\r\n\x1a\n<!DOCTYPE"))


def test_a_zip_bomb_is_refused_by_every_command_incl_addin_run(tmp_path: Path, capsys) -> None:
    bomb = tmp_path / "炸弹.xlsx"
    shutil.copy(EXAMPLE_XLSX, bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as zf, zf.open("xl/media/filler.bin", "w") as fh:
        for _ in range(120):
            fh.write(bytes(1 << 20))
    refused_by(workbook_commands(bomb, tmp_path), bomb, capsys, "压缩炸弹")


def test_encrypted_and_legacy_files_get_the_same_message_from_addin_run(tmp_path: Path, capsys) -> None:
    xls = tmp_path / "旧版.xlsx"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048))
    refused_by(workbook_commands(xls, tmp_path), xls, capsys, "97-2003")


def test_addin_run_refuses_to_drop_a_text_box_and_keeps_rich_text(tmp_path: Path, capsys) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from xladdin.names import section_name

    rich = tmp_path / "富文本.xlsx"
    wb = openpyxl.load_workbook(EXAMPLE_XLSX, rich_text=True)
    sheet, coord = next(iter(wb.defined_names[section_name("s1.active")].destinations))
    coord = coord.replace("$", "")
    wb[sheet][coord].value = CellRichText(TextBlock(InlineFont(b=True), "加粗的开头"), "，普通的后文")
    wb.save(rich)
    assert main(["addin", "run", "xladdin_check", str(rich)]) in (0, 1)
    capsys.readouterr()
    value = openpyxl.load_workbook(rich, rich_text=True)[sheet][coord].value
    assert isinstance(value, CellRichText) and str(value) == "加粗的开头，普通的后文" and value[0].font.b

    drawing = (
        '<?xml version="1.0" encoding="UTF-8"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
        'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:oneCellAnchor>'
        '<xdr:from><xdr:col>1</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
        '<xdr:ext cx="100" cy="100"/><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1"/>'
        '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr/><xdr:txBody><a:bodyPr/><a:p><a:r><a:t>审核意见</a:t></a:r>'
        "</a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"
    )
    part = sheet_part(EXAMPLE_XLSX, "表三")
    folder, base = part.rsplit("/", 1)
    rels = f"{folder}/_rels/{base}.rels"
    rel = ('<Relationship Id="rIdBox" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" '
           'Target="../drawings/drawing9.xml"/>')  # fmt: skip
    empty = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'

    def edit(name: str, data: bytes) -> bytes:
        if name == part:
            tag = '<drawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdBox"/>'
            text = data.decode("utf-8")
            anchor = "<legacyDrawing" if "<legacyDrawing" in text else "</worksheet>"
            return text.replace(anchor, tag + anchor, 1).encode("utf-8")
        if name == rels:
            return data.decode("utf-8").replace("</Relationships>", rel + "</Relationships>").encode("utf-8")
        return data

    boxed = rewrite(EXAMPLE_XLSX, tmp_path / "文本框.xlsx", edit)
    with zipfile.ZipFile(boxed, "a") as zf:
        zf.writestr("xl/drawings/drawing9.xml", drawing)
        if rels not in zf.namelist():
            zf.writestr(rels, empty.replace("</Relationships>", rel + "</Relationships>"))
    refused_by([["addin", "run", "xladdin_check", str(boxed)]], boxed, capsys, "文本框或形状", "表三")
    # fill -o writes a new file and leaves the original alone, but says what the copy lacks
    before = boxed.read_bytes()
    out = tmp_path / "已填充.xlsx"
    assert main(["fill", str(boxed), "-o", str(out)]) == 0
    said = capsys.readouterr().out.replace("\n", "")
    assert "输出文件中没有原文件的以下内容" in said and "文本框或形状" in said and "表三" in said
    assert boxed.read_bytes() == before and out.exists()


ERRORS = ("#REF!", "#DIV/0!", "#N/A", "#VALUE!")


def reader_fixtures(tmp_path: Path) -> list[Path]:
    """The blank template, the example, and variants that once made the two readers disagree."""
    out = [ROOT / "templates" / "政务公开年报模板.xlsx", EXAMPLE_XLSX]
    for i, code in enumerate(ERRORS):  # an error typed into an input cell
        out.append(_set_cell_xml(
            EXAMPLE_XLSX, tmp_path / f"err{i}.xlsx", "表三",
            lambda x, code=code: _replace_cell(x, "D5", f'<c r="D5" t="e"><v>{code}</v></c>'),
        ))  # fmt: skip
    out.append(_set_cell_xml(  # a total whose formula caches an error
        EXAMPLE_XLSX, tmp_path / "cached.xlsx", "表三",
        lambda x: _replace_cell(x, "J5", '<c r="J5" t="e"><f>SUM()</f><v>#REF!</v></c>'),
    ))  # fmt: skip
    out.append(_set_cell_xml(  # an integer a float cannot hold
        EXAMPLE_XLSX, tmp_path / "big.xlsx", "表三", lambda x: _replace_cell(x, "D5", '<c r="D5"><v>9007199254740993</v></c>')
    ))  # fmt: skip
    out.append(_set_cell_xml(  # formula text typed into a number cell, control characters in text
        EXAMPLE_XLSX, tmp_path / "text.xlsx", "表三",
        lambda x: _replace_cell(x, "D5", '<c r="D5" t="inlineStr"><is><t>=SUM(D6:I6)_x0007_</t></is></c>'),
    ))  # fmt: skip
    return out


def _replace_cell(xml: str, coord: str, cell: str) -> str:
    import re

    new, n = re.subn(rf'<c r="{coord}"[^>]*?(/>|>.*?</c>)', cell, xml, count=1, flags=re.S)
    assert n == 1, coord
    return new


def test_both_readers_and_the_addin_agree_on_every_fixture(tmp_path: Path, capsys) -> None:
    from xladdin.check import check
    from xladdin.excel.filebook import FileBook

    for path in reader_fixtures(tmp_path):
        slow, fast = read_report(path), read_report_fast(path)
        assert slow.values == fast.values, path.name
        assert (slow.meta, slow.sections, slow.notes) == (fast.meta, fast.sections, fast.notes), path.name
        book = FileBook(path).read_report()
        findings = [(f.rule, f.ref, f.message) for f in check(slow)]
        assert findings == [(f.rule, f.ref, f.message) for f in check(fast)], path.name
        assert findings == [(f.rule, f.ref, f.message) for f in check(book)], path.name
    assert read_report(tmp_path / "big.xlsx").values["t3.new.natural"] == 9007199254740993
    assert read_report_fast(tmp_path / "err0.xlsx").values["t3.new.natural"] == "#REF!"
    assert read_report_fast(tmp_path / "text.xlsx").values["t3.new.natural"] == "=SUM(D6:I6)\x07"
    assert main(["check", str(tmp_path / "cached.xlsx")]) == 1  # check and export refuse alike
    capsys.readouterr()


# --------------------------------------------------------------------------- JSON


def _json(tmp_path: Path, name: str, edit) -> Path:  # noqa: ANN001
    data = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "edit", "fragment"),
    [
        ("机关为数字.json", lambda d: d["meta"].update(agency=3), "meta.agency"),
        ("年度为文字.json", lambda d: d["meta"].update(year="二〇二四"), "meta.year"),
        ("正文为数字.json", lambda d: d["sections"].update(s1_active=7), "sections.s1_active"),
        ("值为列表.json", lambda d: d["values"].update({"t3.new.natural": [1]}), "values.t3.new.natural"),
        ("代理项.json", lambda d: d["meta"].update(agency="\ud800局"), "代理项"),
    ],
)
def test_json_fields_of_the_wrong_type(name, edit, fragment, tmp_path: Path, capsys) -> None:
    path = _json(tmp_path, name, edit)
    refused_by(report_commands(path, tmp_path), path, capsys, fragment)


def test_json_depth_devices_fifos_and_bom(tmp_path: Path, capsys) -> None:
    deep = tmp_path / "深.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    refused_by(report_commands(deep, tmp_path), deep, capsys, "嵌套过深")
    zero = tmp_path / "零.json"
    zero.symlink_to("/dev/zero")
    started = time.monotonic()
    refused_by(report_commands(zero, tmp_path), zero, capsys, "不是普通文件")
    fifo = tmp_path / "管道.json"
    os.mkfifo(fifo)
    refused_by(report_commands(fifo, tmp_path), fifo, capsys, "不是普通文件")
    assert time.monotonic() - started < 30
    bom = tmp_path / "记事本.json"
    bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE_JSON.read_bytes())
    assert load_report(bom).meta.agency == "威海市人力资源和社会保障局"
    bad = tmp_path / "坏.json"
    bad.write_text('{"meta": {agency: 1}}', encoding="utf-8")
    refused_by([["check", str(bad)]], bad, capsys, "第 1 行第 11 列")


def test_thousands_separators_only_when_grouped_and_noted(tmp_path: Path) -> None:
    assert parse_value("1,0") == "1,0" and parse_value("12,34") == "12,34"
    assert parse_value("1,234") == 1234 and parse_value("１２") == 12
    path = _json(tmp_path, "千位.json", lambda d: d["values"].update({"t3.new.natural": "1,234", "t3.new.biz": "1,0"}))
    report = load_report(path)
    assert report.values["t3.new.natural"] == 1234 and "千位分隔符" in report.notes["t3.new.natural"]
    assert report.values["t3.new.biz"] == "1,0"  # text: the check names it


# --------------------------------------------------------------------------- published reports


def test_decoding_by_evidence(tmp_path: Path, capsys) -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    page = tmp_path / "声明拉丁.html"
    body = "".join(f"<p>{line}</p>" for line in text.splitlines())
    page.write_bytes(f'<html><head><meta charset="iso-8859-1"></head><body>{body}</body></html>'.encode())
    assert load_report(page).meta.agency == load_report(SEED_TEXT).meta.agency != ""
    gbk = tmp_path / "国标.txt"
    gbk.write_bytes(text.encode("gb18030"))
    assert load_report(gbk).values == load_report(SEED_TEXT).values
    junk = tmp_path / "乱码.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    refused_by([["import", str(junk)], ["check", str(junk)], ["audit", str(junk)]], junk, capsys)


def test_bombs_in_published_formats(tmp_path: Path, capsys) -> None:
    docx = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            for _ in range(120):
                fh.write(b" " * (1 << 20))
    pdf = tmp_path / "炸弹.pdf"
    stream = zlib.compress(bytes(60 << 20), 9)
    pdf.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 600 800]/Contents 4 0 R>>endobj\n"
        + f"4 0 obj<</Length {len(stream)}/Filter/FlateDecode>>stream\n".encode() + stream + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    html = tmp_path / "合并.html"
    cell = '<td rowspan="100" colspan="100">1</td>'
    html.write_text("<html><body><table>" + ("<tr>" + cell * 30 + "</tr>") * 30 + "</table></body></html>", encoding="utf-8")
    for path, fragment in ((docx, "压缩炸弹"), (pdf, "解压后过大"), (html, "表格过大")):
        refused_by([["import", str(path)], ["check", str(path)], ["audit", str(path)]], path, capsys, fragment)


def test_libreoffice_runs_in_its_own_group_and_the_group_is_killed(tmp_path: Path) -> None:
    """A launcher that leaves a child behind (as soffice leaves soffice.bin): on a timeout
    the whole group goes."""
    pidfile = tmp_path / "child.pid"
    script = f"sleep 300 & echo $! > {pidfile}; wait"
    with pytest.raises(subprocess.TimeoutExpired):
        run_in_group(["sh", "-c", script], os.environ, timeout=1.5)
    child = int(pidfile.read_text())
    time.sleep(0.2)
    stat = Path(f"/proc/{child}/stat")
    assert not stat.exists() or stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # gone, or a zombie


# --------------------------------------------------------------------------- output conditions


def test_a_closed_stdout_and_a_file_size_limit_end_quietly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["dump", str(EXAMPLE_JSON), "--json"], ["import", str(SEED_TEXT)]):
        proc = subprocess.Popen([sys.executable, "-m", "xladdin", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        assert proc.stdout is not None
        proc.stdout.close()  # the reader went away (`| head`)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 141) and b"Traceback" not in err and b"BrokenPipe" not in err, err
    target = tmp_path / "受限.xlsx"
    done = cli("fill", str(EXAMPLE_XLSX), "-o", str(target), fsize=16 << 10)
    assert done.returncode == 2 and "错误：" in done.stderr and "文件大小超过系统限制" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert not target.exists() and not list(tmp_path.glob(".~*"))


def test_control_characters_and_formula_text_from_a_published_report(tmp_path: Path, capsys) -> None:
    text = SEED_TEXT.read_text(encoding="utf-8").replace("办公室", "办公\x1b室", 1)
    lines = text.splitlines()
    lines.insert(8, '=HYPERLINK("http://example.invalid/x","详见清单")')
    src = tmp_path / "控制字符.txt"
    src.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "导入.xlsx"
    assert main(["import", str(src), "-o", str(out)]) in (0, 1)
    wb = openpyxl.load_workbook(out)
    formulas = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f" and "HYPERLINK" in str(c.value)]
    assert formulas == []
    report = read_report_fast(out)
    assert any("=HYPERLINK" in t for t in report.sections.values())
    refused_by([["export", str(src), "-f", "docx", "-o", str(tmp_path / "e.docx")]], src, capsys, "控制字符 U+001B")
    capsys.readouterr()
    with pytest.raises(InputError):
        load_report(tmp_path / "没有.txt")
    assert Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8")).meta.agency
