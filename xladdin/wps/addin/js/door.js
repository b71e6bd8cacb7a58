/* The WPS add-in's door to the xladdin service: read the workbook, ask the service, apply its edits.
 *
 * Like the Excel add-in's VBA, it holds no logic: the service runs the same ribbon actions as the
 * Excel add-in and the command line (xladdin/excel/actions.py) and answers with edits ("set",
 * "fill", "comment", "rows", "link", "show", "open") that are applied here, in order.
 * The workbook is read by the template's defined names (Application.ActiveWorkbook.Names), one
 * Value2/Formula read per sheet for all its named cells; a sheet's rows in one read of its used
 * range. What the service still needs (a question's answer, a sheet's rows, a cell's fill or
 * comment) it asks for, and the request is sent again with it.
 * Colours: the object model's Interior.Color is BGR (0xBBGGRR); the service speaks "RRGGBB".
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.XladdinDoor = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var XL_NONE = -4142; // xlNone: no fill
  var SHEET_STATE = { visible: -1, hidden: 0, veryHidden: 2 }; // xlSheetVisible / Hidden / VeryHidden
  var ENDPOINT = { xladdin_check: "/check", xladdin_fill: "/fill", xladdin_import: "/import",
                   xladdin_export: "/export", audit: "/audit" };
  var PROTECT_OPTIONS = ["AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
    "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns",
    "AllowDeletingRows", "AllowSorting", "AllowFiltering", "AllowUsingPivotTables"];
  var MAX_ROUNDS = 12;

  function colName(n) {
    var s = "";
    while (n > 0) { var m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
    return s;
  }
  function colNumber(letters) {
    var n = 0;
    for (var i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
    return n;
  }
  // "='表 三'!$D$7" -> "表 三!D7"; null for ranges, constants, #REF!
  function parseRef(text) {
    var m = /^=?\s*(?:'((?:[^']|'')+)'|([^'!=]+))!\$?([A-Za-z]{1,3})\$?(\d+)\s*$/.exec(String(text || ""));
    if (!m) return null;
    var sheet = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2];
    return sheet + "!" + m[3].toUpperCase() + m[4];
  }
  function split(address) {
    var i = address.lastIndexOf("!");
    var m = /^([A-Z]+)(\d+)$/.exec(address.slice(i + 1));
    return { sheet: address.slice(0, i), a1: address.slice(i + 1), col: colNumber(m[1]), row: Number(m[2]) };
  }
  function quoted(address) {
    var p = split(address);
    return "'" + p.sheet.replace(/'/g, "''") + "'!" + p.a1;
  }
  function grid(value) { return Array.isArray(value) ? value : [[value]]; } // Value2 of one cell is a scalar
  function plain(v) { return v === undefined ? null : v; }
  function toHex(bgr) {
    var n = Number(bgr) & 0xffffff;
    var rgb = ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff);
    return ("000000" + rgb.toString(16).toUpperCase()).slice(-6);
  }
  function toBgr(hex) {
    var n = parseInt(hex, 16);
    return ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff);
  }

  // ------------------------------------------------------------------ the workbook

  function sheetNames(wb) {
    var out = [];
    for (var i = 1; i <= wb.Worksheets.Count; i++) out.push(String(wb.Worksheets.Item(i).Name));
    return out;
  }
  function sheet(wb, name) {
    for (var i = 1; i <= wb.Worksheets.Count; i++) {
      var ws = wb.Worksheets.Item(i);
      if (String(ws.Name) === name) return ws;
    }
    return null;
  }
  function range(wb, address) {
    var p = split(address);
    var ws = sheet(wb, p.sheet);
    if (!ws) throw new Error("找不到工作表“" + p.sheet + "”");
    return ws.Range(p.a1);
  }
  function readRows(ws) {
    var used = ws.UsedRange;
    var lastRow = used.Row + used.Rows.Count - 1, lastCol = used.Column + used.Columns.Count - 1;
    var rows = grid(ws.Range("A1:" + colName(lastCol) + lastRow).Value2).map(function (r) { return r.map(plain); });
    while (rows.length && rows[rows.length - 1].every(function (v) { return v === null || v === ""; })) rows.pop();
    return rows;
  }
  function readFill(wb, address) {
    var inside = range(wb, address).Interior;
    return inside.Pattern === XL_NONE || inside.ColorIndex === XL_NONE ? "" : toHex(inside.Color);
  }
  function readComment(wb, address) {
    var note = range(wb, address).Comment;
    return note ? String(note.Text()) : "";
  }

  // What the service needs to run a button: names -> addresses, the named cells by key (read a
  // sheet at a time), formulas, and the rows of the sheets the actions read.
  function readBook(wb, spec) {
    if (!wb) return { path: "", sheets: [], names: {}, cells: {}, meta: {}, sections: {}, formulas: {}, rows: {},
                      fills: {}, comments: {} };
    var book = { path: String(wb.FullName || ""), sheets: sheetNames(wb), names: {}, cells: {}, meta: {},
                 sections: {}, formulas: {}, rows: {}, fills: {}, comments: {} };
    var bySheet = {};
    var names = wb.Names;
    for (var i = 1; i <= names.Count; i++) {
      var n = names.Item(i);
      var name = String(n.Name);
      if (!Object.prototype.hasOwnProperty.call(spec.names, name)) continue;
      var address = parseRef(n.RefersTo);
      if (!address) continue;
      book.names[name] = address;
      var p = split(address);
      (bySheet[p.sheet] = bySheet[p.sheet] || []).push({ name: name, row: p.row, col: p.col });
    }
    var part = { cell: "cells", meta: "meta", section: "sections" };
    Object.keys(bySheet).forEach(function (sheetName) {
      var ws = sheet(wb, sheetName), cells = bySheet[sheetName];
      if (!ws) return;
      var top = Infinity, left = Infinity, bottom = 0, right = 0;
      cells.forEach(function (c) {
        top = Math.min(top, c.row); left = Math.min(left, c.col);
        bottom = Math.max(bottom, c.row); right = Math.max(right, c.col);
      });
      var block = ws.Range(colName(left) + top + ":" + colName(right) + bottom);
      var values = grid(block.Value2), formulas = grid(block.Formula);
      cells.forEach(function (c) {
        var kind = spec.names[c.name][0], key = spec.names[c.name][1];
        book[part[kind]][key] = plain(values[c.row - top][c.col - left]);
        var f = formulas[c.row - top][c.col - left];
        if (kind === "cell" && typeof f === "string" && f.charAt(0) === "=") book.formulas[key] = f;
      });
    });
    (spec.rows || []).forEach(function (s) {
      var ws = sheet(wb, s);
      if (ws) book.rows[s] = readRows(ws);
    });
    return book;
  }

  // ------------------------------------------------------------------ applying edits

  function addSheet(app, wb, name) {
    var active = app.ActiveSheet; // Add activates the new sheet: the clerk stays where they were
    var ws = wb.Worksheets.Add(undefined, wb.Worksheets.Item(wb.Worksheets.Count));
    ws.Name = name;
    if (active && active !== ws) active.Activate();
    return ws;
  }

  function apply(app, wb, edits) {
    var unprotected = {}; // sheet -> protection options to restore (the template protects without a password)
    function writable(name) {
      var ws = sheet(wb, name);
      if (!ws) throw new Error("找不到工作表“" + name + "”");
      if (!(name in unprotected)) {
        unprotected[name] = null;
        if (ws.ProtectContents) {
          var options = PROTECT_OPTIONS.map(function (k) { return Boolean(ws.Protection[k]); });
          ws.Unprotect();
          unprotected[name] = options;
        }
      }
      return ws;
    }
    try {
      edits.forEach(function (e) {
        if (e.op === "rows") {
          if (!sheet(wb, e.sheet)) addSheet(app, wb, e.sheet);
          var ws = writable(e.sheet);
          ws.Cells.Clear();
          var width = e.rows.reduce(function (w, r) { return Math.max(w, r.length); }, 0);
          if (e.rows.length && width) {
            var padded = e.rows.map(function (r) {
              var out = r.slice();
              while (out.length < width) out.push(null);
              return out;
            });
            ws.Range("A1:" + colName(width) + e.rows.length).Value2 = padded;
            ws.Range("A1:" + colName(width) + "1").Font.Bold = true;
          }
          (e.widths || []).forEach(function (w, i) { ws.Columns.Item(i + 1).ColumnWidth = w; });
          ws.Visible = SHEET_STATE[e.state] === undefined ? SHEET_STATE.visible : SHEET_STATE[e.state];
          return;
        }
        if (e.op === "show") { var shown = sheet(wb, e.sheet); if (shown) shown.Activate(); return; }
        if (e.op === "open") { app.Workbooks.Open(e.path); return; }
        var p = split(e.address);
        var cell = writable(p.sheet).Range(p.a1);
        if (e.op === "set") {
          if (e.value === null) cell.ClearContents(); else cell.Value2 = e.value;
        } else if (e.op === "fill") {
          if (e.color) cell.Interior.Color = toBgr(e.color); else cell.Interior.ColorIndex = XL_NONE;
        } else if (e.op === "comment") {
          cell.ClearComments();
          if (e.text) cell.AddComment(e.text);
        } else if (e.op === "link") {
          sheet(wb, p.sheet).Hyperlinks.Add(cell, "", quoted(e.target), "", e.text);
        } else {
          throw new Error("未知的修改：" + e.op);
        }
      });
    } finally {
      Object.keys(unprotected).forEach(function (name) {
        var options = unprotected[name];
        if (options) {
          var ws = sheet(wb, name);
          ws.Protect.apply(ws, [undefined, true, true, true, false].concat(options));
        }
      });
    }
  }

  // ------------------------------------------------------------------ the service

  // Where the service writes its port and token (the user's config folder; readable by the user only).
  function statePath(app) {
    var home = String(app.Env.GetHomePath()).replace(/[\\/]+$/, "");
    return home + "/.config/xladdin/serve.json";
  }
  function readState(app) {
    try {
      var path = statePath(app);
      if (app.FileSystem.Exists && !app.FileSystem.Exists(path)) return null;
      return JSON.parse(app.FileSystem.ReadFile(path));
    } catch (e) {
      return null;
    }
  }

  // options: app (WPS Application), fetch, base ("http://127.0.0.1:PORT"), ask(question) ->
  // Promise of the answer (null: cancelled), token() -> the token (default: from serve.json).
  function create(options) {
    var app = options.app, fetchFn = options.fetch, base = options.base;
    var ask = options.ask || function () { return Promise.resolve(null); };
    var tokenOf = options.token || function () { var s = readState(app); return s ? s.token : ""; };
    var token = tokenOf(), spec = null, keyToName = null;

    function request(path, body) {
      var init = { method: body === undefined ? "GET" : "POST", cache: "no-store",
                   headers: { Authorization: "Bearer " + token } };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      return fetchFn(base + path, init);
    }
    async function call(path, body) {
      var r;
      try {
        r = await request(path, body);
        if (r.status === 401) { // the service was restarted: a new token
          token = tokenOf();
          r = await request(path, body);
        }
      } catch (e) {
        return { status: "error", message: "无法连接政务公开年报服务（" + base + "）：请运行 xladdin serve 后再试" };
      }
      var data;
      try { data = await r.json(); } catch (e) { data = {}; }
      if (!r.ok && data.status !== "error") {
        data = { status: "error", message: data.error || "服务出错（HTTP " + r.status + "）" };
      }
      return data;
    }
    async function names() {
      if (!spec) {
        var data = await call("/names");
        if (data.status === "error") throw new Error(data.message);
        spec = data;
        keyToName = {};
        Object.keys(spec.names).forEach(function (n) { keyToName[spec.names[n][1]] = n; });
      }
      return spec;
    }
    function workbook() { return app.ActiveWorkbook || null; }

    // Run a ribbon button (or "audit"): the service's answer, its edits already applied.
    async function run(button) {
      var wb = workbook(), book;
      try {
        book = readBook(wb, await names());
      } catch (e) {
        return { status: "error", message: String(e.message || e) };
      }
      var path = ENDPOINT[button] || "/action/" + encodeURIComponent(button);
      var answers = {};
      for (var round = 0; round < MAX_ROUNDS; round++) {
        book.answers = answers;
        var res = await call(path, book);
        if (res.status !== "need") {
          if (res.status === "done" && res.edits && res.edits.length) {
            try {
              apply(app, wb, res.edits);
            } catch (e) {
              return { status: "error", message: "写入工作簿失败：" + String(e.message || e) };
            }
          }
          return res;
        }
        var need = res.need;
        (need.rows || []).forEach(function (s) { var ws = wb && sheet(wb, s); book.rows[s] = ws ? readRows(ws) : []; });
        (need.fills || []).forEach(function (a) { book.fills[a] = readFill(wb, a); });
        (need.comments || []).forEach(function (a) { book.comments[a] = readComment(wb, a); });
        if (need.ask) {
          var answer = await ask(need.ask);
          answers[need.ask.question] = answer === undefined ? null : answer;
        }
      }
      return { status: "error", message: "服务反复要求补充内容，已停止（请把此情况告诉维护人员）" };
    }

    // Select a finding's cell: by its key's defined name, else by its address.
    function jump(key, address) {
      var wb = workbook();
      if (!wb) return null;
      var target = address || null;
      var name = keyToName && keyToName[key];
      if (name) {
        try { target = parseRef(wb.Names.Item(name).RefersTo) || target; } catch (e) { /* name deleted */ }
      }
      if (!target) return null;
      var p = split(target), ws = sheet(wb, p.sheet);
      if (!ws) return null;
      ws.Activate();
      ws.Range(p.a1).Select();
      return { key: key, address: target };
    }

    return { run: run, jump: jump, names: names, call: call, readBook: function () { return names().then(function (s) { return readBook(workbook(), s); }); } };
  }

  return { create: create, readBook: readBook, apply: apply, readState: readState, statePath: statePath,
           parseRef: parseRef, colName: colName, toHex: toHex, toBgr: toBgr };
});
