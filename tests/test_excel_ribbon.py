"""Ribbon contract: the XML is valid, every button has a Python handler and every handler a
button, every callback named in the XML is a Sub in the VBA sources, the VBA is ASCII."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from xladdin.excel.actions import ACTIONS
from xladdin.excel.vba import MACROS_DIR, project_modules

ROOT = Path(__file__).resolve().parents[1]
XSD = ROOT / "tests" / "data" / "schemas" / "customUI.xsd"
RIBBON = MACROS_DIR / "customUI.xml"
NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}
CALLBACK_ATTRS = ("onAction", "getLabel", "getEnabled", "getVisible", "getImage", "onLoad", "getScreentip",
                  "getSupertip", "getPressed", "getKeytip", "getSize")


@pytest.fixture(scope="module")
def schema():  # noqa: ANN201 - parsing the XSD takes seconds: once per module
    import xmlschema

    return xmlschema.XMLSchema10(str(XSD))


def _tree() -> ET.Element:
    return ET.parse(RIBBON).getroot()


def test_ribbon_validates_against_customui_xsd(schema) -> None:  # noqa: ANN001
    errors = list(schema.iter_errors(str(RIBBON)))
    assert errors == []


def test_schema_rejects_a_broken_ribbon(tmp_path: Path, schema) -> None:  # noqa: ANN001
    """The validation is real: a duplicate id is caught."""
    text = RIBBON.read_text(encoding="utf-8").replace('id="xladdin_fill"', 'id="xladdin_new"')
    bad = tmp_path / "customUI.xml"
    bad.write_text(text, encoding="utf-8")
    assert list(schema.iter_errors(str(bad)))


def test_ribbon_layout() -> None:
    root = _tree()
    tabs = root.findall(".//ui:tab", NS)
    assert [t.get("label") for t in tabs] == ["政务公开年报"]
    groups = [g.get("label") for g in root.findall(".//ui:group", NS)]
    assert groups == ["编制", "校验", "审核", "输出"]
    for button in root.findall(".//ui:button", NS):
        assert button.get("imageMso"), button.get("id")
        assert re.search(r"[\u4e00-\u9fff]", button.get("label", "")), button.get("id")
        assert button.get("id", "").startswith("xladdin_")


def test_every_button_has_a_handler_and_every_handler_a_button() -> None:
    buttons = {b.get("id") for b in _tree().findall(".//ui:button", NS)}
    assert buttons == set(ACTIONS)
    labels = {b.get("id"): b.get("label") for b in _tree().findall(".//ui:button", NS)}
    assert {k: a.label for k, a in ACTIONS.items()} == labels


def test_every_callback_is_a_sub_in_the_vba() -> None:
    subs = set()
    for mod in project_modules():
        for m in re.finditer(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(([^)]*)\)", mod.code, re.M | re.I):
            subs.add((mod.name, m.group(1), "IRibbonControl" in m.group(2)))
    callbacks = {el.get(a) for el in _tree().iter() for a in CALLBACK_ATTRS if el.get(a)}
    assert callbacks == {"XladdinRibbon.OnAction"}
    for cb in callbacks:
        module, sub = cb.split(".")
        assert (module, sub, True) in subs, f"{cb} is not a Sub(control As IRibbonControl)"


def test_vba_callback_passes_the_control_id_to_the_dispatcher() -> None:
    code = (MACROS_DIR / "XladdinRibbon.bas").read_text(encoding="ascii")
    assert "RunPython" in code and "xladdin.excel.actions" in code and "control.Id" in code
    assert "a.run(" in code or "xa.run(" in code


def test_runpython_comes_from_installed_xlwings() -> None:
    mods = {m.name: m for m in project_modules()}
    assert "Public Function RunPython" in mods["xlwings"].code
    assert 'PROJECT_NAME As String = "xladdin"' in mods["xlwings"].code
    assert not (MACROS_DIR / "xlwings.bas").exists()  # never committed, taken at build time


def test_packaged_macros_are_the_repository_macros() -> None:
    """xladdin/excel/macros is a symlink to macros/ (copied into the wheel by setuptools)."""
    assert (ROOT / "xladdin" / "excel" / "macros").resolve() == (ROOT / "macros").resolve()
    assert MACROS_DIR.resolve() == (ROOT / "macros").resolve()
