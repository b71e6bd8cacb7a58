"""`xladdin roster template -o 名单.xlsx` — an empty roster workbook with the drop-downs;
`xladdin roster check 名单.xlsx [--db 库]` — read the roster and show which reports match whom."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError
from .inputs import add_force


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("roster", help="名单：生成空白名单工作簿，核对名单与报告的对应关系",
                       description="上级政务公开办的名单（机关名称、层级、上级机关、网站、汇总）。")
    inner = p.add_subparsers(dest="roster_command", metavar="操作")
    t = inner.add_parser("template", help="生成空白名单工作簿（层级、汇总带下拉列表）")
    t.add_argument("-o", "--output", default="名单.xlsx", metavar="名单.xlsx", help="输出文件（默认：名单.xlsx）")
    add_force(t)
    t.set_defaults(func=template)
    c = inner.add_parser("check", help="读取名单，列出报告与名单机关的对应关系（相近而不能确定的须人工确认）")
    c.add_argument("roster", metavar="名单.xlsx", help="名单（.xlsx 或 .csv）")
    c.add_argument("--db", metavar="审核结果库.db", help="与此审核结果库中的报告对照，并把名单存入库中")
    c.set_defaults(func=check)
    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])


def template(args: argparse.Namespace) -> int:
    from ..io.outputs import claim
    from ..office.roster import write_template

    if not args.output.lower().endswith(".xlsx"):
        raise InputError("名单工作簿请保存为 .xlsx", path=args.output)
    claim(args.output, force=args.force, option="-o 输出")
    write_template(args.output)
    print(f"已写入：{args.output}（每行一个机关：机关名称、层级、上级机关、网站、汇总）")
    return 0


def check(args: argparse.Namespace) -> int:
    from ..office import review as rv
    from ..office.roster import read_roster
    from ..store import Store

    roster = read_roster(args.roster)
    n_summary = sum(a.summary for a in roster.agencies)
    print(f"名单：{len(roster.agencies)} 个机关（其中汇总 {n_summary} 个）")
    if not args.db:
        return 0
    store = Store.open(args.db, create=False)
    try:
        rv.save_roster(store, roster)
        sure = unsure = outside = 0
        names = {}
        for record in store.records():
            name = str(record.meta.get("agency") or "") or Path(record.source).stem
            names.setdefault(name, record.source)
        for name, source in sorted(names.items()):
            m = roster.match(name)
            if m.sure:
                sure += 1
                if m.how != "同名":
                    print(f"  对应（{m.how}）：{name} → {roster.agencies[m.entry].name}")
            elif m.unsure:
                unsure += 1
                options = "、".join(roster.agencies[i].name for i in m.candidates)
                print(f"  待确认：{name}（{Path(source).name}）可能是：{options}")
            else:
                outside += 1
                print(f"  名单外：{name}（{Path(source).name}）")
        print(f"报告 {len(names)} 个机关：对应 {sure} 个，待确认 {unsure} 个，名单外 {outside} 个。名单已存入 {args.db}")
        if unsure:
            print("待确认的报告：确认是哪个机关后，把报告所写的名称填入名单上该机关的“其他名称”列，再运行本命令。")
    finally:
        store.close()
    return 1 if unsure else 0
