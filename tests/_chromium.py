"""A tiny Chrome DevTools Protocol client over --remote-debugging-pipe (no websocket package).

Opens a page in headless Chromium, collects console messages, exceptions and log entries
(failed loads included), evaluates an expression, saves a full-page screenshot and prints the
page to PDF with the page's own @page size.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
]


class Browser:
    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="xladdin-chromium-")
        to_child_r, self._w = os.pipe()
        self._r, from_child_w = os.pipe()

        def remap() -> None:  # Chromium reads commands on fd 3, writes replies on fd 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=remap,
            pass_fds=(3, 4),
            start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._id = 0
        self.events: list[dict] = []

    # ------------------------------------------------------------------ protocol

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._r], [], [], left)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe: " + self._stderr())
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, name: str) -> dict:
        deadline = time.monotonic() + self.timeout
        for event in self.events:
            if event.get("method") == name:
                return event
        while True:
            event = self._read_message(deadline)
            self.events.append(event)
            if event.get("method") == name:
                return event

    def _stderr(self) -> str:
        try:
            self.proc.kill()
            return self.proc.communicate(timeout=5)[1].decode("utf-8", "replace")[-2000:]
        except Exception:  # noqa: BLE001 - diagnostics only
            return ""

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_page(
    html: Path,
    screenshot: Path | None = None,
    pdf: Path | None = None,
    expression: str = "null",
    width: int = 1000,
    also_at: tuple[int, ...] = (),
) -> dict:
    """Load `html`; return {"errors": [...], "value": <expression result>, "at": {width: value}};
    write the screenshot (PNG, full page) and the printed PDF when paths are given. `also_at`
    evaluates the expression again at other viewport widths (e.g. a phone's 375)."""
    with Browser() as b:
        target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            b.call(f"{domain}.enable", session=session)
        b.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        b.call("Page.navigate", {"url": html.resolve().as_uri()}, session=session)
        b.wait_event("Page.loadEventFired")
        value = b.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}, session=session
        )["result"].get("value")
        at = {}
        for other in also_at:
            b.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": other, "height": 800, "deviceScaleFactor": 1, "mobile": True},
                session=session,
            )
            at[other] = b.call(
                "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
            )["result"].get("value")
        if also_at:
            b.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
        if screenshot is not None:
            size = b.call("Page.getLayoutMetrics", session=session)["cssContentSize"]
            b.call(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": int(size["height"]) + 1, "deviceScaleFactor": 1, "mobile": False},
                session=session,
            )
            shot = b.call("Page.captureScreenshot", {"format": "png"}, session=session)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        if pdf is not None:
            printed = b.call("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}, session=session)
            pdf.write_bytes(base64.b64decode(printed["data"]))
        errors = []
        for event in b.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                errors.append("exception: " + json.dumps(params.get("exceptionDetails", {}), ensure_ascii=False)[:300])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                errors.append("console: " + json.dumps(params.get("args", []), ensure_ascii=False)[:300])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
                entry = params["entry"]
                errors.append(f"log {entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
        return {"errors": errors, "value": value, "at": at}
