"""`xladdin draft 年报.xlsx [-o 输出.xlsx] [--previous 上年]`: 生成正文 from the command line.

The same action as the ribbon button (excel/actions.draft_narrative) on the file: the drafted
sentences go into the empty 正文 blocks; beside a block that already holds text, in the next
column. The result is saved to a new file (the original is never changed).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..draft import Applied
from ..errors import InputError, OutputError
from ..load import WORKBOOK_SUFFIXES, load_report
from .inputs import add_force, free_name, workbook_output
from .terminal import Text, console

SUFFIX = "-已起草"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "draft",
        help="生成正文：由表格数字起草主动公开、依申请公开、复议诉讼和信息处理费的句子",
        description="由表二、表三、表四的数字起草正文中与表格对应的句子：第一部分（一）主动公开（规章、行政规范性文件"
        "制发/废止/现行有效件数等）、（二）依申请公开（收到、上年结转、办结及各类结果和占比、结转下年度，给出上年年报时"
        "还有与上年的比较）和行政复议、行政诉讼情况，第六部分信息处理费。只写入空白的正文格；已有文字的部分一字不改，"
        "草稿写在右侧一列供参考。结果另存为新文件，原文件不改动。退出码：0 完成，2 文件无法使用。",
    )
    p.add_argument("file", metavar="文件", help="年报工作簿（.xlsx/.xlsm），或 JSON/已发布的年报（写成新的模板工作簿）")
    p.add_argument("-o", "--output", metavar="输出文件", help=f"输出工作簿（默认：原文件旁的“<文件名>{SUFFIX}.xlsx”）")
    p.add_argument("--previous", metavar="上年", help="上年年报（用于“较上年增加/减少”；默认用工作簿中导入的上年数据）")
    add_force(p)
    p.set_defaults(func=run)


def default_output(path: Path) -> Path:
    """“<文件名>-已起草.xlsx” beside the input, or “-已起草-2”… when taken: a name the user did
    not give never replaces a file."""
    suffix = path.suffix.lower() if path.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    return free_name(path.parent, f"{path.stem}{SUFFIX}", suffix)


def run(args: argparse.Namespace) -> int:
    from ..excel.actions import draft_into
    from ..excel.filebook import FileBook

    source = Path(args.file)
    if not source.is_file():
        raise InputError("文件不存在", path=str(source))
    if args.output:
        output = workbook_output(args.output, [source], force=args.force)
    else:
        output = default_output(source)
    if output.suffix.lower() == ".xlsm" and source.suffix.lower() != ".xlsm":
        raise OutputError("原文件不含宏，请输出为 .xlsx", path=str(output))
    previous = load_report(args.previous) if args.previous else None
    if source.suffix.lower() in WORKBOOK_SUFFIXES:
        book = FileBook(source, save_to=output)
    else:  # a JSON or a published report: into a new template workbook first
        from ..io import write_report

        write_report(load_report(source), output)
        book = FileBook(output)
    meta = book.read_report().meta
    started = time.perf_counter()
    applied = draft_into(book, previous)  # reads the workbook, drafts, writes, saves
    seconds = time.perf_counter() - started
    show(applied, meta.title if meta.agency else str(source), output, seconds)
    return 0


def show(applied: Applied, title: str, output: Path, seconds: float) -> None:
    from ..spec import SPEC

    out = console()
    titles = {p.key: p.title for p in SPEC.parts}
    out.print(Text(f"生成正文：{title}", style="bold"))
    for key, d in applied.drafts.items():
        if not d.text:
            continue
        typed = key in applied.beside
        where = "已有文字，未改动；草稿写在右侧一列，供参考" if typed else "原为空白，已写入"
        out.print(Text(f"【{titles[key]}】{where}", style="yellow" if typed else "bold"))
        out.print(d.text)
    out.print(Text(f"{applied.summary()}。已写入：{output}（用时 {seconds:.2f} 秒）", style="green"))
