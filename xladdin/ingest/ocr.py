"""Offline OCR of PDF pages that are images (a scan, a photo): page image -> word boxes and
ruling lines, for pdf_tables.page_blocks.

Two engines behind one small interface (`OcrEngine.words(image) -> list[Word]`), both offline:
RapidOCR (PP-OCR models inside the `rapidocr-onnxruntime` wheel; the default: it reads the
table digits and labels of a 200 dpi scan far better) and Tesseract (Debian's `tesseract-ocr`
with `tesseract-ocr-chi-sim`, used when RapidOCR is not installed). Nothing is downloaded at
run time. `XLADDIN_OCR=tesseract` or `rapidocr` picks one explicitly.

Ruling lines are found in the image itself (long runs of dark pixels outside the word boxes),
so the table grid comes from the drawing, not from guessing column positions.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
from functools import lru_cache
from typing import Protocol

import numpy as np
from PIL import Image

from ..errors import InputError
from .pdf_tables import Segment, Word

# A scanned report is a few pages; each page is rendered with its long side at RENDER_SIDE
# pixels (about 170 dpi on A4: RapidOCR scales larger images down to 2000 px anyway).
MAX_OCR_PAGES = 60
RENDER_SIDE = 2000
MAX_IMAGE_PIXELS = 80_000_000  # an embedded image larger than this is refused before decoding
PAGE_SECONDS = 180.0  # time budget per page (the whole file gets pages × this)


class OcrEngine(Protocol):
    name: str

    def words(self, image: Image.Image) -> list[Word]: ...


class RapidEngine:
    name = "RapidOCR"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR(use_cls=False, print_verbose=False)

    def words(self, image: Image.Image) -> list[Word]:
        result, _ = self._ocr(np.asarray(image.convert("RGB")), use_cls=False)
        out = []
        for box, text, conf in result or []:
            xs = [p[0] for p in box]
            ys = [p[1] for p in box]
            out.append(Word(str(text), min(xs), min(ys), max(xs), max(ys), float(conf)))
        return out


class TesseractEngine:
    name = "Tesseract"

    def __init__(self) -> None:
        self._exe = shutil.which("tesseract") or ""

    def words(self, image: Image.Image) -> list[Word]:
        buf = io.BytesIO()
        erase_rulings(image).save(buf, format="PNG")  # Tesseract reads table rules as text
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        proc = subprocess.run(
            [self._exe, "stdin", "stdout", "-l", "chi_sim+eng", "--psm", "6", "tsv"],
            input=buf.getvalue(), capture_output=True, timeout=PAGE_SECONDS, env=env, check=False,
        )
        if proc.returncode != 0:
            raise InputError(f"文字识别（Tesseract）失败：{proc.stderr.decode('utf-8', 'replace').strip()[:200]}")
        out = []
        rows = csv.DictReader(io.StringIO(proc.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE)
        for r in rows:
            text = (r.get("text") or "").strip()
            if r.get("level") == "5" and text:
                x, y, w, h = (int(r[k]) for k in ("left", "top", "width", "height"))
                out.append(Word(text, x, y, x + w, y + h, float(r.get("conf") or 0) / 100))
        return out


# RapidOCR, onnxruntime and OpenCV are the optional extra xladdin[ocr] (about 290 MB): a clerk
# filling a workbook never reads a scan. Said once, for every way of installing.
INSTALL_OCR = ("安装文字识别组件 xladdin[ocr]（离线安装包：Windows 运行“安装.cmd ocr”，Linux 运行“bash install.sh --ocr”；"
               "源码目录中：pip install -e \".[ocr]\"），或安装 Tesseract（tesseract-ocr、tesseract-ocr-chi-sim）")


@lru_cache(maxsize=2)
def engine(name: str = "") -> OcrEngine:
    """The OCR engine: `name` or $XLADDIN_OCR, else RapidOCR if installed, else Tesseract."""
    wanted = (name or os.environ.get("XLADDIN_OCR", "")).lower()
    if wanted in ("", "rapidocr"):
        try:
            return RapidEngine()
        except ImportError:
            if wanted:
                raise InputError("未安装文字识别引擎 RapidOCR：请" + INSTALL_OCR.split("，或安装 Tesseract")[0]) from None
    if shutil.which("tesseract"):
        return TesseractEngine()
    raise InputError("这是扫描件（页面只有图片，没有文字），读取需要文字识别，本机没有安装：请" + INSTALL_OCR)


def require_engine(path: str) -> OcrEngine:
    """engine(), its refusal naming the scanned file."""
    try:
        return engine()
    except InputError as exc:
        if exc.path:
            raise
        raise InputError(str(exc), path=path) from None


def _runs(dark: np.ndarray, min_len: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of True along axis 1 at least `min_len` long."""
    padded = np.zeros((dark.shape[0], dark.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = dark
    d = np.diff(padded, axis=1)
    rs, starts = np.nonzero(d == 1)
    _, ends = np.nonzero(d == -1)
    keep = (ends - starts) >= min_len
    return list(zip(rs[keep].tolist(), starts[keep].tolist(), ends[keep].tolist(), strict=True))


def _merge(runs: list[tuple[int, int, int]], horizontal: bool, gap: int) -> list[Segment]:
    """Runs on neighbouring pixel rows (a line a few pixels thick) as one segment."""
    segs: list[list[float]] = []  # [first, last, a, b]
    open_segs: list[list[float]] = []  # segments that reach the previous few pixel rows
    for r, a, b in sorted(runs):
        open_segs = [s for s in open_segs if r - s[1] <= gap]
        s = next((s for s in open_segs if a <= s[3] and s[2] <= b), None)
        if s is not None:
            s[1], s[2], s[3] = r, min(s[2], a), max(s[3], b)
        else:
            segs.append([r, r, a, b])
            open_segs.append(segs[-1])
    return [Segment(horizontal, (s[0] + s[1]) / 2, s[2], s[3]) for s in segs]


def ruling_lines(image: Image.Image, words: list[Word]) -> list[Segment]:
    """Horizontal and vertical ruling lines of the image, ignoring the strokes of the words."""
    gray = np.asarray(image.convert("L"))
    dark = gray < 160
    for w in words:  # text strokes are not rules
        pad = 0.15 * w.height
        dark[int(w.top + pad) : int(w.bottom - pad) + 1, int(w.x0 + pad) : int(w.x1 - pad) + 1] = False
    h = float(np.median([w.height for w in words])) if words else 20.0
    min_len = max(8, int(1.2 * h))
    horizontal = _merge(_runs(dark, min_len), True, 2)
    vertical = _merge(_runs(dark.T.copy(), min_len), False, 2)
    return [s for s in horizontal + vertical if s.b - s.a >= min_len]


def erase_rulings(image: Image.Image, min_len: int = 60) -> Image.Image:
    """The image with its long ruling lines painted white (grayscale)."""
    gray = np.asarray(image.convert("L")).copy()
    for s in ruling_lines(image, []):
        if s.b - s.a < min_len:
            continue
        p = int(round(s.pos))
        if s.horizontal:
            gray[max(0, p - 3) : p + 4, int(s.a) : int(s.b) + 1] = 255
        else:
            gray[int(s.a) : int(s.b) + 1, max(0, p - 3) : p + 4] = 255
    return Image.fromarray(gray)


def check_images(page_number: int, images: list[dict]) -> None:
    for im in images:
        w, h = im.get("srcsize", (0, 0))
        if w * h > MAX_IMAGE_PIXELS:
            raise InputError(
                f"第{page_number}页的图片过大（{int(w)}×{int(h)} 像素，超过上限 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素），不予识别"
            )


def render(path: str, page_index: int, width: float, height: float) -> Image.Image:
    """One page as an image, its long side RENDER_SIDE pixels."""
    import pypdfium2 as pdfium

    scale = RENDER_SIDE / max(width, height, 1.0)
    doc = pdfium.PdfDocument(path)
    try:
        return doc[page_index].render(scale=scale, grayscale=True).to_pil()
    finally:
        doc.close()


class Budget:
    """The time allowed for the OCR of a file: PAGE_SECONDS per page to read."""

    def __init__(self, pages: int) -> None:
        self.pages = pages
        self.limit = PAGE_SECONDS * pages
        self.start = time.monotonic()

    def check(self, done: int) -> None:
        spent = time.monotonic() - self.start
        if spent > self.limit:
            raise InputError(
                f"文字识别超过时间上限（{spent:.0f} 秒内识别了 {done}/{self.pages} 页，每页上限 {PAGE_SECONDS:.0f} 秒）"
            )


def check_pages(pages: int) -> None:
    if pages > MAX_OCR_PAGES:
        raise InputError(f"此 PDF 有 {pages} 页扫描图片，超过文字识别上限 {MAX_OCR_PAGES} 页，不像一份年度报告")


def page_words(image: Image.Image, name: str = "") -> tuple[list[Word], list[Segment]]:
    """OCR one page image: its words and its ruling lines; then a second look at every table
    cell that holds ink but no word (reread_cells)."""
    eng = engine(name)
    words = [w for w in eng.words(image) if w.text.strip()]
    segments = ruling_lines(image, words)
    return words + reread_cells(image, words, segments, eng), segments


VALUE = re.compile(r"^[0-9０-９.,，/／\-—－]+$")  # what a table value cell prints
MIN_INK = 25  # dark pixels of a lone "0" at RENDER_SIDE (about 120); specks and rule ends stay below


def _positions(values: list[float], gap: float = 4.0) -> list[float]:
    """Ruling positions with lines a few pixels apart taken as one."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= gap:
            continue
        out.append(v)
    return out


def reread_cells(image: Image.Image, words: list[Word], segments: list[Segment], eng: OcrEngine) -> list[Word]:
    """Words the page pass missed in table cells: a lone "0" in a ruled cell is sometimes not
    detected on a whole page (RapidOCR: the total of one row of a 200 dpi scan). Each
    rectangle between neighbouring rules that holds ink outside every word box is read on its
    own; only a value (digits, "/", "-") is taken, so a label is never pieced together twice."""
    h_lines = _positions([s.pos for s in segments if s.horizontal])
    v_lines = _positions([s.pos for s in segments if not s.horizontal])
    if len(h_lines) < 2 or len(v_lines) < 2:
        return []
    gray = np.asarray(image.convert("L"))
    dark = gray < 160
    for w in words:  # ink already read
        dark[max(0, int(w.top) - 4) : int(w.bottom) + 5, max(0, int(w.x0) - 4) : int(w.x1) + 5] = False
    found: list[Word] = []
    margin = 5  # keep the rules themselves out of the cell
    for top, bottom in zip(h_lines, h_lines[1:], strict=False):
        for left, right in zip(v_lines, v_lines[1:], strict=False):
            y0, y1, x0, x1 = int(top) + margin, int(bottom) - margin, int(left) + margin, int(right) - margin
            if y1 - y0 < 10 or x1 - x0 < 10 or int(dark[y0:y1, x0:x1].sum()) < MIN_INK:
                continue
            crop = Image.new("L", (x1 - x0 + 40, y1 - y0 + 40), 255)
            crop.paste(image.convert("L").crop((x0, y0, x1, y1)), (20, 20))
            for w in eng.words(crop):
                text = w.text.strip()
                if VALUE.match(text):
                    found.append(Word(text, w.x0 - 20 + x0, w.top - 20 + y0, w.x1 - 20 + x0, w.bottom - 20 + y0, w.conf))
    return found
