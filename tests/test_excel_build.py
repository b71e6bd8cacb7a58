"""The built add-in and template: valid packages with ribbon, VBA and the right content types;
olevba reads every module back equal to the sources, attributes first; openpyxl opens them and
LibreOffice's Basic engine loads every module with our source."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import pytest
from openpyxl import load_workbook

from xladdin.excel import package
from xladdin.excel.build import (
    ADDIN_DESCRIPTION,
    ADDIN_NAME,
    ADDIN_TITLE,
    CONF_SHEET,
    TEMPLATE_XLSM,
    UDF_MODULE,
    build,
    vba_modules,
)
from xladdin.excel.filebook import FileBook
from xladdin.excel.install import install, uninstall
from xladdin.excel.vba import CLASS_BASE, MACROS_DIR, document_module, project_modules, read_back


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


def expected_modules(built, path: Path) -> dict[str, str]:  # noqa: ANN001
    """Every module the file must hold, as stored: ours, xlwings', and one document module per
    sheet plus ThisWorkbook (no code in any of them)."""
    mods = {m.name: m.body for m in vba_modules(path == built.addin)}
    sheets = zipfile.ZipFile(path).read("xl/workbook.xml").count(b"<sheet ")
    for name in ["ThisWorkbook"] + [f"Sheet{i}" for i in range(1, sheets + 1)]:
        mods[name] = document_module(name).body
    return mods


def test_olevba_reads_back_every_module(built) -> None:  # noqa: ANN001
    for path in (built.addin, built.template):
        expected = expected_modules(built, path)
        assert {"XladdinRibbon", "xlwings", "Dictionary", "xladdin_udfs", "ThisWorkbook", "Sheet1"} <= set(expected)
        back = read_back(path)
        assert set(back) == set(expected), path.name
        for name, body in expected.items():
            assert back[name].rstrip("\n") == body.rstrip("\n"), f"{path.name}: {name}"


MODULE_ATTR = re.compile(r"^Attribute VB_\w+ = ")
MEMBER_ATTR = re.compile(r"^Attribute (\w+)\.VB_\w+ = ")
DECLARATION = re.compile(r"^\s*(?:(?:Public|Private|Friend|Static)\s+)*(?:Sub|Function|Property\s+(?:Get|Let|Set))\s+(\w+)",
                         re.I)


def attribute_problems(code: str) -> list[str]:
    """What VBA rejects: a module attribute after the first line of code ("Only comments may
    appear after End Sub…"), or a member attribute not right after its member's declaration."""
    problems = []
    in_header, member, continued = True, None, False
    for number, line in enumerate(code.split("\n"), start=1):
        if MODULE_ATTR.match(line):
            if not in_header:
                problems.append(f"{number}: {line}")
            continue
        m = MEMBER_ATTR.match(line)
        if m:
            if member is None or member.lower() != m.group(1).lower():
                problems.append(f"{number}: {line}")
            continue
        if line.strip():
            in_header = False
        if not continued:
            d = DECLARATION.match(line)
            member = d.group(1) if d else None
        continued = line.rstrip().endswith(" _")
    return problems


def test_the_attribute_check_catches_attributes_after_code() -> None:
    """ms-ovba's ThisWorkbook layout (attributes appended after End Sub) is what it must catch."""
    bad = (document_module("ThisWorkbook").body.replace("Attribute VB_TemplateDerived = False\n", "")
           .replace("Attribute VB_Customizable = True", "")
           + "Private Sub Workbook_Open()\nEnd Sub\nAttribute VB_TemplateDerived = False\n")
    assert [p.split(": ", 1)[1] for p in attribute_problems(bad)] == ["Attribute VB_TemplateDerived = False"]
    assert attribute_problems("Sub A()\nAttribute B.VB_Description = \"x\"\nEnd Sub")  # not A's
    assert not attribute_problems("Property Get Item(Key As Variant) _\n    As Variant\n"
                                  "Attribute Item.VB_UserMemId = 0\nEnd Property")


def test_every_module_of_both_files_has_its_attributes_first(built) -> None:  # noqa: ANN001
    for path in (built.addin, built.template):
        modules = read_back(path)
        assert len(modules) >= 6
        for name, code in modules.items():
            assert attribute_problems(code) == [], f"{path.name}: {name}"
            assert code.startswith(f'Attribute VB_Name = "{name}"'), f"{path.name}: {name}"
        assert "Attribute Item.VB_UserMemId = 0" in modules["Dictionary"]  # member attributes kept
        header = modules["Dictionary"].split("\n")[:8]
        assert header[1] == f'Attribute VB_Base = "0{{{CLASS_BASE}}}"'  # Excel for Mac needs it
        assert header[6:] == ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"]
        this = modules["ThisWorkbook"].rstrip("\n").split("\n")
        assert this[-2:] == ["Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
        assert len(this) == 8  # nothing runs when the workbook opens


def test_project_streams(built) -> None:  # noqa: ANN001
    import olefile

    for path in (built.addin, built.template):
        data = zipfile.ZipFile(path).read("xl/vbaProject.bin")
        ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
        try:
            project = ole.openstream("PROJECT").read().decode("cp1252")
            wm = ole.openstream("PROJECTwm").read()
        finally:
            ole.close()
        listed = re.findall(r"^(?:Document|Module|Class)=([^/\r]+)", project, re.M)
        assert set(listed) == set(read_back(path))
        assert "Class=Dictionary" in project and "Document=ThisWorkbook/&H00000000" in project
        pos, names = 0, []
        while wm[pos : pos + 2] != b"\0\0":
            end = wm.index(b"\0", pos)
            name = wm[pos:end].decode("cp1252")
            unicode_end = end + 1 + 2 * len(name)
            assert wm[end + 1 : unicode_end].decode("utf-16-le") == name
            assert wm[unicode_end : unicode_end + 2] == b"\0\0"
            names.append(name)
            pos = unicode_end + 2
        assert names == listed


def test_build_is_reproducible(built, tmp_path: Path) -> None:  # noqa: ANN001
    again = build(tmp_path)
    for a, b in ((built.addin, again.addin), (built.template, again.template)):
        assert zipfile.ZipFile(a).read("xl/vbaProject.bin") == zipfile.ZipFile(b).read("xl/vbaProject.bin")


def test_addin_core_properties_have_title_and_description(built) -> None:  # noqa: ANN001
    core = ET.fromstring(zipfile.ZipFile(built.addin).read("docProps/core.xml"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert core.findtext("dc:title", namespaces=ns) == ADDIN_TITLE
    assert core.findtext("dc:description", namespaces=ns) == ADDIN_DESCRIPTION


def test_template_opens_in_openpyxl_with_config_sheet(built) -> None:  # noqa: ANN001
    wb = load_workbook(built.template, keep_vba=True)
    assert CONF_SHEET in wb.sheetnames and wb[CONF_SHEET].sheet_state == "hidden"
    conf = {r[0]: r[1] for r in wb[CONF_SHEET].iter_rows(max_col=2, values_only=True)}
    assert conf == {"UDF MODULES": UDF_MODULE, "ADD_WORKBOOK_TO_PYTHONPATH": "false"}  # what xlwings reads
    from xladdin.excel.udf_vba import MISMATCH_CELL, MISMATCH_TEMPLATE

    assert wb[CONF_SHEET][MISMATCH_CELL].value == MISMATCH_TEMPLATE and MISMATCH_CELL[0] > "B"
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


def test_install_and_uninstall_into_a_folder(tmp_path: Path) -> None:
    plan = install(tmp_path)
    assert plan.addin == tmp_path / ADDIN_NAME and plan.addin.exists()
    text = plan.config.read_bytes().decode("cp936")
    assert f'"UDF MODULES","{UDF_MODULE}"' in text and '"INTERPRETER_' in text
    _, removed = uninstall(tmp_path)
    assert set(removed) == {plan.addin, plan.config}
    assert not plan.addin.exists()


LO_MACRO = """Sub Note(s As String)
    Dim m As Integer
    m = FreeFile
    Open "{log}" For Append As #m
    Print #m, s
    Close #m
End Sub

Sub ListModules(url As String)
    Dim args(2) As New com.sun.star.beans.PropertyValue
    args(0).Name = "Hidden"
    args(0).Value = True
    args(1).Name = "FilterName"
    args(1).Value = "Calc Office Open XML"
    args(2).Name = "MacroExecutionMode"
    args(2).Value = 0
    Dim doc As Object, libs As Object, vbaLib As Object, modNames As Variant, k As Integer
    doc = StarDesktop.loadComponentFromURL(url, "_blank", 0, args())
    Note "{mark} FILE " & url
    libs = doc.BasicLibraries
    If libs.hasByName("VBAProject") Then
        libs.loadLibrary("VBAProject")
        vbaLib = libs.getByName("VBAProject")
        modNames = vbaLib.getElementNames()
        For k = LBound(modNames) To UBound(modNames)
            Note "{mark} MODULE " & modNames(k)
            Note vbaLib.getByName(modNames(k))
        Next k
    End If
    doc.close(True)
End Sub

Sub Main
{calls}
    Note "{mark} END"
    StarDesktop.terminate()
End Sub
"""
MARK = "#### XLADDIN-TEST"
LO_VBA_IMPORT = """<item oor:path="/org.openoffice.Office.Calc/Filter/Import/VBA"><prop oor:name="{0}" oor:op="fuse">\
<value>true</value></prop></item>"""


def _soffice(args: list[str], timeout: int) -> None:
    """Run soffice in its own process group; kill the whole group if it hangs."""
    proc = subprocess.Popen(["soffice", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        import os

        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise


def libreoffice_modules(files: list[Path], tmp: Path) -> dict[str, dict[str, str]]:
    """file name -> module -> source, as LibreOffice's Basic engine loaded them (VBA import on,
    executable, as for a user who enables it)."""
    profile = tmp / "lo-profile"
    env = [f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
    _soffice([*env, "--terminate_after_init"], timeout=120)  # creates the profile
    registry = profile / "user" / "registrymodifications.xcu"
    text = registry.read_text(encoding="utf-8")
    items = "".join(LO_VBA_IMPORT.format(k) for k in ("Load", "Executable"))
    registry.write_text(text.replace("</oor:items>", items + "</oor:items>"), encoding="utf-8")
    log = tmp / "modules.txt"
    calls = "\n".join(f'    ListModules "{f.as_uri()}"' for f in files)
    code = LO_MACRO.format(log=log, mark=MARK, calls=calls)
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD '
        'OfficeDocument 1.0//EN" "module.dtd">\n<script:module xmlns:script="http://openoffice.org/2000/script" '
        f'script:name="Module1" script:language="StarBasic">{escape(code)}</script:module>\n', encoding="utf-8")
    _soffice([*env, "macro:///Standard.Module1.Main"], timeout=120)
    out: dict[str, dict[str, str]] = {}
    current: dict[str, list[str]] = {}
    lines: list[str] = []
    for line in log.read_text(encoding="utf-8").split("\n"):
        if line.startswith(f"{MARK} FILE "):
            current = {}
            out[Path(line.split("file://", 1)[1]).name] = current  # type: ignore[assignment]
        elif line.startswith(f"{MARK} MODULE "):
            lines = current.setdefault(line[len(MARK) + 8 :], [])  # type: ignore[arg-type]
        elif line.startswith(f"{MARK} END"):
            break
        else:
            lines.append(line)
    return {f: {m: "\n".join(v) for m, v in mods.items()} for f, mods in out.items()}  # type: ignore[union-attr]


def as_libreoffice_shows(name: str, body: str) -> str:
    """Our stored module as LibreOffice's VBA import presents it: a module-type line and
    Option VBASupport (and ClassModule) first, the attribute lines dropped."""
    kind = "VBADocumentModule" if name == "ThisWorkbook" or name.startswith("Sheet") else (
        "VBAClassModule" if name == "Dictionary" else "VBAModule")
    head = [f"Rem Attribute VBA_ModuleType={kind}", "Option VBASupport 1"]
    if kind == "VBAClassModule":
        head.append("Option ClassModule")
    code = [line for line in body.split("\n") if not line.startswith("Attribute ")]
    return "\n".join(head + code)


@pytest.mark.libreoffice
def test_libreoffice_basic_loads_every_module_of_both_files(built, tmp_path: Path) -> None:  # noqa: ANN001
    files = []
    for src in (built.addin, built.template):
        copy = tmp_path / ("a" + src.suffix)  # ASCII names for the Basic macro's file URLs
        shutil.copy(src, copy)
        files.append(copy)
    loaded = libreoffice_modules(files, tmp_path)
    assert set(loaded) == {f.name for f in files}
    for copy, src in zip(files, (built.addin, built.template), strict=True):
        expected = expected_modules(built, src)
        assert set(loaded[copy.name]) == set(expected), src.name
        for name, body in expected.items():
            got = loaded[copy.name][name].rstrip("\n")
            assert got == as_libreoffice_shows(name, body).rstrip("\n"), f"{src.name}: {name}"
    converted = tmp_path / "out"
    _soffice([f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--norestore",
              "--infilter=Calc Office Open XML", "--convert-to", "xlsx", "--outdir", str(converted),
              str(files[0])], timeout=120)
    assert CONF_SHEET in load_workbook(converted / "a.xlsx").sheetnames


def test_build_names(built) -> None:  # noqa: ANN001
    assert built.addin.name == ADDIN_NAME and built.template.name == TEMPLATE_XLSM


def test_addin_window_is_hidden_as_excel_writes_it(built) -> None:  # noqa: ANN001
    """Excel saves an add-in with <workbookView visibility="hidden">; the .xlsm template stays visible."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    for path, expected in ((built.addin, "hidden"), (built.template, "visible")):
        root = ET.fromstring(zipfile.ZipFile(path).read("xl/workbook.xml"))
        views = root.findall("m:bookViews/m:workbookView", ns)
        assert len(views) == 1 and views[0].get("visibility") == expected


def test_project_stream_of_the_built_addin_has_its_workspace(built) -> None:  # noqa: ANN001
    import olefile

    data = zipfile.ZipFile(built.addin).read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(data, raise_defects=olefile.DEFECT_INCORRECT)
    try:
        project = ole.openstream("PROJECT").read().decode("cp1252")
    finally:
        ole.close()
    listed = re.findall(r"^(?:Document=|Module=|Class=)([^/\r]+)", project, re.M)
    workspace = project.split("\r\n[Workspace]\r\n", 1)[1]
    assert workspace.endswith("\r\n") and not workspace.endswith("\r\n\r\n")
    assert [line.split("=", 1)[0] for line in workspace.split("\r\n")[:-1]] == listed
