"""`xladdin serve [--port N] [--idle-minutes M]` — the local service behind the WPS add-in."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    from ..serve.server import DEFAULT_IDLE_MINUTES, DEFAULT_MAX_KB
    from ..serve.state import DEFAULT_PORT

    p = sub.add_parser(
        "serve", help="启动 WPS 加载项使用的本机服务（仅 127.0.0.1）",
        description="启动 WPS 表格“政务公开年报”加载项使用的本机服务：只在 127.0.0.1 上监听，每次启动生成新的令牌"
        "（写在用户配置文件夹的 serve.json 中，仅本人可读），每个请求都须带令牌；按钮的运算、审核和导出与 Excel 加载项、"
        "命令行完全相同。需要安装 xladdin[wps]。",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, metavar="端口",
                   help=f"监听端口（默认 {DEFAULT_PORT}；0 表示任选一个空闲端口）")
    p.add_argument("--idle-minutes", type=float, default=DEFAULT_IDLE_MINUTES, metavar="分钟",
                   help=f"空闲多少分钟后自动停止（默认 {DEFAULT_IDLE_MINUTES:g}；0 表示不自动停止）")
    p.add_argument("--max-request-kb", type=int, default=DEFAULT_MAX_KB, metavar="千字节",
                   help=f"单个请求的大小上限（默认 {DEFAULT_MAX_KB} KB）")
    p.add_argument("--stop", action="store_true", help="停止正在运行的服务")
    p.add_argument("--status", action="store_true", help="查看服务是否在运行")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import InputError
    from ..serve import server

    if args.stop:
        return server.stop_running()
    if args.status:
        return server.status()
    if not 0 <= args.port <= 65535:
        raise InputError(f"--port 应在 0 到 65535 之间，收到 {args.port}")
    if args.idle_minutes < 0:
        raise InputError("--idle-minutes 不能为负数")
    if args.max_request_kb < 16:
        raise InputError("--max-request-kb 至少为 16")
    return server.serve(args.port, idle_minutes=args.idle_minutes, max_kb=args.max_request_kb)
