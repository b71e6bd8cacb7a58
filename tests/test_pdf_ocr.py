"""PDFs read by geometry, and scans read by offline OCR, on the seed report exported with
xladdin's own exporter (LibreOffice): the born-digital PDF rebuilt from word boxes and ruling
lines, and the same PDF rendered to 200 dpi images and wrapped as an image-only PDF. All 200
values right, the six sections found, every cell noted as read by OCR; the OCR limits (pages,
pixels, time) refuse with Chinese messages."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import EXAMPLE_JSON
from ingest_docs import scan_pdf
from PIL import Image, ImageDraw, ImageFont

from xladdin.errors import InputError
from xladdin.export import export_many
from xladdin.ingest import ocr, read_published
from xladdin.ingest.pdf import OCR_MARK, pdf_lines
from xladdin.ingest.reader import parse_lines
from xladdin.report import Report
from xladdin.spec import SPEC

BLANKS = ("t3.new.biz", "t3.open.total", "t2.norm_repealed", "t4.review_keep")
# borderless: a blank first or last cell of table 四's single row leaves no gap to see
BORDERLESS_BLANKS = ("t3.new.biz", "t3.open.total", "t2.norm_repealed", "t4.suit_direct_other")
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # fonts-noto-cjk (.ci/run)


@pytest.fixture(scope="module")
def seed() -> Report:
    return Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory, seed: Report) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdfocr")
    blanks = copy.deepcopy(seed)
    for key in BLANKS:
        blanks.values[key] = None
    seed, with_blanks = export_many([(seed, folder / "seed.pdf"), (blanks, folder / "blanks.pdf")], "pdf")
    return {"seed": seed, "blanks": with_blanks, "scan": scan_pdf(seed, folder / "scan.pdf", 200)}


@pytest.fixture(scope="module")
def scanned(pdfs: dict[str, Path]) -> Report:
    return read_published(pdfs["scan"])


def test_geometry_reading_of_the_exported_pdf(pdfs: dict[str, Path], seed: Report) -> None:
    lines = pdf_lines(pdfs["seed"], geometry=True)
    got = parse_lines(lines, str(pdfs["seed"]))
    assert {k: got.values[k] for k in SPEC.keys} == {k: seed.values[k] for k in SPEC.keys}
    assert [h["section"] for h in got.observed["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    # a label printed over two lines of one cell is one cell
    assert any(ln.cells and ln.cells[0].startswith("（二）部分公开（区分处理的，只") and "不计其他情形" in ln.cells[0]
               for ln in lines)  # fmt: skip


def test_geometry_keeps_printed_blanks_blank(pdfs: dict[str, Path], seed: Report) -> None:
    got = parse_lines(pdf_lines(pdfs["blanks"], geometry=True), str(pdfs["blanks"]))
    for key in SPEC.keys:
        assert got.values[key] == (None if key in BLANKS else seed.values[key]), key


def test_borderless_table_blanks_stay_in_their_columns(tmp_path: Path, seed: Report) -> None:
    """The seed with four printed blanks, as a web page with borderless tables printed to PDF
    by Chromium: the text reading sees six numbers for seven cells (and the identities would
    fill the gap); the numbers' columns say which cell is blank."""
    from _chromium import open_page
    from ingest_docs import to_html

    blanks = copy.deepcopy(seed)
    for key in BORDERLESS_BLANKS:
        blanks.values[key] = None
    page = tmp_path / "无边框.html"
    page.write_bytes(to_html(blanks).replace(b"border='1'", b"border='0'").replace(b"td{border:1px solid}", b""))
    pdf = tmp_path / "无边框.pdf"
    open_page(page, pdf=pdf)
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        assert not any(p.edges for p in doc.pages)  # really borderless
    got = read_published(pdf)
    assert got.observed["pdf_reading"] == "geometry"
    for key in SPEC.keys:
        assert got.values[key] == (None if key in BORDERLESS_BLANKS else seed.values[key]), key


def test_scan_has_no_text_layer(pdfs: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(str(pdfs["scan"])) as pdf:
        assert all(not p.chars and p.images for p in pdf.pages)


def test_scan_read_by_ocr_all_200_values(scanned: Report, seed: Report) -> None:
    wrong = {k: (scanned.values[k], seed.values[k]) for k in SPEC.keys if scanned.values[k] != seed.values[k]}
    assert wrong == {}
    assert [h["section"] for h in scanned.observed["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert scanned.observed["tables"] == ["t2", "t3", "t4"]
    assert (scanned.meta.agency, scanned.meta.year) == (seed.meta.agency, seed.meta.year)


def test_scan_values_say_they_came_from_ocr(scanned: Report) -> None:
    info = scanned.observed["ocr"]
    assert info["engine"].startswith("RapidOCR") and info["pages"][0] == 1
    for key in SPEC.keys:
        assert OCR_MARK in scanned.addresses[key], key
        assert f"文字识别（{info['engine']}）" in scanned.notes[key], key


def _image_pdf(path: Path, pages: int, size: tuple[int, int] = (200, 280)) -> Path:
    images = [Image.new("L", size, 255) for _ in range(pages)]
    images[0].save(path, save_all=True, append_images=images[1:], resolution=72)
    return path


def test_too_many_scanned_pages_refused_before_ocr(tmp_path: Path) -> None:
    path = _image_pdf(tmp_path / "扫描.pdf", ocr.MAX_OCR_PAGES + 1)
    with pytest.raises(InputError, match=rf"文件“.*扫描.pdf”：此 PDF 有 {ocr.MAX_OCR_PAGES + 1} 页扫描图片，超过文字识别上限"):
        read_published(path)


def test_oversized_image_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "MAX_IMAGE_PIXELS", 199 * 280)
    with pytest.raises(InputError, match="第1页的图片过大（200×280 像素"):
        read_published(_image_pdf(tmp_path / "大图.pdf", 1))


def test_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "PAGE_SECONDS", 0.0)
    with pytest.raises(InputError, match=r"文字识别超过时间上限（\d+ 秒内识别了 1/2 页"):
        read_published(_image_pdf(tmp_path / "慢.pdf", 2))


def test_blank_scan_says_no_text(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="没有可读取的文字（扫描图片经文字识别也未读出文字）"):
        read_published(_image_pdf(tmp_path / "白纸.pdf", 1))


@pytest.mark.parametrize("name", list(ocr.WHEELS))
def test_both_wheels_detect_and_recognise(name: str) -> None:
    """Each OCR wheel's bundled models: the detector finds the label and the number (PP-OCRv4's
    misses the lone "0": why cells are read by recognition alone), the recogniser reads each crop
    alone — the lone "0" too — with each character's runner-up."""
    im = Image.new("L", (900, 120), 255)
    d = ImageDraw.Draw(im)
    font = ImageFont.truetype(CJK_FONT, 40)
    d.text((20, 35), "行政规范性文件", font=font, fill=0)
    d.text((520, 35), "12", font=font, fill=0)
    d.text((720, 35), "0", font=font, fill=0)
    import numpy as np

    gray = np.asarray(im)
    eng = ocr.engine(name)
    boxes = eng.detect(gray)
    assert any(480 < x1 < 640 for _, _, x1, _ in boxes)  # boxes in image pixels
    crops = [gray[y0:y1, x0:x1] for x0, y0, x1, y1 in sorted(boxes)][:2]
    texts = [r.text for r in eng.recognise(crops)]
    assert texts == ["行政规范性文件", "12"]
    zero = eng.recognise([gray[20:100, 700:770]])[0]
    assert zero.chars[0].alt != zero.text  # a runner-up that is another character
    from xladdin.ingest.scan_grid import Cell
    from xladdin.ingest.scan_page import CellRead
    from xladdin.ingest.scan_tables import cell_value

    # PP-OCRv6 reads "0"; PP-OCRv4 reads the letter "o", which the table reader takes for 0
    assert cell_value(CellRead(Cell(0, 0, 1, 1, (0, 0, 1, 1)), [zero], True), "count").text == "0"
