"""PDF -> lines with page numbers (pdfplumber, pure Python). Ruled tables are read as cells
(merged cells once); other text line by line, in reading order; "- N -" page numbers dropped
later by the table and section readers."""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from .lines import Line, clean_cell, row_line


def _inside(obj: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def pdf_lines(path: str | Path, tables: bool = True) -> list[Line]:
    out: list[Line] = []
    pages: list[list[Line]] = []
    with pdfplumber.open(str(path)) as pdf:
        for pno, page in enumerate(pdf.pages, start=1):
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
