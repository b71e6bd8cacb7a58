"""Scans as offices make them, from reports whose every cell is known: the report is printed in
the official layout (xladdin's own Word export, converted by LibreOffice), rasterised at 150 or
200 dpi (poppler's pdftoppm) and spoilt the way a scanner or a phone spoils a page — a slight
rotation, blur, noise, a tinted background, JPEG; one page photographed (perspective skew,
uneven light); table 三 split across pages without its header repeated. The spoilt pages are
wrapped as an image-only PDF.

Shared by tests/test_scans.py (a few pages) and bench/scan_bench.py (every report).
"""

from __future__ import annotations

import copy
import io
import random
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.values import Value, is_absent, is_doubt

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"
EXAMPLE = ROOT / "examples" / "weihai-2024.json"


def printed(report: Report) -> Report:
    """The report as its print shows it: a cell the source never printed prints blank; a cell
    its reader left in doubt prints its first candidate reading (the truth of the scan)."""
    out = copy.deepcopy(report)
    for key in SPEC.keys:
        v = out.values.get(key)
        if is_absent(v):
            out.values[key] = None
        elif is_doubt(v):
            out.values[key] = v.readings[0] if v.readings else None
    return out


def truth_reports() -> dict[str, Report]:
    """Name -> Report: the example and every real report with a truth file, read from its
    committed source (the scoreboard pins those readings at 2000/2000 cells right)."""
    from xladdin.load import load_report

    out = {"weihai-2024": Report.from_json(EXAMPLE.read_text(encoding="utf-8"))}
    for truth in sorted((REAL / "truth").glob("*.json")):
        import json

        source = json.loads(truth.read_text(encoding="utf-8"))["source"]
        out[truth.stem] = load_report(REAL / source)
    return {name: printed(r) for name, r in out.items()}


def print_pdfs(reports: dict[str, Report], folder: Path, repeat_header: bool = True) -> dict[str, Path]:
    """Each report as the PDF of xladdin's Word export (one LibreOffice run for all). Without
    `repeat_header`, table 三's header is not repeated where the table runs onto a new page."""
    from xladdin.export.docx import write_docx
    from xladdin.export.pdf import convert

    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for i, (_name, report) in enumerate(reports.items()):
        doc = write_docx(report, folder / f"d{i:03d}.docx")
        if not repeat_header:
            _drop_repeated_headers(doc)
        docs.append(doc)
    pdfs = convert(docs, folder)
    return dict(zip(reports, pdfs, strict=True))


def _drop_repeated_headers(docx: Path) -> None:
    with zipfile.ZipFile(docx) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:tblHeader/>", b"")
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def rasterise(pdf: Path, dpi: int) -> list[Image.Image]:
    with tempfile.TemporaryDirectory(prefix="scan-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        pngs = sorted(Path(tmp).glob("p-*.png"), key=lambda q: int(q.stem.split("-")[1]))
        return [Image.open(q).convert("RGB") for q in pngs]


def table3_pages(pdf: Path) -> list[int]:
    """1-based pages of the PDF that hold rows of table 三 (by its text layer)."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        return [i for i, p in enumerate(doc.pages, start=1) if re.search(r"予以公开|不予处理|结转下年度", p.extract_text() or "")]


@dataclass(frozen=True)
class Spoil:
    """How one page is spoilt."""

    angle: float = 0.0  # degrees, counter-clockwise
    blur: float = 0.0  # Gaussian radius in pixels
    noise: float = 0.0  # standard deviation of added noise (0-255 scale)
    tint: tuple[int, int, int] = (255, 255, 255)  # paper colour
    jpeg: int = 0  # JPEG quality (0: none)
    photo: bool = False  # perspective skew and uneven light, on a darker desk


def spoil(image: Image.Image, how: Spoil, rng: random.Random) -> Image.Image:
    a = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    tint = np.array(how.tint, dtype=np.float32) / 255.0
    a = a * tint  # ink stays dark, paper takes the tint
    im = Image.fromarray(np.clip(a * 255, 0, 255).astype(np.uint8))
    fill = tuple(int(c) for c in how.tint)
    if how.photo:
        im = _photograph(im, rng)
    if how.angle:
        im = im.rotate(how.angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    if how.blur:
        im = im.filter(ImageFilter.GaussianBlur(how.blur))
    if how.noise:
        n = np.random.default_rng(rng.randrange(1 << 30)).normal(0, how.noise, (im.height, im.width, 1))
        im = Image.fromarray(np.clip(np.asarray(im, dtype=np.float32) + n, 0, 255).astype(np.uint8))
    if how.jpeg:
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=how.jpeg)
        im = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return im


def _photograph(im: Image.Image, rng: random.Random) -> Image.Image:
    """The page as a phone sees it: on a grey desk, its corners pulled unevenly (perspective),
    brighter on one side than the other."""
    import cv2

    w, h = im.size
    pad = int(0.06 * w)
    desk = Image.new("RGB", (w + 2 * pad, h + 2 * pad), (92, 88, 80))
    desk.paste(im, (pad, pad))
    src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
    j = 0.035 * w
    dst = src + np.float32([[rng.uniform(0, j), rng.uniform(0, j)], [-rng.uniform(0, j), rng.uniform(0, j)],
                            [-rng.uniform(0, j / 3), -rng.uniform(0, j / 3)], [rng.uniform(0, j / 3), -rng.uniform(0, j / 3)]])  # fmt: skip
    m = cv2.getPerspectiveTransform(src, dst)
    a = cv2.warpPerspective(np.asarray(desk), m, desk.size, flags=cv2.INTER_CUBIC, borderValue=(92, 88, 80))
    yy, xx = np.mgrid[0 : a.shape[0], 0 : a.shape[1]].astype(np.float32)
    light = 0.62 + 0.38 * (0.6 * xx / a.shape[1] + 0.4 * (1 - yy / a.shape[0]))
    return Image.fromarray(np.clip(a * light[..., None], 0, 255).astype(np.uint8))


def random_spoil(rng: random.Random, photo: bool = False) -> Spoil:
    return Spoil(
        angle=rng.choice((-1, 1)) * rng.uniform(0.3, 1.5),
        blur=rng.uniform(0.4, 0.9),
        noise=rng.uniform(3, 9),
        tint=(rng.randint(236, 252), rng.randint(228, 246), rng.randint(205, 230)),
        jpeg=rng.randint(55, 80),
        photo=photo,
    )


def image_pdf(images: list[Image.Image], out: Path, dpi: int) -> Path:
    """An image-only PDF (no text layer), each page one JPEG image at `dpi`."""
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi, quality=85)
    return out


def make_scan(pdf: Path, out: Path, dpi: int, seed: int, photo_page: int | None = None,
              clean: bool = False) -> Path:  # fmt: skip
    """The printed PDF as a spoilt scan (`clean`: rasterised only). `photo_page` (1-based) is
    photographed instead of scanned."""
    rng = random.Random(seed)
    pages = rasterise(pdf, dpi)
    if not clean:
        pages = [spoil(p, random_spoil(rng, photo=(i == photo_page)), rng) for i, p in enumerate(pages, start=1)]
    return image_pdf(pages, out, dpi)


def cell_truth(report: Report) -> dict[str, Value]:
    return {k: report.values.get(k) for k in SPEC.keys}
