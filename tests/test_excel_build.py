"""The built add-in and template: valid packages with ribbon, VBA and the right content types;
olevba reads the VBA back equal to the sources; openpyxl and LibreOffice open them."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.excel import package
from xladdin.excel.build import ADDIN_NAME, CONF_SHEET, TEMPLATE_XLSM, UDF_MODULE, build, vba_modules
from xladdin.excel.filebook import FileBook
from xladdin.excel.install import install, uninstall
from xladdin.excel.ovba import compress, decompress
from xladdin.excel.udf_vba import THIS_WORKBOOK_CODE
from xladdin.excel.vba import MACROS_DIR, project_modules, read_back


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return build(tmp_path_factory.mktemp("addin"))


def test_files_are_zips_with_ribbon_vba_and_content_types(built) -> None:  # noqa: ANN001
    expected = {built.addin: "application/vnd.ms-excel.addin.macroEnabled.main+xml",
                built.template: "application/vnd.ms-excel.sheet.macroEnabled.main+xml"}
    for path, ctype in expected.items():
        assert zipfile.is_zipfile(path)
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
        parts = package.read_parts(path)
        types = package.content_types(parts)
        assert types["/xl/workbook.xml"] == ctype
        assert types["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
        rels = package.relationships(parts["_rels/.rels"])
        ui = [r for r in rels if r["Type"] == package.RIBBON_REL]
        assert [r["Target"] for r in ui] == ["customUI/customUI.xml"]
        assert parts["customUI/customUI.xml"] == (MACROS_DIR / "customUI.xml").read_bytes()
        wb_rels = package.relationships(parts["xl/_rels/workbook.xml.rels"])
        assert any(r["Type"] == package.VBA_REL and r["Target"] == "vbaProject.bin" for r in wb_rels)
        assert b'codeName="ThisWorkbook"' in parts["xl/workbook.xml"]


def test_olevba_reads_back_the_sources(built) -> None:  # noqa: ANN001
    for path, addin in ((built.addin, True), (built.template, False)):
        sources = {m.name: m.body for m in vba_modules(addin)}
        assert {"XladdinRibbon", "xlwings", "Dictionary", "xladdin_udfs"} <= set(sources)
        back = read_back(path)
        for name, body in sources.items():
            assert back[name].rstrip("\n") == body.rstrip("\n"), name
        assert THIS_WORKBOOK_CODE.strip() in back["ThisWorkbook"]


def test_template_opens_in_openpyxl_with_config_sheet(built) -> None:  # noqa: ANN001
    wb = load_workbook(built.template, keep_vba=True)
    assert CONF_SHEET in wb.sheetnames and wb[CONF_SHEET].sheet_state == "hidden"
    conf = {r[0]: r[1] for r in wb[CONF_SHEET].iter_rows(values_only=True)}
    assert conf["UDF MODULES"] == UDF_MODULE
    assert "表三" in wb.sheetnames
    assert FileBook(built.template).is_report()


def test_saving_the_xlsm_keeps_macros_and_ribbon(built, tmp_path: Path) -> None:  # noqa: ANN001
    """openpyxl drops the ribbon relationship; FileBook puts it back."""
    path = tmp_path / "t.xlsm"
    shutil.copy(built.template, path)
    book = FileBook(path)
    book.write_key("t2.licensing", 5)
    book.save()
    parts = package.read_parts(path)
    assert package.ribbon(parts) == (MACROS_DIR / "customUI.xml").read_bytes()
    assert read_back(path)["XladdinRibbon"] == {m.name: m.body for m in project_modules()}["XladdinRibbon"]
    assert FileBook(path).read_key("t2.licensing") == 5


def test_compression_round_trip_on_long_text() -> None:
    from oletools.olevba import decompress_stream

    data = b"".join(f"Line {i}: Dim x{i} As Long ' comment {i * 7}\r\n".encode() for i in range(3000))
    packed = compress(data)
    assert len(packed) < len(data) / 2
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data
    noise = os.urandom(10000)
    assert bytes(decompress_stream(bytearray(compress(noise)))) == noise


def test_install_and_uninstall_into_a_folder(tmp_path: Path) -> None:
    plan = install(tmp_path)
    assert plan.addin == tmp_path / ADDIN_NAME and plan.addin.exists()
    text = plan.config.read_text(encoding="utf-8")
    assert f'"UDF MODULES","{UDF_MODULE}"' in text and '"INTERPRETER_' in text
    _, removed = uninstall(tmp_path)
    assert set(removed) == {plan.addin, plan.config}
    assert not plan.addin.exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_opens_both_files(built, tmp_path: Path) -> None:  # noqa: ANN001
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    for src in (built.addin, built.template):
        # LibreOffice 7.4 has no type detection for .xlam: name the import filter explicitly.
        copy = tmp_path / (src.stem + src.suffix)
        shutil.copy(src, copy)
        out = tmp_path / "out"
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--infilter=Calc Office Open XML", "--convert-to", "xlsx", "--outdir", str(out), str(copy)],
            check=True, timeout=120, capture_output=True,
        )
        converted = out / (src.stem + ".xlsx")
        assert converted.exists(), src.name
        assert CONF_SHEET in load_workbook(converted).sheetnames


def test_build_names(built) -> None:  # noqa: ANN001
    assert built.addin.name == ADDIN_NAME and built.template.name == TEMPLATE_XLSM
