"""The NB_ worksheet functions called as plain Python (xw.func is a no-op off Windows)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xladdin.excel import udfs
from xladdin.excel.filebook import FileBook
from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))


def test_all_udfs_are_prefixed_and_documented_in_chinese() -> None:
    for f in udfs.UDFS:
        assert f.__name__.startswith("NB_")
        assert f.__doc__ and any("\u4e00" <= ch <= "\u9fff" for ch in f.__doc__)


def test_status_rule_findings_value_on_a_clean_report(example: Report) -> None:
    assert udfs.NB_STATUS(caller=example) == "通过"
    assert udfs.NB_RULE("E1", caller=example) == "通过"
    assert udfs.NB_FINDINGS(caller=example) == [udfs.FINDINGS_HEADER, ["", "", "通过：未发现问题", "", ""]]
    assert udfs.NB_VALUE("t3.new.total", caller=example) == example.values["t3.new.total"]
    assert udfs.NB_VALUE("t2.fee_wan", caller=example) == pytest.approx(268.29)


def test_status_and_rule_on_a_seeded_error(example: Report) -> None:
    example.values["t3.new.natural"] += 2  # the 总计 column not updated: E1 and T3-R fail once each
    assert udfs.NB_STATUS(caller=example) == "2 处强制错误"
    assert udfs.NB_RULE("E1", caller=example) == 2  # the imbalance, a number
    assert udfs.NB_RULE("T3-R", caller=example) in (2, -2)
    assert udfs.NB_RULE("T4-1", caller=example) == "通过"
    rows = udfs.NB_FINDINGS(caller=example)
    assert rows[0] == udfs.FINDINGS_HEADER and len(rows) == 3
    assert sorted(r[1] for r in rows[1:]) == ["E1", "T3-R"] and {r[0] for r in rows[1:]} == {"强制"}
    assert {r[4] for r in rows[1:]} == {""}  # a 说明 number only for a 提示
    example.values["t3.new.biz"] += 1
    text = udfs.NB_RULE("E1", caller=example)
    assert isinstance(text, str) and text.startswith("2 处")


def test_findings_give_the_number_a_hint_is_explained_under(example: Report) -> None:
    last = Report.from_json(example.to_json())
    example.previous = last
    example.values["t2.norm_valid"] = 5
    rows = udfs.NB_FINDINGS(caller=example)
    hint = next(r for r in rows[1:] if r[1] == "T2-C")
    assert hint[0] == "提示" and hint[4] == "T2-C:norm"


def test_rule_and_value_reject_unknown_names(example: Report) -> None:
    assert udfs.NB_RULE("Z9", caller=example).startswith("未知规则")
    assert udfs.NB_VALUE("t9.nothing", caller=example).startswith("未知的单元格键")


def test_checksum() -> None:
    assert udfs.NB_CHECKSUM(10, 3, 7) == "通过"
    assert udfs.NB_CHECKSUM(10, [[3, 4]], 2) == 1
    assert udfs.NB_CHECKSUM(268.29, 200.2, 68.09) == "通过"  # exact decimals, no float noise
    assert udfs.NB_CHECKSUM(10.1, 10) == pytest.approx(0.1)
    assert udfs.NB_CHECKSUM(10, None, 3).startswith("无法核对")
    assert "“/”" in udfs.NB_CHECKSUM(10, "/", 3)


def test_udfs_read_a_workbook_through_the_book(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    shutil.copy(EXAMPLES[0], path)
    book = FileBook(path)
    assert udfs.NB_STATUS(caller=book) == "通过"
    book.write_key("t2.licensing", "/")
    assert udfs.NB_STATUS(caller=book) == "1 处强制错误"
    assert udfs.NB_RULE("T2-N", caller=book) != "通过"
    assert udfs.NB_VALUE("t3.new.total", caller=book) == 10  # a formula cell, computed


def test_udfs_without_a_workbook_say_so() -> None:
    with pytest.raises(ValueError, match="年报工作簿"):
        udfs.NB_STATUS()


def test_generated_vba_wrappers_match_the_python_functions() -> None:
    import inspect
    import re

    from xladdin.excel.udf_vba import MODULE, module_code

    for addin, book in ((True, "ActiveWorkbook"), (False, "ThisWorkbook")):
        code = module_code(addin)
        code.encode("ascii")  # the VBA project is code page 1252
        assert code.startswith(f'Attribute VB_Name = "{MODULE}"')
        for f in udfs.UDFS:
            shown = [p for p in inspect.signature(f).parameters.values() if p.name != "caller"]
            m = re.search(rf"^Function {f.__name__}\(([^)]*(?:\(\))?)\)$", code, re.M)
            assert m, f.__name__
            names = [a.replace("ParamArray ", "").replace("()", "").strip() for a in m.group(1).split(",") if a]
            assert names == [p.name for p in shown]
            assert f'XLPy.CallUDF("xladdin.excel.udfs", "{f.__name__}"' in code
        assert f", {book}, Application.Caller)" in code
        assert code.count("Application.Volatile") == len(udfs.VOLATILE)
        assert "ChrW" not in code and "MacroOptions" not in code  # texts come from Python
        assert code.count("= NbError(Err.Description)") == len(udfs.UDFS)


def test_cells_name_an_xlwings_mismatch_with_the_text_the_buttons_show() -> None:
    """The VBA fills the config sheet's template with XLWINGS_VERSION and the version of the DLL
    found next to python.exe; the buttons format the same template in Python."""
    import re

    from xladdin.excel.udf_vba import MISMATCH_CELL, MISMATCH_TEMPLATE, NB_ERROR
    from xladdin.excel.xlbook import xlwings_mismatch

    assert set(re.findall(r"\{(\w+)\}", MISMATCH_TEMPLATE)) == {"addin", "python"}
    assert 'Replace(Replace(text, "{addin}", XLWINGS_VERSION), "{python}", pythonVersion)' in NB_ERROR
    assert f'Range("{MISMATCH_CELL}")' in NB_ERROR and 'InStr(description, "Could not load xlwings")' in NB_ERROR
    import xlwings as xw

    assert xlwings_mismatch("0.1.0") == MISMATCH_TEMPLATE.format(addin="0.1.0", python=xw.__version__)


def test_findings_spill_natively_and_only_the_legacy_variant_expands(example: Report) -> None:
    """Excel 365 spills a plain array (#SPILL! instead of overwriting); expand="table" would be a
    legacy array that writes over the cells below. Only NB_FINDINGS_LEGACY keeps it."""
    assert "NB_FINDINGS" not in udfs.RET_OPTIONS
    assert udfs.RET_OPTIONS["NB_FINDINGS_LEGACY"] == {"expand": "table"}
    assert set(udfs.RET_OPTIONS) == {"NB_FINDINGS_LEGACY"}
    import inspect

    source = inspect.getsource(udfs)
    decorators = source[: source.index("def NB_FINDINGS(")].rsplit("\n\n", 1)[1]
    assert "xw.ret" not in decorators and "expand" not in decorators
    assert udfs.NB_FINDINGS(caller=example) == udfs.NB_FINDINGS_LEGACY(caller=example)
    assert "2016" in (udfs.NB_FINDINGS_LEGACY.__doc__ or "") and "#SPILL!" in (udfs.NB_FINDINGS.__doc__ or "")


def test_wizard_texts_cover_every_function_within_excels_limit() -> None:
    texts = {name: (doc, args) for name, doc, args in udfs.wizard_texts()}
    assert set(texts) == {f.__name__ for f in udfs.UDFS}
    assert texts["NB_RULE"][1] == [udfs.ARG_DOCS["rule_id"]]
    assert texts["NB_CHECKSUM"][1] == [udfs.ARG_DOCS["total"], udfs.ARG_DOCS["parts"]]
    assert texts["NB_STATUS"][1] == []
    assert all(0 < len(doc) <= udfs.WIZARD_LIMIT for doc, _ in texts.values())
