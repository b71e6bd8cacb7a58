"""`xladdin notices --db 库 -o 整改通知/ [--include-soft] [--deadline 日期]` — rectification notices."""

from __future__ import annotations

import argparse
from datetime import date

from ..errors import InputError
from .inputs import add_force
from .office_args import add_db, add_roster, collected, open_store


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("notices", help="整改通知：每个机关一份 Word 通知（公文格式）和一份整改清单工作簿",
                       description="为复核“确认”的强制问题（加 --include-soft 时也包括提示问题）生成整改通知；"
                                   "待核问题是读取存疑，不是机关的错误，不写入通知。")
    add_db(p)
    add_roster(p)
    p.add_argument("-o", "--output", required=True, metavar="整改通知/", help="输出文件夹（不存在时新建）")
    p.add_argument("--include-soft", action="store_true", help="复核确认的提示问题也写入通知")
    p.add_argument("--deadline", metavar="日期", help="整改时限，如 2025-04-30（默认留空，由人工填写）")
    p.add_argument("--office", default="政务公开工作主管部门", metavar="名称", help="通知落款（默认：政务公开工作主管部门）")
    add_force(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..office.notices import write_notices

    deadline = None
    if args.deadline:
        try:
            deadline = date.fromisoformat(args.deadline)
        except ValueError:
            raise InputError(f"整改时限“{args.deadline}”无法识别，应为 YYYY-MM-DD") from None
    store = open_store(args)
    try:
        c = collected(store, args)
    finally:
        store.close()
    notices, list_path = write_notices(c, args.output, include_soft=args.include_soft, deadline=deadline,
                                       office=args.office, force=args.force)
    for n in notices:
        print(f"  {n.path}（{len(n.items)} 个问题）")
    print(f"已写入 {len(notices)} 份整改通知和整改清单：{list_path}")
    if not notices:
        print("没有复核“确认”的问题：请先用 xladdin review export / import 复核")
    return 0
