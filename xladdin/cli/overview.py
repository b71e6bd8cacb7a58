"""`xladdin overview --db 库 [--roster 名单.xlsx] -o 总览.xlsx` — the overview workbook with charts."""

from __future__ import annotations

import argparse

from .inputs import add_force
from .office_args import add_db, add_roster, claim_xlsx, collected, open_store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("overview", help="总览工作簿：各机关问题数、缺报迟报、复核状态，按规则和上级统计，附图表",
                       description="一行一个机关（层级、上级机关、强制/待核/提示、缺报/迟报、复核状态、问题明细链接），"
                                   "按规则、按上级机关、按复核状态统计，并有 Excel 原生图表；A4 横向打印。")
    add_db(p)
    add_roster(p)
    p.add_argument("-o", "--output", required=True, metavar="总览.xlsx", help="输出的总览工作簿")
    add_force(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..office.overview import write_overview

    claim_xlsx(args, "总览工作簿")
    store = open_store(args)
    try:
        c = collected(store, args)
    finally:
        store.close()
    write_overview(c, args.output)
    print(f"已写入：{args.output}（{len(c.agencies)} 个机关，{len(c.items)} 个问题）")
    return 0
