"""`xladdin audit PATH... [--previous PATH] [--json] [--xlsx OUT] [--jobs N]` — 批量审核."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from rich.table import Table

from ..audit.runner import AuditRecord, audit_paths, expand_paths
from ..errors import InputError
from ..load import load_report
from ..report import Meta, Report
from .findings_view import show_findings
from .inputs import add_force, ensure_writable, loadable_in, refuse_overwriting
from .progress import add_quiet, progress
from .terminal import Text, console

EPILOG = (
    "退出码：0 所有文件均无强制错误（只有待核、提示也是 0）；1 至少一个文件有强制错误；2 至少一个文件无法读取"
    "（同时出现时取 2）。待核是读取的疑问（原文不能唯一读出、原文不完整），不是报告的错误，须人工对照原件核定。"
    "无法读取的文件不会中断批量审核，在结果中记为错误。"
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="批量审核：工作簿与已发布年报（文本/网页/Word/PDF）的表格、文字、结构与跨期检查",
        description="审核一个或多个年报：表内勾稽、正文与表格一致（文表）、结构与时限，"
        "给出上年报告时另查跨期衔接与第五部分雷同。文件夹会展开为其中所有受支持的文件。",
        epilog=EPILOG,
    )
    p.add_argument("paths", nargs="+", metavar="路径", help="年报文件或文件夹（.xlsx .xlsm .json .txt .md .html .docx .pdf）")
    p.add_argument(
        "--previous", metavar="上年",
        help="上年度年报文件（用于同一机关），或存放上年年报的文件夹（按机关名称和年度自动查找；可以就是本次审核的文件夹）",
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出：每个文件一个对象 {source, meta, findings}")
    p.add_argument("--xlsx", metavar="输出.xlsx", help="另写审核工作簿：“汇总”表每个年报一行，“明细”表每个问题一行")
    p.add_argument("--jobs", type=int, metavar="进程数", help="并行进程数（默认为 CPU 核数，最多 8；1 表示不并行）")
    p.add_argument("--detail", action="store_true", help="多个文件时也逐条列出每个文件的问题")
    add_force(p, "--xlsx 给出的")
    add_quiet(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    err = console(stderr=True)
    files: list[Path] = []
    empty: list[AuditRecord] = []
    for raw in args.paths:
        p = Path(raw)
        found = expand_paths([p])
        if p.is_dir():
            found = sorted(set(found) | set(loadable_in(p)))
        if p.is_dir() and args.xlsx:  # our own workbook from an earlier run is not a report
            found = [f for f in found if not _same(f, args.xlsx)]
        if p.is_dir() and not found:
            empty.append(AuditRecord(str(p), error=f"文件夹“{p}”：其中没有可审核的文件"))
        files.extend(found)
    if args.xlsx:
        refuse_overwriting(args.xlsx, [*files, *([args.previous] if args.previous else [])], "--xlsx 输出", kind="audit",
                           force=args.force)
        ensure_writable(args.xlsx, "--xlsx 输出")  # before the audit, not after it
    previous = None
    if args.previous:
        prev_path = Path(args.previous)
        if prev_path.is_dir():
            previous = str(prev_path)
        elif not prev_path.exists():
            raise InputError("上年报告不存在", path=str(prev_path))
        else:
            previous = load_report(prev_path)
    with progress(len(files), "审核", quiet=args.quiet, unit="份") as on_progress:
        records = audit_paths(files, previous=previous, jobs=args.jobs, on_progress=on_progress) + empty
    for r in records:  # last year's report not used, and why: said on stderr for every command
        for note in r.previous_notes:
            print(f"注意：{Path(r.source).name}：{note}", file=sys.stderr)
    if args.xlsx:
        from ..audit.xlsx import write_audit_xlsx

        path = write_audit_xlsx(records, args.xlsx)
        err.print(f"审核工作簿已写入：{path}")
    if args.json:
        print(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2))
    else:
        show_summary(records, detail=args.detail)
    unreadable = [r for r in records if r.error]
    for r in unreadable:  # on stderr too, so that a script sees why the exit code is 2
        print(f"错误：{r.error}", file=sys.stderr)
    if unreadable:
        return 2
    return 1 if any(r.hard for r in records) else 0


def _same(a: Path, b: str) -> bool:
    from ..io.safety import same_file

    return Path(b).exists() and same_file(a, b)


def show_summary(records: list[AuditRecord], detail: bool = False) -> None:
    out = console()
    if len(records) == 1 and not records[0].error:
        r = records[0]
        _print_single(r, out)
        return
    table = Table(title="年报审核汇总", header_style="bold", show_lines=False)
    doubt = any(r.pending for r in records if not r.error)  # the 待核 column when some file has one
    names = ("文件", "机关", "年度", "层级", "强制") + (("待核",) if doubt else ()) + ("提示", "结论")
    for name in names:
        short = name in ("年度", "层级", "强制", "待核", "提示")
        table.add_column(name, no_wrap=short, overflow="ellipsis" if short else "fold")
    for r in records:
        if r.error:
            table.add_row(*[Path(r.source).name] + [""] * (len(names) - 2), Text(r.error, style="magenta"))
            continue
        m = r.meta
        conclusion = (
            Text("有强制错误", style="bold red") if r.hard
            else Text("有待核", style="bold cyan") if r.pending
            else Text("有提示", style="yellow") if r.findings else Text("通过", style="green")
        )
        table.add_row(
            Path(r.source).name, m.get("agency", ""), str(m.get("year") or ""), m.get("level", ""),
            str(r.hard), *([str(r.pending)] if doubt else []), str(r.soft), conclusion,
        )
    out.print(table)
    usable = [r for r in records if not r.error]
    rules = Counter(f.rule for r in usable for f in r.shown)
    cells = Counter(f.rule for r in usable for f in r.findings)  # before blanks were grouped by row
    if rules:
        from ..spec import SPEC

        rank = {r.id: i for i, r in enumerate(SPEC.rules)}  # the spec's order, as in the findings lists
        ordered = sorted(rules.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0]))
        out.print(
            "按规则统计："
            + "，".join(f"{k} {v} 处" + (f"（{cells[k]} 格）" if cells[k] != v else "") for k, v in ordered)
        )
    bad = sum(1 for r in records if r.error)
    pending = sum(1 for r in usable if r.pending and not r.hard)
    out.print(
        Text(
            f"共 {len(records)} 个文件：{sum(1 for r in usable if r.hard)} 个有强制错误，"
            + (f"{pending} 个有待核（无强制错误）、须人工核定，" if pending else "")
            + f"{sum(1 for r in usable if r.findings and not r.hard and not r.pending)} 个只有提示，"
            f"{sum(1 for r in usable if not r.findings)} 个通过，{bad} 个无法读取。",
            style="bold",
        )
    )
    if detail:
        for r in usable:
            if r.findings:
                _print_single(r, out)


def _report_of(r: AuditRecord) -> Report:
    """The audited report's metadata as a Report (the record keeps only its meta)."""
    return Report(meta=Meta(**{k: v for k, v in r.meta.items() if k in Meta.__dataclass_fields__}), source=r.source)


def _print_single(r: AuditRecord, out) -> None:  # type: ignore[no-untyped-def]
    show_findings(r.findings, _report_of(r), out)
    if r.previous:
        out.print(Text(f"上年报告：{r.previous}", style="dim"))
