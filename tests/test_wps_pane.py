"""The WPS task pane in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright),
against the real service: the pane is served by the service, runs the button of its URL, lists
the findings, and a click selects the finding's cell by its key. The WPS object model is the
fake of tests/wps/fake_wps.js, injected before the pane's scripts run.
Also: the ribbon page opened from file:// (as an installed add-in is) reaches the service with
its no-CORS probe, and a page of another origin cannot use the API."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.wps_support import EXAMPLE, ROOT, Service, fake_book, free_port
from xladdin.excel.filebook import FileBook
from xladdin.io import read_report

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
FAKE = (ROOT / "tests" / "wps" / "fake_wps.js").read_text(encoding="utf-8")
HOME = "/home/clerk"
CHROMIUM_VERSION = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.split()[1]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    s = Service(tmp_path_factory.mktemp("home"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="xladdin-pw-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def fake_script(service: Service, book: dict | None) -> str:
    """The fake WPS Application, with the workbook and the service's serve.json (as WPS's
    FileSystem would read it from the clerk's config folder)."""
    files = {f"{HOME}/.config/xladdin/serve.json": service.state_path.read_text(encoding="utf-8")}
    return (FAKE + "\nwindow.Application = new FakeWps.FakeApp(" + json.dumps(book, ensure_ascii=False)
            + ", " + json.dumps({"home": HOME, "files": files}, ensure_ascii=False) + ");\n")


def seeded_book(tmp_path: Path, **values: object) -> dict:
    path = tmp_path / "本年.xlsx"
    shutil.copy(EXAMPLE, path)
    book = FileBook(path)
    for key, value in values.items():
        book.write_key(key, value)
    book.save()
    return fake_book(path)


def open_pane(browser, service: Service, book: dict | None, run: str = ""):  # noqa: ANN001, ANN201
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.add_init_script(fake_script(service, book))
    page.goto(f"{service.base}/wps/taskpane.html" + (f"?run={run}" if run else ""))
    page.errors = errors
    return page


def test_the_pane_lists_the_findings_and_a_click_selects_the_cell(browser, service: Service,  # noqa: ANN001
                                                                   tmp_path: Path) -> None:
    natural = read_report(EXAMPLE).value("t3.new.natural")
    page = open_pane(browser, service, seeded_book(tmp_path, **{"t2.licensing": "/", "t3.new.natural": natural + 1}),
                     "xladdin_check")
    page.wait_for_selector("li.finding", timeout=60_000)
    rules = page.locator("li.finding").evaluate_all("els => els.map(e => e.dataset.rule)")
    answer = page.evaluate("window.xladdinLastAnswer")
    assert rules == [f["rule"] for f in answer["findings"]] and "T2-N" in rules and "E1" in rules
    assert "强制" in page.inner_text("#summary")
    t2n = page.locator("li.finding", has_text="T2-N").first
    assert "表二" in t2n.inner_text()
    t2n.click()
    jump = page.evaluate("window.xladdinLastJump")
    address = next(n["refersTo"] for n in fake_book(EXAMPLE)["names"] if n["name"] == "NB_t2_licensing")
    expected = address.replace("=", "").replace("'", "").replace("$", "")
    assert jump == {"key": "t2.licensing", "address": expected}
    assert page.evaluate("window.Application.selected") == expected
    assert page.evaluate("window.Application.ActiveSheet.Name") == "表二"
    # a cell of a finding with several cells: the link sends that cell's key
    link = page.locator("li.finding", has_text="E1").first.locator(".cells a").nth(1)
    key = link.get_attribute("data-key")
    link.click()
    assert page.evaluate("window.xladdinLastJump.key") == key and key.startswith("t3.") and key != "t3.new.natural"
    # the workbook was marked by the same run
    cell = expected.split("!")[1]
    assert page.evaluate(f"window.Application.ActiveWorkbook._sheet('表二')._cell('{cell}').fill") == "FFC7CE"
    assert f"Chrome/{CHROMIUM_VERSION.split('.')[0]}." in page.evaluate("navigator.userAgent")  # Debian's
    assert page.errors == []
    page.close()


def test_the_pane_draws_every_ribbon_button_and_asks_its_questions(browser, service: Service,  # noqa: ANN001
                                                                   tmp_path: Path) -> None:
    previous = tmp_path / "上年.xlsx"
    shutil.copy(EXAMPLE, previous)
    book = FileBook(previous)
    book.set(book.address_of("NB_meta_year"), 2023)  # last year's: another year is asked about (issue 14)
    book.save()
    page = open_pane(browser, service, fake_book(EXAMPLE))
    page.wait_for_selector("nav button[data-id='xladdin_check']")
    ids = page.locator("nav button").evaluate_all("els => els.map(e => e.dataset.id)")
    ribbon = [b["id"] for b in service.request("GET", "/buttons")[1]["buttons"]]
    assert ids == ribbon + ["audit"]
    page.click("nav button[data-id='xladdin_import']")
    page.wait_for_selector("#ask:not([hidden])")
    assert "上年度年报" in page.inner_text("#ask-prompt")
    page.fill("#ask-input", str(previous))
    page.click("#ask-ok")
    page.wait_for_function("document.getElementById('status').textContent.includes('上年结转')", timeout=60_000)
    assert page.evaluate("window.Application.ActiveWorkbook._sheet('上年数据').Visible") == 0
    page.click("nav button[data-id='xladdin_export']")
    page.wait_for_selector("#ask:not([hidden])")
    page.click("#ask-cancel")
    page.wait_for_function("document.getElementById('status').textContent === '已取消'")
    assert page.errors == []
    page.close()


def test_the_ribbon_page_from_file_reaches_the_service_and_opens_the_pane(browser, service: Service,  # noqa: ANN001
                                                                          tmp_path: Path) -> None:
    from xladdin.wps.build import build

    built = build(tmp_path / "build", port=service.port)
    page = browser.new_page()
    page.add_init_script(fake_script(service, fake_book(EXAMPLE)))
    page.goto(built.addin.joinpath("index.html").as_uri())
    assert page.evaluate("typeof OnAction") == "function"
    page.evaluate("OnAction({Id: 'xladdin_check'})")
    page.wait_for_function("Object.keys(window.Application._panes).length === 1", timeout=30_000)
    url = page.evaluate("Object.values(window.Application._panes)[0].url")
    assert url.startswith(f"{service.base}/wps/taskpane.html?run=xladdin_check&n=")
    page.close()


class _Evil(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = b"<!doctype html><title>evil</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_of_another_origin_cannot_use_the_api(browser, service: Service) -> None:  # noqa: ANN001
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Evil)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        # even with the token (which such a page cannot read), the browser gets no answer
        result = page.evaluate("""async ([base, token]) => {
            const out = {};
            try { const r = await fetch(base + '/names', {headers: {Authorization: 'Bearer ' + token}});
                  out.read = r.status; } catch (e) { out.read = 'blocked'; }
            try { const r = await fetch(base + '/check', {method: 'POST', mode: 'no-cors', body: '{}'});
                  out.blind = r.type; } catch (e) { out.blind = 'blocked'; }
            return out; }""", [service.base, service.token])
        assert result["read"] == "blocked"
        assert result["blind"] in ("opaque", "blocked")  # sent, but refused by the Origin check (below)
        status, data = service.request("POST", "/check", {}, headers={"Origin": f"http://127.0.0.1:{server.server_address[1]}"})
        assert status == 403
        page.close()
    finally:
        server.shutdown()
