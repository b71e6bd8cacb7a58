"""PDF -> lines with page numbers (pdfplumber, pure Python). Ruled tables are read as cells
(merged cells once); other text line by line, in reading order; "- N -" page numbers dropped
later by the table and section readers. Pages that are only images (a scan, a photo) are read
by scan.py (offline OCR, cell by cell); their lines' provenance ends in OCR_MARK."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from ..errors import InputError
from .lines import Line, clean_cell, row_line
from .pdfstreams import file_budget, install

OCR_MARK = "（文字识别）"


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


MAX_PAGES = 200  # a year's report is 5-20 pages
install()  # every stream pdfminer decodes is bounded while it is decoded (pdfstreams.py)


def pdf_lines(
    path: str | Path, tables: bool = True, geometry: bool = False, images: list[int] | None = None
) -> list[Line]:
    """The PDF's lines: ruled tables cut by pdfplumber (`tables`), or rebuilt from the word
    boxes and ruling lines by pdf_tables (`geometry`), or plain text lines (neither). Pages that
    are only images (a scan) give no lines; their numbers are added to `images` (scan.py reads them)."""
    with file_budget():
        try:
            return _pdf_lines(path, tables, geometry, images if images is not None else [])
        except Exception as exc:  # pdfplumber wraps what pdfminer raised (PdfminerException)
            ours = next((e for e in (*exc.args, exc.__context__) if isinstance(e, InputError)), None)
            if ours is None or ours is exc:
                raise
            raise ours from exc


def _pdf_lines(path: str | Path, tables: bool, geometry: bool, images: list[int]) -> list[Line]:
    out: list[Line] = []
    pages: list[list[Line]] = []
    with pdfplumber.open(str(path)) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise InputError(f"PDF 有 {len(pdf.pages)} 页，超过上限 {MAX_PAGES} 页，不像一份年度报告", path=str(path))
        for pno, page in enumerate(pdf.pages, start=1):
            if not page.chars and page.images:
                images.append(pno)  # an image: read by scan.py
                continue
            if geometry:
                pages.append(_geometry_page(page, pno))
                continue
            items: list[tuple[float, int, list[str] | str]] = []
            found = page.find_tables() if tables else []
            boxes = [t.bbox for t in found]
            for t in found:
                for r, row in enumerate(t.extract()):
                    top = t.rows[r].bbox[1] if r < len(t.rows) else t.bbox[1]
                    cells = [c for c in row if c is not None]
                    if any(clean_cell(c) for c in cells):
                        items.append((top, 1, cells))
            text_page = page.filter(lambda o, b=boxes: not (o.get("object_type") == "char" and _inside(o, b))) if boxes else page
            text_lines = [ln for ln in text_page.extract_text_lines(strip=True) if ln["text"].strip()]
            right = max((ln["x1"] for ln in text_lines), default=0)
            for ln in text_lines:
                size = (ln["bottom"] - ln["top"]) or 10
                items.append((ln["top"], 0, (ln["text"], ln["x1"] >= right - 1.5 * size)))
            items.sort(key=lambda it: (round(it[0], 1), it[1]))
            out = []
            pages.append(out)
            for i, (_, kind, content) in enumerate(items, start=1):
                where = f"第{pno}页第{i}行"
                if kind:
                    out.append(row_line(content, where, pno))  # type: ignore[arg-type]
                else:
                    text, wrapped = content  # type: ignore[misc]
                    out.append(Line(clean_cell(text), where, None, pno, wrapped))
    return _drop_running_heads(pages)


def _blocks_lines(blocks: list, pno: int, mark: str = "") -> list[Line]:
    out = []
    for i, b in enumerate(blocks, start=1):
        where = f"第{pno}页第{i}行{mark}"
        if b.cells is not None:
            out.append(row_line(b.cells, where, pno))
        elif b.text:
            out.append(Line(clean_cell(b.text), where, None, pno, b.wrapped))
    return out


_DIGITISH = set("0123456789.,")


def _digit_runs(chars: list[dict]):
    """A word cut where digits meet other characters: "行政规范性文件0" (a label glued to
    its first cell) is two words, each with the box of its own characters."""
    from .pdf_tables import Word

    runs: list[list[dict]] = []
    for c in chars:
        if runs and (c["text"] in _DIGITISH) == (runs[-1][-1]["text"] in _DIGITISH):
            runs[-1].append(c)
        else:
            runs.append([c])
    for run in runs:
        text = "".join(c["text"] for c in run)
        yield Word(text, min(c["x0"] for c in run), min(c["top"] for c in run), max(c["x1"] for c in run),
                   max(c["bottom"] for c in run))  # fmt: skip


def _geometry_page(page, pno: int) -> list[Line]:
    """A born-digital page rebuilt from pdfplumber's word boxes and its ruling lines (line
    objects and rectangle edges)."""
    from .pdf_tables import Segment, page_blocks

    words = [piece for w in page.extract_words(return_chars=True) for piece in _digit_runs(w["chars"])]
    segs = []
    for e in page.edges:
        if e["orientation"] == "h":
            segs.append(Segment(True, (e["top"] + e["bottom"]) / 2, e["x0"], e["x1"]))
        else:
            segs.append(Segment(False, (e["x0"] + e["x1"]) / 2, e["top"], e["bottom"]))
    return _blocks_lines(page_blocks(words, segs), pno)


def _drop_running_heads(pages: list[list[Line]]) -> list[Line]:
    """Remove running headers and footers: the same text at the top or bottom of most pages."""
    counts: dict[str, int] = {}
    for page in pages:
        edge = {ln.text for ln in page[:2] + page[-2:] if ln.cells is None and ln.text}
        for t in edge:
            counts[t] = counts.get(t, 0) + 1
    running = {t for t, n in counts.items() if len(pages) >= 3 and n >= max(3, len(pages) * 0.6)}
    lines: list[Line] = []
    for page in pages:
        n = len(page)
        lines += [ln for i, ln in enumerate(page) if not (ln.text in running and (i < 2 or i >= n - 2))]
    return lines
