"""`xladdin review export|import|set|status --db 库` — review decisions that survive reruns.

export: the findings of the latest run as a workbook with a 复核 column (drop-down) and 复核说明;
import: read the decisions back; set: one decision from the command line; status: what is new,
fixed, still open and re-opened since the last run, and the review state of every finding."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..errors import InputError
from .inputs import add_force
from .office_args import add_db, add_roster, claim_xlsx, collected, open_store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("review", help="复核：导出复核工作簿、导入复核结论、逐条复核、查看复核状态",
                       description="复核结论按问题指纹保存在审核结果库中；重新审核后数值未变的问题沿用原结论，"
                                   "数值变化的问题重新打开（显示原值与现值）。")
    inner = p.add_subparsers(dest="review_command", metavar="操作")
    e = inner.add_parser("export", help="导出复核工作簿（“复核”列下拉选择，“复核说明”列填写理由）")
    add_db(e)
    add_roster(e)
    e.add_argument("-o", "--output", required=True, metavar="审核结果.xlsx", help="输出的复核工作簿")
    add_force(e)
    e.set_defaults(func=export)
    i = inner.add_parser("import", help="导入复核工作簿中的复核结论")
    i.add_argument("workbook", metavar="审核结果.xlsx", help="xladdin review export 导出并填写过的工作簿")
    add_db(i)
    add_roster(i)
    i.add_argument("--reviewer", default="", metavar="姓名", help="复核人（默认：当前用户名）")
    i.set_defaults(func=import_)
    s = inner.add_parser("set", help="对一个问题作出复核结论")
    s.add_argument("fingerprint", metavar="指纹", help="问题指纹（复核工作簿隐藏的“指纹”列，或 review status --list 所列）")
    s.add_argument("decision", metavar="结论", help="确认、驳回、已说明 或 已核定")
    s.add_argument("--note", default="", metavar="说明", help="复核说明（已核定须写明核定的读数）")
    s.add_argument("--reviewer", default="", metavar="姓名", help="复核人（默认：当前用户名）")
    add_db(s)
    add_roster(s)
    s.set_defaults(func=set_)
    h = inner.add_parser("history", help="列出一个问题的全部复核结论（历次结论都保留）")
    h.add_argument("fingerprint", metavar="指纹", help="问题指纹")
    add_db(h)
    h.set_defaults(func=history)
    t = inner.add_parser("status", help="与上次审核相比：新增、已改正、仍存在、重新打开；各复核状态的问题数")
    add_db(t)
    add_roster(t)
    t.add_argument("--list", action="store_true", help="逐条列出未复核和重新打开的问题（含指纹）")
    t.set_defaults(func=status)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])


def export(args: argparse.Namespace) -> int:
    from ..office.workbook import write_review

    claim_xlsx(args, "复核工作簿")
    store = open_store(args)
    try:
        c = collected(store, args)
        write_review(c, args.output, str(Path(args.db).resolve()))
    finally:
        store.close()
    print(f"已写入：{args.output}（{len(c.items)} 个问题；在“复核”列选择结论后用 xladdin review import 导入）")
    return 0


def import_(args: argparse.Namespace) -> int:
    from ..office.workbook import has_hierarchy, import_rows, read_rows

    rows = read_rows(args.workbook)
    args.hierarchy = args.hierarchy or has_hierarchy(rows)  # exported with --hierarchy: its H1 rows too
    store = open_store(args)
    try:
        c = collected(store, args)
        result = import_rows(store, c, rows, args.workbook, args.reviewer)
    finally:
        store.close()
    print(result.summary())
    return 0


def set_(args: argparse.Namespace) -> int:
    from ..office import review as rv

    store = open_store(args)
    try:
        c = collected(store, args)
        item = c.by_fingerprint().get(args.fingerprint)
        if item is None:
            raise InputError(f"最近一次审核结果中没有指纹为 {args.fingerprint} 的问题", path=args.db)
        why = rv.validate(args.decision, item.finding, args.note)
        if why:
            raise InputError(why)
        rv.decide(store, item.fingerprint, args.decision, item.finding, item.digest, args.note, args.reviewer,
                  how="命令行", agency=item.agency)
        store.commit()
    finally:
        store.close()
    print(f"已记录：{item.agency} {item.finding.rule} {item.finding.title} → {args.decision}")
    return 0


def status(args: argparse.Namespace) -> int:
    from ..office import review as rv
    from ..office.diff import compare

    store = open_store(args)
    try:
        c = collected(store, args)
        diff = compare(store, c.run)
    finally:
        store.close()
    print(diff.summary() + "。")
    states = Counter(i.state for i in c.items)
    print("复核状态：" + "，".join(f"{s} {states[s]}" for s in rv.STATES) + f"（共 {len(c.items)} 个问题）")
    if c.roster is not None:
        rules = Counter(i.finding.rule for i in c.items)
        print(f"名单：{len(c.roster.agencies)} 个机关；缺报 {rules['R1']}，迟报 {rules['R2']}，名单外 {rules['R3']}，"
              f"名称待确认 {rules['R4']}" + (f"，汇总与下级之和 {rules['H1']}" if getattr(args, "hierarchy", False) else ""))
    if args.list:
        for item in c.items:
            if item.state in (rv.UNREVIEWED, rv.REOPENED):
                extra = f"（{rv.change(item.decision, item.finding)}）" if item.state == rv.REOPENED and item.decision else ""
                print(f"  {item.fingerprint}  {item.state}  {item.agency}  {item.finding.rule}  {item.finding.message}{extra}")
    return 0


def history(args: argparse.Namespace) -> int:
    from ..office import review as rv

    store = open_store(args)
    try:
        rows = rv.history(store, args.fingerprint)
    finally:
        store.close()
    if not rows:
        print(f"指纹为 {args.fingerprint} 的问题还没有复核结论")
        return 0
    print(f"{rows[-1].agency} {rows[-1].rule}：共 {len(rows)} 次复核结论（最后一次有效）")
    for d in rows:
        seen = "；".join(f"{k}＝{v}" for k, v in d.cells)
        flag = rv.flags(d)
        print(f"  {d.decided}  {d.decision}  {d.reviewer or '（未署名）'}  {d.how}  {d.note}")
        if seen:
            print(f"    当时所见：{seen}")
        if flag:
            print(f"    注意：{flag}")
    return 0
