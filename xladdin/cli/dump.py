"""`xladdin dump FILE [--json]` — what the tool read from a file."""

from __future__ import annotations

import argparse

from rich.table import Table

from ..load import load_report_fast as load
from ..values import format_value
from .findings_view import console


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "dump",
        help="显示读取到的年报内容（基本信息、正文、200 个数据格）",
        description="读取年报并原样输出：--json 输出 {meta, sections, values, addresses}（万元为十进制字符串）。",
    )
    p.add_argument("file", metavar="文件", help="年报工作簿、JSON 或已发布的年报")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    report = load(args.file)
    if args.json:
        print(report.to_json())
        return 0
    out = console()
    meta = Table(title="基本信息", show_header=False)
    from ..report import META_LABELS

    for name, label in META_LABELS.items():
        meta.add_row(label, str(getattr(report.meta, name) or ""))
    out.print(meta)
    text = Table(title="正文", show_header=True, header_style="bold")
    text.add_column("部分")
    text.add_column("字数", justify="right")
    text.add_column("开头")
    for part in report.spec.parts:
        body = report.sections.get(part.key, "")
        text.add_row(part.title, str(len(body)), body[:30].replace("\n", " "))
    out.print(text)
    for tbl in report.spec.tables:
        grid = Table(title=f"表{tbl.number}", header_style="bold")
        grid.add_column("单元格键")
        grid.add_column("名称")
        grid.add_column("位置")
        grid.add_column("值", justify="right")
        for cell in report.spec.cells_of(tbl.key):
            value = report.values.get(cell.key)
            shown = format_value(value) + ("（公式）" if cell.key in report.formulas else "")
            grid.add_row(cell.key, cell.short, report.address(cell.key), shown)
        out.print(grid)
    return 0
