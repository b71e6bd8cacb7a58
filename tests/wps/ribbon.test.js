/* ribbon.js (the ribbon's half of the add-in) against the fake WPS object model and the real
 * service started by pytest: a button opens the task pane on the service with its id; a second
 * click reuses the pane; with the service down the launcher is started, else the clerk is told how.
 * ribbon.js is loaded fresh into a fake window for each test, as WPS loads index.html. */
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const ADDIN = path.resolve(__dirname, "../../xladdin/wps/addin");
const { FakeApp } = require("./fake_wps.js");
const BASE = process.env.XLADDIN_TEST_BASE;
const HOME = process.env.XLADDIN_TEST_HOME;
if (!BASE || !HOME) throw new Error("run these tests through pytest (tests/test_wps_js.py)");
const PORT = Number(new URL(BASE).port);

// index.html's scripts in a fresh window: config.js, door.js, ribbon.js.
function load(config, location) {
  const app = new FakeApp(null, { home: HOME, readFile: (p) => fs.readFileSync(p, "utf8"), exists: (p) => fs.existsSync(p) });
  const alerts = [];
  const window = { Application: app, fetch: globalThis.fetch, alert: (t) => alerts.push(t), setTimeout, URL,
                   location: location || { protocol: "file:", host: "" }, XLADDIN_CONFIG: config };
  window.self = window;
  const context = vm.createContext(window);
  for (const file of ["js/door.js", "js/ribbon.js"]) {
    vm.runInContext(fs.readFileSync(path.join(ADDIN, file), "utf8"), context, { filename: file });
  }
  return { window, app, alerts };
}
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

test("OnAddinLoad keeps the ribbon, OnAction opens the task pane on the service with the button", async () => {
  const { window, app, alerts } = load({ port: 1, launcher: "" }); // the port in serve.json wins
  assert.equal(window.OnAddinLoad({ ribbon: 1 }), true);
  assert.deepEqual(app.ribbonUI, { ribbon: 1 });
  assert.equal(window.OnAction({ Id: "xladdin_check" }), true);
  for (let i = 0; i < 100 && !Object.keys(app._panes).length; i++) await settle();
  const panes = Object.values(app._panes);
  assert.equal(panes.length, 1, JSON.stringify(alerts));
  const url = new URL(panes[0].url);
  assert.equal(url.origin, BASE);
  assert.equal(url.pathname, "/wps/taskpane.html");
  assert.equal(url.searchParams.get("run"), "xladdin_check");
  assert.equal(panes[0].Visible, true);
  assert.equal(panes[0].DockPosition, 2);
  // a second button reuses the pane
  window.OnAction({ Id: "xladdin_fill" });
  for (let i = 0; i < 100 && !app.log.some((e) => e[0] === "Navigate"); i++) await settle();
  assert.equal(Object.keys(app._panes).length, 1);
  assert.equal(new URL(panes[0].url).searchParams.get("run"), "xladdin_fill");
});

test("served by the service, the page's own origin is the service", async () => {
  const loc = new URL(BASE + "/wps/index.html");
  const { window, app } = load({ port: 1 }, { protocol: loc.protocol, host: loc.host });
  window.OnAction({ Id: "xladdin_help" });
  for (let i = 0; i < 100 && !Object.keys(app._panes).length; i++) await settle();
  assert.equal(new URL(Object.values(app._panes)[0].url).origin, BASE);
});

test("with the service down, the launcher is started, and the clerk told how when it does not come up", async () => {
  const home = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "xladdin-nohome-"));
  const app = new FakeApp(null, { home, readFile: (p) => fs.readFileSync(p, "utf8"), exists: (p) => fs.existsSync(p) });
  const alerts = [];
  const window = { Application: app, fetch: globalThis.fetch, alert: (t) => alerts.push(t), setTimeout, URL,
                   location: { protocol: "file:", host: "" },
                   XLADDIN_CONFIG: { port: 9, launcher: "/path/to/xladdin-serve.desktop", startWait: 600 } };
  window.self = window;
  const context = vm.createContext(window);
  for (const file of ["js/door.js", "js/ribbon.js"]) vm.runInContext(fs.readFileSync(path.join(ADDIN, file), "utf8"), context);
  window.OnAction({ Id: "xladdin_check" });
  for (let i = 0; i < 100 && !alerts.length; i++) await settle();
  assert.deepEqual(app.log.filter((e) => e[0] === "ShellExecute"), [["ShellExecute", "/path/to/xladdin-serve.desktop"]]);
  assert.equal(alerts.length, 1);
  assert.match(alerts[0], /政务公开年报服务没有运行/);
  assert.match(alerts[0], /xladdin serve/);
  assert.equal(Object.keys(app._panes).length, 0);
  assert.ok(PORT > 0);
});
