"""`xladdin check FILE [--previous LAST_YEAR_FILE] [--json] [--xlsx OUT]` — 审核."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..check import blocking, check
from ..errors import InputError
from ..io.safety import same_file
from ..load import load_report_fast as load
from .inputs import ensure_writable, refuse_overwriting, warn_previous


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="审核：按全部勾稽规则检查年报，列出问题",
        description="审核年报：表内、表间（及给出上年报告时的跨期）规则逐条检查。"
        "退出码：0 无强制错误，1 有强制错误，2 文件无法使用。",
    )
    p.add_argument("file", metavar="文件", help="年报工作簿（.xlsx/.xlsm）、JSON，或已发布的年报（.docx/.pdf/.html/.txt）")
    p.add_argument("--previous", metavar="上年文件", help="上年度年报，用于跨期检查（结转、现行有效件数）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出问题列表")
    p.add_argument("--xlsx", metavar="输出.xlsx", help="另把问题清单写成工作簿")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.previous and Path(args.previous).is_file() and Path(args.file).is_file() and same_file(args.file, args.previous):
        raise InputError("--previous 给出的上年报告就是本文件，请给出上年度的年报", path=str(args.previous))
    report = load(args.file)
    previous = load(args.previous) if args.previous else None
    if previous is not None:
        warn_previous(report, previous)
    findings = check(report, previous)
    if args.xlsx:
        from ..io.findings_xlsx import write_findings

        refuse_overwriting(args.xlsx, [args.file] + ([args.previous] if args.previous else []), "--xlsx 输出")
        ensure_writable(args.xlsx, "--xlsx 输出")

        path = write_findings(findings, args.xlsx, report, previous)
        print(f"问题清单已写入：{path}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        from .findings_view import show_findings  # rich: only for the terminal view

        show_findings(findings, report)
    return 1 if blocking(findings) else 0
