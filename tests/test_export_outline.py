"""The official outline survives export: Part 1's （一）…（五） headings in Word (checked in the
document XML), PDF (pdftotext), HTML and Markdown, and an export read back gives the same five
parts (the reader drops the heading line the exporter printed)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from xladdin.export import content as C
from xladdin.export import export, export_many
from xladdin.load import load_report
from xladdin.report import Report

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARTS = ("s1.active", "s1.request", "s1.management", "s1.platform", "s1.oversight")
HEADINGS = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障")


def plain(example: Report) -> Report:
    """The seed with its own "1.主动公开情况。" leads removed: five parts with no heading of their own."""
    for key in PARTS:
        example.sections[key] = re.sub(r"^\d\.[^。]*。", "", example.sections[key])
    return example


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_five_headings_are_blocks_of_the_second_level(example: Report) -> None:
    assert C.part_headings(example.spec) == dict(zip(PARTS, HEADINGS, strict=True))
    blocks = C.build(plain(example))
    level2 = [b.text for b in blocks if isinstance(b, C.Heading) and b.level == 2]
    assert level2 == list(HEADINGS)
    # each heading stands right before its part's first paragraph
    for key, heading in zip(PARTS, HEADINGS, strict=True):
        i = next(i for i, b in enumerate(blocks) if isinstance(b, C.Heading) and b.text == heading)
        after = blocks[i + 1]
        assert isinstance(after, C.Paragraph) and after.part == key


def test_a_part_with_its_own_heading_gets_no_second_one(example: Report) -> None:
    """Typed text opening with （二）… (a line or a run-in heading) keeps its own; an empty part
    prints no heading and the others keep the format's numbers."""
    report = plain(example)
    report.sections["s1.request"] = "（二）依申请公开情况。" + report.sections["s1.request"]
    report.sections["s1.management"] = ""
    level2 = [b.text for b in C.build(report) if isinstance(b, C.Heading) and b.level == 2]
    assert level2 == ["（一）主动公开", "（四）政府信息公开平台建设", "（五）监督保障"]
    leads = [b.lead for b in C.build(report) if isinstance(b, C.Paragraph) and b.lead]
    assert "（二）依申请公开情况。" in leads


def test_word_headings_in_the_document_xml(example: Report, tmp_path: Path) -> None:
    path = export(plain(example), "docx", tmp_path / "r.docx")
    with zipfile.ZipFile(path) as z:
        body = ET.fromstring(z.read("word/document.xml")).find(f"{W}body")
        styles = ET.fromstring(z.read("word/styles.xml"))
    assert body is not None
    style = next(s for s in styles.iter(f"{W}style") if s.find(f"{W}name").get(f"{W}val") == "heading 2")
    style_id = style.get(f"{W}styleId")
    # 公文 second-level heading: 楷体, outline level 2 (0-based 1), kept with the next paragraph
    assert style.find(f"{W}pPr/{W}outlineLvl").get(f"{W}val") == "1"
    assert style.find(f"{W}pPr/{W}keepNext") is not None
    assert style.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "楷体_GB2312"
    paragraphs = []
    for p in body.iter(f"{W}p"):
        ps = p.find(f"{W}pPr/{W}pStyle")
        paragraphs.append((ps.get(f"{W}val") if ps is not None else "", "".join(t.text or "" for t in p.iter(f"{W}t"))))
    heading2 = [text for sid, text in paragraphs if sid == style_id]
    assert heading2 == list(HEADINGS)
    texts = [text for _, text in paragraphs]
    for key, heading in zip(PARTS, HEADINGS, strict=True):
        first = C.paragraphs(example.sections[key])[0]
        assert texts[texts.index(heading) + 1] == first


def test_html_and_markdown_third_level_headings(example: Report, tmp_path: Path) -> None:
    report = plain(example)
    soup = BeautifulSoup(export(report, "html", tmp_path / "r.html").read_text(encoding="utf-8"), "html.parser")
    section = soup.find("section", attrs={"data-section": "s1"})
    assert [h.get_text() for h in section.find_all("h3")] == list(HEADINGS)
    assert soup.find_all("h3") == section.find_all("h3")
    lines = export(report, "md", tmp_path / "r.md").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line.startswith("### ")] == [f"### {h}" for h in HEADINGS]
    assert lines.index("## 一、总体情况") < lines.index("### （一）主动公开") < lines.index("## 二、主动公开政府信息情况")


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import EXAMPLE_JSON

    report = plain(Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8")))
    out = tmp_path_factory.mktemp("outline")
    return export_many([(report, out / "r.pdf")], "pdf")[0]


@pytest.mark.libreoffice
def test_pdf_prints_each_heading_on_a_line_of_its_own(pdf_path: Path, example: Report) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found = [line for line in lines if line in HEADINGS]
    assert found == list(HEADINGS)
    flat = squeeze(text)
    positions = [flat.index(h) for h in HEADINGS]
    assert positions == sorted(positions)
    for key, heading in zip(PARTS, HEADINGS, strict=True):  # the part's text follows its heading
        first = squeeze(C.paragraphs(plain(example).sections[key])[0])[:20]
        assert flat.index(heading) < flat.index(first, flat.index(heading))


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_export_read_back_gives_the_same_five_parts(example: Report, tmp_path: Path, fmt: str) -> None:
    for report in (plain(Report.from_dict(example.to_dict())), example):  # with and without own leads
        back = load_report(export(report, fmt, tmp_path / f"r.{fmt}"))
        for key in ("s1.intro",) + PARTS:
            assert back.sections[key] == report.sections[key], key


@pytest.mark.libreoffice
def test_pdf_read_back_gives_the_same_five_parts(pdf_path: Path, example: Report) -> None:
    back = load_report(pdf_path)
    report = plain(example)
    for key in ("s1.intro",) + PARTS:
        assert squeeze(back.sections[key]) == squeeze(report.sections[key]), key


def test_the_reader_keeps_a_heading_that_says_more_than_the_format() -> None:
    """Only the format's bare heading is outline: "（一）系统化推进主动公开。" is the agency's own text."""
    from xladdin.ingest.sections import split_s1

    paras = [("总体情况。", "1"), ("（一）系统化推进主动公开。", "2"), ("全年公开信息 5 条。", "3"),
             ("（二）依申请公开", "4"), ("收到申请 2 件。", "5"), ("（三）政府信息管理。", "6"), ("制发 1 件。", "7"),
             ("（四）平台建设", "8"), ("网站改版。", "9"), ("（五）监督保障", "10"), ("培训 2 次。", "11")]
    parts = split_s1(paras)
    assert parts["s1.active"] == ["（一）系统化推进主动公开。", "全年公开信息 5 条。"]
    assert parts["s1.request"] == ["收到申请 2 件。"]
    assert parts["s1.management"] == ["制发 1 件。"]
    assert parts["s1.platform"] == ["（四）平台建设", "网站改版。"]  # not the format's words: kept
    assert parts["s1.oversight"] == ["培训 2 次。"]
