"""Shared by the WPS tests: a real `xladdin serve` process, the request the add-in sends for a
workbook, and a workbook as the fake WPS object model (tests/wps/fake_wps.js) holds it."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from xladdin.excel.filebook import FileBook
from xladdin.names import all_names

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = sorted((ROOT / "examples").glob("*.xlsx"))[0]
ADDIN = ROOT / "xladdin" / "wps" / "addin"
NODE = shutil.which("node") or "/usr/bin/node"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`xladdin serve` in its own process, its config folder (serve.json, export settings) in `home`."""

    def __init__(self, home: Path, idle_minutes: float = 30, extra: tuple[str, ...] = ()) -> None:
        self.home = home
        self.port = free_port()
        self.env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                    "PYTHONPATH": str(ROOT)}
        self.env.pop("XLADDIN_EXPORT_SETTINGS", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xladdin", "serve", "--port", str(self.port), "--idle-minutes", str(idle_minutes),
             *extra],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.ready_after = self._wait()
        self.state = json.loads(self.state_path.read_text(encoding="utf-8"))
        self.token = self.state["token"]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def state_path(self) -> Path:
        return self.home / ".config" / "xladdin" / "serve.json"

    def _wait(self, timeout: float = 60) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("xladdin serve exited: " + self.proc.stderr.read() + self.proc.stdout.read())
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=1) as r:
                    if r.status == 200 and self.state_path.exists():
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError("xladdin serve did not answer")

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                token: str | None = "default", raw: bytes | None = None) -> tuple[int, dict[str, Any]]:
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None)
        h = {"Content-Type": "application/json", **(headers or {})}
        if token == "default":
            token = self.token
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, json.loads(r.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read().decode("utf-8") or "{}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


def snapshot(path: Path) -> dict[str, Any]:
    """What the add-in sends for the workbook at `path` (door.js readBook): defined names, the
    named cells by key as WPS shows them (formulas with their saved results), the formulas, the
    rows of the sheets the actions read."""
    book = FileBook(path)
    known = all_names()
    names = {n: a for n, a in book.defined_names().items() if n in known}
    out: dict[str, Any] = {"path": str(path), "sheets": book.sheet_names(), "names": names, "cells": {},
                           "meta": {}, "sections": {}, "formulas": {}, "rows": {}, "fills": {}, "comments": {}}
    part = {"cell": "cells", "meta": "meta", "section": "sections"}
    for name, address in names.items():
        kind, key = known[name]
        value = book.get(address)
        if isinstance(value, (dt.date, dt.datetime)):  # WPS's Value2 gives a date as its serial number
            value = (value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value.date())
            value = (value - dt.date(1899, 12, 30)).days
        out[part[kind]][key] = value
        formula = book.formula(address)
        if kind == "cell" and formula:
            out["formulas"][key] = formula
    from xladdin.serve.handlers import names as spec

    for sheet in spec()["rows"]:
        if sheet in book.sheet_names():
            out["rows"][sheet] = book.read_rows(sheet)
    return out


def answer_needs(service: Service, path: str, book: dict[str, Any], answers: dict[str, Any] | None = None,
                 source: Path | None = None) -> tuple[int, dict[str, Any]]:
    """Post until the service stops asking (as door.js does); rows, fills and comments from `source`."""
    book = json.loads(json.dumps(book))
    book["answers"] = dict(answers or {})
    for _ in range(12):
        status, res = service.request("POST", path, book)
        if res.get("status") != "need":
            return status, res
        fb = FileBook(source) if source else None
        need = res["need"]
        for sheet in need.get("rows", []):
            book["rows"][sheet] = fb.read_rows(sheet) if fb else []
        for a in need.get("fills", []):
            book["fills"][a] = fb.fill(a) if fb else ""
        for a in need.get("comments", []):
            book["comments"][a] = fb.comment(a) if fb else ""
        if "ask" in need:
            q = need["ask"]["question"]
            if q not in (answers or {}):
                raise AssertionError(f"unexpected question {need['ask']}")
            book["answers"][q] = answers[q]
    raise AssertionError("the service kept asking")


def apply_edits(path: Path, edits: list[dict[str, Any]]) -> None:
    """The service's edits applied to a workbook file through the file book (what door.js does in WPS)."""
    book = FileBook(path)
    for e in edits:
        if e["op"] == "set":
            book.set(e["address"], e["value"])
        elif e["op"] == "fill":
            book.set_fill(e["address"], e["color"])
        elif e["op"] == "comment":
            book.set_comment(e["address"], e["text"])
        elif e["op"] == "rows":
            book.write_rows(e["sheet"], e["rows"], e["widths"], e["state"])
        elif e["op"] == "link":
            book.add_link(e["address"], e["target"], e["text"])
    book.save()


def fake_book(path: Path) -> dict[str, Any]:
    """The workbook as tests/wps/fake_wps.js holds it: per sheet the cells (value as shown, i.e.
    a formula's saved result; formula; fill "RRGGBB"; comment; locked), visibility, protection;
    the defined names with WPS's RefersTo form."""
    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    sheets = []
    for ws in formulas.worksheets:
        shown = values[ws.title]
        cells: dict[str, dict[str, Any]] = {}
        for row in ws.iter_rows():
            for c in row:
                entry: dict[str, Any] = {}
                v = shown[c.coordinate].value
                if isinstance(c.value, str) and c.value.startswith("="):
                    entry["f"] = c.value
                if v is not None:
                    entry["v"] = v.isoformat() if hasattr(v, "isoformat") else v
                fill = c.fill
                if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                    entry["fill"] = fill.fgColor.rgb[-6:].upper()
                if c.comment is not None:
                    entry["comment"] = c.comment.text
                if c.protection is not None and c.protection.locked is False:
                    entry["locked"] = False
                if entry:
                    cells[c.coordinate] = entry
        state = {"visible": -1, "hidden": 0, "veryHidden": 2}[ws.sheet_state]
        sheets.append({"name": ws.title, "cells": cells, "visible": state, "protected": bool(ws.protection.sheet)})
    names = []
    for name, dn in formulas.defined_names.items():
        names.append({"name": name, "refersTo": "=" + (dn.attr_text or "")})
    return {"fullName": str(path), "sheets": sheets, "names": names}


__all__ = ["ADDIN", "EXAMPLE", "NODE", "ROOT", "Service", "answer_needs", "apply_edits", "fake_book", "free_port",
           "snapshot"]
