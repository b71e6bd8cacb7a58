"""`xladdin fill FILE [-o OUT] [--overwrite]` — 运算: fill derived totals into a new file."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..check import CellRef, cell_label
from ..errors import OutputError
from ..fill import FillResult, fill
from ..load import WORKBOOK_SUFFIXES, load_report
from ..report import Report
from .inputs import add_force, free_name, workbook_output
from .terminal import Text, console

SUFFIX = "-已填充"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fill",
        help="运算：由细项计算合计（总计列、（七）总计行、表四总计），写入新文件",
        description="运算：空白的合计格按细项求和填入；已填写但与细项不符的合计保留原值并报告"
        "（加 --overwrite 才改写）；公式保留；细项（输入格）从不改动。默认在原文件旁另存为“<文件名>-已填充.xlsx”，不改动原文件。"
        "退出码：0 完成，1 有与细项不符而保留的合计，2 文件无法使用。",
    )
    p.add_argument("file", metavar="文件", help="年报工作簿（.xlsx/.xlsm），或 JSON/已发布的年报（写成新的模板工作簿）")
    p.add_argument("-o", "--output", metavar="输出文件", help="输出工作簿路径（默认：原文件旁的“<文件名>-已填充.xlsx”）")
    p.add_argument("--overwrite", action="store_true", help="改写与细项之和不符的已填合计")
    add_force(p)
    p.set_defaults(func=run)


def default_output(path: Path) -> Path:
    """“<文件名>-已填充.xlsx” beside the input, or “-已填充-2”… when that name is taken: a name
    the user did not give never replaces a file (last time's output may have been edited)."""
    suffix = path.suffix.lower() if path.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    return free_name(path.parent, f"{path.stem}{SUFFIX}", suffix)


def fill_file(source: Path, output: Path, overwrite: bool = False) -> tuple[Report, FillResult]:
    """Fill `source` and write the result to `output` (never to `source` unless they are the
    same path by the caller's explicit choice)."""
    from ..io import write_report

    report = load_report(source)
    result = fill(report, overwrite=overwrite)
    if source.suffix.lower() in WORKBOOK_SUFFIXES:
        if output.suffix.lower() == ".xlsm" and source.suffix.lower() != ".xlsm":
            raise OutputError("原文件不含宏，请输出为 .xlsx", path=str(output))
        write_report(report, output, base=source, keys=result.changed, overwrite=overwrite)
    else:
        write_report(report, output)
    return report, result


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if args.output:
        output = workbook_output(args.output, [source], force=args.force)
    else:
        output = default_output(source)
    report, result = fill_file(source, output, overwrite=args.overwrite)
    show_fill(report, result, output)
    if source.suffix.lower() in WORKBOOK_SUFFIXES:
        from ..io.rewrite import lost_between, lost_on_rewrite

        lost = list(dict.fromkeys(lost_on_rewrite(source) + lost_between(source, output)))
        if lost:  # the new file is written through openpyxl: say what it does not carry over
            console().print(Text(
                f"注意：输出文件中没有原文件的以下内容（{'；'.join(lost)}），原文件未改动：{source}", style="yellow"
            ))
    return 1 if result.conflicts else 0


def show_fill(report: Report, result: FillResult, output: Path) -> None:
    out = console()
    out.print(Text(f"运算：{report.meta.title if report.meta.agency else report.source}", style="bold"))
    def label(key: str) -> str:
        return cell_label(CellRef(key, report.address(key), None))

    for key in result.filled:
        out.print(f"  填入 {label(key)}＝{report.values[key]}")
    for key in result.overwritten:
        out.print(f"  改写 {label(key)}＝{report.values[key]}")
    for f in result.conflicts:
        out.print(Text(f"  保留原值：{f.message}", style="yellow"))
    if result.conflicts:
        out.print(Text("  （如需按细项改写这些合计，请加 --overwrite）", style="dim"))
    waiting = [k for k in result.incomplete if k in report.formulas]  # the formula stays: nothing to fill
    for key in result.incomplete:
        if key not in report.formulas:
            out.print(Text(f"  未填 {label(key)}：细项不全或不是数字", style="dim"))
    if waiting:
        shown = "、".join(report.address(k) or label(k) for k in waiting[:3]) + ("等" if len(waiting) > 3 else "")
        out.print(Text(f"  {len(waiting)} 个公式合计格（{shown}）的细项不全或不是数字，暂不能核算", style="dim"))
    formulas = len(report.formulas)
    tail = f"；{formulas} 个合计格保留公式" if formulas else ""
    out.print(Text(f"{result.summary()}{tail}。已写入：{output}", style="bold green" if not result.conflicts else "yellow"))
