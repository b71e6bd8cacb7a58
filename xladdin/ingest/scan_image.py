"""A scanned or photographed page made ready for reading: a photographed page is warped flat
(its four corners found against the darker desk), the paper's tint and uneven light divided
out, the page turned straight (the angle at which its ink lines up best), and the ink found.

All of it is OpenCV and numpy on a grayscale page at the resolution it is read at; the red
channel is used for colour pages, so a red seal over the text fades instead of hiding it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_ANGLE = 3.0  # degrees a scan may be turned (a photo is warped flat first)


@dataclass
class Prepared:
    gray: np.ndarray  # uint8, paper ~255, the page straight
    ink: np.ndarray  # bool, dark marks
    angle: float  # degrees turned
    warped: bool  # a photographed page warped flat
    dpi: float  # pixels per inch of `gray`


def as_gray(image: object) -> np.ndarray:
    """A PIL image as uint8 grayscale; for colour pages the red channel (a red seal vanishes,
    black text stays black)."""
    mode = getattr(image, "mode", "L")
    if mode in ("RGB", "RGBA", "CMYK", "P"):
        return np.asarray(image.convert("RGB"))[:, :, 0].copy()  # type: ignore[attr-defined]
    return np.asarray(image.convert("L")).copy()  # type: ignore[attr-defined]


def unwarp(gray: np.ndarray) -> tuple[np.ndarray, bool]:
    """A photographed page (a light quadrilateral on a darker surround, not the whole frame)
    warped to a rectangle; anything else unchanged."""
    import cv2

    h, w = gray.shape
    scale = 800 / max(h, w)
    small = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return gray, False
    page = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(page) / (mask.shape[0] * mask.shape[1])
    if not 0.35 < area < 0.97:
        return gray, False
    quad = cv2.approxPolyDP(page, 0.02 * cv2.arcLength(page, True), True)
    if len(quad) != 4:
        return gray, False
    pts = quad.reshape(4, 2).astype(np.float32) / scale
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    tl, br, tr, bl = pts[s.argmin()], pts[s.argmax()], pts[d.argmin()], pts[d.argmax()]
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    src = np.float32([tl, tr, br, bl])
    dst = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    m = cv2.getPerspectiveTransform(src, dst)
    return cv2.warpPerspective(gray, m, (width, height), flags=cv2.INTER_CUBIC, borderValue=255), True


def flatten(gray: np.ndarray, dpi: float) -> np.ndarray:
    """The page divided by its own background (paper colour, uneven light): paper ~255."""
    import cv2

    k = max(9, int(dpi * 0.08) | 1)  # wider than a stroke: the max filter leaves the paper
    h, w = gray.shape
    f = 4
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    bg = cv2.dilate(small, np.ones((max(3, k // f), max(3, k // f)), np.uint8))
    bg = cv2.GaussianBlur(bg, (0, 0), max(2.0, dpi * 0.1 / f))
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    out = gray.astype(np.float32) * 255.0 / np.maximum(bg, 1.0)
    return np.clip(out, 0, 255).astype(np.uint8)


def ink_of(gray: np.ndarray) -> np.ndarray:
    """Dark marks of a flattened page (Otsu, capped so light noise stays paper)."""
    import cv2

    t, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return gray < min(float(t), 190.0)


def skew_angle(ink: np.ndarray) -> float:
    """Degrees to turn the page counter-clockwise so that its lines are level: the angle at
    which the ink's row profile is sharpest (coarse, then fine)."""
    ys, xs = np.nonzero(ink)
    if len(ys) < 100:
        return 0.0
    step = max(1, len(ys) // 150_000)
    ys, xs = ys[::step].astype(np.float32), xs[::step].astype(np.float32)
    xs -= ink.shape[1] / 2

    def sharpness(deg: float) -> float:
        t = math.tan(math.radians(deg))
        rows = np.round(ys + xs * t).astype(np.int64)
        rows -= rows.min()
        hist = np.bincount(rows)
        return float((hist.astype(np.float64) ** 2).sum())

    best = max(np.arange(-MAX_ANGLE, MAX_ANGLE + 1e-9, 0.1), key=sharpness)
    fine = max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), key=sharpness)
    return float(fine)


def rotate(gray: np.ndarray, deg: float) -> np.ndarray:
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -deg, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderValue=255)


def prepare(image: object, dpi: float) -> Prepared:
    gray = as_gray(image)
    gray, warped = unwarp(gray)
    gray = flatten(gray, dpi)
    angle = skew_angle(ink_of(gray))
    if abs(angle) >= 0.05:
        gray = rotate(gray, angle)
    return Prepared(gray, ink_of(gray), angle, warped, dpi)
