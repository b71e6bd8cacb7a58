"""`xladdin serve` over real HTTP: a real process (uvicorn on a free port), real requests.

The guard refuses what it must (no token, a wrong one, another page's Origin, another host
name, a cross-site fetch, a preflight, an oversize body, streamed or declared); and 校验,
填充合计, 导入上年数据, 导出报告 and 审核 of the example give the findings and the files the
command line gives.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.wps_support import EXAMPLE, ROOT, Service, answer_needs, apply_edits, snapshot
from xladdin.excel.book import MARK_COLORS, MARK_PREFIX
from xladdin.excel.filebook import FileBook
from xladdin.io import read_report
from xladdin.names import SHEET_RESULTS
from xladdin.previous import SHEET_PREVIOUS
from xladdin.spec import SPEC


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    s = Service(tmp_path_factory.mktemp("home"))
    yield s
    s.stop()


def cli(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if home is not None:
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"))
    return subprocess.run([sys.executable, "-m", "xladdin", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def seeded(tmp_path: Path, name: str = "本年.xlsx", **values: object) -> Path:
    path = tmp_path / name
    shutil.copy(EXAMPLE, path)
    if values:
        book = FileBook(path)
        for key, value in values.items():
            book.write_key(key.replace("__", "."), value)
        book.save()
    return path


# ---------------------------------------------------------------------------- the guard


def test_health_answers_without_a_token_and_tells_no_secret(service: Service) -> None:
    status, data = service.request("GET", "/health", token=None)
    assert status == 200 and data["service"] == "xladdin" and data["pid"] == service.proc.pid
    assert service.token not in json.dumps(data)


def test_a_request_without_token_is_refused(service: Service) -> None:
    status, data = service.request("POST", "/check", {}, token=None)
    assert status == 401 and "缺少令牌" in data["error"]
    status, data = service.request("GET", "/names", token=None)
    assert status == 401


def test_a_wrong_token_is_refused(service: Service) -> None:
    status, data = service.request("POST", "/check", {}, token=service.token[:-1] + "x")
    assert status == 401 and "令牌不正确" in data["error"]
    status, _ = service.request("POST", "/check", {}, headers={"X-Xladdin-Token": "nope"}, token=None)
    assert status == 401


def test_another_origin_is_refused_even_with_the_token(service: Service) -> None:
    status, data = service.request("POST", "/check", {}, headers={"Origin": "http://evil.example"})
    assert status == 403 and "其他网页" in data["error"]
    status, _ = service.request("POST", "/check", {}, headers={"Origin": "null"})
    assert status == 403
    status, _ = service.request("GET", "/names", headers={"Origin": f"http://127.0.0.1:{service.port}"})
    assert status == 200  # the add-in's own pages


def test_another_host_name_is_refused(service: Service) -> None:
    """A page that rebinds its own domain to 127.0.0.1 sends its name as Host."""
    status, data = service.request("GET", "/names", headers={"Host": f"evil.example:{service.port}"})
    assert status == 403 and "主机名" in data["error"]
    status, _ = service.request("GET", "/wps/index.html", headers={"Host": "evil.example"}, token=None)
    assert status == 403


def test_cross_site_fetch_and_preflight_are_refused(service: Service) -> None:
    status, _ = service.request("POST", "/check", {}, headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10)
    conn.request("OPTIONS", "/check", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    r = conn.getresponse()
    assert r.status == 403 and r.getheader("Access-Control-Allow-Origin") is None
    conn.close()


def test_an_oversize_request_is_refused_before_its_body_is_read(service: Service) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    conn.putrequest("POST", "/check")
    conn.putheader("Authorization", f"Bearer {service.token}")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(5 << 20))
    conn.endheaders()  # the 5 MB body is never sent: the answer comes from the declared size
    r = conn.getresponse()
    assert r.status == 413 and "请求过大" in json.loads(r.read())["error"]
    conn.close()
    small = {"cells": {"t2.reg_made": "x" * 1000}}
    assert service.request("POST", "/check", small)[0] == 200


def test_an_oversize_streamed_request_is_refused(service: Service) -> None:
    """No Content-Length (chunked): the guard counts what arrives and stops at the limit."""
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=30)
    conn.putrequest("POST", "/check")
    conn.putheader("Authorization", f"Bearer {service.token}")
    conn.putheader("Transfer-Encoding", "chunked")
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    chunk = b"x" * (256 << 10)
    try:
        for _ in range(24):  # 6 MB
            conn.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # refused before the end: as it should
    r = conn.getresponse()
    assert r.status == 413 and "请求过大" in json.loads(r.read())["error"]
    conn.close()


def test_the_token_file_is_readable_by_the_user_only(service: Service) -> None:
    assert stat.S_IMODE(service.state_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(service.state_path.parent.stat().st_mode) == 0o700
    assert service.state["port"] == service.port and service.state["pid"] == service.proc.pid


def test_bad_requests_get_chinese_answers(service: Service) -> None:
    status, data = service.request("POST", "/check", raw=b"{not json")
    assert status == 400 and "不是 JSON" in data["message"]
    status, data = service.request("POST", "/action/xladdin_nothing", {})
    assert status == 404 and "未知的按钮" in data["message"]
    status, data = service.request("POST", "/check", {"names": {}, "sheets": []})
    assert status == 422 and data["message"].startswith("校验失败：") and "NB_" in data["message"]
    status, data = service.request("GET", "/nowhere")
    assert status == 404 and "没有这个地址" in data["error"]


def test_the_addin_files_are_served_without_a_token(service: Service) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10)
    for name, kind in (("ribbon.xml", "text/xml"), ("taskpane.html", "text/html"), ("js/door.js", "text/javascript")):
        conn.request("GET", f"/wps/{name}")
        r = conn.getresponse()
        body = r.read()
        assert r.status == 200 and r.getheader("Content-Type").startswith(kind), name
    assert b"XLADDIN_CONFIG" in _get(service, "/wps/js/config.js") and str(service.port).encode() in _get(
        service, "/wps/js/config.js")
    conn.close()
    assert body


def _get(service: Service, path: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", service.port, timeout=10)
    conn.request("GET", path)
    data = conn.getresponse().read()
    conn.close()
    return data


# ---------------------------------------------------------------------------- same as the CLI


def _cli_findings(path: Path) -> list[dict]:
    run = cli("check", str(path), "--json")
    assert run.returncode in (0, 1), run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("values", [{}, {"t2__licensing": "/", "t4__review_keep": 3}])
def test_check_gives_the_findings_and_the_workbook_the_cli_gives(service: Service, tmp_path: Path,
                                                                 values: dict) -> None:
    path = seeded(tmp_path, **values)
    status, res = answer_needs(service, "/check", snapshot(path), source=path)
    assert status == 200 and res["status"] == "done", res
    assert res["findings"] == _cli_findings(path)
    # the workbook: the service's edits applied here, the CLI's button run on a copy
    by_cli = tmp_path / "cli.xlsx"
    shutil.copy(path, by_cli)
    run = cli("addin", "run", "xladdin_check", str(by_cli))
    assert run.returncode == 0, run.stderr
    assert res["message"] == run.stdout.strip()
    apply_edits(path, res["edits"])
    ours, theirs = FileBook(path), FileBook(by_cli)
    assert ours.read_rows(SHEET_RESULTS) == theirs.read_rows(SHEET_RESULTS)
    assert ours.marks() == theirs.marks()
    for address in theirs.marks():
        assert ours.fill(address) == theirs.fill(address) == MARK_COLORS["强制"]
        assert ours.comment(address) == theirs.comment(address) and ours.comment(address).startswith(MARK_PREFIX)
    assert bool(values) == bool(res["findings"])


def test_fill_gives_the_values_the_cli_gives(service: Service, tmp_path: Path) -> None:
    totals = ["t3.new.total", "t3.total.natural", "t4.review_total", "t3.deny_total.total"]
    totals = [k for k in totals if SPEC.has_cell(k)]
    assert len(totals) >= 3
    path = seeded(tmp_path, **{k.replace(".", "__"): None for k in totals})
    expected_cli = tmp_path / "cli-filled.xlsx"
    run = cli("fill", str(path), "-o", str(expected_cli))
    assert run.returncode in (0, 1), run.stderr
    status, res = answer_needs(service, "/fill", snapshot(path), source=path)
    assert status == 200 and res["status"] == "done", res
    assert {e["address"] for e in res["edits"]} >= {FileBook(path).address_of(SPEC.cell(k).xl_name) for k in totals}
    apply_edits(path, res["edits"])
    assert read_report(path).values == read_report(expected_cli).values
    assert all(isinstance(read_report(path).values[k], int) for k in totals)


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md"])
def test_export_writes_the_file_the_cli_writes(service: Service, tmp_path: Path, suffix: str) -> None:
    path = seeded(tmp_path)
    ours, theirs = tmp_path / f"服务{suffix}", tmp_path / f"命令行{suffix}"
    status, res = answer_needs(service, "/export", snapshot(path), {"export_path": str(ours)}, source=path)
    assert status == 200 and res["status"] == "done" and res["message"] == f"已导出：{ours}", res
    run = cli("export", str(path), "-o", str(theirs))
    assert run.returncode == 0, run.stderr
    assert _content(ours) == _content(theirs)


def _content(path: Path) -> object:
    """The file's bytes; for Word, every part, the creation time (to the second) left out."""
    if path.suffix != ".docx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["docProps/core.xml"] = re.sub(rb"<dcterms:(created|modified)[^>]*>[^<]*<", b"<", parts["docProps/core.xml"])
    return parts


def test_import_previous_gives_the_workbook_the_cli_gives(service: Service, tmp_path: Path) -> None:
    previous = seeded(tmp_path, "上年.xlsx", t3__carry_out__natural=7, t3__carry_out__biz=2)
    book = FileBook(previous)
    book.set(book.address_of("NB_meta_year"), 2023)  # last year's: another year is asked about (issue 14)
    book.save()
    path = seeded(tmp_path)
    by_cli = tmp_path / "cli.xlsx"
    shutil.copy(path, by_cli)
    status, res = answer_needs(service, "/import", snapshot(path), {"previous": str(previous)}, source=path)
    assert status == 200 and res["status"] == "done", res
    run = cli("addin", "run", "xladdin_import", str(by_cli), "--answer", f"previous={previous}")
    assert run.returncode == 0, run.stderr
    assert res["message"] == run.stdout.strip()
    apply_edits(path, res["edits"])
    assert read_report(path).values == read_report(by_cli).values
    assert read_report(path).value("t3.carry_in.natural") == 7
    assert FileBook(path).read_rows(SHEET_PREVIOUS) == FileBook(by_cli).read_rows(SHEET_PREVIOUS)


def test_a_question_is_asked_and_a_cancel_is_a_cancel(service: Service, tmp_path: Path) -> None:
    path = seeded(tmp_path)
    status, res = service.request("POST", "/import", snapshot(path))
    assert status == 200 and res["status"] == "need" and res["need"]["ask"]["question"] == "previous"
    assert res["need"]["ask"]["kind"] == "file" and res["need"]["ask"]["mode"] == "open"
    status, res = answer_needs(service, "/import", snapshot(path), {"previous": None}, source=path)
    assert res["status"] == "done" and res["message"] == "已取消" and res["edits"] == []


def test_audit_gives_the_findings_the_cli_gives(service: Service, tmp_path: Path) -> None:
    path = seeded(tmp_path, t2__licensing="/")
    status, res = answer_needs(service, "/audit", snapshot(path), source=path)
    assert status == 200 and res["status"] == "done" and res["edits"] == []
    run = cli("audit", str(path), "--json")
    assert run.returncode in (0, 1), run.stderr
    assert res["findings"] == json.loads(run.stdout)[0]["findings"]
    assert any(f["rule"] == "T2-N" for f in res["findings"])


def test_an_action_error_is_the_add_ins_chinese_message(service: Service, tmp_path: Path) -> None:
    path = seeded(tmp_path)
    status, res = answer_needs(service, "/import", snapshot(path), {"previous": str(tmp_path / "没有.xlsx")},
                               source=path)
    assert status == 422 and res["message"].startswith("导入上年数据失败：") and "找不到文件" in res["message"]


# ---------------------------------------------------------------------------- life cycle


def test_it_stops_when_idle_and_removes_its_token(tmp_path: Path) -> None:
    s = Service(tmp_path / "home", idle_minutes=0.02)  # 1.2 s
    try:
        s.proc.wait(timeout=30)
        assert "空闲" in s.proc.stdout.read()
        assert not s.state_path.exists()
    finally:
        s.stop()


def test_a_second_start_finds_the_first_and_stop_stops_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    s = Service(home)
    try:
        again = cli("serve", "--port", str(s.port), home=home)
        assert again.returncode == 0 and "已在运行" in again.stdout
        status = cli("serve", "--status", home=home)
        assert status.returncode == 0 and str(s.port) in status.stdout
        stop = cli("serve", "--stop", home=home)
        assert stop.returncode == 0 and "已请求停止" in stop.stdout
        s.proc.wait(timeout=30)
        assert not s.state_path.exists()
        assert cli("serve", "--status", home=home).returncode == 1
    finally:
        s.stop()


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        run = cli("serve", "--port", str(taken.getsockname()[1]), home=tmp_path)
    assert run.returncode == 2 and "已被其他程序占用" in run.stderr and "Traceback" not in run.stderr


def test_start_up_is_quick(service: Service) -> None:
    """Spawn to the first /health answer (the bench measures it on its own; here a loose bound)."""
    assert service.ready_after < 20
    time.sleep(0)
