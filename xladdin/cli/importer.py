"""`xladdin import FILE [-o OUT.xlsx] [--json]` — read a published report (text, Markdown,
HTML, Word, PDF) into a Report: JSON like `xladdin dump --json`, or a filled workbook."""

from __future__ import annotations

import argparse
import sys

from ..errors import InputError
from ..report import Report
from ..values import is_absent
from .inputs import refuse_overwriting, warn_previous

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".docx", ".pdf", ".doc", ".wps", ".rtf", ".odt")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="读取已发布的年报（文本、网页、Word、PDF），修复表格并输出 JSON 或工作簿",
        description=(
            "读取一份已发布的政府信息公开工作年度报告（.txt .md .html .htm .shtml .docx .pdf；"
            ".doc .wps .rtf .odt 经 LibreOffice 转换）：按标题找出六个部分，按标签找出三张表的 200 个数据格，"
            "记下每个数的出处（第几页第几行）。表格错位、缺数、数字粘连时按勾稽关系修复，"
            "无法唯一确定的格标为“无法确定”，绝不猜测。默认在终端列出读到的内容（机关、年度、各部分、"
            "修复和无法确定的格）；-o 另写成年报工作簿，--json 输出 JSON。原文件不改动。"
        ),
    )
    p.add_argument("file", metavar="文件", help="已发布的年报：.txt .md .html .htm .shtml .docx .doc .wps .pdf")
    p.add_argument("-o", "--output", metavar="输出.xlsx", help="另写成年报模板工作簿（.xlsx），可再用 fill、check、export 处理")
    p.add_argument("--json", action="store_true", help="输出 JSON（与 xladdin dump --json 相同）")
    p.add_argument("--previous", metavar="上年年报", help="上年的年报（任一支持的格式），用作修复线索")
    p.set_defaults(func=run)


def summary(report: Report) -> list[str]:
    """Chinese lines: what was read, repaired, ambiguous or unreadable."""
    rep = report.observed.get("repair", {})
    numbers = sum(1 for v in report.values.values() if isinstance(v, int | float) or type(v).__name__ == "Decimal")
    blanks = sum(1 for v in report.values.values() if v is None)
    absent = sum(1 for v in report.values.values() if is_absent(v))
    m = report.meta
    lines = [
        f"已读取：{m.agency or '（未识别机关）'} {m.year or ''} 年度报告（{report.source}）",
        f"  层级 {m.level or '未识别'}，发布日期 {m.published or '未识别'}；"
        f"找到部分 {len(report.observed.get('headings', []))}/6，表格 {'、'.join(report.observed.get('tables', [])) or '无'}",
        f"  数据格 200 个：数字 {numbers}，空白 {blanks}，未印出 {absent}，文字或无法确定 {200 - numbers - blanks - absent}",
    ]
    for label, key in (("按勾稽关系修复", "repaired"), ("无法确定（多种读法）", "ambiguous"), ("无法读取", "unreadable")):
        keys = rep.get(key, [])
        if keys:
            lines.append(f"  {label} {len(keys)} 格：")
            seen = set()
            for k in keys:
                note = report.notes.get(k, "")
                row = (k.rsplit(".", 1)[0] if k.startswith("t3.") else k.split("_")[0], note)
                if row in seen:
                    continue
                seen.add(row)
                lines.append(f"    {report.spec.cell(k).short}（{report.address(k) or '位置不明'}）：{note}")
    missing = [k for k in report.spec.keys if is_absent(report.values[k])]
    if missing:
        lines.append(f"  原文未找到（未印出）{len(missing)} 格（例如 {report.spec.cell(missing[0]).short}）")
    if report.notes.get("old_format_label"):
        lines.append(f"  注意：出现 2019 年格式标签“{report.notes['old_format_label']}”（{report.notes.get('old_format_where', '')}）")
    return lines


def run(args: argparse.Namespace) -> int:
    from ..ingest import read_published

    path = args.file
    if not path.lower().endswith(SUFFIXES):
        raise InputError("不是已发布年报的文件类型（支持 .txt .md .html .htm .shtml .docx .doc .wps .pdf）", path=path)
    if args.output:  # before reading: last year's workbook (--previous) must survive -o
        refuse_overwriting(args.output, [path] + ([args.previous] if args.previous else []))
    previous = None
    if args.previous:
        from ..load import load_report

        previous = load_report(args.previous)
    report = read_published(path, previous=previous)
    if previous is not None:
        warn_previous(report, previous)
    if args.output:
        from ..io import write_report

        write_report(report, args.output)
    if args.json:
        print(report.to_json())
        for line in summary(report):
            print(line, file=sys.stderr)
    else:
        for line in summary(report):
            print(line)
        if args.output:
            print(f"已写入工作簿：{args.output}")
    return 0
