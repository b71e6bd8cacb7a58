"""What antivirus heuristics see: olevba's suspicious and auto-run keywords of our add-in and
template never exceed those of xlwings' own shipped add-ins (which every xlwings user trusts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xladdin.excel.build import build
from xladdin.excel.vba import xlwings_dir

FLAGGED = {"AutoExec", "Suspicious"}


def keywords(path: Path) -> set[tuple[str, str]]:
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {(kind, keyword.lower()) for kind, keyword, _ in parser.analyze_macros() if kind in FLAGGED}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[tuple[str, str]]]:
    built = build(tmp_path_factory.mktemp("av"))
    return {p.name: keywords(p) for p in (built.addin, built.template)}


def test_no_more_flags_than_xlwings_own_addins(ours: dict[str, set[tuple[str, str]]]) -> None:
    theirs = {name: keywords(xlwings_dir() / name) for name in ("quickstart_addin_ribbon.xlam", "addin/xlwings.xlam")}
    closest = theirs["quickstart_addin_ribbon.xlam"]  # the custom add-in ours is built like
    assert len(closest) >= 20  # olevba really analysed it
    for name, flags in ours.items():
        for their_name, their_flags in theirs.items():
            assert len(flags) <= len(their_flags), (name, their_name, sorted(flags - their_flags))
        assert flags <= closest, (name, sorted(flags - closest))
        assert not any(kind == "AutoExec" for kind, _ in flags), name
        assert ("Suspicious", "chrw") not in flags, name


def test_the_comparison_sees_an_auto_run_macro(tmp_path: Path) -> None:
    """A Workbook_Open in ThisWorkbook (what the add-in had) is flagged: the test can fail."""
    from xladdin.excel import package
    from xladdin.excel.build import addin_workbook, vba_modules
    from xladdin.excel.vba import compile_project

    wb = addin_workbook()
    wb.code_name = "ThisWorkbook"
    vba = compile_project(vba_modules(True), ["Sheet1", "Sheet2"],
                          this_workbook="Private Sub Workbook_Open()\n    MsgBox ChrW(20013)\nEnd Sub\n")
    path = tmp_path / "t.xlsm"
    wb.save(path)
    parts = package.read_parts(path)
    package.attach_vba(parts, vba, ".xlsm")
    package.write_parts(path, parts)
    flags = keywords(path)
    assert ("AutoExec", "workbook_open") in flags and ("Suspicious", "chrw") in flags
