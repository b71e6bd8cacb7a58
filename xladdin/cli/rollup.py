"""`xladdin rollup PATH... -o 汇总.xlsx [--agency 名称] [--year N] [--level 县|市|省]
[--include-errors] [--jobs N] [--json]` — 汇总多份年报（逐格相加）."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import InputError
from .inputs import add_force, loadable_in, refuse_overwriting
from .progress import add_quiet, progress

EPILOG = (
    "计入规则：无法读取的文件、年度与汇总年度不同的报告、有强制错误的报告（除非 --include-errors）"
    "和重复的报告（同一机关同一年度，保留第一份）不计入；计入的报告中某格为空白、文字或无效数字时，"
    "该汇总格留空并在“汇总明细”表中列出原因，绝不按 0 处理。"
    "退出码：0 全部计入且各格完整；1 有报告未计入或有汇总格不完整；2 有文件无法读取。"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rollup",
        help="汇总多份年报：各下级年报的表格逐格相加，输出汇总年报工作簿",
        description="把多份年报（工作簿与已发布的文本/网页/Word/PDF 年报均可，文件夹会展开）的表二、表三、表四"
        "逐格相加，写入年报模板（公式和“校验”表照常工作），另附“汇总来源”“汇总明细”两张表。",
        epilog=EPILOG,
    )
    p.add_argument("paths", nargs="+", metavar="路径", help="年报文件或文件夹")
    p.add_argument("-o", "--output", metavar="汇总.xlsx", help="输出的汇总工作簿（.xlsx）")
    p.add_argument("--agency", default="汇总", metavar="名称", help="汇总年报的机关名称（默认“汇总”）")
    p.add_argument("--year", type=int, metavar="年度", help="汇总年度（默认取各报告中最多的年度）")
    p.add_argument("--level", choices=("县", "市", "省", "垂直"), default="", metavar="层级",
                   help="汇总年报的机关层级：县、市、省或垂直")
    p.add_argument("--include-errors", action="store_true", help="有强制错误的报告也计入（只计其有效单元格）")
    p.add_argument("--jobs", type=int, metavar="进程数", help="并行进程数（默认为 CPU 核数，最多 8；1 表示不并行）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出汇总年报（Report）和各来源记录")
    add_force(p, "-o 给出的")
    add_quiet(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..audit.rollup import rollup_paths, write_rollup
    from ..audit.runner import expand_paths
    from ..io.safety import same_file

    if not args.output and not args.json:
        raise InputError("请用 -o 指定输出的汇总工作簿（如 -o 汇总.xlsx），或用 --json 输出")
    if args.output and not args.output.lower().endswith(".xlsx"):
        raise InputError("汇总工作簿请保存为 .xlsx", path=args.output)

    if args.output:  # a report named on the command line is never replaced by the roll-up
        refuse_overwriting(args.output, [p for p in args.paths if Path(p).is_file()], "-o 输出", kind="rollup", force=args.force)
    files = sorted(set(expand_paths(args.paths)) | {f for p in args.paths if Path(p).is_dir() for f in loadable_in(Path(p))})
    if args.output:  # a roll-up written into an input folder must not be summed on the next run
        files = [f for f in files if not same_file(f, args.output)]
    with progress(len(files), "读取", quiet=args.quiet, unit="份") as on_progress:
        result = rollup_paths(
            files, agency=args.agency, year=args.year, level=args.level,
            include_errors=args.include_errors, jobs=args.jobs, on_progress=on_progress,
        )
    if not result.sources:
        raise InputError("没有找到可汇总的年报文件", path="、".join(args.paths))
    if args.output:
        write_rollup(result, args.output)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return result.exit_code
    included = result.included
    year = f"{result.year} 年" if result.year else "年度未定"
    print(f"汇总（{year}）：共 {len(result.sources)} 个文件，计入 {len(included)} 份。")
    for s in result.sources:
        if s.error:  # unreadable: exit code 2, said as every command says it
            print(f"错误：{s.error}", file=sys.stderr)
        elif not s.included:
            print(f"  未计入  {s.source}：{s.reason}", file=sys.stderr)
        for note in s.notes:
            print(f"  提示    {s.source}：{note}", file=sys.stderr)
    if result.incomplete:
        print(f"  有 {len(result.incomplete)} 个汇总格不完整（已留空，见“汇总明细”表），例如：", file=sys.stderr)
        for c in result.incomplete[:5]:
            print(f"    {c.key}：{result.report.notes.get(c.key, '')}", file=sys.stderr)
    if args.output:
        print(f"已写入：{args.output}")
    return result.exit_code
