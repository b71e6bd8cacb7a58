"""HTML export: parsed back with BeautifulSoup (values by grid position, spans, narrative),
the CMS fragment, and the page opened in headless Chromium (no console errors, screenshot saved
under tests/artifacts/, printed at A4)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from _export_support import HEADING_OF_TABLE, digit_runs, distinct_report, expected_texts, html_grid
from bs4 import BeautifulSoup
from conftest import SEED_TEXT

from xladdin.export import content as C
from xladdin.export import export
from xladdin.export.html import render_html
from xladdin.spec import SPEC
from xladdin.spec.layout import grid

ARTIFACTS = Path(__file__).parent / "artifacts"


def _tables(soup: BeautifulSoup) -> dict[str, object]:
    """Section heading -> the table in that section."""
    out = {}
    for section in soup.find_all("section"):
        table = section.find("table")
        if table is not None:
            out[section.find("h2").get_text()] = table
    return out


def test_every_value_in_the_right_cell_and_every_span(example):
    report = distinct_report(example)
    soup = BeautifulSoup(render_html(report), "lxml")
    tables = _tables(soup)
    expected = expected_texts(report)
    checked = 0
    for table in SPEC.tables:
        starts = html_grid(tables[HEADING_OF_TABLE[table.key]])
        g = grid(table)
        assert len(starts) == len(g.cells)
        for cell in g.cells:
            tag, rowspan, colspan = starts[(cell.row, cell.col)]
            assert (rowspan, colspan) == (cell.rowspan, cell.colspan), (table.key, cell)
            if cell.role == "value":
                assert tag.name == "td" and tag.get_text() == expected[table.key][(cell.row, cell.col)]
                checked += 1
            else:
                assert tag.name == "th" and tag.get_text() == cell.text
    assert checked == 200


def test_semantics_headings_narrative_signature(example):
    soup = BeautifulSoup(render_html(example), "lxml")
    assert soup.html["lang"] == "zh-CN"
    assert soup.title.get_text() == example.meta.title
    assert [h.get_text() for h in soup.find_all("h1")] == [example.meta.title]
    assert [h.get_text() for h in soup.find_all("h2")] == [C.section_heading(s) for s in SPEC.sections]
    paragraphs = [p.get_text() for p in soup.select("article > p, section > p")]
    assert paragraphs == [t for _, t in C.narrative(example)]
    t3 = _tables(soup)[HEADING_OF_TABLE["t3"]]
    assert len(t3.thead.find_all("tr")) == 3  # repeated when printed
    assert soup.find("time")["datetime"] == "2025-01-14"
    assert soup.select_one(".signature").get_text("|", strip=True) == "威海市人力资源和社会保障局|2025年1月14日"
    assert not soup.find_all(["script", "link", "img"])  # self-contained


def test_fragment_for_a_cms(example):
    text = render_html(example, fragment=True)
    assert "<html" not in text and "<head" not in text and "<body" not in text
    soup = BeautifulSoup(text, "html.parser")
    root = soup.find("div")
    assert "xladdin-report" in root["class"]
    css = root.find("style").get_text()
    assert "@page" not in css  # the host page owns printing
    rules = [r.split("{")[0].strip() for r in css.split("}") if "{" in r and not r.strip().startswith("@")]
    selectors = [s.strip() for r in rules for s in r.split(",") if s.strip() and not s.strip().startswith("/*")]
    assert selectors and all(s.startswith(".xladdin-report") for s in selectors), selectors
    td = root.find("td")
    assert "border:1px solid" in td["style"]  # borders survive a CMS that strips <style>
    assert len(root.find_all("td")) == 200


def test_forced_export_prints_what_cells_hold(example):
    example.values["t3.new.natural"] = "/"
    example.values["t3.new.biz"] = None
    soup = BeautifulSoup(render_html(example), "lxml")
    assert soup.find("td", attrs={"data-key": "t3.new.natural"}).get_text() == "/"
    assert soup.find("td", attrs={"data-key": "t3.new.biz"}).get_text() == ""  # never an invented 0


def test_escaping(example):
    example.sections["s5"] = "<script>alert(1)</script> & 其他"
    soup = BeautifulSoup(render_html(example), "lxml")
    assert not soup.find("script")
    assert "<script>alert(1)</script> & 其他" in [p.get_text() for p in soup.find_all("p")]


def test_example_holds_every_number_of_the_seed(example, tmp_path):
    out = export(example, "html", tmp_path / "weihai.html")
    text = BeautifulSoup(out.read_text(encoding="utf-8"), "lxml").get_text("\n")
    missing = digit_runs(SEED_TEXT.read_text(encoding="utf-8")) - digit_runs(text)
    assert not missing, sorted(missing)


needs_chromium = pytest.mark.skipif(not shutil.which("chromium"), reason="chromium not installed (.ci/run installs it)")


@needs_chromium
def test_chromium_checker_sees_errors(tmp_path):
    """The console check can fail: a page with a console error and a missing image."""
    from _chromium import open_page

    bad = tmp_path / "bad.html"
    bad.write_text('<p>x</p><script>console.error("boom")</script><img src="missing.png">', encoding="utf-8")
    errors = open_page(bad)["errors"]
    assert any("boom" in e for e in errors) and any("missing.png" in e for e in errors)


@needs_chromium
def test_page_opens_in_chromium_without_errors(example, tmp_path):
    from _chromium import open_page

    page = export(example, "html", tmp_path / "weihai.html")
    shot = ARTIFACTS / "export-weihai-2024.png"
    printed = ARTIFACTS / "export-weihai-2024-print.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    result = open_page(
        page,
        screenshot=shot,
        pdf=printed,
        expression="JSON.stringify({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth, tables: document.querySelectorAll('table').length,"
        " h2: document.querySelectorAll('h2').length})",
        also_at=(375,),
    )
    assert result["errors"] == []
    layout = json.loads(result["value"])
    assert layout["tables"] == 3 and layout["h2"] == 6
    assert layout["scroll"] <= layout["client"]  # nothing overflows sideways
    phone = json.loads(result["at"][375])
    assert phone["scroll"] <= phone["client"]  # on a phone the tables scroll in their own box
    assert shot.stat().st_size > 50_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info  # the print CSS: @page A4


# Every line box of every table header cell, title and heading, and of the narrative paragraphs,
# measured character by character with Range.getClientRects. A problem is a line holding a single
# Chinese character of a longer label ("社会公益组/织"), a break between two Chinese characters of
# one word (the page marks the places between words with <wbr>, so both sit in one text node), or
# a Latin word, number or URL host cut across lines ("www.weihai.gov.c/n", "22/3").
LINE_CHECK = r"""(() => {
  const ideograph = ch => /[\u3400-\u9fff]/.test(ch);
  const latin = ch => /[A-Za-z0-9]/.test(ch);
  const closing = ch => "，。、；：！？）》」』”’".includes(ch);
  const lines = el => {
    const vertical = getComputedStyle(el).writingMode.startsWith("vertical");
    const half = parseFloat(getComputedStyle(el).fontSize) / 2;
    const out = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node, index = 0;
    while ((node = walker.nextNode())) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || !node.data[i].trim()) continue;
        const key = vertical ? rect.left : rect.top;
        const last = out[out.length - 1];
        if (!last || Math.abs(key - last.key) > half) out.push({key, chars: []});
        out[out.length - 1].chars.push({ch: node.data[i], node: index});
      }
      index++;
    }
    return out;
  };
  const problems = [];
  let labels = 0;
  for (const el of document.querySelectorAll(".xladdin-report th, .xladdin-report h1, .xladdin-report h2, .xladdin-report h3")) {
    labels++;
    const found = lines(el);
    const total = found.reduce((n, l) => n + l.chars.filter(c => ideograph(c.ch)).length, 0);
    const shown = found.map(l => l.chars.map(c => c.ch).join("")).join("/");
    for (const [i, line] of found.entries()) {
      const body = line.chars.filter(c => !closing(c.ch));  // "织）" is one character alone, "（三）" is not
      if (total > 1 && body.length === 1 && ideograph(body[0].ch)) problems.push("single character: " + shown);
      const next = found[i + 1];
      if (!next) continue;
      const a = line.chars[line.chars.length - 1], b = next.chars[0];
      if (a.node === b.node && ideograph(a.ch) && ideograph(b.ch)) problems.push("inside a word: " + shown);
    }
  }
  for (const el of document.querySelectorAll(".xladdin-report p")) {
    const found = lines(el);
    for (let i = 0; i + 1 < found.length; i++) {
      const a = found[i].chars[found[i].chars.length - 1], b = found[i + 1].chars[0];
      if (latin(a.ch) && latin(b.ch)) problems.push("Latin cut: " + found[i].chars.slice(-12).map(c => c.ch).join("") + "/" + found[i + 1].chars.slice(0, 12).map(c => c.ch).join(""));
    }
  }
  const vertical = [...document.querySelectorAll(".xladdin-report th")]
    .filter(th => getComputedStyle(th).writingMode.startsWith("vertical")).map(th => th.textContent);
  return JSON.stringify({labels, vertical, problems: [...new Set(problems)]});
})()"""


@needs_chromium
def test_line_check_sees_words_cut(example, tmp_path):
    """The line check can fail: the same page without the <wbr> and keep-all and with the old
    `word-break: break-all` on paragraphs, at 1200 px."""
    from _chromium import open_page

    page = tmp_path / "plain.html"
    html = render_html(example).replace("<wbr>", "").replace("word-break: keep-all;", "")
    html = html.replace("overflow-wrap: anywhere; /* only", "word-break: break-all; /* only")
    page.write_text(html, encoding="utf-8")
    problems = json.loads(open_page(page, expression=LINE_CHECK, width=1200)["value"])["problems"]
    assert "single character: 社会公益组/织" in problems and "single character: 法律服务机/构" in problems
    assert any(p.startswith("Latin cut: ") for p in problems), problems


@needs_chromium
@pytest.mark.parametrize("width", [1200, 390])
def test_screenshots_labels_break_between_words(example, tmp_path, width):
    """Desktop and phone: the page screenshot under tests/artifacts/, and no header cell, title
    or heading line breaks inside a word or holds one character alone; no URL or number is cut."""
    from _chromium import open_page

    page = export(example, "html", tmp_path / "weihai.html")
    shot = ARTIFACTS / f"export-weihai-2024-{width}px.png"
    ARTIFACTS.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    result = open_page(page, screenshot=shot, expression=LINE_CHECK, width=width)
    assert result["errors"] == []
    measured = json.loads(result["value"])
    assert measured["labels"] >= 80  # every header cell of the three tables, the title, the headings
    assert measured["vertical"] == ["三、本年度办理结果"]  # the 8 mm column's group label
    assert measured["problems"] == [], measured["problems"]
    assert shot.stat().st_size > 50_000
