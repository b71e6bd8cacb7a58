/* The ribbon's half of the WPS add-in: every button opens the task pane, served by the local
 * xladdin service, with the button's id; the pane (taskpane.html, door.js) reads the workbook,
 * asks the service and applies its answer. So the pane and the API share one origin, and the
 * ribbon itself needs no access to the service: only a "is it there?" probe.
 * When the service is not running, the ribbon starts it if the installer left a launcher
 * (XLADDIN_CONFIG.launcher), else says how to start it.
 * WPS calls OnAddinLoad once, then OnAction(control) for every button (ribbon.xml).
 */
(function (root, factory) {
  var api = factory(root);
  if (typeof module === "object" && module.exports) module.exports = api;
  root.OnAddinLoad = api.OnAddinLoad;
  root.OnAction = api.OnAction;
})(typeof self !== "undefined" ? self : this, function (root) {
  "use strict";

  var PANE_ID = "xladdin_taskpane";
  var TITLE = "政务公开年报";
  var HOW_TO_START = "政务公开年报服务没有运行。\n" +
    "请在开始菜单（统信、麒麟：应用菜单）中打开“政务公开年报服务”，或在终端运行：xladdin serve\n" +
    "然后再点一次按钮。";

  function app() { return root.Application || (root.wps && root.wps.Application); }
  function config() { return root.XLADDIN_CONFIG || { port: 18230, launcher: "" }; }
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // The service's address: this page's own origin when the service serves it, else the port
  // in serve.json (the running service's), else the configured one.
  function base() {
    var loc = root.location;
    if (loc && /^https?:$/.test(loc.protocol) && loc.host) return loc.protocol + "//" + loc.host;
    var door = root.XladdinDoor, state = door && app() ? door.readState(app()) : null;
    return "http://127.0.0.1:" + ((state && state.port) || config().port);
  }

  // A probe that needs no CORS: an opaque answer means something listens.
  function alive(url) {
    return root.fetch(url + "/health", { mode: "no-cors", cache: "no-store" })
      .then(function () { return true; }, function () { return false; });
  }

  async function ensureService(url) {
    if (await alive(url)) return true;
    var launcher = config().launcher, a = app();
    if (launcher && a.OAAssist && a.OAAssist.ShellExecute) {
      try { a.OAAssist.ShellExecute(launcher); } catch (e) { return false; }
      var wait = config().startWait || 20000; // ms for the service to come up
      for (var waited = 0; waited < wait; waited += 250) {
        await sleep(250);
        if (await alive(url)) return true;
      }
    }
    return false;
  }

  function showPane(url) {
    var a = app(), storage = a.PluginStorage, pane = null;
    var id = storage.getItem(PANE_ID);
    if (id) { try { pane = a.GetTaskPane(id); } catch (e) { pane = null; } }
    if (pane) {
      pane.Navigate(url);
    } else {
      pane = a.CreateTaskPane(url, TITLE);
      pane.DockPosition = a.Enum && a.Enum.msoCTPDockPositionRight !== undefined ? a.Enum.msoCTPDockPositionRight : 2;
      pane.Width = 380;
      storage.setItem(PANE_ID, pane.ID);
    }
    pane.Visible = true;
    return pane;
  }

  var clicks = 0;
  async function click(id) {
    var url = base();
    if (!(await ensureService(url))) {
      (root.alert || function () {})(HOW_TO_START);
      return null;
    }
    clicks += 1;
    return showPane(url + "/wps/taskpane.html?run=" + encodeURIComponent(id) + "&n=" + Date.now() + "-" + clicks);
  }

  function OnAddinLoad(ribbonUI) {
    var a = app();
    if (a) a.ribbonUI = ribbonUI;
    return true;
  }

  function OnAction(control) {
    click(control.Id);
    return true;
  }

  return { OnAddinLoad: OnAddinLoad, OnAction: OnAction, click: click, base: base, HOW_TO_START: HOW_TO_START };
});
