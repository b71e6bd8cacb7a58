"""The reader reads what a person sees (shared/repro 22, 32), on the example exported to HTML
and Word, whose 表三 一、本年新收·自然人 is printed 10:

- HTML: text hidden by display:none, the hidden attribute, visibility:hidden (a descendant may
  show itself again) or a zero font size — inline or through the page's style sheet — is not
  read; a property mixes random hidden and visible markup and always reads the 10 displayed;
- Word: hidden text (w:vanish on the run or through its style) and tracked deletions are not
  read; tracked insertions, content controls (inline, around a cell, around a row), smart
  tags and custom XML are; a property does the same with random runs;
- digits of other scripts (Arabic-Indic, Devanagari, mathematical) are read with a note that
  says so, in JSON and published text; a workbook keeps them as text.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xladdin.export import export
from xladdin.ingest import read_published
from xladdin.io import read_report, read_report_fast
from xladdin.io.example import EXAMPLE_XLSX
from xladdin.load import load_report
from xladdin.report import Report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "weihai-2024.json"
EXAMPLE_TEXT = EXAMPLE_XLSX.with_name(f"{EXAMPLE_XLSX.stem}-发布稿.txt")
KEY = "t3.new.natural"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("exported")
    report = Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
    return {fmt: export(report, fmt, d / f"例.{fmt}") for fmt in ("html", "docx")}


# --------------------------------------------------------------------------- HTML

def _page(base: Path, out: Path, cell: str, style: str = "") -> Path:
    html = base.read_text(encoding="utf-8")
    old = re.search(r'<td data-key="t3\.new\.natural"([^>]*)>10</td>', html)
    assert old
    html = html.replace(old.group(0), f'<td data-key="t3.new.natural"{old.group(1)}>{cell}</td>', 1)
    if style:
        html = html.replace("</head>", f"<style>{style}</style></head>", 1)
    out.write_text(html, encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("cell", "style"),
    [
        ('1<span style="display:none">7</span>0', ""),
        ("1<span hidden>7</span>0", ""),
        ('1<span style="visibility: hidden">7</span>0', ""),
        ('1<span style="font-size:0px">7</span>0', ""),
        ('1<font style="FONT-SIZE: 0pt !important">7</font>0', ""),
        ('1<span class="x">7</span>0', ".x { display: none }"),
        ('1<i id="y">7</i>0', "p, #y {visibility:hidden}"),
        ('<span style="visibility:hidden">7<b style="visibility:visible">1</b></span>0', ""),
    ],
)
def test_hidden_html_text_is_not_read(cell: str, style: str, exported, tmp_path: Path) -> None:
    page = _page(exported["html"], tmp_path / "p.html", cell, style)
    assert read_published(page).values[KEY] == 10


def test_a_hidden_cell_or_row_takes_no_place_in_the_table(exported, tmp_path: Path) -> None:
    html = exported["html"].read_text(encoding="utf-8")
    # an extra hidden cell before 自然人 in the row: a browser does not lay it out
    row = re.search(r'(<tr[^>]*>(?:(?!</tr>).)*data-key="t3\.new\.natural")', html, re.S).group(1)
    shifted = row.replace('<td data-key="t3.new.natural"', '<td style="display:none">99</td><td data-key="t3.new.natural"', 1)
    page = tmp_path / "cell.html"
    page.write_text(html.replace(row, shifted, 1), encoding="utf-8")
    assert read_published(page).values == read_published(exported["html"]).values


HIDERS = [
    ('<span style="display:none">{}</span>', ""), ("<span hidden>{}</span>", ""),
    ('<span style="visibility:hidden">{}</span>', ""), ('<span style="font-size:0">{}</span>', ""),
    ('<em class="gone">{}</em>', ".gone{display:none}"),
]
SHOWERS = ["{}", "<span>{}</span>", "<b>{}</b>", '<font color="red">{}</font>', '<span style="visibility:visible">{}</span>']


@st.composite
def html_cells(draw) -> tuple[str, str]:  # noqa: ANN001
    """The displayed "10" cut into pieces, each in random visible markup, with random hidden
    digits between them; the style sheet the hiding classes need."""
    shown = draw(st.sampled_from([["10"], ["1", "0"]]))
    parts, styles = [], set()
    for piece in shown:
        for _ in range(draw(st.integers(0, 2))):
            hider, css = draw(st.sampled_from(HIDERS))
            parts.append(hider.format(draw(st.text("0123456789", min_size=1, max_size=3))))
            styles.add(css)
        parts.append(draw(st.sampled_from(SHOWERS)).format(piece))
    return "".join(parts), "".join(styles)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cell=html_cells())
def test_random_hidden_or_visible_html_reads_as_displayed(cell: tuple[str, str], exported, tmp_path: Path) -> None:
    page = _page(exported["html"], tmp_path / "r.html", *cell)
    assert read_published(page).values[KEY] == 10, cell


# --------------------------------------------------------------------------- Word

HIDDEN_STYLE = ('<w:style w:type="character" w:customStyle="1" w:styleId="Hid"><w:name w:val="隐藏"/>'
                "<w:rPr><w:vanish/></w:rPr></w:style>")


def _docx(base: Path, out: Path, runs: str = "", row_wrap: bool = False, row_deleted: bool = False,
          cells_wrap: str = "") -> Path:
    """The example's Word export with the first value of 一、本年新收 (the run "10") replaced by
    `runs`, the row's value cells in a row-level content control (`row_wrap`), the row's cells
    each inside `cells_wrap` ("sdt"/"customXml"), or a copy of the row marked as deleted."""
    with zipfile.ZipFile(base) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    doc = parts["word/document.xml"].decode()
    t3 = [m.start() for m in re.finditer(r"<w:tbl[ >]", doc)][1]
    end = doc.find("</w:tbl>", t3)
    table = doc[t3:end]
    row = next(r for r in re.findall(r"<w:tr[ >].*?</w:tr>", table, re.S) if "本年新收" in r)
    cells = re.findall(r"<w:tc>.*?</w:tc>", row, re.S)
    values = [c for c in cells if re.search(r"<w:t[^>]*>\d+</w:t>", c)]
    new = row
    if runs:
        first = values[0]
        run = re.search(r"<w:r>(<w:rPr>.*?</w:rPr>)<w:t[^>]*>10</w:t></w:r>", first, re.S)
        assert run
        new = new.replace(first, first.replace(run.group(0), runs.replace("RPR", run.group(1))), 1)
    if cells_wrap:
        wrap = {"sdt": ("<w:sdt><w:sdtPr/><w:sdtContent>", "</w:sdtContent></w:sdt>"),
                "customXml": ('<w:customXml w:element="x">', "</w:customXml>")}[cells_wrap]
        for c in values:
            new = new.replace(c, wrap[0] + c + wrap[1], 1)
    if row_wrap:
        a, b = new.find(values[0]), new.find(values[-1]) + len(values[-1])
        new = new[:a] + "<w:sdt><w:sdtPr/><w:sdtContent>" + new[a:b] + "</w:sdtContent></w:sdt>" + new[b:]
    table = table.replace(row, new, 1)
    if row_deleted:  # a deleted copy of the row with other numbers, before the real one
        gone = re.sub(r"(<w:t[^>]*>)\d+(</w:t>)", r"\g<1>99\2", row)
        gone = gone.replace("<w:tr>", '<w:tr><w:trPr><w:del w:id="7" w:author="审核人"/></w:trPr>', 1)
        table = table.replace(new, gone + new, 1)
    parts["word/document.xml"] = (doc[:t3] + table + doc[end:]).encode()
    parts["word/styles.xml"] = parts["word/styles.xml"].replace(b"</w:styles>", HIDDEN_STYLE.encode() + b"</w:styles>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out


def _r(text: str, extra: str = "") -> str:
    return f"<w:r>RPR<w:t>{text}</w:t></w:r>" if not extra else f"<w:r>{extra}<w:t>{text}</w:t></w:r>"


VANISH = RUNS_VANISH = "<w:rPr><w:vanish/></w:rPr>"


@pytest.mark.parametrize(
    ("runs", "kwargs"),
    [
        (_r("1") + _r("7", VANISH) + _r("0"), {}),
        (_r("1") + _r("7", '<w:rPr><w:rStyle w:val="Hid"/></w:rPr>') + _r("0"), {}),
        (_r("1") + '<w:del w:id="5" w:author="审核人"><w:r><w:delText>7</w:delText></w:r></w:del>' + _r("0"), {}),
        ('<w:ins w:id="6" w:author="审核人">' + _r("10") + "</w:ins>", {}),
        ("<w:sdt><w:sdtPr/><w:sdtContent>" + _r("10") + "</w:sdtContent></w:sdt>", {}),
        ('<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chmetcnv">' + _r("10") + "</w:smartTag>", {}),
        (_r("1") + '<w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>0</w:t></w:r>', {}),
        ('<w:moveFrom w:id="8" w:author="审核人">' + _r("7") + "</w:moveFrom>" + _r("10"), {}),
        ('<w:r>RPR<w:fldChar w:fldCharType="begin"/></w:r><w:r>RPR<w:instrText>7</w:instrText></w:r>'
         '<w:r>RPR<w:fldChar w:fldCharType="separate"/></w:r>' + _r("10") + '<w:r>RPR<w:fldChar w:fldCharType="end"/></w:r>', {}),
        ("", {"row_wrap": True}),
        ("", {"cells_wrap": "sdt"}),
        ("", {"cells_wrap": "customXml"}),
        ("", {"row_deleted": True}),
    ],
)
def test_word_is_read_as_word_displays_it(runs: str, kwargs: dict, exported, tmp_path: Path) -> None:
    path = _docx(exported["docx"], tmp_path / "w.docx", runs, **kwargs)
    report = read_published(path)
    assert report.values[KEY] == 10
    assert report.values == read_published(exported["docx"]).values


WORD_HIDDEN = [lambda d: _r(d, VANISH), lambda d: _r(d, '<w:rPr><w:rStyle w:val="Hid"/></w:rPr>'),
               lambda d: f'<w:del w:id="5" w:author="甲"><w:r><w:delText>{d}</w:delText></w:r></w:del>']
WORD_SHOWN = [lambda d: _r(d), lambda d: f'<w:ins w:id="6" w:author="甲">{_r(d)}</w:ins>',
              lambda d: f"<w:sdt><w:sdtPr/><w:sdtContent>{_r(d)}</w:sdtContent></w:sdt>",
              lambda d: f'<w:smartTag w:element="x">{_r(d)}</w:smartTag>',
              lambda d: f'<w:hyperlink w:anchor="a">{_r(d)}</w:hyperlink>']


@st.composite
def word_runs(draw) -> str:  # noqa: ANN001
    shown = draw(st.sampled_from([["10"], ["1", "0"]]))
    out = []
    for piece in shown:
        for _ in range(draw(st.integers(0, 2))):
            out.append(draw(st.sampled_from(WORD_HIDDEN))(draw(st.text("0123456789", min_size=1, max_size=3))))
        out.append(draw(st.sampled_from(WORD_SHOWN))(piece))
    return "".join(out)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(runs=word_runs())
def test_random_hidden_or_visible_word_runs_read_as_displayed(runs: str, exported, tmp_path: Path) -> None:
    path = _docx(exported["docx"], tmp_path / "r.docx", runs)
    assert read_published(path).values[KEY] == 10, runs


# --------------------------------------------------------------------------- digits of other scripts

OTHER = ["١٠", "१०", "𝟏𝟎", "1٠", "۱۰"]


@pytest.mark.parametrize("printed", OTHER)
def test_digits_of_other_scripts_are_read_with_a_note(printed: str, tmp_path: Path) -> None:
    data = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    data["values"][KEY] = printed
    path = tmp_path / "u.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    from_json = load_report(path)
    assert from_json.values[KEY] == 10 and "非 0-9 的数字字符" in from_json.notes[KEY]
    text = EXAMPLE_TEXT.read_text(encoding="utf-8").replace("一、本年新收政府信息公开申请数量\t10\t", f"一、本年新收政府信息公开申请数量\t{printed}\t", 1)
    assert printed in text
    txt = tmp_path / "u.txt"
    txt.write_text(text, encoding="utf-8")
    published = read_published(txt)
    assert published.values[KEY] == 10 and "非 0-9 的数字字符" in published.notes[KEY]
    assert "0-9 的数字" not in published.notes.get("t3.carry_in.natural", "")  # only the line that has them


def test_a_workbook_keeps_digits_of_other_scripts_as_text(tmp_path: Path) -> None:
    from xladdin.excel.filebook import FileBook

    path = tmp_path / "u.xlsx"
    path.write_bytes(EXAMPLE_XLSX.read_bytes())
    book = FileBook(path)
    book.write_key(KEY, "١٠")
    book.save()
    assert read_report(path).values[KEY] == read_report_fast(path).values[KEY] == "١٠"


def test_the_note_names_the_script() -> None:
    from xladdin.values import normalised, parse_value

    assert "阿拉伯-印度数字" in normalised("١٠", parse_value("١٠"))
    assert "天城文数字" in normalised("१०", parse_value("१०"))
    assert "数学字母数字符号" in normalised("𝟏𝟎", parse_value("𝟏𝟎"))
    assert normalised("10", 10) is None
