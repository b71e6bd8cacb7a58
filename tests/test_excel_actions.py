"""Every ribbon action end to end on the example workbook through the file implementation."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from xladdin.check import check
from xladdin.excel.actions import ACTIONS, PREVIOUS_SHEET, RESULT_HEADER, read_previous, run
from xladdin.excel.book import MARK_COLORS, MARK_PREFIX, MARKS_SHEET
from xladdin.excel.filebook import FileBook
from xladdin.io import read_report
from xladdin.names import SHEET_RESULTS
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_COLS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.xlsx"))


@pytest.fixture
def example_path(tmp_path: Path) -> Path:
    path = tmp_path / "本年.xlsx"
    shutil.copy(EXAMPLES[0], path)
    return path


def _seed(path: Path, **values: object) -> None:
    book = FileBook(path)
    for key, value in values.items():
        book.write_key(key.replace("__", "."), value)
    book.save()


def _marked(path: Path) -> set[str]:
    return set(FileBook(path).marks())


def test_check_on_the_clean_example_passes(example_path: Path) -> None:
    book = FileBook(example_path)
    text = run("xladdin_check", book)
    assert text.startswith("通过")
    rows = FileBook(example_path).read_rows(SHEET_RESULTS)
    assert rows[0] == RESULT_HEADER and "通过" in rows[1][4]
    assert _marked(example_path) == set()


def test_check_marks_exactly_the_cells_of_a_seeded_error(example_path: Path) -> None:
    _seed(example_path, t2__licensing="/")
    run("xladdin_check", FileBook(example_path))
    book = FileBook(example_path)
    addr = book.address_of(SPEC.cell("t2.licensing").xl_name)
    assert _marked(example_path) == {addr}
    assert book.fill(addr) == MARK_COLORS["强制"]
    assert book.comment(addr).startswith(MARK_PREFIX) and "T2-N" in book.comment(addr)
    rows = book.read_rows(SHEET_RESULTS)
    assert len(rows) == 2 and rows[1][2] == "T2-N"
    link = book.wb[SHEET_RESULTS].cell(2, RESULT_HEADER.index("定位") + 1).hyperlink
    assert link is not None and link.location == "'" + addr.replace("!", "'!")


def test_check_marks_every_cell_of_an_imbalance(example_path: Path) -> None:
    report = read_report(example_path)
    _seed(example_path, t3__open__natural=report.values["t3.open.natural"] + 1)
    expected = {c.address for f in check(read_report(example_path)) for c in f.cells if c.address}
    assert len(expected) > 2  # the totals are formulas, so the imbalance shows in E1's cells
    run("xladdin_check", FileBook(example_path))
    assert _marked(example_path) == expected
    rows = FileBook(example_path).read_rows(SHEET_RESULTS)
    assert {r[2] for r in rows[1:]} == {f.rule for f in check(read_report(example_path))} >= {"E1"}


def test_recheck_clears_old_marks_and_keeps_explanations(example_path: Path) -> None:
    _seed(example_path, t2__licensing="/")
    run("xladdin_check", FileBook(example_path))
    book = FileBook(example_path)
    rows = book.read_rows(SHEET_RESULTS)
    ref_col, text_col = RESULT_HEADER.index("规则实例"), RESULT_HEADER.index("说明")
    ref = rows[1][ref_col]
    book.set(f"{SHEET_RESULTS}!{'ABCDEFGHI'[text_col]}2", "本年未受理许可，填“/”为笔误")
    book.save()
    # fix the first error, seed another: the old mark goes, the 说明 stays
    _seed(example_path, t2__licensing=0, t2__penalty="-")
    run("xladdin_check", FileBook(example_path))
    book = FileBook(example_path)
    penalty = book.address_of(SPEC.cell("t2.penalty").xl_name)
    assert _marked(example_path) == {penalty}
    licensing = book.address_of(SPEC.cell("t2.licensing").xl_name)
    assert book.fill(licensing) != MARK_COLORS["强制"] and not book.comment(licensing).startswith(MARK_PREFIX)
    assert read_report(example_path).explanations.get(ref) == "本年未受理许可，填“/”为笔误"
    assert book.read_explanations()[ref] == "本年未受理许可，填“/”为笔误"


def test_clear_marks_restores_the_original_look(example_path: Path) -> None:
    book = FileBook(example_path)
    addr = book.address_of(SPEC.cell("t2.licensing").xl_name)
    before = (book.fill(addr), book.comment(addr))
    _seed(example_path, t2__licensing="/")
    run("xladdin_check", FileBook(example_path))
    assert _marked(example_path) == {addr}
    text = run("xladdin_clear", FileBook(example_path))
    assert "1 个" in text
    after = FileBook(example_path)
    assert (after.fill(addr), after.comment(addr)) == before
    assert after.marks() == {}
    assert after.wb[MARKS_SHEET].sheet_state == "veryHidden"


def test_fill_fills_blank_totals_and_keeps_typed_ones(example_path: Path) -> None:
    expected = read_report(example_path)
    book = FileBook(example_path)
    blanked = ["t3.new.total", "t3.total.natural", "t4.review_total"]
    for key in blanked:
        book.write_key(key, None)  # the formula is gone: a blank total
    book.write_key("t3.open.total", 999)  # a typed wrong total
    book.save()
    text = run("xladdin_fill", FileBook(example_path))
    assert "填充 3 格" in text and "不一致" in text
    after = FileBook(example_path)
    for key in blanked:
        assert after.read_key(key) == expected.values[key], key
    assert after.read_key("t3.open.total") == 999
    assert after.formula(after.address_of(SPEC.cell("t3.deny_1.total").xl_name))  # formulas untouched


def _previous_year(tmp_path: Path, *, formula_total: bool) -> Path:
    prev = tmp_path / "上年.xlsx"
    shutil.copy(EXAMPLES[0], prev)
    book = FileBook(prev)
    for i, (col, _) in enumerate(T3_COLS, start=1):
        if col != "total":
            book.write_key(f"t3.carry_out.{col}", i)
    if not formula_total:
        book.write_key("t3.carry_out.total", 21)
    book.write_key("t2.reg_valid", 7)
    book.write_key("t2.norm_valid", 20)
    book.set(book.address_of("NB_meta_year"), 2023)
    book.save()
    return prev


@pytest.mark.parametrize("formula_total", [True, False])
def test_import_previous_carries_each_of_the_seven_cells(example_path: Path, tmp_path: Path,
                                                         formula_total: bool) -> None:
    prev = _previous_year(tmp_path, formula_total=formula_total)
    this = FileBook(example_path)
    if not formula_total:
        this.write_key("t3.carry_in.total", None)  # a typed total cell this year
    this.set(this.address_of("NB_meta_agency"), None)
    this.save()
    text = run("xladdin_import", FileBook(example_path, answers={"previous": str(prev)}))
    assert "转入上年结转" in text
    before, after = read_report(prev), read_report(example_path)
    for col, _ in T3_COLS:
        assert after.values[f"t3.carry_in.{col}"] == before.values[f"t3.carry_out.{col}"], col
    assert after.values["t3.carry_in.total"] == 21
    assert after.meta.agency == before.meta.agency  # metadata carried where blank
    kept = read_previous(FileBook(example_path))
    assert kept is not None and kept.meta.year == 2023
    assert kept.values["t2.reg_valid"] == 7 and kept.values["t2.norm_valid"] == 20
    assert FileBook(example_path).wb[PREVIOUS_SHEET].sheet_state == "hidden"


def test_check_after_import_uses_last_years_valid_documents(example_path: Path, tmp_path: Path) -> None:
    prev = _previous_year(tmp_path, formula_total=True)
    run("xladdin_import", FileBook(example_path, answers={"previous": str(prev)}))
    run("xladdin_check", FileBook(example_path))
    rows = FileBook(example_path).read_rows(SHEET_RESULTS)
    rules = {r[2] for r in rows[1:]}
    # 规章 7 + 0 - 0 != 0 this year; 规范性文件 20 + 0 - 1 = 19 as reported
    assert "T2-C" in rules
    t2c = [r for r in rows[1:] if r[2] == "T2-C"]
    assert len(t2c) == 1 and t2c[0][1] == "提示" and "规章" in t2c[0][4]


def test_new_report_from_the_template(tmp_path: Path) -> None:
    from openpyxl import Workbook

    target = tmp_path / "新年报.xlsx"
    answers = {"agency": "某某县教育局", "year": "2025", "level": "县", "new_path": str(target)}
    host = FileBook(tmp_path / "x.xlsx", answers=answers, workbook=Workbook())
    text = run("xladdin_new", host)
    assert "某某县教育局2025年" in text
    report = read_report(target)
    assert (report.meta.agency, report.meta.year, report.meta.level) == ("某某县教育局", 2025, "县")
    assert FileBook(target).is_report()


def test_new_report_rejects_an_unknown_level(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from xladdin.errors import InputError

    answers = {"agency": "某局", "year": "2025", "level": "区", "new_path": str(tmp_path / "n.xlsx")}
    with pytest.raises(InputError, match="机关层级"):
        run("xladdin_new", FileBook(tmp_path / "x.xlsx", answers=answers, workbook=Workbook()))
    assert not (tmp_path / "n.xlsx").exists()


def test_cancelled_dialogs_change_nothing(example_path: Path) -> None:
    data = example_path.read_bytes()
    assert run("xladdin_import", FileBook(example_path)) == "已取消"
    assert example_path.read_bytes() == data


def test_export_writes_a_word_document(example_path: Path, tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "年报.docx"
    text = run("xladdin_export", FileBook(example_path, answers={"export_path": str(out)}))
    assert str(out) in text
    body = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "威海市人力资源和社会保障局" in body


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_export_by_extension(example_path: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"年报{suffix}"
    run("xladdin_export", FileBook(example_path, answers={"export_path": str(out)}))
    text = out.read_text(encoding="utf-8")
    assert "威海市人力资源和社会保障局" in text and "268.29" in text


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_export_pdf(example_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "年报.pdf"
    run("xladdin_export", FileBook(example_path, answers={"export_path": str(out)}))
    assert out.read_bytes().startswith(b"%PDF")


def test_export_bare_name_goes_to_the_output_folder(example_path: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out_dir = tmp_path / "输出"
    out_dir.mkdir()
    monkeypatch.setenv("XLADDIN_EXPORT_SETTINGS", str(tmp_path / "export.json"))
    (tmp_path / "export.json").write_text(json.dumps({"output_dir": str(out_dir)}), encoding="utf-8")
    run("xladdin_export", FileBook(example_path, answers={"export_path": "年报.md"}))
    assert (out_dir / "年报.md").exists()


def test_export_refuses_an_unknown_format(example_path: Path, tmp_path: Path) -> None:
    from xladdin.errors import InputError

    with pytest.raises(InputError, match="不支持导出为"):
        run("xladdin_export", FileBook(example_path, answers={"export_path": str(tmp_path / "a.odt")}))


def test_settings_are_saved_and_read_by_the_exporter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import Workbook

    from xladdin.export.settings import load_settings

    settings_file = tmp_path / "export.json"
    monkeypatch.setenv("XLADDIN_EXPORT_SETTINGS", str(settings_file))
    answers = {"output_dir": str(tmp_path), "fonts": "title=华文中宋；body=仿宋"}
    text = run("xladdin_settings", FileBook(tmp_path / "x.xlsx", answers=answers, workbook=Workbook()))
    assert str(settings_file) in text
    data = json.loads(settings_file.read_text(encoding="utf-8"))
    assert data["output_dir"] == str(tmp_path)
    s = load_settings()
    assert s.font("title") == "华文中宋" and s.font("body") == "仿宋"


def test_help_names_the_version() -> None:
    from openpyxl import Workbook

    from xladdin import __version__

    book = FileBook("x.xlsx", workbook=Workbook())
    assert __version__ in run("xladdin_help", book)
    assert book.messages and __version__ in book.messages[0]


def test_actions_refuse_a_workbook_that_is_not_a_report(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from xladdin.errors import InputError

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    for cid in ("xladdin_check", "xladdin_fill", "xladdin_import", "xladdin_export"):
        with pytest.raises(InputError, match="不是年报模板"):
            run(cid, FileBook(path, answers={"previous": str(path), "export_path": str(tmp_path / "a.docx")}))


def test_every_action_is_reachable_from_the_dispatcher() -> None:
    assert len(ACTIONS) == 13
    assert all(callable(a.handler) for a in ACTIONS.values())


def test_amount_cells_stay_exact(example_path: Path) -> None:
    assert read_report(example_path).values["t2.fee_wan"] == Decimal("268.29")
    run("xladdin_fill", FileBook(example_path))
    assert read_report(example_path).values["t2.fee_wan"] == Decimal("268.29")
