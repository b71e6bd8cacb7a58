"""The WPS ribbon.xml: valid customUI (2006 schema), the Excel add-in's tab, groups and buttons,
derived from the Excel ribbon (a button or group added there appears here), every callback a
function of js/ribbon.js."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from xladdin.excel.actions import ACTIONS
from xladdin.excel.vba import MACROS_DIR
from xladdin.wps.package import addin_files
from xladdin.wps.ribbon import NS, callbacks, ribbon_buttons, wps_ribbon

ROOT = Path(__file__).resolve().parents[1]
XSD = ROOT / "tests" / "data" / "schemas" / "customUI.xsd"
RIBBON_JS = ROOT / "xladdin" / "wps" / "addin" / "js" / "ribbon.js"
Q = {"ui": NS}


@pytest.fixture(scope="module")
def schema():  # noqa: ANN201 - parsing the XSD takes seconds: once per module
    import xmlschema

    return xmlschema.XMLSchema10(str(XSD))


def _layout(xml: bytes) -> list[tuple[str, str, list[tuple[str, str]]]]:
    root = ET.fromstring(xml)
    return [(t.get("label"), g.get("label"), [(b.get("id"), b.get("label")) for b in g.findall("ui:button", Q)])
            for t in root.findall(".//ui:tab", Q) for g in t.findall("ui:group", Q)]


def test_the_wps_ribbon_validates_against_the_customui_schema(schema, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "ribbon.xml"
    path.write_bytes(wps_ribbon())
    assert list(schema.iter_errors(str(path))) == []
    assert ET.fromstring(path.read_bytes()).tag == f"{{{NS}}}customUI"


def test_the_schema_rejects_a_broken_wps_ribbon(schema, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "ribbon.xml"
    path.write_bytes(wps_ribbon().replace(b'id="xladdin_fill"', b'id="xladdin_new"'))
    assert list(schema.iter_errors(str(path)))


def test_same_tab_groups_and_buttons_as_the_excel_add_in() -> None:
    excel = (MACROS_DIR / "customUI.xml").read_bytes()
    assert _layout(wps_ribbon()) == _layout(excel)
    layout = _layout(wps_ribbon())
    assert {t for t, _, _ in layout} == {"政务公开年报"}
    assert {b for _, _, buttons in layout for b, _ in buttons} == set(ACTIONS)
    assert [b["id"] for b in ribbon_buttons()] == [b for _, _, buttons in layout for b, _ in buttons]


def test_every_callback_is_a_global_function_of_ribbon_js() -> None:
    xml = wps_ribbon()
    assert b"XladdinRibbon." not in xml  # no VBA module names left
    names = callbacks(xml)
    assert names == {"OnAddinLoad", "OnAction"}
    js = RIBBON_JS.read_text(encoding="utf-8")
    for name in names:
        assert re.search(rf"root\.{name} = api\.{name};", js), name
        assert re.search(rf"function {name}\(", js), name


def test_a_button_and_a_group_added_to_the_excel_ribbon_appear_in_wps(schema, tmp_path: Path) -> None:  # noqa: ANN001
    """Other work adds buttons and groups (审核) to macros/customUI.xml: derived, they come along
    (生成正文, added by issue 19, is in the Excel ribbon already)."""
    excel = (MACROS_DIR / "customUI.xml").read_text(encoding="utf-8")
    assert ("xladdin_draft", "生成正文") in _layout(wps_ribbon())[0][2]
    extra_button = ('<button id="xladdin_more" label="更多按钮" size="large" imageMso="FileNew" '
                    'onAction="XladdinRibbon.OnAction"/>')
    extra_group = ('<group id="xladdin_grp_extra" label="更多"><button id="xladdin_extra" label="另一按钮" '
                   'size="large" imageMso="FileOpen" onAction="XladdinRibbon.OnAction"/></group>')
    changed = excel.replace('</group>', extra_button + '</group>', 1).replace('</tab>', extra_group + '</tab>')
    xml = wps_ribbon(changed.encode("utf-8"))
    path = tmp_path / "ribbon.xml"
    path.write_bytes(xml)
    assert list(schema.iter_errors(str(path))) == []
    layout = _layout(xml)
    assert ("政务公开年报", "更多", [("xladdin_extra", "另一按钮")]) in layout
    review = ("政务公开年报", "审核", [("xladdin_batch", "批量审核"), ("xladdin_review_import", "导入复核结果"),
                                     ("xladdin_notices", "生成整改通知"), ("xladdin_overview", "汇总")])
    assert review in _layout(wps_ribbon())  # the office's group (issue 18), derived as it is
    assert ("xladdin_more", "更多按钮") in layout[0][2] and ("xladdin_draft", "生成正文") in layout[0][2]
    assert callbacks(xml) == {"OnAddinLoad", "OnAction"}


def test_the_served_and_built_ribbon_is_the_derived_one() -> None:
    files = addin_files(18230)
    assert files["ribbon.xml"] == wps_ribbon()
    assert b"18230" in files["js/config.js"]
