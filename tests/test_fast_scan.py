"""The byte-level sheet scan (io/parts.byte_scan) and the careful one agree, cells written
without `r` or with odd references are placed as openpyxl places them, far cells are seen
whatever their spelling, and the fast reader opens the file once and caches the layout."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from wbtools import rewrite, sheet_part

from xladdin.io import fast, parts
from xladdin.io.fast import read_report_fast
from xladdin.io.workbook import read_report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "威海市人力资源和社会保障局-2024.xlsx"


def _sheets(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/sheet")}


def _edit_sheet(tmp: Path, name: str, sheet: str, change) -> Path:  # type: ignore[no-untyped-def]
    part = sheet_part(EXAMPLE, sheet)
    return rewrite(EXAMPLE, tmp / name, lambda n, d: change(d) if n == part else d)


def test_byte_scan_equals_careful_scan_on_every_sheet() -> None:
    for name, data in _sheets(EXAMPLE).items():
        fast_scan = parts.byte_scan(data)
        assert fast_scan is not None, name  # the template's sheets take the byte scan
        assert fast_scan == parts.careful_scan(io.BytesIO(data), name), name
    scan = parts.byte_scan(_sheets(EXAMPLE)["xl/worksheets/sheet4.xml"])
    assert scan is not None and scan.formulas["J5"] == '=IF(COUNT(D5:I5)=0,"",SUM(D5:I5))'
    assert (scan.rows, scan.cols) == (29, 10)


SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b"%s</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("rows", "extent", "errors", "big"),
    [
        # ordinary: r on every cell (byte scan)
        (b'<row r="2"><c r="B2" t="e"><v>#REF!</v></c><c r="C2"><v>9007199254740993</v></c></row>',
         (2, 3), {"B2": "#REF!"}, {"C2": 9007199254740993}),
        # cells without r follow the one before, in their row's row
        (b'<row r="5"><c r="C5"><v>1</v></c><c t="e"><v>#N/A</v></c><c><v>-12345678901234567</v></c></row>',
         (5, 5), {"D5": "#N/A"}, {"E5": -12345678901234567}),
        # rows without r follow the row before; their cells start at column A
        (b'<row r="3"><c r="A3"><v>1</v></c></row><row><c/><c t="e"><v>#DIV/0!</v></c></row>',
         (4, 2), {"B4": "#DIV/0!"}, {}),
        # a lower-case reference and $-signs, as openpyxl and calamine accept them
        (b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>', (1048576, 16384), {}, {}),
        (b'<row r="7"><c r="$B$7" t="e"><v>#REF!</v></c></row>', (7, 2), {"B7": "#REF!"}, {}),
        # r after other attributes, single quotes, a prefixed cell, a comment in the sheet
        (b'<row r="9"><c s="1" r="D9" t="e"><v>#REF!</v></c></row>', (9, 4), {"D9": "#REF!"}, {}),
        (b"<row r='9'><c r='D9' t='e'><v>#REF!</v></c></row>", (9, 4), {"D9": "#REF!"}, {}),
        (b'<row r="1048576"><x:c xmlns:x="urn:x" r="CV1048576"><x:v>1</x:v></x:c></row>', (1048576, 100), {}, {}),
        (b'<row r="2"><!-- <c r="A1"/> --><c r="B2" t="e"><v>#REF!</v></c></row>', (2, 2), {"B2": "#REF!"}, {}),
        # character references in the type and the value
        (b'<row r="2"><c r="B2" t="&#101;"><v>#REF!</v></c><c r="C2"><v>&#57;007199254740993</v></c></row>',
         (2, 3), {"B2": "#REF!"}, {"C2": 9007199254740993}),
        # a ">" inside an attribute value must not hide the cell's type
        (b'<row r="2"><c r="B2" x="a>b" t="e"><v>#REF!</v></c></row>', (2, 2), {"B2": "#REF!"}, {}),
    ],
)
def test_scan_places_every_cell(rows: bytes, extent: tuple[int, int], errors: dict, big: dict) -> None:
    data = SHEET % rows
    with io.BytesIO() as buf:
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("s.xml", data)
        with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
            scan = parts.sheet_scan(zf, "s.xml")
    assert (scan.rows, scan.cols) == extent
    assert scan.errors == errors
    assert scan.big == big
    assert scan == parts.careful_scan(io.BytesIO(data), "s.xml")


def test_byte_scan_hands_unusual_sheets_to_the_careful_scan() -> None:
    assert parts.byte_scan(SHEET % b'<row r="1"><c><v>1</v></c></row>') is None
    assert parts.byte_scan(SHEET % b'<row r="1"><c r="a1"><v>1</v></c></row>') is None
    assert parts.byte_scan(SHEET % b'<row r="1"><c r="A1"><v>&nbsp;</v></c></row>') is not None  # no long number
    assert parts.byte_scan(SHEET % b'<row r="1"><c r="A1"><f>A2&amp;"&#x4E00;"</f><v>1</v></c></row>').formulas == {
        "A1": '=A2&"一"'
    }


@pytest.mark.parametrize("kind", ["ref", "big"])
def test_readers_agree_on_cells_without_r(tmp_path: Path, kind: str) -> None:
    """Repro 25: 表三 row 5 written without r, D5 holding #REF! or 9007199254740993."""
    cell = {"ref": '<c s="24" t="e"><v>#REF!</v></c>', "big": '<c s="24" t="n"><v>9007199254740993</v></c>'}[kind]

    def change(data: bytes) -> bytes:
        x = data.decode()
        row = re.search(r'<row r="5"[^>]*>.*?</row>', x, re.S).group(0)  # type: ignore[union-attr]
        d5 = re.search(r'<c r="D5"[^>]*>.*?</c>', row, re.S).group(0)  # type: ignore[union-attr]
        new = re.sub(r' r="[A-Z]+5"', "", row.replace(d5, cell, 1))
        return x.replace(row, new, 1).encode()

    path = _edit_sheet(tmp_path, f"{kind}.xlsx", "表三", change)
    quick, slow = read_report_fast(path), read_report(path)
    assert quick.values == slow.values
    expected = {"ref": "#REF!", "big": 9007199254740993}[kind]
    assert quick.values["t3.new.natural"] == expected


@pytest.mark.parametrize(
    "extra",
    [
        b'<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
        b'<row r="1048576">' + b"<c><v>1</v></c>" * 20 + b"</row>",
    ],
)
def test_far_cells_in_any_spelling_go_to_the_bounded_reader(tmp_path: Path, extra: bytes) -> None:
    """Repro 26: calamine would allocate the whole grid (512 GiB, or 20 columns × 1M rows)."""
    path = _edit_sheet(tmp_path, "far.xlsx", "表三", lambda d: d.replace(b"</sheetData>", extra + b"</sheetData>", 1))
    assert read_report_fast(path).values == read_report(EXAMPLE).values


def test_layout_is_parsed_once_per_workbook_xml(tmp_path: Path) -> None:
    fast._LAYOUTS.clear()
    a = read_report_fast(EXAMPLE)
    copy = tmp_path / "copy.xlsx"
    copy.write_bytes(EXAMPLE.read_bytes())
    b = read_report_fast(copy)
    assert len(fast._LAYOUTS) == 1 and a.values == b.values and b.source == str(copy)
    # another workbook.xml (a name deleted) is not served from the cache: its own error
    renamed = rewrite(
        EXAMPLE, tmp_path / "renamed.xlsx",
        lambda n, d: re.sub(rb'<definedName name="NB_t3_new_natural"[^>]*>[^<]*</definedName>', b"", d)
        if n == "xl/workbook.xml" else d,
    )
    from xladdin.errors import InputError

    with pytest.raises(InputError, match="NB_t3_new_natural") as info:
        read_report_fast(renamed)
    assert info.value.path == str(renamed)


def _variants(data: bytes, seed: int, odd: bool) -> bytes:
    """The sheet rewritten the ways other writers (or a hostile hand) write cells. Benign (the
    byte scan reads them): other attributes after t, a space before "/>", t="n" left out.
    Odd (the careful scan reads them): cells without r, lower-case or $-references, r after s,
    single quotes."""
    import random

    rng = random.Random(seed)

    def cell(m: re.Match[bytes]) -> bytes:
        tag = m.group(0)
        roll = rng.random()
        if roll < 0.1:
            return tag[:-1] + b' cm="1">' if not tag.endswith(b"/>") else tag[:-2] + b" />"
        if roll < 0.2:
            return tag.replace(b' t="n"', b"")
        if not odd:
            return tag
        if roll < 0.3:
            return re.sub(rb' r="[A-Z]+[0-9]+"', b"", tag)
        if roll < 0.35:
            return re.sub(rb' r="([A-Z]+[0-9]+)"', lambda r: b' r="' + r.group(1).lower() + b'"', tag)
        if roll < 0.4:
            return re.sub(rb' r="([A-Z]+)([0-9]+)"', rb' r="$\1$\2"', tag)
        if roll < 0.45:
            return re.sub(rb'<c r="([^"]+)" s="([0-9]+)"', rb"<c s='\2'  r='\1'", tag)
        return tag

    return re.sub(rb"<c [^>]*>", cell, data)


@pytest.mark.parametrize("seed", range(6))
def test_other_writers_read_alike_by_both_scans(seed: int) -> None:
    """Whatever the byte scan accepts it reads as the careful scan does; what it declines, the
    careful scan reads. Benign rewrites keep the byte scan and change nothing it finds."""
    for name, data in _sheets(EXAMPLE).items():
        benign = _variants(data, seed, odd=False)
        quick = parts.byte_scan(benign)
        assert quick is not None, name
        assert quick == parts.careful_scan(io.BytesIO(benign), name) == parts.careful_scan(io.BytesIO(data), name)
        odd = _variants(data, seed, odd=True)
        quick = parts.byte_scan(odd)
        careful = parts.careful_scan(io.BytesIO(odd), name)
        assert quick is None or quick == careful, name
        with io.BytesIO() as buf:
            with zipfile.ZipFile(buf, "w") as zf:
                zf.writestr("s.xml", odd)
            with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zf:
                assert parts.sheet_scan(zf, "s.xml") == careful, name
