"""What the office's commands (roster, review, notices, overview) share: the results store
(--db), the roster (--roster, kept in the store once given), the hierarchy sums (--hierarchy)."""

from __future__ import annotations

import argparse
from typing import Any


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, metavar="审核结果库.db", help="xladdin audit --db 写出的审核结果库")


def add_roster(p: argparse.ArgumentParser, hierarchy: bool = True) -> None:
    p.add_argument("--roster", metavar="名单.xlsx", help="名单（.xlsx 或 .csv）；给出后存入审核结果库，以后的命令沿用")
    p.add_argument("--run", type=int, metavar="序号", help="第几次审核（默认最近一次）")
    if hierarchy:
        p.add_argument("--hierarchy", action="store_true", help="核对汇总年报与下级年报之和（表间，规则 H1；需读取各下级年报）")


def claim_xlsx(args: argparse.Namespace, what: str) -> None:
    """-o of a workbook the office asked for: .xlsx, under the one output rule, never the store."""
    from ..errors import InputError
    from ..io.outputs import claim

    if not args.output.lower().endswith(".xlsx"):
        raise InputError(f"{what}请保存为 .xlsx", path=args.output)
    claim(args.output, [args.db], force=args.force, option="-o 输出")


def open_store(args: argparse.Namespace) -> Any:
    from ..store import Store

    return Store.open(args.db, create=False)


def collected(store: Any, args: argparse.Namespace) -> Any:
    """The office's view of the store: the roster given (saved for next time) or kept."""
    from ..office import review as rv
    from ..office.collect import collect
    from ..office.roster import read_roster

    roster = None
    if getattr(args, "roster", None):
        roster = read_roster(args.roster)
        rv.save_roster(store, roster)
    return collect(store, getattr(args, "run", None), roster, hierarchy=getattr(args, "hierarchy", False))
