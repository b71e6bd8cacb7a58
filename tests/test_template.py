"""The template workbook: generated from the spec, committed copy up to date, names, labels,
formulas, validation and protection as the format and issue 2 require."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from xladdin.cli import main
from xladdin.names import SHEET_CHECKS, SHEET_META, SHEET_NOTES, SHEET_TEXT, all_names
from xladdin.report import META_LABELS, Meta
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_CORNER, T3_ROWS
from xladdin.spec.layout import grid
from xladdin.template import TEMPLATE_PATH, build_workbook, write_template
from xladdin.template.formulas import derivation
from xladdin.template.layout import CHECK_STATUS_NAME, cell_positions
from xladdin.template.snapshot import differences, snapshot

SHEETS = [SHEET_META, SHEET_TEXT, "表二", "表三", "表四", SHEET_CHECKS, SHEET_NOTES]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """A freshly built template, saved and loaded again (what users and readers get)."""
    path = write_template(tmp_path_factory.mktemp("tpl") / "t.xlsx")
    return openpyxl.load_workbook(path)


def destination(wb: openpyxl.Workbook, name: str) -> tuple[str, str]:
    dests = list(wb.defined_names[name].destinations)
    assert len(dests) == 1, name
    sheet, ref = dests[0]
    return sheet, ref.replace("$", "")


def test_committed_template_equals_fresh_build(saved: openpyxl.Workbook) -> None:
    assert TEMPLATE_PATH.is_file(), "run `xladdin template` and commit templates/"
    committed = snapshot(openpyxl.load_workbook(TEMPLATE_PATH))
    assert differences(snapshot(saved), committed) == []
    assert snapshot(saved) == committed


def test_snapshot_notices_a_change(saved: openpyxl.Workbook, tmp_path) -> None:
    wb = openpyxl.load_workbook(TEMPLATE_PATH)
    wb["表三"]["J5"] = "=SUM(D5:H5)"
    wb.defined_names["NB_t3_new_total"].attr_text = "'表三'!$J$6"
    diff = differences(snapshot(saved), snapshot(wb))
    assert any("表三: cells differ at ['J5']" in d for d in diff)
    assert any("defined names" in d for d in diff)


def test_sheets_in_order(saved: openpyxl.Workbook) -> None:
    assert saved.sheetnames == SHEETS


def test_every_name_resolves_to_one_cell_on_the_right_sheet(saved: openpyxl.Workbook) -> None:
    names = all_names()
    assert len(names) == 200 + len(fields(Meta)) + len(SPEC.parts)
    seen: dict[tuple[str, str], str] = {}
    for name, (kind, key) in names.items():
        sheet, ref = destination(saved, name)
        assert re.fullmatch(r"[A-Z]+\d+", ref), (name, ref)  # one cell, not a range
        expected = SPEC.table(SPEC.cell(key).table).sheet if kind == "cell" else (
            SHEET_META if kind == "meta" else SHEET_TEXT
        )
        assert sheet == expected, name
        assert (sheet, ref) not in seen, f"{name} and {seen.get((sheet, ref))} share {sheet}!{ref}"
        seen[(sheet, ref)] = name
    assert destination(saved, CHECK_STATUS_NAME) == (SHEET_CHECKS, "B2")


def test_value_cells_are_not_covered_by_label_merges(saved: openpyxl.Workbook) -> None:
    for key, pos in cell_positions().items():
        ws = saved[pos.sheet]
        for rng in ws.merged_cells.ranges:
            c1, r1, c2, r2 = range_boundaries(str(rng))
            inside = c1 <= pos.col <= c2 and r1 <= pos.row <= r2
            assert not inside or (c1, r1) == (pos.col, pos.row), key


def test_table_labels_are_verbatim_from_the_spec(saved: openpyxl.Workbook) -> None:
    from xladdin.template.layout import grid_pos

    for table in SPEC.tables:
        ws = saved[table.sheet]
        assert ws["A1"].value == table.title
        g = grid(table)
        labels = [gc for gc in g.cells if gc.role != "value"]
        assert labels
        for gc in labels:
            pos = grid_pos(table.key, gc.row, gc.col)
            assert ws.cell(pos.row, pos.col).value == gc.text, (table.key, gc)
            if gc.rowspan > 1 or gc.colspan > 1:
                want = f"{pos.a1}:{grid_pos(table.key, gc.row + gc.rowspan - 1, gc.col + gc.colspan - 1).a1}"
                assert want in {str(r) for r in ws.merged_cells.ranges}, want
    assert saved["表三"]["A2"].value == T3_CORNER
    row_labels = [saved["表三"].cell(r, c).value for r in range(5, 30) for c in (1, 2, 3)]
    for _, group, label in T3_ROWS:
        assert label in row_labels
        if group:
            assert group in row_labels


def test_meta_and_text_labels(saved: openpyxl.Workbook) -> None:
    ws = saved[SHEET_META]
    for f in fields(Meta):
        sheet, ref = destination(saved, f"NB_meta_{f.name}")
        row = int(re.sub(r"\D", "", ref))
        assert ws.cell(row, 1).value == META_LABELS[f.name]
    ws = saved[SHEET_TEXT]
    texts = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    for section in SPEC.sections:
        assert section.title in texts  # the six titles verbatim
    for part in SPEC.parts:
        sheet, ref = destination(saved, f"NB_sec_{part.key.replace('.', '_')}")
        row = int(re.sub(r"\D", "", ref))
        assert ws.cell(row, 1).value == part.title
        assert ws[ref].alignment.wrap_text
    # headings come before their parts, in the format's order
    order = [t for t in texts if t in {s.title for s in SPEC.sections}]
    assert order == [s.title for s in SPEC.sections]


def test_every_derived_cell_has_a_formula_from_its_identity(saved: openpyxl.Workbook) -> None:
    pos = cell_positions()
    derived = [c for c in SPEC.cells if c.derived]
    assert len(derived) == 25 + 6 + 3  # 总计 column, （七）总计 row (party columns), 表四 totals
    for cell in derived:
        p = pos[cell.key]
        formula = saved[p.sheet][p.a1].value
        # blank until a part is filled, then the sum of the parts
        m = re.fullmatch(r'=IF\(COUNT\(([A-Z]+\d+:[A-Z]+\d+)\)=0,"",SUM\(\1\)\)', str(formula))
        assert m, (cell.key, formula)
        plus, minus = derivation(cell.key)
        assert not minus
        # the range covers exactly the parts of the identity
        c1, r1, c2, r2 = range_boundaries(m[1])
        covered = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        assert covered == {(pos[k].row, pos[k].col) for k in plus}, cell.key
    for cell in SPEC.cells:
        if not cell.derived:
            p = pos[cell.key]
            assert saved[p.sheet][p.a1].value is None, cell.key


def test_input_cells_unlocked_and_shaded_labels_locked(saved: openpyxl.Workbook) -> None:
    pos = cell_positions()
    for cell in SPEC.cells:
        c = saved[pos[cell.key].sheet][pos[cell.key].a1]
        assert c.protection.locked == cell.derived, cell.key
        assert c.fill.fill_type == "solid"
    input_fill = saved["表三"]["D5"].fill.fgColor.rgb
    assert saved["表三"]["J5"].fill.fgColor.rgb != input_fill
    assert saved["表三"]["C7"].protection.locked
    for name in SHEETS:
        ws = saved[name]
        if name == SHEET_NOTES:
            assert not ws.protection.sheet  # users add explanations freely
            continue
        assert ws.protection.sheet, name
        assert not ws.protection.password, name  # protected WITHOUT password
    for f in fields(Meta):
        sheet, ref = destination(saved, f"NB_meta_{f.name}")
        assert not saved[sheet][ref].protection.locked
    for part in SPEC.parts:
        sheet, ref = destination(saved, f"NB_sec_{part.key.replace('.', '_')}")
        assert not saved[sheet][ref].protection.locked


def _validation_at(ws, coord: str):  # type: ignore[no-untyped-def]
    found = [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
    assert len(found) == 1, coord
    return found[0]


def test_data_validation_with_chinese_prompts(saved: openpyxl.Workbook) -> None:
    pos = cell_positions()
    for cell in SPEC.cells:
        ws = saved[pos[cell.key].sheet]
        coord = pos[cell.key].a1
        if cell.derived:
            assert not [dv for dv in ws.data_validations.dataValidation if coord in dv.sqref]
            continue
        dv = _validation_at(ws, coord)
        assert dv.type == ("decimal" if cell.kind == "amount" else "whole"), cell.key
        assert dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
        assert dv.showErrorMessage and dv.showInputMessage
        assert re.search(r"[\u4e00-\u9fff]", dv.prompt) and re.search(r"[\u4e00-\u9fff]", dv.error)
    ws = saved[SHEET_META]
    level = _validation_at(ws, destination(saved, "NB_meta_level")[1])
    assert level.type == "list"
    assert level.formula1.strip('"').split(",") == [lv.name for lv in SPEC.levels]
    assert _validation_at(ws, destination(saved, "NB_meta_year")[1]).type == "whole"
    assert _validation_at(ws, destination(saved, "NB_meta_published")[1]).type == "date"


def test_print_setup(saved: openpyxl.Workbook) -> None:
    for name in SHEETS:
        ws = saved[name]
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
    assert saved["表四"].page_setup.orientation == "landscape"
    assert saved["表三"].page_setup.orientation == "portrait"
    assert saved["表三"].print_title_rows == "$2:$4"
    assert saved["表四"].print_title_rows == "$2:$4"


def test_conditional_formats_mark_failing_totals(saved: openpyxl.Workbook) -> None:
    pos = cell_positions()
    for table in ("t3", "t4"):
        ws = saved[SPEC.table(table).sheet]
        ranges = {str(r.sqref) for r in ws.conditional_formatting}
        for cell in SPEC.cells_of(table):
            if cell.derived:
                assert pos[cell.key].a1 in ranges, cell.key
    checks = saved[SHEET_CHECKS]
    formulas = [f for r in checks.conditional_formatting for rule in r.rules for f in rule.formula]
    assert any('="不符"' in f for f in formulas)


def test_checks_sheet_lists_every_identity_instance(saved: openpyxl.Workbook) -> None:
    ws = saved[SHEET_CHECKS]
    refs = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    for rule_id, n in (("E1", 7), ("T3-R", 25), ("T3-T", 7), ("T4-1", 1), ("T4-2", 1), ("T4-3", 1)):
        idents = SPEC.rule(rule_id).identities
        assert len(idents) == n
        for ident in idents:
            assert refs.count(ident.ref) == 1, ident.ref
    assert not [r for r in refs if isinstance(r, str) and r.startswith("T3-G")]  # no cells in 2021
    # formulas only use functions that Excel, WPS and LibreOffice share
    allowed = {"SUM", "IF", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIF", "SUMPRODUCT", "MOD", "OR",
               "AND", "DATE", "NOT", "ISNUMBER"}
    for wsx in saved.worksheets:
        for row in wsx.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    used = set(re.findall(r"([A-Z]+)\(", c.value))
                    assert used <= allowed, (wsx.title, c.coordinate, used - allowed)


def test_notes_sheet_columns(saved: openpyxl.Workbook) -> None:
    ws = saved[SHEET_NOTES]
    assert (ws["A1"].value, ws["B1"].value) == ("规则实例", "说明")


def test_build_is_deterministic() -> None:
    assert snapshot(build_workbook()) == snapshot(build_workbook())


def test_cli_writes_and_checks(tmp_path, capsys) -> None:
    out = tmp_path / "sub" / "模板.xlsx"
    assert main(["template", "-o", str(out)]) == 0
    assert sorted(out.parent.iterdir()) == [out]  # no temporary file left behind
    assert main(["template", "--check", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    wb["表四"]["E5"] = 3
    wb.save(out)
    assert main(["template", "--check", "-o", str(out)]) == 1
    assert "模板已过期" in capsys.readouterr().out


def test_cli_bad_output(tmp_path, capsys) -> None:
    assert main(["template", "-o", str(tmp_path / "x.xls")]) == 2
    assert main(["template", "-o", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "错误" in err and "Traceback" not in err


def test_default_output_is_the_current_folder_even_in_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the README's editable install, `xladdin template` run from any folder wrote into
    the checkout's templates/; it writes to the current folder, never over a file there."""
    import xladdin.template as template_pkg
    from xladdin.cli.template import committed_or_default, default_output

    committed = template_pkg.TEMPLATE_PATH.read_bytes()
    elsewhere = tmp_path / "别处"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert default_output() == elsewhere / template_pkg.TEMPLATE_NAME
    assert committed_or_default() == template_pkg.TEMPLATE_PATH  # --check: the committed file
    assert main(["template"]) == 0
    assert (elsewhere / template_pkg.TEMPLATE_NAME).is_file()
    assert template_pkg.TEMPLATE_PATH.read_bytes() == committed
    (elsewhere / template_pkg.TEMPLATE_NAME).write_bytes(b"my report")
    assert main(["template"]) == 2 and "为免覆盖" in capsys.readouterr().err
    assert (elsewhere / template_pkg.TEMPLATE_NAME).read_bytes() == b"my report"
    assert main(["template", "--check"]) == 0  # the committed template is current
    installed = tmp_path / "site-packages" / "templates" / template_pkg.TEMPLATE_NAME
    monkeypatch.setattr(template_pkg, "TEMPLATE_PATH", installed)
    work = tmp_path / "工作"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["template"]) == 0
    assert (work / template_pkg.TEMPLATE_NAME).is_file()
    assert not installed.parent.exists()
