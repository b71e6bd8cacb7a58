"""The JSON book the WPS service runs buttons on, and the marks that keep what the user typed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from xladdin.errors import InputError
from xladdin.excel.actions import run
from xladdin.excel.book import MARK_PREFIX, unmarked_comment
from xladdin.excel.filebook import FileBook
from xladdin.excel.jsonbook import JsonBook, NeedAnswer
from xladdin.template.layout import name_positions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples").glob("*.xlsx"))[0]


def test_without_names_the_template_layout_is_assumed() -> None:
    book = JsonBook({"cells": {"t2.reg_made": 3}, "meta": {"agency": "某某局", "year": 2024}})
    report = book.read_report()
    assert report.values["t2.reg_made"] == 3 and report.meta.agency == "某某局" and report.meta.year == 2024
    assert book.address_of("NB_t2_reg_made") == name_positions()["NB_t2_reg_made"].address
    assert JsonBook({"names": {}}).is_report() is False


def test_a_date_serial_from_value2_is_a_date() -> None:
    serial = (dt.date(2025, 1, 20) - dt.date(1899, 12, 30)).days
    assert JsonBook({"meta": {"published": serial}}).read_report().meta.published == "2025-01-20"


@pytest.mark.parametrize("data, words", [
    ({"cells": {"t2.reg_made": [1, 2]}}, "应为文字、数字或空"),
    ({"cells": {"t2.reg_made": float("nan")}}, "不是有效的数字"),
    ({"cells": {"t2.reg_made": "x" * 40000}}, "32767"),
    ({"rows": {"说明": "abc"}}, "应为行的列表"),
    ({"fills": {"不是地址": "FF0000"}}, "工作表!单元格"),
    ({"sheets": "表二"}, "工作表名称的列表"),
    ([], "JSON 对象"),
])
def test_bad_input_is_a_chinese_error(data: object, words: str) -> None:
    with pytest.raises(InputError, match=words):
        JsonBook(data).read_report()  # type: ignore[arg-type]


def test_questions_stop_the_action_and_missing_rows_fills_comments_are_collected() -> None:
    book = JsonBook({"cells": {"t2.licensing": "/"}, "sheets": ["表二", "_xladdin_marks"]})
    with pytest.raises(NeedAnswer) as need:
        run("xladdin_import", book)
    assert need.value.ask == {"question": "previous", "prompt": "选择上年度年报工作簿：", "kind": "file", "mode": "open",
                              "suffix": ".xlsx", "default": ""}
    book = JsonBook({"cells": {"t2.licensing": "/"}, "sheets": ["表二", "_xladdin_marks"]})
    run("xladdin_check", book)
    assert book.needed.rows == ["_xladdin_marks"]
    assert book.address_of("NB_t2_licensing") in book.needed.fills and book.needed.fills == book.needed.comments
    assert book.edits  # the run went on (its edits are discarded by the service and the run repeated)


def test_clearing_marks_keeps_what_the_user_typed(tmp_path: Path) -> None:
    path = tmp_path / "本年.xlsx"
    shutil.copy(EXAMPLE, path)
    book = FileBook(path)
    addr = book.address_of("NB_t2_licensing")
    book.set_comment(addr, "原有批注")
    book.write_key("t2.licensing", "/")
    book.save()
    run("xladdin_check", FileBook(path))
    book = FileBook(path)
    assert book.comment(addr).startswith(MARK_PREFIX) and book.comment(addr).endswith("\n\n原有批注")
    book.set_comment(addr, book.comment(addr) + "\n补充：已核实")
    book.save()
    run("xladdin_clear", FileBook(path))
    assert FileBook(path).comment(addr) == "原有批注\n补充：已核实"


def test_unmarked_comment() -> None:
    note = f"{MARK_PREFIX}\nT2-N 表二……"
    assert unmarked_comment(note, note) == ""
    assert unmarked_comment(f"{note}\n\n原有", note) == "原有"
    assert unmarked_comment(f"{note}\n加的", note) == "加的"
    assert unmarked_comment("用户改写了全部", note) == "用户改写了全部"
    assert unmarked_comment(f"{MARK_PREFIX}\n被改过的说明\n\n原有", note) == "原有"
