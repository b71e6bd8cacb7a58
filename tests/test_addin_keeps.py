"""The buttons keep what the user has (shared/repro 18, 19, 24), on the bundled example:

- a reply typed into the comment of a marked cell survives 清除标记 and a new 校验 (only the
  mark's own note goes), and a cell the user recoloured keeps its colour;
- `addin run` compares the package before and after its rewrite and refuses, leaving the file
  as it was, when anything went missing: x14 validations and data bars, an EMF picture, a
  header picture; a rewrite that keeps everything is written;
- 导入上年数据 asks before taking a report of another agency or year.
"""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from wbtools import sha, sheet_part

from xladdin.cli import main
from xladdin.excel.actions import run
from xladdin.excel.book import MARK_COLORS, MARK_PREFIX, MARKS_SHEET, unmarked_comment
from xladdin.excel.filebook import FileBook
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.io.rewrite import inventory, lost_between

REPLY = "张三答复：10 件为网络申请，另 1 件为信函申请，已与业务系统核对无误。"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    path = tmp_path / "年报.xlsx"
    shutil.copy(EXAMPLE_XLSX, path)
    return path


def _named(wb: openpyxl.Workbook, name: str):  # noqa: ANN202 - an openpyxl cell
    sheet, coord = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][coord.replace("$", "")]


def _break_and_check(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    _named(wb, "NB_t3_new_natural").value = 11
    wb.save(path)
    run("xladdin_check", FileBook(path))


def _reply(path: Path, author: str = "张三") -> None:
    """What a reviewer does in Excel: types a reply under the 【校验】 note."""
    wb = openpyxl.load_workbook(path)
    cell = _named(wb, "NB_t3_new_natural")
    cell.comment = Comment(cell.comment.text + "\n\n" + REPLY, author)
    wb.save(path)


def _comment(path: Path) -> str:
    cell = _named(openpyxl.load_workbook(path), "NB_t3_new_natural")
    return cell.comment.text if cell.comment else ""


@pytest.mark.parametrize("button", ["xladdin_clear", "xladdin_check"])
def test_a_reply_typed_into_a_marked_comment_survives(button: str, book_path: Path) -> None:
    _break_and_check(book_path)
    assert _comment(book_path).startswith(MARK_PREFIX)
    _reply(book_path)
    run(button, FileBook(book_path))
    text = _comment(book_path)
    assert REPLY in text
    if button == "xladdin_clear":
        assert MARK_PREFIX not in text and text.strip() == REPLY
    else:  # a new 校验 marks again, in front of the reply
        assert text.startswith(MARK_PREFIX) and text.count(MARK_PREFIX) == 1
        run("xladdin_clear", FileBook(book_path))
        assert _comment(book_path).strip() == REPLY


def test_a_cell_recoloured_after_the_check_keeps_its_colour(book_path: Path) -> None:
    _break_and_check(book_path)
    book = FileBook(book_path)
    addr = next(iter(book.marks()))
    assert book.fill(addr) in MARK_COLORS.values()
    book.set_fill(addr, "00B0F0")
    book.save()
    run("xladdin_clear", FileBook(book_path))
    assert FileBook(book_path).fill(addr) == "00B0F0"


def test_unmarked_removes_only_the_marks_note() -> None:
    note = f"{MARK_PREFIX}\nE1 表三“自然人”列：……相差 1。"
    assert unmarked_comment(f"{note}\n\n原批注", note) == "原批注"
    assert unmarked_comment(f"{note}\n\n原批注\n\n{REPLY}", note) == f"原批注\n\n{REPLY}"
    assert unmarked_comment("用户改写了整条批注", note) == "用户改写了整条批注"
    # marks saved before the note was kept: the comment's first 【校验】 block is the mark
    assert unmarked_comment(f"{note}\n\n{REPLY}", "") == REPLY


def test_marks_saved_by_an_older_version_are_cleared_the_same_way(book_path: Path) -> None:
    _break_and_check(book_path)
    wb = openpyxl.load_workbook(book_path)
    ws = wb[MARKS_SHEET]
    ws.delete_cols(4, 2)  # the layout before the note and colour columns
    wb.save(book_path)
    _reply(book_path)
    run("xladdin_clear", FileBook(book_path))
    assert _comment(book_path).strip() == REPLY


# --------------------------------------------------------------------------- parts a rewrite drops

X14 = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>基本信息!$A$1:$A$3</xm:f></x14:formula1>'
    "<xm:sqref>L5:L10</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
    '<ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="dataBar" id="{00000000-000E-0000-0000-000001000000}"><x14:dataBar minLength="0" maxLength="100">'
    '<x14:cfvo type="min"/><x14:cfvo type="max"/></x14:dataBar></x14:cfRule><xm:sqref>D5:D29</xm:sqref>'
    "</x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>"
)


def _png() -> bytes:
    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _emf() -> bytes:
    header = struct.pack("<II4i4iIIIIHHIIIiiii", 1, 88, 0, 0, 100, 100, 0, 0, 2540, 2540, 0x464D4520, 0x10000,
                         108, 2, 1, 0, 0, 0, 0, 1024, 768, 320, 240)
    return header + struct.pack("<IIIII", 14, 20, 0, 16, 20)


def _with(path: Path, out: Path, kind: str) -> Path:
    """The example with an Excel 2010 list validation and data bar (x14), an EMF picture (a
    seal pasted from Word) or a header picture on 表三, as Excel saves them."""
    part = sheet_part(path, "表三")
    folder, base = part.rsplit("/", 1)
    rels_name = f"{folder}/_rels/{base}.rels"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts[part].decode()
    rels = parts.get(rels_name, b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                     b'openxmlformats.org/package/2006/relationships"></Relationships>').decode()
    types = parts["[Content_Types].xml"].decode()
    image_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                  f'package/2006/relationships"><Relationship Id="rIdImg1" Type="{REL}/image" '
                  'Target="../media/image1.{ext}"/></Relationships>')
    if kind == "x14":
        sheet = sheet.replace("</worksheet>", X14 + "</worksheet>")
    elif kind == "emf":
        types = types.replace("</Types>", '<Default Extension="emf" ContentType="image/x-emf"/><Override '
                              'PartName="/xl/drawings/drawing9.xml" ContentType="application/vnd.openxmlformats-'
                              'officedocument.drawing+xml"/></Types>')
        parts["xl/drawings/drawing9.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/'
            f'2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{REL}">'
            '<xdr:oneCellAnchor><xdr:from><xdr:col>11</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row>'
            '<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="952500" cy="952500"/><xdr:pic><xdr:nvPicPr>'
            '<xdr:cNvPr id="2" name="公章"/><xdr:cNvPicPr/></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rIdImg1"/>'
            '<a:stretch><a:fillRect/></a:stretch></xdr:blipFill><xdr:spPr><a:prstGeom prst="rect"><a:avLst/>'
            "</a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>"
        ).encode()
        parts["xl/drawings/_rels/drawing9.xml.rels"] = image_rels.format(ext="emf").encode()
        parts["xl/media/image1.emf"] = _emf()
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdDraw9" Type="{REL}/drawing" '
                            'Target="../drawings/drawing9.xml"/></Relationships>')
        tag = f'<drawing xmlns:r="{REL}" r:id="rIdDraw9"/>'
        sheet = (sheet.replace("<legacyDrawing", tag + "<legacyDrawing", 1) if "<legacyDrawing" in sheet
                 else sheet.replace("</worksheet>", tag + "</worksheet>"))
    else:  # a header picture
        if 'Extension="png"' not in types:
            types = types.replace("</Types>", '<Default Extension="png" ContentType="image/png"/></Types>')
        if 'Extension="vml"' not in types:
            types = types.replace("</Types>", '<Default Extension="vml" ContentType="application/vnd.openxmlformats-'
                                  'officedocument.vmlDrawing"/></Types>')
        parts["xl/drawings/vmlDrawingHF9.vml"] = (
            b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
            b'<v:shape id="CH" type="#_x0000_t75" style="position:absolute;width:30pt;height:30pt">'
            b'<v:imagedata o:relid="rIdImg1" o:title="logo"/></v:shape></xml>'
        )
        parts["xl/drawings/_rels/vmlDrawingHF9.vml.rels"] = image_rels.format(ext="png").encode()
        parts["xl/media/image1.png"] = _png()
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdHF9" Type="{REL}/vmlDrawing" '
                            'Target="../drawings/vmlDrawingHF9.vml"/></Relationships>')
        sheet = sheet.replace("</worksheet>", f'<legacyDrawingHF xmlns:r="{REL}" r:id="rIdHF9"/></worksheet>')
    parts[part], parts[rels_name], parts["[Content_Types].xml"] = sheet.encode(), rels.encode(), types.encode()
    return _zip(parts, out)


def _zip(parts: dict[str, bytes], out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


@pytest.mark.parametrize(("kind", "said"), [
    ("x14", "数据有效性（Excel 2010 格式"), ("emf", "image1.emf"), ("hf", "页眉页脚中的图片"),
])
def test_addin_run_refuses_a_rewrite_that_loses_content(kind: str, said: str, tmp_path: Path, capsys) -> None:
    path = _with(EXAMPLE_XLSX, tmp_path / f"{kind}.xlsx", kind)
    before = sha(path)
    assert main(["addin", "run", "xladdin_check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and said in err and "未写入任何改动" in err and "Traceback" not in err
    assert sha(path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~")]  # no temp file left


def test_a_rewrite_that_keeps_everything_is_written(book_path: Path) -> None:
    png = _with(EXAMPLE_XLSX, book_path.with_name("png.xlsx"), "hf")
    # the same workbook without the header picture: openpyxl keeps all of it
    assert lost_between(EXAMPLE_XLSX, EXAMPLE_XLSX) == []
    assert "页眉页脚中的图片" in "".join(lost_between(png, EXAMPLE_XLSX))
    before = sha(book_path)
    assert run("xladdin_check", FileBook(book_path)).startswith("通过")
    assert sha(book_path) != before


def test_inventory_counts_pictures_by_content_not_by_name(tmp_path: Path) -> None:
    emf = _with(EXAMPLE_XLSX, tmp_path / "emf.xlsx", "emf")
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(emf) as zin, zipfile.ZipFile(renamed, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            new = name.replace("image1.emf", "image7.emf")
            zout.writestr(new, data.replace(b"image1.emf", b"image7.emf"))
    assert lost_between(emf, renamed) == []
    assert any(k.startswith("工作表“表三”：图片") for k in inventory(emf))


def test_fill_says_what_its_new_file_does_not_carry(tmp_path: Path, capsys) -> None:
    src = _with(EXAMPLE_XLSX, tmp_path / "x14.xlsx", "x14")
    before = sha(src)
    assert main(["fill", str(src), "-o", str(tmp_path / "out.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "数据有效性（Excel 2010 格式" in out and "原文件未改动" in out
    assert sha(src) == before


# --------------------------------------------------------------------------- 导入上年数据


def _other(tmp_path: Path, agency: str, year: int) -> Path:
    other = tmp_path / f"{agency}-{year}.xlsx"
    shutil.copy(EXAMPLE_XLSX, other)
    wb = openpyxl.load_workbook(other)
    _named(wb, "NB_meta_agency").value = agency
    _named(wb, "NB_meta_year").value = year
    wb.save(other)
    return other


@pytest.mark.parametrize(("agency", "year"), [("烟台市交通运输局", 2023), ("威海市人力资源和社会保障局", 2025),
                                              ("威海市人力资源和社会保障局办公室", 2023)])
def test_import_previous_asks_before_taking_another_agencys_or_years_report(
    agency: str, year: int, book_path: Path, tmp_path: Path, capsys
) -> None:
    other = _other(tmp_path, agency, year)
    before = sha(book_path)
    assert main(["addin", "run", "xladdin_import", str(book_path), "-a", f"previous={other}"]) == 2
    err = capsys.readouterr().err
    assert "confirm_previous" in err and sha(book_path) == before
    text = run("xladdin_import", FileBook(book_path, answers={"previous": str(other), "confirm_previous": "是"}))
    assert "转入上年结转" in text


def test_import_previous_takes_last_years_report_of_the_agency_without_asking(book_path: Path, tmp_path: Path) -> None:
    last = _other(tmp_path, "威海市人力资源和社会保障局", 2023)
    book = FileBook(book_path, answers={"previous": str(last)})
    assert "转入上年结转" in run("xladdin_import", book)
    assert book.unanswered == []
