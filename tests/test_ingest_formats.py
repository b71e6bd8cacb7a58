"""Every ingest format on real files: the seed report written as HTML (UTF-8, GBK, GB2312
without a declaration), Word (real merged cells), Markdown, and PDF made by LibreOffice,
plus the files of xladdin.export; each must import to the same 200 values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ingest_docs import docx_to_pdf, to_docx, to_html, to_text

from xladdin.check import check
from xladdin.ingest import read_lines, read_published
from xladdin.report import Report
from xladdin.spec import SPEC


def same_values(got: Report, example: Report) -> None:
    assert {k: got.values[k] for k in SPEC.keys} == {k: example.values[k] for k in SPEC.keys}
    assert got.observed["repair"] == {"repaired": [], "ambiguous": [], "unreadable": []}
    assert check(got) == []


def same_text(got: Report, example: Report) -> None:
    assert got.meta == example.meta
    for part in SPEC.parts:
        assert got.sections[part.key] == example.sections[part.key], part.key


@pytest.mark.parametrize("charset", ["utf-8", "gbk", "gb18030"])
def test_html_with_spans_in_any_chinese_encoding(tmp_path: Path, example: Report, charset: str) -> None:
    path = tmp_path / "年报.html"
    path.write_bytes(to_html(example, charset))
    got = read_published(path)
    same_values(got, example)
    same_text(got, example)
    assert re.fullmatch(r"第\d+个表格第\d+行", got.addresses["t3.open.natural"])


def test_html_gbk_without_declaration(tmp_path: Path, example: Report) -> None:
    data = to_html(example, "gbk").replace(b"charset=gbk", b"")
    path = tmp_path / "nodecl.htm"
    path.write_bytes(data)
    same_values(read_published(path), example)


def test_docx_with_merged_cells(tmp_path: Path, example: Report) -> None:
    path = to_docx(example, tmp_path / "年报.docx")
    got = read_published(path)
    same_values(got, example)
    same_text(got, example)
    # the merged 三、本年度办理结果 label is printed once, in its first row
    rows = [ln for ln in read_lines(path) if ln.cells and "本年度办理结果" in ln.text]
    assert len(rows) == 1


@pytest.mark.parametrize("sep", ["\t", " | ", " "])
def test_text_and_markdown_tables(tmp_path: Path, example: Report, sep: str) -> None:
    path = tmp_path / "年报.md"
    path.write_text(to_text(example, sep), encoding="utf-8")
    got = read_published(path)
    same_values(got, example)
    same_text(got, example)


def test_text_in_gbk(tmp_path: Path, example: Report) -> None:
    path = tmp_path / "年报.txt"
    path.write_bytes(to_text(example).encode("gbk"))
    same_values(read_published(path), example)


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    example = Report.from_json((Path(__file__).parents[1] / "examples" / "weihai-2024.json").read_text("utf-8"))
    folder = tmp_path_factory.mktemp("pdf")
    return docx_to_pdf(to_docx(example, folder / "seed.docx"), folder)


def test_pdf_from_libreoffice(seed_pdf: Path, example: Report) -> None:
    got = read_published(seed_pdf)
    same_values(got, example)
    assert got.meta == example.meta
    assert re.fullmatch(r"第\d+页第\d+行", got.addresses["t4.review_total"])
    # PDF text loses the spaces and some line-end punctuation; the words are all there
    for part in SPEC.parts:
        want = re.sub(r"\s", "", example.sections[part.key])
        have = re.sub(r"\s", "", got.sections[part.key])
        assert len(have) >= len(want) - 3 and want[:20] == have[:20], part.key
    assert [h["section"] for h in got.observed["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]


def test_pdf_text_only_never_reads_wrong(seed_pdf: Path, example: Report) -> None:
    """Without table detection the narrow label columns of this PDF break every label into
    two-character fragments: whatever cannot be paired must be reported, never guessed."""
    from xladdin.ingest.pdf import pdf_lines
    from xladdin.ingest.reader import parse_lines

    got = parse_lines(pdf_lines(seed_pdf, tables=False), str(seed_pdf))
    doubtful = set(got.observed["repair"]["ambiguous"]) | set(got.observed["repair"]["unreadable"])
    for key in SPEC.keys:
        if got.values[key] != example.values[key]:
            assert key in doubtful and not isinstance(got.values[key], int), key
    assert all(got.values[c.key] == example.values[c.key] for c in SPEC.cells_of("t2"))
    assert all(got.values[c.key] == example.values[c.key] for c in SPEC.cells_of("t4"))


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_files_of_the_exporter(tmp_path: Path, example: Report, fmt: str) -> None:
    export = pytest.importorskip("xladdin.export")
    path = export.export(example, fmt, tmp_path / f"seed.{fmt}")
    got = read_published(path)
    same_values(got, example)
    same_text(got, example)


def test_html_page_laid_out_in_tables_with_menus(tmp_path: Path, example: Report) -> None:
    """Government pages often wrap the article in layout tables, after menus and a breadcrumb."""
    body = to_html(example, "gbk").decode("gbk")
    start, end = body.index("<body>") + len("<body>"), body.index("</body>")
    page = (
        body[:start]
        + "<table><tr><td><a href='/'>首页</a> &gt; 政务公开 &gt; 年度报告</td></tr></table>"
        + "<table width='100%'><tr><td>" + body[start:end] + "</td></tr></table>"
        + "<div>网站地图 | 联系我们</div>" + body[end:]
    )
    path = tmp_path / "page.shtml"
    path.write_bytes(page.encode("gbk"))
    got = read_published(path)
    same_values(got, example)
    same_text(got, example)


def test_docx_content_in_a_layout_table(tmp_path: Path, example: Report) -> None:
    from docx import Document

    inner = to_docx(example, tmp_path / "inner.docx")
    doc = Document(str(inner))
    body = doc.element.body
    children = [el for el in body.iterchildren() if not el.tag.endswith("sectPr")]
    outer = doc.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)._tc
    for el in children:
        cell.append(el)
    cell.append(doc.add_paragraph("")._p)  # a cell must end with a paragraph
    path = tmp_path / "layout.docx"
    doc.save(str(path))
    got = read_published(path)
    same_values(got, example)
    same_text(got, example)
