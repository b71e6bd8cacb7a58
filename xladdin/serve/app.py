"""The service's routes (FastAPI), wrapped in the guard (guard.py).

    GET  /health              alive? version, pid, idle time (no token)
    GET  /wps/<file>          the WPS add-in's own files (no token: code and pages, no data)
    GET  /names               defined names -> kind and key, sheets to send
    GET  /buttons             the ribbon's buttons (as the Excel add-in has them)
    POST /check /fill /import /export     the ribbon's buttons of those names
    POST /action/<button id>  any ribbon button (新建年报, 清除标记, 设置, 帮助, and new ones)
    POST /audit               审核 of the workbook (every rule of `xladdin audit`), no edits
    POST /stop                stop the service
Bodies are JSON (excel/jsonbook.py describes the workbook part); answers are JSON.
Imported only by `xladdin serve` (fastapi is the extra xladdin[wps]).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from .. import __version__
from .guard import Guard


class Activity:
    """When the service was last used (the idle stop reads it)."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def touch(self) -> None:
        self.last = time.monotonic()

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last


def create_app(*, token: str, port: int, max_bytes: int, activity: Activity, idle_minutes: float,
               stop: Callable[[], None], launcher: str = "") -> Guard:
    from ..wps.package import addin_files, content_type
    from . import handlers

    app = FastAPI(title="xladdin", docs_url=None, redoc_url=None, openapi_url=None)
    files = addin_files(port, launcher)

    def reply(status: int, data: dict[str, Any]) -> JSONResponse:
        return JSONResponse(data, status_code=status, headers={"Cache-Control": "no-store"})

    async def body(request: Request) -> Any:
        raw = await request.body()
        try:
            return json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError):
            return None

    @app.get("/health")
    async def health() -> JSONResponse:
        return reply(200, {"service": "xladdin", "ok": True, "version": __version__, "pid": os.getpid(),
                           "idle_minutes": idle_minutes, "idle_seconds": round(activity.idle_seconds(), 1)})

    @app.get("/wps/{name:path}")
    async def addin_file(name: str) -> Response:
        data = files.get(name or "index.html")
        if data is None:
            return reply(404, {"error": f"加载项中没有文件“{name}”"})
        return Response(data, media_type=content_type(name or "index.html"), headers={"Cache-Control": "no-store"})

    @app.get("/names")
    async def names() -> JSONResponse:
        return reply(200, handlers.names())

    @app.get("/buttons")
    async def buttons() -> JSONResponse:
        return reply(200, {"buttons": handlers.buttons()})

    async def button(request: Request, button_id: str) -> JSONResponse:
        data = await body(request)
        if not isinstance(data, dict):
            return reply(400, {"status": "error", "message": "错误：请求内容不是 JSON 对象"})
        status, answer = await run_in_threadpool(handlers.run_button, button_id, data)
        return reply(status, answer)

    def named(button_id: str) -> Callable[[Request], Awaitable[JSONResponse]]:
        async def endpoint(request: Request) -> JSONResponse:
            return await button(request, button_id)

        return endpoint

    for path, button_id in handlers.NAMED.items():
        app.add_api_route(f"/{path}", named(button_id), methods=["POST"], name=path)

    @app.post("/action/{button_id}")
    async def action(request: Request, button_id: str) -> JSONResponse:
        return await button(request, button_id)

    @app.post("/audit")
    async def audit(request: Request) -> JSONResponse:
        data = await body(request)
        if not isinstance(data, dict):
            return reply(400, {"status": "error", "message": "错误：请求内容不是 JSON 对象"})
        status, answer = await run_in_threadpool(handlers.run_audit, data)
        return reply(status, answer)

    @app.post("/stop")
    async def stop_service() -> JSONResponse:
        stop()
        return reply(200, {"ok": True, "message": "服务正在停止"})

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return reply(404, {"error": f"没有这个地址：{request.url.path}"})

    @app.exception_handler(405)
    async def not_allowed(request: Request, exc: Exception) -> JSONResponse:
        return reply(405, {"error": f"{request.url.path} 不接受 {request.method} 请求"})

    return Guard(app, token=token, port=port, max_bytes=max_bytes, on_request=activity.touch)


__all__ = ["Activity", "create_app"]
