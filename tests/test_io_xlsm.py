"""Macro workbooks: writing into an .xlsm keeps vbaProject.bin and the ribbon relationships.

openpyxl 3.1.5 keeps the 2006 `ui/extensibility` relationship (customUI.xml) but drops the
2007 one (customUI14.xml, Office 2010+ ribbons) from _rels/.rels; restore_ribbon puts every
relationship of the source back."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from wbtools import sha

from xladdin.errors import OutputError
from xladdin.excel.package import (
    CT,
    _add_relationship,
    attach_ribbon,
    attach_vba,
    read_parts,
    relationships,
    write_parts,
)
from xladdin.excel.vba import compile_project, project_modules, read_back
from xladdin.io import read_report, write_report
from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
UI_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
UI_2007 = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"


@pytest.fixture(scope="module")
def xlsm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xlsm")
    report = Report.from_json((ROOT / "examples" / "weihai-2024.json").read_text(encoding="utf-8"))
    plain = folder / "plain.xlsx"
    write_report(report, plain)
    parts = read_parts(plain)
    attach_vba(parts, compile_project(project_modules()[:1], []), ".xlsm")
    ribbon = (ROOT / "macros" / "customUI.xml").read_bytes()
    attach_ribbon(parts, ribbon)
    parts["customUI/customUI14.xml"] = ribbon.replace(b"2006/01/customui", b"2009/07/customui")
    parts["_rels/.rels"] = _add_relationship(parts["_rels/.rels"], UI_2007, "customUI/customUI14.xml")
    path = folder / "宏.xlsm"
    write_parts(path, parts)
    return path


def _ui_targets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        rels = relationships(z.read("_rels/.rels"))
    return sorted(r["Target"].lstrip("/") for r in rels if r["Type"] in (UI_2006, UI_2007))


def test_xlsm_keeps_macros_and_ribbon(xlsm: Path, tmp_path: Path) -> None:
    before = sha(xlsm)
    report = read_report(xlsm)
    assert report.meta.agency == "威海市人力资源和社会保障局"
    report.values["t3.new.natural"] = 12
    out = tmp_path / "写出.xlsm"
    result = write_report(report, out, base=xlsm, keys=["t3.new.natural"], overwrite=True)
    assert result.written == ["t3.new.natural"]
    with zipfile.ZipFile(xlsm) as a, zipfile.ZipFile(out) as b:
        assert b.read("xl/vbaProject.bin") == a.read("xl/vbaProject.bin")
        for part in ("customUI/customUI.xml", "customUI/customUI14.xml"):
            assert b.read(part) == a.read(part)
        assert CT[".xlsm"].encode() in b.read("[Content_Types].xml")
    assert _ui_targets(out) == _ui_targets(xlsm) == ["customUI/customUI.xml", "customUI/customUI14.xml"]
    assert sorted(read_back(out)) == sorted(read_back(xlsm))
    assert read_report(out).values["t3.new.natural"] == 12
    assert sha(xlsm) == before


def test_openpyxl_alone_drops_the_2010_ribbon(xlsm: Path, tmp_path: Path) -> None:
    """The reason restore_ribbon exists: without it the customUI14 relationship is gone."""
    import openpyxl

    wb = openpyxl.load_workbook(xlsm, keep_vba=True)
    bare = tmp_path / "bare.xlsm"
    wb.save(bare)
    assert _ui_targets(bare) == ["customUI/customUI.xml"]


def test_new_workbook_cannot_be_saved_as_xlsm(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_report(Report(), tmp_path / "x.xlsm")


def test_fill_command_on_xlsm_keeps_macros(xlsm: Path, tmp_path: Path) -> None:
    import shutil

    from xladdin.cli import main

    source = tmp_path / "年报.xlsm"
    shutil.copy(xlsm, source)
    before = sha(source)
    assert main(["fill", str(source)]) == 0
    out = tmp_path / "年报-已填充.xlsm"
    with zipfile.ZipFile(out) as b, zipfile.ZipFile(source) as a:
        assert b.read("xl/vbaProject.bin") == a.read("xl/vbaProject.bin")
    assert _ui_targets(out) == _ui_targets(source)
    assert sha(source) == before


def test_macro_free_base_cannot_become_xlsm(tmp_path: Path) -> None:
    from xladdin.io.example import EXAMPLE_XLSX

    with pytest.raises(OutputError, match="不含宏"):
        write_report(Report(), tmp_path / "x.xlsm", base=EXAMPLE_XLSX)
    assert not (tmp_path / "x.xlsm").exists()
