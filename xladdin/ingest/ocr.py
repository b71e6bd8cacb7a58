"""Offline OCR: the PP-OCR text detector and recogniser, run with onnxruntime on the model
files that ship inside an OCR wheel (nothing is downloaded, ever).

Two wheels carry the models (`XLADDIN_OCR` picks one; default: the first installed):
- `rapidocr` 3.x: PP-OCRv6 small detector and recogniser (the default: on the same 11 generated
  150 dpi scans of the real reports it read 2200/2200 cells right where v4 left 34 in doubt, with
  about 12% less CPU; v4 reads a lone "0" as the letter "o"; bench/scan_bench.py);
- `rapidocr-onnxruntime` 1.4 (`XLADDIN_OCR=rapidocr-onnxruntime`): PP-OCRv4.
Only the model files and their character lists are used; the packages' own pipelines are not,
because the table reader needs what they do not give: recognition alone on a cell crop (whole-page
detection misses a lone "0"), and each character's runner-up with its probability (an "8" that
may be a "0" is a reading in doubt, not a number).

Every import of the OCR stack (onnxruntime, OpenCV) is inside this module's functions, so that
xladdin works without it and says in Chinese what to install when a scan needs it. Models are
loaded once per process (`engine()` is cached), with few threads: a batch runs one worker per core.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..errors import InputError

MAX_OCR_PAGES = 60
MAX_IMAGE_PIXELS = 80_000_000  # an embedded image larger than this is refused before decoding
PAGE_SECONDS = 60.0  # time budget per page (the whole file gets pages × this)
REC_HEIGHT = 48  # the recogniser's input height
REC_BATCH = 16
REC_BATCH_WIDTH = 1000  # pixels of padded width per batch: the output is width/8 × 18710 floats
DET_SIDE = 960  # the detector sees the page with its long side at most this many pixels
DET_STRIP = 256  # rows of the detector's input per run (a multiple of 32)
DET_OVERLAP = 64  # rows two strips share, so that no text line is cut

# No index has xladdin: the offline bundle's scripts or the source tree install the extra.
INSTALL_OCR = (
    "安装文字识别组件 xladdin[ocr]（离线安装包：Windows 运行“安装.cmd ocr”，Linux 运行“bash install.sh --ocr”；"
    "源码目录中：pip install -e \".[ocr]\"；即 rapidocr、onnxruntime、opencv-python-headless，"
    "模型随安装包提供，运行时不下载）"
)
MISSING = "这是扫描件（页面只有图片，没有文字），读取需要离线文字识别，本机没有安装：请" + INSTALL_OCR

# (package, detector file, recogniser file) in order of preference
WHEELS = {
    "rapidocr": ("rapidocr", "models/PP-OCRv6_det_small.onnx", "models/PP-OCRv6_rec_small.onnx"),
    "rapidocr-onnxruntime": (
        "rapidocr_onnxruntime",
        "models/ch_PP-OCRv4_det_infer.onnx",
        "models/ch_PP-OCRv4_rec_infer.onnx",
    ),
}
NAMES = {"rapidocr": "RapidOCR PP-OCRv6", "rapidocr-onnxruntime": "RapidOCR PP-OCRv4"}


@dataclass(frozen=True)
class Char:
    """One recognised character, its probability, and the runner-up (another character the
    recogniser gave the most weight at that place) with its probability."""

    text: str
    prob: float
    alt: str = ""
    alt_prob: float = 0.0


@dataclass(frozen=True)
class Reading:
    """What the recogniser read in one crop."""

    text: str
    chars: tuple[Char, ...] = ()

    @property
    def conf(self) -> float:
        return min((c.prob for c in self.chars), default=0.0)


def _package_dir(module: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def available() -> list[str]:
    """Wheels installed here whose model files are present, in order of preference."""
    out = []
    for name, (module, det, rec) in WHEELS.items():
        folder = _package_dir(module)
        if folder is not None and (folder / det).is_file() and (folder / rec).is_file():
            out.append(name)
    return out


def threads() -> int:
    """Threads per model: XLADDIN_OCR_THREADS, else up to 2 (a pool runs a worker per core)."""
    try:
        return max(1, int(os.environ.get("XLADDIN_OCR_THREADS", "")))
    except ValueError:
        return max(1, min(2, os.cpu_count() or 1))


class Engine:
    """The detector and the recogniser of one wheel, as onnxruntime sessions."""

    def __init__(self, wheel: str) -> None:
        try:
            import cv2  # noqa: F401 - needed by the image steps; fail here with the same message
            import onnxruntime as ort
        except ImportError as exc:
            raise InputError(MISSING) from exc
        module, det, rec = WHEELS[wheel]
        folder = _package_dir(module)
        if folder is None:
            raise InputError(MISSING)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads()
        opts.inter_op_num_threads = 1
        opts.enable_cpu_mem_arena = False  # inputs change size with every crop: no arena to grow
        opts.log_severity_level = 3
        self.name = NAMES[wheel]
        self.wheel = wheel
        self.det = ort.InferenceSession(str(folder / det), opts, providers=["CPUExecutionProvider"])
        self.rec = ort.InferenceSession(str(folder / rec), opts, providers=["CPUExecutionProvider"])
        chars = self.rec.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.charset = ["", *chars, " "]  # CTC blank first, space last (as PP-OCR trains it)
        self.det_in = self.det.get_inputs()[0].name
        self.rec_in = self.rec.get_inputs()[0].name
        self.digits = np.array([self.charset.index(d) for d in "0123456789"])

    # ------------------------------------------------------------------ recognition

    def recognise(self, crops: list[np.ndarray]) -> list[Reading]:
        """Each crop (grayscale, one line of text) read alone."""
        out: list[Reading] = [Reading("")] * len(crops)
        def width_of(i: int) -> int:
            return max(8, math.ceil(REC_HEIGHT * crops[i].shape[1] / max(1, crops[i].shape[0])))

        order = sorted(range(len(crops)), key=width_of)
        batches: list[list[int]] = []
        for i in order:  # widening order: a batch is full when its padded width would pass the cap
            if batches and len(batches[-1]) < REC_BATCH and (len(batches[-1]) + 1) * max(width_of(i), REC_HEIGHT * 2) <= REC_BATCH_WIDTH:
                batches[-1].append(i)
            else:
                batches.append([i])
        for idx in batches:
            widths = [width_of(i) for i in idx]
            width = max(max(widths), REC_HEIGHT * 2)
            batch = np.zeros((len(idx), 3, REC_HEIGHT, width), dtype=np.float32)
            for b, (i, w) in enumerate(zip(idx, widths, strict=True)):
                batch[b, :, :, :w] = _normalise(_resize(crops[i], w, REC_HEIGHT))[None]
            probs = self.rec.run(None, {self.rec_in: batch})[0]
            for b, i in enumerate(idx):
                out[i] = self._decode(probs[b, : max(1, math.ceil(probs.shape[1] * widths[b] / width))])
        return out

    def _decode(self, probs: np.ndarray) -> Reading:
        """CTC greedy decoding, keeping each character's runner-up (the best other character
        over the frames that make it)."""
        best = probs.argmax(axis=1)
        chars: list[Char] = []
        i = 0
        n = len(best)
        while i < n:
            k = int(best[i])
            j = i
            while j + 1 < n and best[j + 1] == k:
                j += 1
            if k != 0:
                frames = probs[i : j + 1]
                p = float(frames[:, k].max())
                other = frames.max(axis=0).copy()
                other[k] = 0
                other[0] = 0
                a = int(other.argmax())
                chars.append(Char(self.charset[k], p, self.charset[a], float(other[a])))
            i = j + 1
        return Reading("".join(c.text for c in chars), tuple(chars))

    # ------------------------------------------------------------------ detection

    def detect(self, gray: np.ndarray) -> list[tuple[int, int, int, int]]:
        """Boxes (x0, y0, x1, y1) of the text lines of a grayscale page (the detector sees it
        at DET_SIDE pixels at most; boxes are in the page's pixels)."""
        import cv2

        h, w = gray.shape
        scale = min(1.0, DET_SIDE / max(h, w))
        dh, dw = max(32, int(round(h * scale / 32)) * 32), max(32, int(round(w * scale / 32)) * 32)
        small = cv2.resize(gray, (dw, dh), interpolation=cv2.INTER_AREA)
        prob = np.zeros((dh, dw), dtype=np.float32)
        for top in range(0, dh, DET_STRIP - DET_OVERLAP):  # strips bound the model's memory
            bottom = min(dh, top + DET_STRIP)
            part = self.det.run(None, {self.det_in: _normalise(small[top:bottom])[None]})[0][0, 0]
            np.maximum(prob[top:bottom], part, out=prob[top:bottom])
            if bottom == dh:
                break
        mask = (prob > 0.3).astype(np.uint8)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        sx, sy = w / dw, h / dh
        boxes = []
        for c in range(1, n):
            x, y, bw, bh, area = stats[c]
            if bh < 2 or bw < 2:
                continue
            if float(prob[y : y + bh, x : x + bw][labels[y : y + bh, x : x + bw] == c].mean()) < 0.5:
                continue
            d = area * 1.6 / (2 * (bw + bh))  # DB's unclip: the detector shrinks text regions
            x0, y0 = max(0, (x - d) * sx), max(0, (y - d) * sy)
            x1, y1 = min(w, (x + bw + d) * sx), min(h, (y + bh + d) * sy)
            boxes.append((int(x0), int(y0), int(math.ceil(x1)), int(math.ceil(y1))))
        return boxes


def _resize(gray: np.ndarray, w: int, h: int) -> np.ndarray:
    import cv2

    return cv2.resize(gray, (w, h), interpolation=cv2.INTER_AREA if gray.shape[0] > h else cv2.INTER_CUBIC)


def _normalise(gray: np.ndarray) -> np.ndarray:
    """A grayscale image as the PP-OCR models take it: 3 channels, (x / 255 - 0.5) / 0.5."""
    x = gray.astype(np.float32) / 127.5 - 1.0
    return np.repeat(x[None], 3, axis=0)


@lru_cache(maxsize=2)
def engine(name: str = "") -> Engine:
    """The OCR engine of `name` or $XLADDIN_OCR, else the first wheel installed; loaded once
    per process."""
    wanted = (name or os.environ.get("XLADDIN_OCR", "")).lower()
    if wanted and wanted not in WHEELS:
        raise InputError(f"未知的文字识别引擎“{wanted}”（可用：{'、'.join(WHEELS)}）")
    have = available()
    if wanted and wanted not in have:
        raise InputError(f"未安装文字识别引擎 {wanted}：请" + INSTALL_OCR)
    if not have:
        raise InputError(MISSING)
    return Engine(wanted or have[0])


def check_images(page_number: int, images: list[dict]) -> None:
    for im in images:
        w, h = im.get("srcsize", (0, 0))
        if w * h > MAX_IMAGE_PIXELS:
            raise InputError(
                f"第{page_number}页的图片过大（{int(w)}×{int(h)} 像素，超过上限 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素），不予识别"
            )


def check_pages(pages: int) -> None:
    if pages > MAX_OCR_PAGES:
        raise InputError(f"此 PDF 有 {pages} 页扫描图片，超过文字识别上限 {MAX_OCR_PAGES} 页，不像一份年度报告")


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
