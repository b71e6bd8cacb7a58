"""The batch audit as text files, streamed from the records (the store's, in path order):
JSON Lines (one record a line), CSV (one row per finding, Chinese headers, UTF-8 with BOM so
that Excel reads it), and the JSON array of `--json`. Nothing is held: a record is written and
dropped. Files are written atomically (fileio.atomic_write with a writer function).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..fileio import atomic_write
from ..io.sheets import cells_text, show
from .runner import AuditRecord

CSV_COLUMNS = (
    "来源文件", "机关名称", "报告年度", "机关层级", "规则", "规则名称", "严重程度", "范围", "问题说明", "涉及单元格",
    "应为", "实为", "差额", "原文摘录", "情况说明", "规则实例", "上年报告", "错误",
)  # fmt: skip


def _text(value: object) -> str:
    shown = show(value)  # type: ignore[arg-type]
    return "" if shown is None else str(shown)


def csv_rows(record: AuditRecord) -> Iterable[list[object]]:
    """One row per finding as people read it; a file without findings has none, an unreadable
    file one row with its error (nothing is lost)."""
    m = record.meta
    head = [record.source, m.get("agency", ""), m.get("year") or "", m.get("level", "")]
    if record.error:
        yield head + [""] * 12 + [record.previous, record.error]
        return
    for f in record.shown:
        yield head + [
            f.rule, f.title, f.severity, f.scope, f.message, cells_text(f), _text(f.expected), _text(f.actual),
            _text(f.imbalance), f.snippet or "", f.explanation or "", f.ref or "", record.previous, "",
        ]


def write_csv(records: Iterable[AuditRecord], path: str | Path) -> Path:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(CSV_COLUMNS)
            for r in records:
                out.writerows(csv_rows(r))

    return atomic_write(path, write)


def write_jsonl(records: Iterable[AuditRecord], path: str | Path) -> Path:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for r in records:
                fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")

    return atomic_write(path, write)


def dump_json(records: Iterable[AuditRecord], out: TextIO) -> None:
    """The JSON array of `--json`, record by record: the same text as json.dumps(list, indent=2)."""
    first = True
    for r in records:
        body = json.dumps(r.to_dict(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + body)
        first = False
    out.write("[]\n" if first else "\n]\n")


__all__ = ["CSV_COLUMNS", "csv_rows", "dump_json", "write_csv", "write_jsonl"]
