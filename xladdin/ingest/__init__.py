"""Published reports (text, Markdown, HTML, Word, PDF; .doc/.wps through LibreOffice) -> Report.

    read_published(path, previous=None) -> Report     # dispatch on the suffix
    parse_text(text, source="", previous=None) -> Report

Every reader yields `Line`s with provenance (lines.py: 第57行, 第3页第12行, 第2个表格第5行);
`reader.parse_lines` finds the outline and metadata (sections.py), the table cells by their
spec labels (labels.py, tables.py), and repairs mangled rows with the identities as
constraints (repair.py). What it saw goes to `report.observed` ("title", "headings", "tables",
"signature", "signature_date", "old_format_labels", "t3_rows", and "repair": the cells
repaired / ambiguous / unreadable); every repaired or doubtful cell has a Chinese note in
`report.notes`. Values are never guessed: an ambiguous cell keeps the printed text.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError, describe, os_reason
from ..fileio import check_input, read_input
from ..report import Report
from .convert import CONVERTIBLE, to_docx
from .lines import Line, text_lines
from .reader import parse_lines

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".shtml"}
# A published report is a few pages: a real one is under 1 MB as text or HTML, and a PDF or
# Word file with pictures stays well under these. Larger files are refused before parsing
# (a 50 MB text file would otherwise take most of a minute to be found not to be a report).
MAX_BYTES = {"text": 10 << 20, "html": 20 << 20, "other": 100 << 20}
KIND_NAMES = {".pdf": "PDF", ".docx": "Word（.docx）", ".doc": "Word（.doc）", ".wps": "WPS 文字"}


def parse_text(text: str, source: str = "", previous: Report | None = None) -> Report:
    """A report given as plain text or Markdown (tables as tab- or |-separated rows, or as PDF
    text with labels and numbers on lines)."""
    return parse_lines(text_lines(text), source, previous)


def _check_size(p: Path, suffix: str) -> int:
    """The input's size limit for its kind (after `fileio.check_input`)."""
    kind = "text" if suffix in TEXT_SUFFIXES else "html" if suffix in HTML_SUFFIXES else "other"
    check_input(p, MAX_BYTES[kind])
    return MAX_BYTES[kind]


def read_lines(path: str | Path) -> list[Line]:
    p = Path(path)
    suffix = p.suffix.lower()
    limit = _check_size(p, suffix)
    return guarded(p, suffix, lambda: _lines(p, suffix, limit))


def guarded(p: Path, suffix: str, read):  # type: ignore[no-untyped-def]
    """`read()`, its failures as InputError in Chinese naming the file."""
    try:
        return read()
    except InputError as exc:
        if exc.path:
            raise
        raise InputError(str(exc), path=str(p)) from exc  # OCR limits and engine errors: name the file
    except OSError as exc:
        raise InputError(f"无法读取文件（{os_reason(exc)}）", path=str(p)) from exc
    except (RecursionError, MemoryError) as exc:
        raise InputError(f"文件结构异常，无法读取（{describe(exc)}）", path=str(p)) from exc
    except Exception as exc:  # corrupt files: a Chinese message, never a traceback
        kind = KIND_NAMES.get(suffix, suffix.lstrip(".").upper())
        raise InputError(f"文件已损坏，或不是有效的 {kind} 文件，无法读取", path=str(p)) from exc


def _lines(p: Path, suffix: str, limit: int) -> list[Line]:
    if suffix in TEXT_SUFFIXES:
        from .decode import decode_bytes

        return text_lines(decode_bytes(read_input(p, limit), source=str(p)))
    if suffix in HTML_SUFFIXES:
        from .html import html_lines

        return html_lines(read_input(p, limit), source=str(p))
    if suffix == ".docx":
        from .docx import docx_lines

        return docx_lines(p)
    if suffix in CONVERTIBLE:
        from .docx import docx_lines

        with tempfile.TemporaryDirectory(prefix="xladdin-doc-") as tmp:
            return docx_lines(to_docx(p, Path(tmp)))
    if suffix == ".pdf":
        from .pdf import pdf_lines

        return pdf_lines(p)
    raise InputError("不支持的已发布年报类型（支持 .txt .md .html .htm .shtml .docx .doc .wps .pdf）", path=str(p))


def read_published(
    path: str | Path, previous: Report | None = None, on_page: Callable[[int], None] | None = None
) -> Report:
    """Read a published report file into a Report; InputError (Chinese) for unreadable files.
    A PDF of scanned pages is read by offline OCR (scan.py); `on_page(done)` is called as each
    of its pages is read (scan_pages(path) says how many there are)."""
    p = Path(path)
    if not p.exists():
        raise InputError("文件不存在", path=str(p))
    images: list[int] = []
    if p.suffix.lower() == ".pdf":  # one pass finds the text and the scanned pages
        from .pdf import pdf_lines

        _check_size(p, ".pdf")
        lines = guarded(p, ".pdf", lambda: pdf_lines(p, images=images))
        if images:
            from .scan import read_scan

            return guarded(p, ".pdf", lambda: read_scan(p, previous, on_page).report)
    else:
        lines = read_lines(p)
    if not any(ln.text for ln in lines):
        why = "（扫描图片经文字识别也未读出文字）" if p.suffix.lower() == ".pdf" else ""
        raise InputError(f"文件中没有可读取的文字{why}", path=str(p))
    report = parse_lines(lines, str(p), previous)
    if p.suffix.lower() != ".pdf":
        return report
    from .pdf import pdf_lines

    # ruled-table detection can cut a table badly, or miss a borderless one; the table rebuilt
    # from word boxes and ruling lines (printed blanks kept in their columns), or the plain
    # text reading, may do better. Keep the reading that settles more cells, and among those
    # the one that needs fewer cells repaired (a repaired cell is one whose place was unsure).
    for reading, kwargs in (("geometry", {"geometry": True}), ("text", {"tables": False})):
        if _unsure(report) == (0, 0):
            break
        try:
            other = parse_lines(pdf_lines(p, **kwargs), str(p), previous)
        except InputError:
            continue
        if _unsure(other) < _unsure(report):
            other.observed["pdf_reading"] = reading
            report = other
    return report


def scan_pages(path: str | Path) -> list[int]:
    """The pages of a PDF that are scanned images (1-based); [] for a born-digital PDF or a
    file that cannot be opened (its reader then says why)."""
    p = Path(path)
    try:
        _check_size(p, ".pdf")
        from .scan import image_pages

        return image_pages(p)
    except Exception:  # noqa: BLE001 - the ordinary reader reports a bad file in Chinese
        return []


def _unsure(report: Report) -> tuple[int, int]:
    return _doubtful(report), len(report.observed.get("repair", {}).get("repaired", []))


def _doubtful(report: Report) -> int:
    """Cells not settled: in doubt (ambiguous, unreadable, or doubtful for any other reason) or
    not found."""
    from ..values import Doubt

    missing = sum(1 for k in report.spec.keys if report.notes.get(k, "").startswith("原文未找到"))
    return sum(1 for k in report.spec.keys if isinstance(report.values[k], Doubt)) + missing


__all__ = ["Line", "parse_lines", "parse_text", "read_lines", "read_published", "scan_pages"]
