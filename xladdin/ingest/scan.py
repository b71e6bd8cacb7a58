"""A scanned or photographed report (a PDF whose pages are images) -> Report.

    read_scan(path, previous=None, on_page=None, keep_pages=False) -> ScanResult
    read_scan_report(path) -> Report      # a plain picklable callable for a process pool

Each page is rendered at the resolution its image was scanned at (at most RENDER_DPI: the
recogniser reads a line at 48 pixels high, more pixels only cost time and memory), prepared and
read by scan_page (tables cell by cell, text line by line); the grids are mapped to the official
tables by scan_tables, and the text and tables go through the same outline, metadata and repair
as every other published report (reader.parse_lines).

Doubt is 待核 (values.Doubt), never a blank nor a number: a cell with ink that reads as no number,
a cell whose look-alike readings the identities do not decide, and a doubtful cell whose decided
reading still breaks an identity. When the identities do decide, the decided reading is used and
its note says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..report import Report
from ..values import Doubt, is_number, parse_value
from .lines import Line, clean_cell

RENDER_DPI = 200  # enough for 五号 digits at 48 px; a 300 or 600 dpi scan is read at this
MIN_DPI = 100


@dataclass
class ScanResult:
    report: Report
    pages: list = field(default_factory=list)  # scan_page.ScanPage, with images when kept
    cells: dict = field(default_factory=dict)  # key -> (page, box)
    seconds: float = 0.0


def image_pages(path: str | Path) -> list[int]:
    """1-based numbers of the pages that are only images (no text layer), read through
    pdfminer's bounded decoding (pdfstreams: no stream bomb gets through)."""
    from .pdf import pdf_lines

    found: list[int] = []
    pdf_lines(path, tables=False, images=found)
    return found


def _dpi(page, width_pt: float) -> float:  # type: ignore[no-untyped-def]
    """The resolution the page's largest image was scanned at, within [MIN_DPI, RENDER_DPI]."""
    best = 0.0
    for im in page.images:
        shown = float(im.get("x1", 0)) - float(im.get("x0", 0))
        px = float((im.get("srcsize") or (0, 0))[0])
        if shown > 0.3 * width_pt and px > 0:
            best = max(best, px / (shown / 72.0))
    return max(MIN_DPI, min(RENDER_DPI, best or RENDER_DPI))


def _render(path: str, index: int, dpi: float):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    try:
        return doc[index].render(scale=dpi / 72.0).to_pil()
    finally:
        doc.close()


def read_scan(
    path: str | Path,
    previous: Report | None = None,
    on_page: Callable[[int], None] | None = None,
    keep_pages: bool = False,
) -> ScanResult:
    import pdfplumber

    from .ocr import Budget, check_images, check_pages, engine
    from .pdf import OCR_MARK, _drop_running_heads
    from .pdfstreams import file_budget
    from .scan_page import read_page
    from .scan_tables import map_tables

    p = str(path)
    start = time.monotonic()
    pages_lines: list[list[Line]] = []
    scanned = []
    todo = set(image_pages(p))
    check_pages(len(todo))
    try:
        eng = engine()  # before any work: without it, say what to install, naming the file
    except InputError as exc:
        raise InputError(str(exc), path=p) from None
    with file_budget(), pdfplumber.open(p) as pdf:
        budget = Budget(len(todo))
        for number, page in enumerate(pdf.pages, start=1):
            if number not in todo:
                lines = [ln for ln in page.extract_text_lines(strip=True) if ln["text"].strip()]
                pages_lines.append([Line(clean_cell(ln["text"]), f"第{number}页第{i}行", None, number)
                                    for i, ln in enumerate(lines, start=1)])  # fmt: skip
                continue
            check_images(number, page.images)
            dpi = _dpi(page, float(page.width))
            image = _render(p, number - 1, dpi)
            sp = read_page(eng, image, dpi, number, keep_pages)
            del image
            scanned.append(sp)
            pages_lines.append(sp.lines)
            budget.check(len(scanned))
            if on_page is not None:
                on_page(len(scanned))
    lines = _drop_running_heads(pages_lines)
    if not any(ln.text for ln in lines):
        raise InputError("文件中没有可读取的文字（扫描图片经文字识别也未读出文字）", path=p)
    mapped = map_tables([(sp.number, sp.tables) for sp in scanned], OCR_MARK)
    report = report_of(lines, mapped, p, previous, eng.name, [sp.number for sp in scanned])
    seconds = time.monotonic() - start
    report.observed["ocr"]["seconds"] = round(seconds, 1)
    if not keep_pages:
        for sp in scanned:
            sp.tables = []
    return ScanResult(report, scanned if keep_pages else [], mapped.cells, seconds)


def report_of(
    lines: list[Line], mapped, source: str, previous: Report | None, engine_name: str, pages: list[int]
) -> Report:  # type: ignore[no-untyped-def]
    """The Report of a scan's text lines and mapped tables (scan_tables.Mapped): outline,
    metadata and repair as for any published report, then the cells in doubt settled."""
    from .reader import parse_lines

    report = parse_lines(lines, source, previous, mapped.reads)
    _settle_doubts(report, mapped)
    _mark(report, engine_name, pages)
    return report


def read_scan_report(path: str | Path) -> Report:
    """The Report of a scanned PDF (for a process pool: a module-level function of a path)."""
    return read_scan(path).report


def _violated_keys(report: Report) -> set[str]:
    from .repair import identities

    refs = set(report.observed.get("repair", {}).get("violated", []))
    return {k for ident in identities() if ident.ref in refs for k in ident.left + ident.right}


def _settle_doubts(report: Report, mapped) -> None:  # type: ignore[no-untyped-def]
    """Cells read with look-alike candidates: the identities' decision is kept and said; when
    they do not decide (several fit, none fits, or the decided one still breaks an identity),
    the cell is 待核 with every candidate."""
    broken = _violated_keys(report)
    rep = report.observed.setdefault("repair", {})
    unreadable = set(rep.get("unreadable", []))
    ambiguous = set(rep.get("ambiguous", []))
    for key, value in mapped.doubtful.items():
        got = report.values.get(key)
        kind = report.spec.cell(key).kind
        readings = tuple(v for v in (parse_value(c, kind) for c in value.candidates) if is_number(v))
        where = mapped.reads[0].where.get(key) or mapped.reads[1].where.get(key) or mapped.reads[2].where.get(key, "")
        if is_number(got) and key not in broken:
            shown = got if not hasattr(got, "normalize") else format(got, "f")
            report.notes[key] = f"{value.why}；勾稽关系只容许 {shown}，按此读取"
            ambiguous.discard(key)
            continue
        report.values[key] = Doubt(value.printed, readings, value.why, where)  # type: ignore[arg-type]
        report.notes[key] = f"待核：{value.why}，勾稽关系不能确定是哪一个，请与原件核对"
        ambiguous.add(key)
    for read in mapped.reads:
        for key, v in read.fixed.items():
            if isinstance(v, Doubt):
                unreadable.add(key)
    rep["ambiguous"] = sorted(ambiguous)
    rep["unreadable"] = sorted(unreadable)
    rep["repaired"] = [k for k in rep.get("repaired", []) if k not in ambiguous and k not in unreadable]


def _mark(report: Report, name: str, pages: list[int]) -> None:
    """Every cell read from a scanned page says so in its note; observed["ocr"] names the
    engine, the pages, the cells in doubt."""
    from .ocr_check import note_digit_hints
    from .pdf import OCR_MARK

    report.observed["ocr"] = {
        "engine": name,
        "pages": pages,
        "doubt": sorted(k for k in report.spec.keys if isinstance(report.values.get(k), Doubt)),
    }
    note = f"文字由扫描图片经文字识别（{name}）读出，请与原件核对"
    for key in report.spec.keys:
        if OCR_MARK in report.addresses.get(key, ""):
            prev = report.notes.get(key)
            report.notes[key] = f"{prev}；{note}" if prev else note
    note_digit_hints(report, OCR_MARK)


__all__ = ["ScanResult", "image_pages", "read_scan", "read_scan_report", "report_of"]
