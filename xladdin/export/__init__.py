"""Export a Report as the published document: Word (GB/T 9704 公文 layout), HTML, Markdown, PDF.

    from xladdin.export import export, export_many
    export(report, "docx", "out/report.docx")
    export(report, "html", "out/report.html", fragment=True)   # to paste into a CMS
    export_many([(r1, "a.pdf"), (r2, "b.pdf")], "pdf")           # one LibreOffice call

Every format draws the same blocks (content.build) and the same table grids
(xladdin.spec.layout.grid). Values are printed as held: counts as integers, 万元 exactly as the
Decimal, blank as blank, raw text as text (only with --force; never an invented 0).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ..errors import InputError
from ..fileio import atomic_write
from ..report import Report
from ..textsafety import refuse_unwritable
from .settings import ExportSettings, load_settings

FORMATS: dict[str, str] = {"docx": ".docx", "html": ".html", "md": ".md", "pdf": ".pdf"}


def _check_format(fmt: str) -> str:
    key = fmt.lower().lstrip(".")
    key = {"markdown": "md", "htm": "html", "word": "docx"}.get(key, key)
    if key not in FORMATS:
        raise InputError(f"不支持的导出格式“{fmt}”（可用：{'、'.join(FORMATS)}）")
    return key


def export(
    report: Report,
    fmt: str,
    out_path: str | Path,
    *,
    settings: ExportSettings | None = None,
    fragment: bool = False,
) -> Path:
    """Write one report in `fmt` ("docx" | "html" | "md" | "pdf") to out_path, atomically."""
    fmt = _check_format(fmt)
    if fmt == "pdf":
        return export_many([(report, out_path)], "pdf", settings=settings)[0]
    refuse_unwritable(report, str(out_path), xml=fmt != "md")  # a named field, not a library traceback
    if fmt == "docx":
        from .docx import write_docx

        return write_docx(report, out_path, settings)
    if fmt == "html":
        from .html import write_html

        return write_html(report, out_path, fragment=fragment)
    from .markdown import write_markdown

    return write_markdown(report, out_path)


def export_many(
    items: Iterable[tuple[Report, str | Path]],
    fmt: str,
    *,
    settings: ExportSettings | None = None,
    fragment: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write many reports. PDF goes through one LibreOffice call per batch (not per document).
    `on_progress(done)`: documents finished so far."""
    fmt = _check_format(fmt)
    pairs = [(r, Path(p)) for r, p in items]
    for r, p in pairs:
        refuse_unwritable(r, str(p), xml=fmt != "md")
    if fmt != "pdf":
        written = []
        for r, p in pairs:
            written.append(export(r, fmt, p, settings=settings, fragment=fragment))
            if on_progress is not None:
                on_progress(len(written))
        return written
    from .docx import write_docx
    from .pdf import convert, find_soffice

    s = settings or ExportSettings()
    find_soffice(s)  # fail early, before writing anything, when LibreOffice is missing
    scratch = Path(tempfile.mkdtemp(prefix="xladdin-pdf-"))
    try:
        sources = [write_docx(r, scratch / f"{i:05d}.docx", s) for i, (r, _) in enumerate(pairs)]
        pdfs = convert(sources, scratch / "pdf", s, on_progress)
        return [_move(pdf, target) for pdf, (_, target) in zip(pdfs, pairs, strict=True)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _move(source: Path, target: Path) -> Path:
    """Copy a finished file (a rendered PDF) into place atomically."""
    return atomic_write(target, lambda tmp: shutil.copyfile(source, tmp), make_dirs=True)


__all__ = ["FORMATS", "ExportSettings", "export", "export_many", "load_settings"]
