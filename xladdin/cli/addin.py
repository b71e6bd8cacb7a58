"""`xladdin addin build|install|uninstall|run`: the Excel add-in from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "addin", help="Excel 加载项：构建、安装、卸载，或在文件上运行功能区按钮",
        description="Excel 加载项：构建、安装、卸载，或在工作簿文件上运行功能区按钮（WPS 与没有 Excel 的电脑也能用）。",
    )
    cmds = p.add_subparsers(dest="addin_command", metavar="子命令")

    b = cmds.add_parser("build", help="生成 xladdin.xlam 加载项和启用宏的模板 .xlsm")
    b.add_argument("-o", "--output", default="dist", metavar="文件夹", help="输出文件夹（默认 dist）")
    b.add_argument("--via-excel", action="store_true", help="通过 Excel 导入 VBA（仅限装有 Excel 的 Windows）")
    b.add_argument("--force", action="store_true",
                   help="输出文件夹中的同名文件不是本工具生成的加载项或空白模板时也替换（默认拒绝，以免覆盖已填写的年报）")
    b.set_defaults(func=_build)

    i = cmds.add_parser("install", help="把加载项放入 Excel 启动文件夹（XLSTART）并写入 xlwings 设置")
    i.add_argument("--dir", metavar="文件夹", help="写入此文件夹而不是 XLSTART（用于测试或手工复制）")
    i.set_defaults(func=_install)

    u = cmds.add_parser("uninstall", help="删除已安装的加载项和它的 xlwings 设置")
    u.add_argument("--dir", metavar="文件夹", help="从此文件夹删除（与 install --dir 对应）")
    u.set_defaults(func=_uninstall)

    r = cmds.add_parser("run", help="在工作簿文件上运行一个功能区按钮（与 Excel 中点击相同）")
    r.add_argument("button", metavar="按钮", help="按钮编号，如 xladdin_check；用 list 查看全部")
    r.add_argument("workbook", nargs="?", metavar="工作簿", help="年报工作簿（.xlsx/.xlsm）；新建年报时可省略")
    r.add_argument("--answer", "-a", action="append", default=[], metavar="问题=回答",
                   help="对话框的回答，如 previous=上年.xlsx、agency=某某局、year=2024、level=部门、new_path=新.xlsx")
    r.set_defaults(func=_run)

    ls = cmds.add_parser("list", help="列出功能区按钮")
    ls.set_defaults(func=_list)
    p.set_defaults(func=lambda args: p.print_help() or 0)


def _build(args: argparse.Namespace) -> int:
    from ..excel.build import build

    built = build(args.output, via_excel=args.via_excel, force=args.force)
    print(f"已生成加载项：{built.addin}")
    print(f"已生成启用宏的模板：{built.template}")
    if not args.via_excel:
        print("提示：VBA 工程由纯 Python 写入（仅源代码），发布前请在 Windows Excel 上按 docs/excel.md 冒烟测试。")
    return 0


def _install(args: argparse.Namespace) -> int:
    from ..excel.install import install

    plan = install(args.dir)
    if not plan.excel_present and not args.dir:
        print("本机没有 Excel（Linux），未做任何改动。在 Windows 上安装时会：")
        print(plan.describe())
        print("可用 --dir 文件夹 在此演练，生成同样的文件。")
        return 1
    print("已安装：")
    print(plan.describe())
    print("请重启 Excel；首次使用请在“信任中心”允许宏，或把 XLSTART 文件夹加入“受信任位置”（见 docs/excel.md）。")
    print("不需要勾选“信任对 VBA 工程对象模型的访问”。")
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from ..excel.install import uninstall

    plan, removed = uninstall(args.dir)
    if not plan.excel_present and not args.dir:
        print("本机没有 Excel（Linux），未做任何改动。在 Windows 上卸载时会删除：")
        print(plan.describe())
        return 1
    if not removed:
        print("未找到已安装的加载项。")
    for f in removed:
        print(f"已删除：{f}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from ..excel.actions import ACTIONS, run
    from ..excel.filebook import FileBook

    if args.button not in ACTIONS:
        raise InputError(f"未知的按钮 {args.button}（可用：{'、'.join(ACTIONS)}）")
    answers = {}
    for item in args.answer:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--answer 应为 问题=回答，收到“{item}”")
        answers[key.strip()] = value
    if args.workbook:
        book = FileBook(args.workbook, answers=answers)
    else:
        book = FileBook(Path.cwd() / "未保存.xlsx", answers=answers, workbook=_blank())
    result = run(args.button, book)
    for m in book.messages:
        print(m)
    if book.unanswered and result == "已取消":  # 设置 leaves what is not answered unchanged
        question, prompt = book.unanswered[0]
        print(f"错误：按钮 {args.button} 需要回答对话框“{prompt}”，请加 --answer {question}=回答", file=sys.stderr)
        return 2
    return 0


def _blank():  # noqa: ANN202
    from openpyxl import Workbook

    return Workbook()


def _list(args: argparse.Namespace) -> int:
    from ..excel.actions import ACTIONS

    for cid, action in ACTIONS.items():
        print(f"{cid}\t{action.label}")
    return 0
