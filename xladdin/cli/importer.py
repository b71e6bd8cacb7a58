"""`xladdin import FILE... [-o OUT] [--json]` — read published reports (text, Markdown, HTML,
Word, PDF) into Reports: JSON like `xladdin dump --json`, or filled workbooks. Many files are
read in parallel, with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError
from ..report import Report
from ..values import Doubt, is_absent
from .inputs import add_force, free_name, usable_previous, workbook_output
from .progress import add_quiet, progress

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".docx", ".pdf", ".doc", ".wps", ".rtf", ".odt")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="读取已发布的年报（文本、网页、Word、PDF），修复表格并输出 JSON 或工作簿",
        description=(
            "读取已发布的政府信息公开工作年度报告（.txt .md .html .htm .shtml .docx .pdf；"
            ".doc .wps .rtf .odt 经 LibreOffice 转换）：按标题找出六个部分，按标签找出三张表的 200 个数据格，"
            "记下每个数的出处（第几页第几行）。表格错位、缺数、数字粘连时按勾稽关系修复，"
            "无法唯一确定的格标为“无法确定”，绝不猜测。默认在终端列出读到的内容（机关、年度、各部分、"
            "修复和无法确定的格）；-o 另写成年报工作簿，--json 输出 JSON。原文件不改动。"
            "可一次读取多个文件（并行）：-o 为文件夹，每个文件写成同名 .xlsx；--json 输出数组。"
        ),
        epilog="退出码：0 全部读出；2 有文件无法读取（其余文件照常读取）。",
    )
    p.add_argument("files", nargs="+", metavar="文件", help="已发布的年报：.txt .md .html .htm .shtml .docx .doc .wps .pdf")
    p.add_argument(
        "-o", "--output", metavar="输出",
        help="另写成年报模板工作簿（.xlsx），可再用 fill、check、export 处理；多个文件时为文件夹（不存在则新建）",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON（与 xladdin dump --json 相同；多个文件时为数组）")
    p.add_argument("--previous", metavar="上年年报", help="上年的年报（任一支持的格式），用作修复线索（只用于一个文件）")
    p.add_argument(
        "--overlay", metavar="核对.pdf",
        help="扫描件 PDF：另写一份核对用 PDF，每页框出读到的每个格并标上读数（红色为待核），便于与原件逐格核对（只用于一个文件）",
    )
    add_force(p, "-o 给出的")
    add_quiet(p)
    p.set_defaults(func=run)


def summary(report: Report) -> list[str]:
    """Chinese lines: what was read, repaired, ambiguous or unreadable."""
    rep = report.observed.get("repair", {})
    numbers = sum(1 for v in report.values.values() if isinstance(v, int | float) or type(v).__name__ == "Decimal")
    blanks = sum(1 for v in report.values.values() if v is None)
    absent = sum(1 for v in report.values.values() if is_absent(v))
    doubt = [k for k in report.spec.keys if isinstance(report.values[k], Doubt)]
    m = report.meta
    lines = [
        f"已读取：{m.agency or '（未识别机关）'} {m.year or ''} 年度报告（{report.source}）",
        f"  层级 {m.level or '未识别'}，发布日期 {m.published or '未识别'}；"
        f"找到部分 {len(report.observed.get('headings', []))}/6，表格 {'、'.join(report.observed.get('tables', [])) or '无'}",
        f"  数据格 200 个：数字 {numbers}，空白 {blanks}，未印出 {absent}，待核 {len(doubt)}，"
        f"文字 {200 - numbers - blanks - absent - len(doubt)}",
    ]
    cut = report.observed.get("cut")
    if cut:
        lines.append(f"  原文不完整：在“{cut.get('text', '')}”处截断（{cut.get('where', '')}），其后的部分和数据格按未印出处理")
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
    listed = set(rep.get("ambiguous", [])) | set(rep.get("unreadable", []))
    other = [k for k in doubt if k not in listed]  # in doubt for another reason (文字识别存疑)
    if other:
        lines.append(f"  待核（其他原因）{len(other)} 格：")
        for k in other:
            why = report.values[k].why or report.notes.get(k, "")  # type: ignore[union-attr]
            lines.append(f"    {report.spec.cell(k).short}（{report.address(k) or '位置不明'}）：{why}")
    missing = [k for k in report.spec.keys if is_absent(report.values[k])]
    if missing:
        lines.append(f"  原文未找到（未印出）{len(missing)} 格（例如 {report.spec.cell(missing[0]).short}）")
    if report.notes.get("old_format_label"):
        lines.append(f"  注意：出现 2019 年格式标签“{report.notes['old_format_label']}”（{report.notes.get('old_format_where', '')}）")
    return lines


def _check_suffix(path: str) -> None:
    if not path.lower().endswith(SUFFIXES):
        raise InputError("不是已发布年报的文件类型（支持 .txt .md .html .htm .shtml .docx .doc .wps .pdf）", path=path)


def run(args: argparse.Namespace) -> int:
    for path in args.files:
        _check_suffix(path)
    if len(args.files) > 1:
        return _many(args)
    return _one(args, args.files[0])


def _one(args: argparse.Namespace, path: str) -> int:
    from ..ingest import read_published, scan_pages

    if args.output:  # before reading: last year's workbook (--previous) must survive -o
        if Path(args.output).is_dir():
            args.output = str(free_name(Path(args.output), Path(path).stem, ".xlsx"))
        else:
            workbook_output(args.output, [path] + ([args.previous] if args.previous else []), force=args.force)
    scanned = scan_pages(path) if path.lower().endswith(".pdf") else []
    if args.overlay:
        from ..ingest.scan_overlay import check_target

        if not scanned:
            raise InputError("--overlay 只用于扫描件 PDF（页面是图片、没有文字层的 PDF）", path=path)
        check_target(args.overlay, path, force=args.force)
    previous = None
    if args.previous:
        from ..load import load_report

        previous = load_report(args.previous)
    if scanned:
        report = _read_scan(args, path, previous, len(scanned))
        if previous is not None and usable_previous(report, previous) is None:
            report = _read_scan(args, path, None, len(scanned))  # another agency's figures are no clue
    else:
        report = read_published(path, previous=previous)
        if previous is not None and usable_previous(report, previous) is None:
            report = read_published(path)  # another agency's or year's figures are no clue
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


def _read_scan(args: argparse.Namespace, path: str, previous: Report | None, pages: int) -> Report:
    """A scanned PDF, with a progress bar over its pages; the overlay written when asked."""
    from ..ingest import guarded
    from ..ingest.scan import read_scan

    with progress(pages, "文字识别", quiet=args.quiet, unit="页") as on_page:
        result = guarded(Path(path), ".pdf", lambda: read_scan(path, previous, on_page, keep_pages=bool(args.overlay)))
    if args.overlay:
        from ..ingest.scan_overlay import write_overlay

        write_overlay(result, args.overlay)
        print(f"已写入核对文件：{args.overlay}", file=sys.stderr if args.json else sys.stdout)
    return result.report


def _read(path: str) -> Report | str:
    """One file in a worker: the Report, or the Chinese reason it could not be read."""
    from ..errors import XladdinError
    from ..ingest import read_published

    try:
        return read_published(path)
    except XladdinError as exc:
        return f"错误：{exc}"
    except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not stop the others
        return f"错误：文件“{path}”：读取失败（{type(exc).__name__}: {exc}）"


def _crashed(path: str) -> str:
    return f"错误：文件“{path}”：读取时处理进程异常退出"


def _many(args: argparse.Namespace) -> int:
    from ..audit.pool import map_files
    from ..errors import OutputError

    if args.previous:
        raise InputError("--previous 只能用于一个文件（上年报告只属于一个机关）")
    if args.overlay:
        raise InputError("--overlay 只能用于一个文件")
    folder = Path(args.output) if args.output else None
    if folder is not None and folder.exists() and not folder.is_dir():
        raise OutputError("有多个输入文件时，-o 应为文件夹", path=str(folder))
    with progress(len(args.files), "读取", quiet=args.quiet, unit="份") as on_progress:
        results = map_files(_read, list(args.files), _crashed, on_progress=on_progress)
    status = 0
    reports: list[Report] = []
    written: list[Path] = []
    say = sys.stderr if args.json else sys.stdout
    for path, result in zip(args.files, results, strict=True):
        if isinstance(result, str):
            print(result, file=sys.stderr)
            status = 2
            continue
        reports.append(result)
        for line in summary(result):
            print(line, file=say)
        if folder is not None:
            from ..io import write_report

            folder.mkdir(parents=True, exist_ok=True)
            target = free_name(folder, Path(path).stem, ".xlsx", written)
            write_report(result, target)
            written.append(target)
            print(f"  已写入工作簿：{target}", file=say)
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    return status
