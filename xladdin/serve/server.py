"""Start, run and stop the service: one process per user, 127.0.0.1 only.

`serve()` binds the port first (a port in use is a clear error, not a traceback), makes a new
token, writes serve.json (state.py), and runs uvicorn until Ctrl+C, `POST /stop`,
`xladdin serve --stop`, or `idle_minutes` without a request. A thread imports the core while
the first request is still to come, so that start-up stays short and the first 校验 fast.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
import threading
from dataclasses import dataclass
from typing import TextIO

from .. import __version__
from ..errors import XladdinError
from .state import HOST, State, new_token, remove_state, running, write_state

DEFAULT_IDLE_MINUTES = 60.0
DEFAULT_MAX_KB = 4096  # a workbook as the add-in sends it is ~50 KB; a long 校验结果 a few hundred


class ServeError(XladdinError):
    """The service cannot start."""


def _import_extras() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ServeError(f"本地服务需要 fastapi 和 uvicorn（缺少 {exc.name}）：请安装 xladdin[wps]，"
                         "例如 pip install 'xladdin[wps]'（离线安装包中已包含）") from exc


def bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name != "nt":  # on Windows SO_REUSEADDR would let two services share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise ServeError(f"端口 {port} 已被其他程序占用，服务无法启动；可用 --port 换一个端口"
                         "（WPS 加载项需重新运行 xladdin wps install --port 同一端口）") from exc
    sock.listen(64)
    return sock


def _warm_up() -> None:
    from ..audit import (
        runner,  # noqa: F401
        tablecheck,  # noqa: F401
    )
    from ..excel import actions, jsonbook  # noqa: F401
    from ..fill import fill  # noqa: F401


@dataclass
class Started:
    state: State
    sock: socket.socket


def serve(port: int, idle_minutes: float = DEFAULT_IDLE_MINUTES, max_kb: int = DEFAULT_MAX_KB,
          out: TextIO = sys.stdout, launcher: str = "") -> int:
    _import_extras()
    import uvicorn

    from .app import Activity, create_app

    already = running()
    if already is not None and (port in (0, already.port)):
        print(f"政务公开年报服务已在运行：{already.url}/（进程 {already.pid}）", file=out)
        return 0
    sock = bind(port)
    port = sock.getsockname()[1]
    state = State(port=port, token=new_token(), pid=os.getpid(), version=__version__,
                  started=dt.datetime.now().isoformat(timespec="seconds"), idle_minutes=idle_minutes)
    activity = Activity()
    server: uvicorn.Server | None = None
    stopping = threading.Event()

    def stop() -> None:
        stopping.set()
        if server is not None:
            server.should_exit = True

    app = create_app(token=state.token, port=port, max_bytes=max_kb * 1024, activity=activity,
                     idle_minutes=idle_minutes, stop=stop, launcher=launcher)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            timeout_keep_alive=5, server_header=False)
    server = uvicorn.Server(config)

    def watch_idle() -> None:
        limit = idle_minutes * 60
        tick = max(0.2, min(30.0, limit / 5))
        while not stopping.wait(tick):
            if activity.idle_seconds() >= limit:
                print(f"空闲 {idle_minutes:g} 分钟，服务自动停止。", file=out, flush=True)
                stop()

    path = write_state(state)
    threading.Thread(target=_warm_up, name="xladdin-warm-up", daemon=True).start()
    if idle_minutes > 0:
        threading.Thread(target=watch_idle, name="xladdin-idle", daemon=True).start()
    idle_text = f"空闲 {idle_minutes:g} 分钟后自动停止" if idle_minutes > 0 else "不会因空闲而停止"
    print(f"政务公开年报服务已启动：{state.url}/（端口和令牌写在 {path}；{idle_text}；Ctrl+C 停止）",
          file=out, flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        stopping.set()
        sock.close()
        remove_state(state.pid)
    return 0


def stop_running(out: TextIO = sys.stdout) -> int:
    import json
    import urllib.request

    state = running()
    if state is None:
        print("政务公开年报服务没有在运行。", file=out)
        return 0
    request = urllib.request.Request(f"{state.url}/stop", data=b"{}", method="POST",
                                     headers={"Authorization": f"Bearer {state.token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as r:
        json.loads(r.read().decode("utf-8"))
    print(f"已请求停止服务（进程 {state.pid}）。", file=out)
    return 0


def status(out: TextIO = sys.stdout) -> int:
    state = running()
    if state is None:
        print("政务公开年报服务没有在运行（WPS 加载项的按钮会提示如何启动：xladdin serve）。", file=out)
        return 1
    print(f"政务公开年报服务正在运行：{state.url}/（进程 {state.pid}，版本 {state.version}，启动于 {state.started}）",
          file=out)
    return 0


__all__ = ["DEFAULT_IDLE_MINUTES", "DEFAULT_MAX_KB", "ServeError", "serve", "status", "stop_running"]
