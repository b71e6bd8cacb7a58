"""PDF through LibreOffice headless, checked with poppler and pdfplumber: A4, page count, the
Chinese labels in the text, CJK fonts embedded (no DejaVu fallback), page numbers odd right /
even left, 22 lines × 28 characters. Also the fontconfig aliases and the missing-soffice message."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from xladdin.errors import OutputError
from xladdin.export import content as C
from xladdin.export import export_many
from xladdin.export.fontconfig import conf_for, packaged_conf, render_conf
from xladdin.export.settings import DEFAULT_FALLBACKS, ExportSettings
from xladdin.report import Meta, Report
from xladdin.spec import SPEC
from xladdin.spec.layout import grid

ARTIFACTS = Path(__file__).parent / "artifacts"
needs_lo = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed (.ci/run installs it)")
# One CJK paragraph without punctuation, so every full line holds exactly the 28 characters.
FILLER = "政府信息公开工作年度报告依法编制" * 180


# Preface lengths in lines that bring the heading "一、总体情况" to the last lines of page 2
# (page 1 holds the title and about 18 body lines, every further page 22).
HEADING_LINES = range(36, 40)


def _heading_at(lines: int) -> Report:
    """A report whose preface fills `lines` lines exactly (the first line is indented two
    characters), so that the first heading falls at a chosen place on the page."""
    report = Report(meta=Meta(agency="某某县人民政府办公室", year=2024, published="2025-01-20"))
    report.sections["preface"] = FILLER[: 26 + 28 * (lines - 1) - 1]
    report.sections["s1.intro"] = FILLER[:200]
    return report


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """Two reports in one soffice call: the example, and a text-heavy one with a 楷体 heading."""
    from conftest import EXAMPLE_JSON

    example = Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))
    dense = Report(meta=Meta(agency="某某县人民政府办公室", year=2024, published="2025-01-20"))
    dense.sections["s1.intro"] = "（一）主动公开情况"
    dense.sections["s5"] = FILLER
    out = tmp_path_factory.mktemp("pdf")
    jobs = [(example, out / "weihai.pdf"), (dense, out / "dense.pdf")]
    jobs += [(_heading_at(lines), out / f"heading-{lines}.pdf") for lines in HEADING_LINES]
    paths = export_many(jobs, "pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("export-pdf-*.png"):
        old.unlink()
    _run("pdftoppm", "-r", "60", "-png", str(paths[0]), str(ARTIFACTS / "export-pdf-weihai"))
    return {"example": paths[0], "dense": paths[1], "headings": paths[2:]}


@needs_lo
def test_a4_and_page_count(pdfs):
    info = _run("pdfinfo", str(pdfs["example"]))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 5 <= pages <= 9, pages


@needs_lo
def test_text_holds_the_chinese_labels_and_values(pdfs):
    text = re.sub(r"\s+", "", _run("pdftotext", str(pdfs["example"]), "-"))
    assert "\ufffd" not in text and "□" not in text
    wanted = ["威海市人力资源和社会保障局", "2024年政府信息公开工作年度报告", "2025年1月14日"]
    wanted += [C.section_heading(s) for s in SPEC.sections]
    assert [w for w in wanted if w not in text] == []
    # Table cells wrap over lines: read the tables back by their ruling lines, cell by cell.
    cells: list[str] = []
    with pdfplumber.open(pdfs["example"]) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                cells += [re.sub(r"\s+", "", c) for row in table for c in row if c]
    labels = {c.text for t in SPEC.tables for c in grid(t).cells if c.text}
    assert sorted(labels - set(cells)) == []
    assert "268.29" in cells and "19" in cells


@needs_lo
def test_narrow_group_label_runs_top_to_bottom(pdfs):
    """表三's "三、本年度办理结果" in its 8 mm column: one column of characters, one below the
    other (not two a line with "果" left alone)."""
    label = "本年度办理结果"
    columns: dict[int, list[dict]] = {}
    with pdfplumber.open(pdfs["example"]) as pdf:
        for page in pdf.pages:
            for c in page.chars:
                if c["x1"] < (28 + 8) * MM and c["text"] in "三、" + label:
                    columns.setdefault(round(c["x0"]), []).append(c)
    tallest = max(columns.values(), key=len)  # the characters standing one below the other
    assert "".join(c["text"] for c in sorted(tallest, key=lambda c: c["top"])) == "三、" + label


@needs_lo
def test_example_pdf_holds_every_number_of_the_seed(pdfs):
    from _export_support import digit_runs
    from conftest import SEED_TEXT

    text = _run("pdftotext", "-layout", str(pdfs["example"]), "-")  # -layout keeps "0631-" at a line end
    missing = digit_runs(SEED_TEXT.read_text(encoding="utf-8")) - digit_runs(text)
    assert not missing, sorted(missing)


@needs_lo
def test_every_narrative_character_in_order(pdfs, example):
    """The PDF's text holds each narrative paragraph of the seed character for character and
    in order (whitespace aside): nothing dropped at a line end, e.g. a hanging full-width comma."""
    # -layout keeps a hyphen at a line end ("0631-"); the page numbers "— n —" are not narrative.
    text = _run("pdftotext", "-layout", str(pdfs["example"]), "-")
    flat = re.sub(r"\s+", "", re.sub(r"—\s*\d+\s*—", "", text))
    position = 0
    for part, paragraph in C.narrative(example):
        wanted = re.sub(r"\s+", "", paragraph)
        found = flat.find(wanted, position)
        if found < 0:
            prefix = next(n for n in range(len(wanted)) if flat.find(wanted[: n + 1], position) < 0)
            pytest.fail(f"{part}: character {prefix} ({wanted[prefix]!r}) missing after {wanted[max(0, prefix - 12):prefix]!r}")
        position = found + len(wanted)
    assert position > 0


@needs_lo
def test_heading_never_ends_a_page(pdfs):
    """Keep-with-next: a heading is never the last body line of a page, wherever the text
    before it ends; in one of the reports the heading had to move to the next page."""
    heading = C.section_heading(SPEC.sections[0])
    moved = 0
    for path in pdfs["headings"]:
        with pdfplumber.open(path) as pdf:
            previous: list[str] = []
            for page in pdf.pages:
                body_bottom = page.height - 35 * MM + 2
                lines = [t["text"].replace(" ", "") for t in page.extract_text_lines() if t["bottom"] <= body_bottom]
                assert lines and lines[-1] != heading, (path.name, page.page_number, lines[-3:])
                if lines[0] == heading and page.page_number > 2 and len(previous) < 22:
                    moved += 1  # the page before ends early: the heading went with its text
                previous = lines
    assert moved >= 1


@needs_lo
def test_signature_per_gbt9704(pdfs):
    """成文日期右空四字; the agency name centred over the date (GB/T 9704 §7.3.5.1)."""
    char = (16 - 0.25) / MM  # one body character, in mm
    with pdfplumber.open(pdfs["example"]) as pdf:
        lines = {line["text"].replace(" ", ""): line for line in pdf.pages[-1].extract_text_lines()}
    date, agency = lines["2025年1月14日"], lines["威海市人力资源和社会保障局"]
    assert abs((210 - 26 - 4 * char) - date["x1"] / MM) <= 1.0, date["x1"] / MM
    middle = lambda line: (line["x0"] + line["x1"]) / 2 / MM  # noqa: E731
    assert abs(middle(agency) - middle(date)) <= 1.0, (middle(agency), middle(date))
    assert 0 < date["top"] - agency["bottom"] < 20  # the date on the line under the name


@needs_lo
def test_cjk_fonts_embedded_no_dejavu(pdfs):
    rows = _run("pdffonts", str(pdfs["dense"])).splitlines()[2:]
    names = [r.split()[0] for r in rows]
    assert rows and all(r.split()[-5] == "yes" for r in rows), rows  # emb column
    assert not any("DejaVu" in n for n in names), names
    joined = " ".join(names)
    assert "NotoSerifCJK" in joined  # 仿宋_GB2312 / 方正小标宋简体
    assert "NotoSansCJK" in joined  # 黑体
    assert "UKai" in joined  # 楷体_GB2312


MM = 72 / 25.4  # points per mm


@needs_lo
def test_page_numbers_odd_right_even_left(pdfs):
    """"— n —" in 4号: odd pages one character in from the right edge of the text block, even
    pages one character in from the left; the line about 7 mm below the text block."""
    one_char = 14 / MM  # a 4号 character, in mm
    with pdfplumber.open(pdfs["example"]) as pdf:
        assert len(pdf.pages) >= 2
        for number, page in enumerate(pdf.pages, start=1):
            words = [w for w in page.extract_words() if w["top"] > page.height - 35 * MM]
            assert "".join(w["text"] for w in words) == f"—{number}—"
            x0 = min(w["x0"] for w in words) / MM
            x1 = max(w["x1"] for w in words) / MM
            middle = (words[0]["top"] + words[0]["bottom"]) / 2 / MM
            assert abs(middle - (297 - 35 + 7)) <= 1.0, middle
            if number % 2:
                assert abs((210 - 26 - one_char) - x1) <= 1.0, (number, x1)
            else:
                assert abs((28 + one_char) - x0) <= 1.0, (number, x0)


@needs_lo
def test_22_lines_of_28_characters(pdfs):
    """GB/T 9704: a full page of body text holds 22 lines of 28 characters."""
    full_pages = []
    with pdfplumber.open(pdfs["dense"]) as pdf:
        for page in pdf.pages:
            body_bottom = page.height - 35 / 25.4 * 72
            lines = [line["text"] for line in page.extract_text_lines() if line["bottom"] <= body_bottom + 2]
            if lines and all(line[:4] in FILLER for line in lines) and all(len(line) == 28 for line in lines[1:-1]):
                full_pages.append(lines)
    assert len(full_pages) >= 3
    for lines in full_pages[1:-1]:  # the pages between the first and the last of the paragraph
        assert len(lines) == 22 and {len(line) for line in lines} == {28}, lines


@needs_lo
def test_timeout_kills_libreoffice(example, tmp_path):
    with pytest.raises(OutputError, match="超时"):
        export_many([(example, tmp_path / "a.pdf")], "pdf", settings=ExportSettings(timeout=0.3))
    assert not (tmp_path / "a.pdf").exists()
    mine = f"xladdin-lo-{os.getpid()}-"  # this process's LibreOffice profile
    leftover = subprocess.run(["pgrep", "-f", mine], capture_output=True, text=True).stdout.split()
    assert not leftover  # the whole process group is gone


def test_missing_soffice_names_the_package(example, tmp_path):
    settings = ExportSettings(soffice=str(tmp_path / "no-such-soffice"))
    with pytest.raises(OutputError) as err:
        export_many([(example, tmp_path / "a.pdf")], "pdf", settings=settings)
    assert "libreoffice-writer-nogui" in str(err.value) and "未找到 LibreOffice" in str(err.value)
    assert not list(tmp_path.iterdir())


def test_packaged_fontconfig_is_in_step_with_the_settings():
    assert packaged_conf().read_text(encoding="utf-8") == render_conf(DEFAULT_FALLBACKS)


def test_font_folder_goes_into_the_config(tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    conf = conf_for(ExportSettings().with_font_dir(fonts), tmp_path)
    assert f"<dir>{fonts}</dir>" in conf.read_text(encoding="utf-8")
    assert conf_for(ExportSettings(), tmp_path) == packaged_conf()


@pytest.mark.skipif(not shutil.which("fc-match"), reason="fontconfig tools not installed")
@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("仿宋_GB2312", "Noto Serif CJK SC"),
        ("方正小标宋简体", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC"),
        ("楷体_GB2312", "AR PL UKai CN"),
        ("宋体", "Noto Serif CJK SC"),
    ],
)
def test_aliases_map_official_names_to_installed_fonts(name, family):
    env = {"FONTCONFIG_FILE": str(packaged_conf()), "PATH": "/usr/bin:/bin"}
    found = subprocess.run(["fc-match", "-f", "%{family}", name], capture_output=True, text=True, env=env).stdout
    assert family in found.split(","), found
