"""The service's door-keeper: an ASGI middleware in front of every request.

- Host must be 127.0.0.1:PORT or localhost:PORT (a page that rebinds its own domain name to
  127.0.0.1 sends its own name here, and is refused).
- Origin, when a browser sends one, must be the service's own: the add-in's pages are served
  from here, so the pane and the API share one origin and no other web page needs access. No
  CORS headers are ever sent, so a preflight from another page fails; OPTIONS is refused.
- Sec-Fetch-Site, when sent, must say the request comes from this origin (or from no page).
- Every request but GET /health and the add-in's own files must carry the token of this start
  (`Authorization: Bearer …` or `X-Xladdin-Token`), compared in constant time.
- The body is read here, up to the size limit; beyond it the request is refused with 413
  before the application sees a byte.
Refusals are JSON {"error": "…"} in Chinese.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_PREFIX = "/wps/"  # the add-in's files: code and pages, no data
PUBLIC_PATHS = {"/health", "/favicon.ico"}


async def refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    def __init__(self, app: ASGIApp, *, token: str, port: int, max_bytes: int,
                 on_request: Callable[[], None] = lambda: None) -> None:
        self.app = app
        self.token = token
        self.max_bytes = max_bytes
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{h}" for h in self.hosts}
        self.on_request = on_request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path = scope.get("path", "")
        method = scope.get("method", "GET")
        host = headers.get("host", "")
        if host not in self.hosts:
            await refuse(send, 403, f"拒绝：请求的主机名“{host}”不是本机服务的地址")
            return
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            await refuse(send, 403, f"拒绝：来自其他网页（{origin}）的请求；本服务只接受加载项自己的页面")
            return
        public = method in ("GET", "HEAD") and (path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIX))
        site = headers.get("sec-fetch-site")
        if not public and site is not None and site not in ("same-origin", "none"):
            await refuse(send, 403, "拒绝：来自其他网站的请求")
            return
        if method == "OPTIONS":
            await refuse(send, 403, "拒绝：本服务不接受跨域请求")
            return
        if not public:
            given = headers.get("x-xladdin-token", "")
            auth = headers.get("authorization", "")
            if auth[:7].lower() == "bearer ":
                given = auth[7:].strip()
            if not given:
                await refuse(send, 401, "拒绝：请求缺少令牌（令牌在用户配置文件夹的 serve.json 中，每次启动服务时更换）")
                return
            if not hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8")):
                await refuse(send, 401, "拒绝：令牌不正确（服务重新启动后令牌会更换，请重新读取 serve.json）")
                return
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await refuse(send, 400, "拒绝：请求头 Content-Length 无效")
                return
            if int(declared) > self.max_bytes:
                await refuse(send, 413, self._too_large())
                return
        body = bytearray()
        more = method not in ("GET", "HEAD")
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await refuse(send, 413, self._too_large())
                return
            more = message.get("more_body", False)
        if path != "/health":
            self.on_request()
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"拒绝：请求过大（上限 {self.max_bytes // 1024} KB）"


__all__ = ["Guard"]
