"""One entry point for every kind of input: a filled workbook, a Report JSON, or a published
report (text, Markdown, HTML, Word, PDF). The CLI, the auditor and the Excel actions use it."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .report import Report

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm"}
FAST_SUFFIXES = {".xlsx", ".xlsm"}  # read by the calamine reader in load_report_fast
PUBLISHED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".docx", ".pdf", ".doc", ".wps", ".rtf", ".odt"}
# What a folder listing hands to load_report: .xls/.et too, so that they get their “请另存为 .xlsx”
# message instead of being skipped without a word.
LISTED_SUFFIXES = WORKBOOK_SUFFIXES | PUBLISHED_SUFFIXES | {".json", ".xls", ".et"}


def report_files(folder: str | Path) -> list[Path]:
    """The files of a folder (recursively) that are reports to read, sorted: supported suffix,
    not hidden, and not a temporary file of ours (`.~name-XXXX.xlsx`) or an Office lock file
    (`~$name.xlsx`). The one folder listing of the package (audit, rollup, finding last year)."""
    from .fileio import is_temp_name

    return sorted(
        f for f in Path(folder).rglob("*")
        if f.suffix.lower() in LISTED_SUFFIXES and not is_temp_name(f.name) and not f.name.startswith(".") and f.is_file()
    )


def load_report(path: str | Path) -> Report:
    """Read any supported file into a Report; raises InputError with a Chinese message."""
    p = Path(path)
    if not p.exists():
        raise InputError("文件不存在", path=str(p))
    if p.is_dir():
        raise InputError("这是一个文件夹，不是文件", path=str(p))
    suffix = p.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES or suffix in {".xls", ".et"}:
        from .io import read_report

        return read_report(p)
    if suffix == ".json":
        from .jsonfile import read_json

        data = read_json(p, what="年报 JSON")
        try:
            report = Report.from_dict(data)
        except ValueError as exc:  # Chinese, naming the field
            raise InputError(f"不是有效的年报 JSON（{exc}）", path=str(p)) from exc
        report.source = str(p)
        return report
    if suffix in PUBLISHED_SUFFIXES:
        from .ingest import read_published

        return read_published(p)
    raise InputError(
        "不支持的文件类型（支持 .xlsx .xlsm 工作簿，.json，以及已发布年报 .txt .md .html .docx .doc .wps .pdf）",
        path=str(p),
    )


def load_report_fast(path: str | Path) -> Report:
    """load_report, with .xlsx/.xlsm through the calamine reader: the same Report (tests
    compare the two) without importing openpyxl and numpy, and several times faster."""
    p = Path(path)
    if p.suffix.lower() in FAST_SUFFIXES and p.is_file():
        from .io.fast import read_report_fast

        return read_report_fast(p)
    return load_report(p)
