"""Every ingest format on real files: the seed report written as HTML (UTF-8, GBK, GB2312
without a declaration), Word (real merged cells), Markdown, and PDF made by LibreOffice,
plus the files of xladdin.export; each must import to the same 200 values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DATA
from ingest_docs import docx_to_pdf, to_docx, to_html, to_text

from xladdin.check import check
from xladdin.ingest import read_lines, read_published
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.values import ABSENT

SHUYANG = DATA / "examples" / "2023_沭阳县发展和改革局.txt"


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
    repair = got.observed["repair"]
    absent = {k for k in SPEC.keys if got.values[k] is ABSENT}  # reported by S7
    doubtful = set(repair["ambiguous"]) | set(repair["unreadable"]) | absent
    for key in SPEC.keys:
        if got.values[key] != example.values[key]:
            assert key in doubtful and not isinstance(got.values[key], int), key
    assert all(got.values[c.key] == example.values[c.key] for c in SPEC.cells_of("t2"))
    assert all(got.values[c.key] == example.values[c.key] for c in SPEC.cells_of("t4"))


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_files_of_the_exporter(tmp_path: Path, example: Report, fmt: str) -> None:
    from xladdin import export

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


def test_html_like_a_real_county_page(tmp_path: Path) -> None:
    """Features of a real 沭阳县 page: an index table (索引号, 公开日期) above the title, menus,
    text split over <span>/<font> runs (also inside numbers and headings), <o:p>&nbsp;</o:p>
    in blank cells, the signature right-aligned with runs of spaces."""
    span = "<span style='font-family: 微软雅黑;'>{}</span>"

    def runs(text: str, size: int = 3) -> str:
        return "".join(span.format(text[i : i + size]) for i in range(0, len(text), size))

    def p(text: str) -> str:
        return f"<p style='text-indent: 2em'>{runs(text)}<span><o:p></o:p></span></p>"

    def td(text: str, **attrs: int) -> str:
        a = "".join(f" {k}='{v}'" for k, v in attrs.items())
        inner = runs(text, 1) if text else "<span><o:p>&nbsp;</o:p></span>"
        return f"<td{a}><p>{inner}</p></td>"

    source = SHUYANG_TEXT()
    body = [
        "<ul><li><h4><a>繁體版</a></h4></li><li><h4><a>无障碍</a></h4></li></ul>",
        "<div class='nav'><a>首页</a><a>政府信息公开</a></div>",
        "<table><tr>" + td("名称") + td("沭阳县发展和改革局2023年政府信息公开年度报告", colspan=3) + "</tr>",
        "<tr>" + td("索引号") + td("014314799/2024-00002") + td("公开日期") + td("2024-01-17") + "</tr></table>",
        "<h1><ucaptitle>沭阳县发展和改革局2023年政府信息公开年度报告</ucaptitle></h1><div id='zoomcon'>",
    ]
    for line in source["before_tables"]:
        body.append(p(line))
    for title, rows in source["tables"]:
        body.append(p(title))
        body.append("<table border='1'><tbody>")
        for cells in rows:
            body.append("<tr>" + "".join(td(c, **a) for c, a in cells) + "</tr>")
        body.append("</tbody></table>")
    for line in source["after_tables"]:
        body.append(p(line))
    body.append("<p><span><o:p>" + "&nbsp;" * 60 + "沭阳县发展和改革局</o:p></span></p>")
    body.append("<p><span><o:p>" + "&nbsp;" * 60 + "2024年1月17日<br></o:p></span></p></div>")
    page = "<html><head><meta charset='utf-8'><title>x</title></head><body>" + "\n".join(body) + "</body></html>"
    path = tmp_path / "real.shtml"
    path.write_text(page, encoding="utf-8")
    got = read_published(path)
    want = read_published(SHUYANG)
    assert {k: got.values[k] for k in SPEC.keys} == {k: want.values[k] for k in SPEC.keys}
    assert got.meta == want.meta
    assert got.observed["headings"][4]["text"] == "五、存在的主要问题及整改措施"
    for part in SPEC.parts:
        assert got.sections[part.key] == want.sections[part.key], part.key


def SHUYANG_TEXT() -> dict:
    """The 沭阳县 example split into paragraphs and |-tables (merged cells written once there;
    here given back their spans so the HTML has real rowspan/colspan)."""
    lines = SHUYANG.read_text(encoding="utf-8").split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("根据"))
    end = next(i for i, ln in enumerate(lines) if ln == "沭阳县发展和改革局")
    before, after, tables = [], [], []
    current = None
    for ln in lines[start:end]:
        if not ln.strip():
            continue
        if "|" in ln or (current is not None and ln.startswith("第二十条")):
            cells = [c.strip() for c in ln.split("|")]
            current[1].append([(c, _span_of(c, len(cells))) for c in cells])
        elif ln.startswith(("二、", "三、", "四、")):
            current = (ln, [])
            tables.append(current)
        elif current is not None and not tables[-1][1]:
            current[1].append([(ln, {})])
        else:
            (after if tables else before).append(ln)
    return {"before_tables": before, "tables": tables, "after_tables": after}


def _span_of(text: str, n: int) -> dict:
    spans = {"三、本年度办理结果": {"rowspan": 22}, "（三）不予公开": {"rowspan": 8}, "（四）无法提供": {"rowspan": 3},
             "（五）不予处理": {"rowspan": 5}, "（六）其他处理": {"rowspan": 3}}
    if text in spans:
        return spans[text]
    if text.startswith(("一、", "二、", "四、")) and n == 8:
        return {"colspan": 3}
    if text.startswith(("（一）", "（二）", "（七）")) and n in (8, 9):
        return {"colspan": 2}
    return {}


def test_converter_markdown_with_split_tables(tmp_path: Path, example: Report) -> None:
    from ingest_docs import to_split_markdown

    path = tmp_path / "converted.md"
    path.write_text(to_split_markdown(example), encoding="utf-8")
    got = read_published(path)
    same_values(got, example)
    assert got.meta == example.meta
    assert got.sections["preface"] == example.sections["preface"]
    assert got.sections["s1.oversight"] == example.sections["s1.oversight"]


def test_old_word_doc_through_libreoffice(tmp_path: Path, example: Report) -> None:
    """.doc (Word 97) as many offices still publish: converted by LibreOffice, then read."""
    import os
    import shutil
    import subprocess
    import tempfile

    source = to_docx(example, tmp_path / "seed.docx")
    profile = Path(tempfile.mkdtemp(prefix="lo-doc-"))
    try:
        subprocess.run(
            [shutil.which("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
            check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(profile)},
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    got = read_published(tmp_path / "seed.doc")
    same_values(got, example)
    same_text(got, example)


def test_page_labelled_gb2312_with_gbk_only_characters(tmp_path: Path, example: Report) -> None:
    """Many pages say charset=gb2312 but use GBK characters (names such as 喆 or 镕)."""
    report = Report.from_dict(example.to_dict())
    report.sections["s6"] += "\n5.联系人：王喆。"
    page = to_html(report, "gbk").replace(b"charset=gbk", b"charset=gb2312")
    with pytest.raises(UnicodeDecodeError):
        page.decode("gb2312")
    path = tmp_path / "gb2312.htm"
    path.write_bytes(page)
    got = read_published(path)
    same_values(got, example)
    assert got.sections["s6"].endswith("5.联系人：王喆。")
