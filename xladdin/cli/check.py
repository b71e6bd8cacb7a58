"""`xladdin check FILE [--previous LAST_YEAR_FILE] [--json] [--xlsx OUT]` — 审核."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..audit.tablecheck import TABLE_STRUCTURE, check_tables
from ..check import blocking, group_blanks
from ..errors import InputError
from ..io.safety import same_file
from ..load import load_report_fast as load
from ..report import Report
from ..spec import SPEC
from .inputs import add_force, ensure_writable, refuse_overwriting, usable_previous


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="审核：按全部勾稽规则检查年报，列出问题",
        description="审核年报：表内规则（勾稽关系、数值、其他处理占比）、报表格式版本（F1）和统计表完整（S7）逐条检查，"
        "给出上年报告时另查跨期衔接（Y1、T2-C）。正文与表格是否一致（文表）、六个部分与发布时限（结构）"
        "不在此检查，结果中会注明；全部审核请用 xladdin audit。"
        "退出码：0 无强制错误（只有待核、提示也是 0），1 有强制错误，2 文件无法使用。"
        "待核是读取的疑问（已发布年报的数字不能唯一读出、原文不完整），不是报告的错误。",
    )
    p.add_argument("file", metavar="文件", help="年报工作簿（.xlsx/.xlsm）、JSON，或已发布的年报（.docx/.pdf/.html/.txt）")
    p.add_argument("--previous", metavar="上年文件", help="上年度年报，用于跨期检查（结转、现行有效件数）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出问题列表")
    p.add_argument("--xlsx", metavar="输出.xlsx", help="另把问题清单写成工作簿（已有的同类问题清单会被替换，其他文件不会）")
    add_force(p, "--xlsx 给出的")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.previous and Path(args.previous).is_file() and Path(args.file).is_file() and same_file(args.file, args.previous):
        raise InputError("--previous 给出的上年报告就是本文件，请给出上年度的年报", path=str(args.previous))
    report = load(args.file)
    previous = load(args.previous) if args.previous else None
    if previous is not None:
        previous = usable_previous(report, previous)
    if previous is not None:
        from ..audit.lastyear import reread

        report = reread(report, previous)  # last year's figures settle what the reader could not
    findings = check_tables(report, previous)
    skipped = not_run_text(report, previous)
    if args.xlsx:
        from ..io.findings_xlsx import write_findings

        refuse_overwriting(args.xlsx, [args.file] + ([args.previous] if args.previous else []), "--xlsx 输出", kind="findings",
                           force=args.force)
        ensure_writable(args.xlsx, "--xlsx 输出")

        path = write_findings(findings, args.xlsx, report, previous)
        print(f"问题清单已写入：{path}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        # a group of blanks lists its per-cell findings under "parts"
        print(json.dumps([f.to_dict() for f in group_blanks(findings)], ensure_ascii=False, indent=2))
        print(skipped, file=sys.stderr)
    else:
        from .findings_view import show_findings  # rich: only for the terminal view

        show_findings(findings, report, coverage=skipped)
    return 1 if blocking(findings) else 0


def rules_not_run(report: Report, previous: Report | None = None) -> list[str]:
    """Ids of the spec's rules check_tables does not run (in the spec's order)."""
    cross_year = previous is not None or report.previous is not None
    ran = {r.id for r in SPEC.rules if r.scope in ("表内", "读取")} | set(TABLE_STRUCTURE) | ({"Y1", "T2-C"} if cross_year else set())
    return [r.id for r in SPEC.rules if r.id not in ran]


def not_run_text(report: Report, previous: Report | None = None) -> str:
    """"未运行：…" naming the rule families `check` left out, and how to run them."""
    missing = set(rules_not_run(report, previous))
    families = []
    for scope, what in (("文表", "正文与表格是否一致"), ("结构", "六个部分、篇幅、发布时限"), ("跨期", "与上年报告的衔接")):
        ids = [r.id for r in SPEC.rules if r.scope == scope and r.id in missing]
        if ids:
            families.append(f"{scope}规则 {'、'.join(ids)}（{what}）")
    text = "未运行：" + "；".join(families) + "。"
    if {"Y1", "T2-C"} & missing:
        text += "跨期衔接（Y1、T2-C）请用 --previous 给出上年报告；"
    return text + f"全部审核请用：xladdin audit {report.source or '文件'}"
