"""`xladdin wps build|install|uninstall`: the WPS 表格 add-in from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from .inputs import add_force


def register(sub: argparse._SubParsersAction) -> None:
    from ..serve.state import DEFAULT_PORT

    p = sub.add_parser(
        "wps", help="WPS 表格加载项：生成离线加载项文件夹、为当前用户安装或卸载",
        description="WPS 表格“政务公开年报”加载项（统信 UOS、麒麟、Windows）：功能区按钮与 Excel 加载项相同，"
        "通过本机服务（xladdin serve）运行同一核心。",
    )
    cmds = p.add_subparsers(dest="wps_command", metavar="子命令")

    b = cmds.add_parser("build", help="生成离线加载项文件夹、7z 包和两种加载项列表（publish.xml、jsplugins.xml）")
    b.add_argument("-o", "--output", default="dist/wps", metavar="文件夹", help="输出文件夹（默认 dist/wps）")
    b.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="端口", help=f"本机服务的端口（默认 {DEFAULT_PORT}）")
    add_force(b, "同名的 xladdin.7z 或安装说明.txt 不是 xladdin 生成的时，")
    b.set_defaults(func=_build)

    i = cmds.add_parser("install", help="为当前用户安装（不需要管理员权限），并放一个服务启动器")
    i.add_argument("--mode", choices=["auto", "publish", "oem"], default="auto", metavar="方式",
                   help="登记方式：publish（新版 WPS）、oem（旧版政务版，oem.ini 启用 JsApiPlugin），auto 自动判断（默认）")
    i.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="端口", help=f"本机服务的端口（默认 {DEFAULT_PORT}）")
    i.add_argument("--autostart", action="store_true", help="登录时自动启动本机服务")
    i.add_argument("--jsaddons", metavar="文件夹", help="WPS 的 jsaddons 文件夹（默认按系统自动确定）")
    i.add_argument("--oem-ini", metavar="文件", help="WPS 的 oem.ini（默认在常见安装位置查找）")
    i.set_defaults(func=_install)

    u = cmds.add_parser("uninstall", help="卸载：只删除本加载项的文件和登记，其他加载项不受影响")
    u.add_argument("--jsaddons", metavar="文件夹", help="WPS 的 jsaddons 文件夹（默认按安装记录）")
    u.set_defaults(func=_uninstall)
    p.set_defaults(func=lambda args: p.print_help() or 0)


def _build(args: argparse.Namespace) -> int:
    from ..wps.build import build

    built = build(args.output, port=args.port, force=args.force)
    print(f"已生成加载项文件夹：{built.addin}")
    print(f"已生成 7z 包：{built.archive}")
    print(f"publish 方式的列表：{built.publish_xml}")
    print(f"oem.ini（jsplugins.xml）方式的列表：{built.jsplugins_xml}")
    print("安装：在目标电脑上运行 xladdin wps install；手工安装见文件夹中的“安装说明.txt”。")
    return 0


def _install(args: argparse.Namespace) -> int:
    from ..wps.install import install

    done = install(args.mode, port=args.port, autostart=args.autostart,
                   jsaddons=Path(args.jsaddons) if args.jsaddons else None,
                   oem_ini=Path(args.oem_ini) if args.oem_ini else None)
    print("已安装 WPS 表格加载项“政务公开年报”：")
    print(done.describe())
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from ..wps.install import uninstall

    removed = uninstall(Path(args.jsaddons) if args.jsaddons else None)
    if not removed:
        print("没有找到已安装的 WPS 加载项。")
    for line in removed:
        print(line)
    return 0
