/* A stand-in for WPS 表格's JS object model (window.Application), the only stand-in of the WPS
 * tests: WPS itself cannot run here. It holds a workbook given as JSON (tests/wps_support.py
 * writes one from a real .xlsx: values as WPS shows them, formulas, fills, comments, locked
 * cells, protection, defined names) and behaves as the object model does where the add-in
 * relies on it:
 * - Range("A1").Value2 is a scalar, Range("A1:C3").Value2 a 2D array (read and write);
 * - Interior.Color is BGR (0xBBGGRR); ColorIndex/Pattern xlNone (-4142) mean no fill;
 * - a write to a protected sheet throws, as WPS and Excel do;
 * - Names.Item(i) (1-based) / Item(name), RefersTo "='表三'!$D$7".
 * Every call the add-in makes on it is counted (`calls`), selections and opened files logged.
 * Runs in node (CommonJS) and in a browser page (window.FakeWps).
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.FakeWps = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var XL_NONE = -4142;

  function colNumber(letters) {
    var n = 0;
    for (var i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
    return n;
  }
  function colName(n) {
    var s = "";
    while (n > 0) { var m = (n - 1) % 26; s = String.fromCharCode(65 + m) + s; n = Math.floor((n - 1) / 26); }
    return s;
  }
  function parseArea(text) {
    var parts = String(text).replace(/\$/g, "").split(":");
    function one(p) {
      var m = /^([A-Z]+)(\d+)$/.exec(p);
      if (!m) throw new Error("fake: bad address " + text);
      return { row: Number(m[2]), col: colNumber(m[1]) };
    }
    var a = one(parts[0]), b = parts.length > 1 ? one(parts[1]) : a;
    return { top: Math.min(a.row, b.row), left: Math.min(a.col, b.col), bottom: Math.max(a.row, b.row),
             right: Math.max(a.col, b.col) };
  }
  function bgr(hex) { var n = parseInt(hex, 16); return ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff); }
  function hexOf(color) {
    var n = Number(color) & 0xffffff;
    var rgb = ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff);
    return ("000000" + rgb.toString(16).toUpperCase()).slice(-6);
  }

  function FakeApp(bookJson, options) {
    options = options || {};
    var app = this;
    app.calls = 0;
    app.log = [];
    app.opened = [];
    app.selected = null;
    var storage = {};
    var panes = {};
    var paneCount = 0;
    function count() { app.calls += 1; }

    function Sheet(wb, data) {
      var ws = this;
      var cells = {}; // "D7" -> {v, f, fill, comment, locked, bold}
      Object.keys(data.cells || {}).forEach(function (a) { cells[a] = Object.assign({}, data.cells[a]); });
      var name = data.name;
      var visible = data.visible === undefined ? -1 : data.visible;
      var protectedContents = Boolean(data.protected);
      var protection = Object.assign({ AllowFormattingCells: false }, data.protection || {});
      var widths = {};
      var links = [];

      function cell(row, col, create) {
        var key = colName(col) + row;
        if (!cells[key] && create) cells[key] = {};
        return cells[key] || {};
      }
      function guard() {
        if (protectedContents) throw new Error("fake WPS: 工作表“" + name + "”受保护，不能修改");
      }
      function isEmpty(c) {
        return (c.v === undefined || c.v === null || c.v === "") && !c.f;
      }

      function Range(area) {
        var r = this;
        var box = typeof area === "string" ? parseArea(area) : area;
        var single = box.top === box.bottom && box.left === box.right;
        function each(fn) {
          for (var row = box.top; row <= box.bottom; row++) for (var col = box.left; col <= box.right; col++) fn(row, col);
        }
        function matrix(get) {
          var out = [];
          for (var row = box.top; row <= box.bottom; row++) {
            var line = [];
            for (var col = box.left; col <= box.right; col++) line.push(get(cell(row, col, false)));
            out.push(line);
          }
          return single ? out[0][0] : out;
        }
        Object.defineProperty(r, "Value2", {
          get: function () { count(); return matrix(function (c) { return c.v === null ? undefined : c.v; }); },
          set: function (value) {
            count(); guard();
            var rows = Array.isArray(value) ? value : [[value]];
            each(function (row, col) {
              var v = rows[row - box.top][col - box.left];
              var c = cell(row, col, true);
              c.v = v === undefined ? null : v;
              delete c.f;
            });
          },
        });
        Object.defineProperty(r, "Formula", {
          get: function () {
            count();
            return matrix(function (c) { return c.f ? c.f : (c.v === undefined || c.v === null ? "" : String(c.v)); });
          },
        });
        r.Row = box.top;
        r.Column = box.left;
        r.Rows = { Count: box.bottom - box.top + 1 };
        r.Columns = { Count: box.right - box.left + 1 };
        r.Worksheet = ws;
        r.Interior = {};
        Object.defineProperty(r.Interior, "Color", {
          get: function () { count(); var c = cell(box.top, box.left, false); return c.fill ? bgr(c.fill) : 16777215; },
          set: function (v) { count(); guard(); each(function (row, col) { cell(row, col, true).fill = hexOf(v); }); },
        });
        Object.defineProperty(r.Interior, "ColorIndex", {
          get: function () { count(); return cell(box.top, box.left, false).fill ? 1 : XL_NONE; },
          set: function (v) {
            count(); guard();
            if (v !== XL_NONE) throw new Error("fake: only xlNone is supported for ColorIndex");
            each(function (row, col) { delete cell(row, col, true).fill; });
          },
        });
        Object.defineProperty(r.Interior, "Pattern", {
          get: function () { count(); return cell(box.top, box.left, false).fill ? 1 : XL_NONE; },
        });
        Object.defineProperty(r, "Comment", {
          get: function () {
            count();
            var c = cell(box.top, box.left, false);
            if (!c.comment) return null;
            return { Text: function () { count(); return c.comment; },
                     Delete: function () { count(); guard(); delete c.comment; } };
          },
        });
        r.AddComment = function (text) {
          count(); guard();
          var c = cell(box.top, box.left, true);
          if (c.comment) throw new Error("fake WPS: 单元格已有批注");
          c.comment = String(text);
          return r.Comment;
        };
        r.ClearComments = function () { count(); guard(); each(function (row, col) { delete cell(row, col, true).comment; }); };
        r.ClearContents = function () {
          count(); guard();
          each(function (row, col) { var c = cell(row, col, true); c.v = null; delete c.f; });
        };
        r.Clear = function () { count(); guard(); each(function (row, col) { delete cells[colName(col) + row]; }); };
        r.Select = function () {
          count();
          if (app.ActiveSheet !== ws) throw new Error("fake WPS: Select on a sheet that is not active");
          app.selected = name + "!" + colName(box.left) + box.top;
          app.log.push(["Select", app.selected]);
        };
        r.Font = {};
        Object.defineProperty(r.Font, "Bold", {
          get: function () { count(); return Boolean(cell(box.top, box.left, false).bold); },
          set: function (v) { count(); guard(); each(function (row, col) { cell(row, col, true).bold = Boolean(v); }); },
        });
        r.Address = function () { return "$" + colName(box.left) + "$" + box.top; };
      }

      ws.Range = function (a, b) {
        count();
        if (b !== undefined) return new Range(colName(a.Column) + a.Row + ":" + colName(b.Column) + b.Row);
        return new Range(a);
      };
      Object.defineProperty(ws, "Name", {
        get: function () { count(); return name; },
        set: function (v) { count(); name = String(v); },
      });
      Object.defineProperty(ws, "Visible", {
        get: function () { count(); return visible; },
        set: function (v) { count(); visible = v; },
      });
      Object.defineProperty(ws, "ProtectContents", { get: function () { count(); return protectedContents; } });
      ws.Protection = protection;
      ws.Unprotect = function () { count(); protectedContents = false; app.log.push(["Unprotect", name]); };
      ws.Protect = function (password, drawing, contents) {
        count();
        protectedContents = contents === undefined ? true : Boolean(contents);
        var keys = ["AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns",
          "AllowInsertingRows", "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting",
          "AllowFiltering", "AllowUsingPivotTables"];
        for (var i = 0; i < keys.length; i++) if (arguments[5 + i] !== undefined) protection[keys[i]] = Boolean(arguments[5 + i]);
        app.log.push(["Protect", name]);
      };
      ws.Cells = { Clear: function () { count(); guard(); cells = {}; links = []; } };
      ws.Columns = { Item: function (i) {
        count();
        var o = {};
        Object.defineProperty(o, "ColumnWidth", { get: function () { return widths[i] || 8.43; },
                                                  set: function (v) { widths[i] = v; } });
        return o;
      } };
      Object.defineProperty(ws, "UsedRange", {
        get: function () {
          count();
          var top = Infinity, left = Infinity, bottom = 0, right = 0;
          Object.keys(cells).forEach(function (a) {
            if (isEmpty(cells[a])) return;
            var p = parseArea(a);
            top = Math.min(top, p.top); left = Math.min(left, p.left);
            bottom = Math.max(bottom, p.top); right = Math.max(right, p.left);
          });
          if (!bottom) return new Range("A1");
          return new Range({ top: top, left: left, bottom: bottom, right: right });
        },
      });
      ws.Hyperlinks = {
        Add: function (anchor, address, subAddress, tip, text) {
          count(); guard();
          links.push({ cell: colName(anchor.Column) + anchor.Row, address: address, subAddress: subAddress, text: text });
          cell(anchor.Row, anchor.Column, true).v = text;
        },
      };
      ws.Activate = function () { count(); app.ActiveSheet = ws; app.log.push(["Activate", name]); };
      // for the tests
      ws._cells = function () { return cells; };
      ws._links = function () { return links; };
      ws._widths = widths;
      ws._cell = function (a) { var p = parseArea(a); return cell(p.top, p.left, false); };
    }

    function Workbook(data) {
      var wb = this;
      var sheets = [];
      var names = (data.names || []).map(function (n) { return { Name: n.name, RefersTo: n.refersTo }; });
      wb.FullName = data.fullName || "";
      wb.Name = String(wb.FullName).split(/[\\/]/).pop();
      (data.sheets || []).forEach(function (s) { sheets.push(new Sheet(wb, s)); });
      function find(which) {
        if (typeof which === "number") {
          if (which < 1 || which > sheets.length) throw new Error("fake WPS: 下标越界");
          return sheets[which - 1];
        }
        for (var i = 0; i < sheets.length; i++) if (sheets[i].Name === which) return sheets[i];
        throw new Error("fake WPS: 找不到工作表 " + which);
      }
      wb.Worksheets = {
        get Count() { count(); return sheets.length; },
        Item: function (which) { count(); return find(which); },
        Add: function (before, after) {
          count();
          var ws = new Sheet(wb, { name: "Sheet" + (sheets.length + 1), cells: {} });
          var at = after ? sheets.indexOf(after) + 1 : before ? sheets.indexOf(before) : 0;
          sheets.splice(at, 0, ws);
          app.ActiveSheet = ws; // as in WPS and Excel, a new sheet becomes the active one
          return ws;
        },
      };
      wb.Sheets = wb.Worksheets;
      wb.Names = {
        get Count() { count(); return names.length; },
        Item: function (which) {
          count();
          if (typeof which === "number") return names[which - 1];
          for (var i = 0; i < names.length; i++) if (names[i].Name === which) return names[i];
          throw new Error("fake WPS: 找不到名称 " + which);
        },
      };
      wb._sheets = sheets;
      wb._sheet = find;
    }

    app.ActiveWorkbook = bookJson ? new Workbook(bookJson) : null;
    app.ActiveSheet = app.ActiveWorkbook ? app.ActiveWorkbook.Worksheets.Item(1) : null;
    app.Workbooks = { Open: function (path) { count(); app.opened.push(String(path)); app.log.push(["Open", String(path)]); } };
    app.Env = { GetHomePath: function () { return options.home || "/home/fake"; } };
    var files = options.files || {};
    app.FileSystem = {
      Exists: function (path) { return options.readFile ? options.exists(path) : path in files; },
      ReadFile: function (path) {
        if (options.readFile) return options.readFile(path);
        if (!(path in files)) throw new Error("fake WPS: 文件不存在 " + path);
        return files[path];
      },
    };
    app.PluginStorage = { getItem: function (k) { return k in storage ? storage[k] : null; },
                          setItem: function (k, v) { storage[k] = v; } };
    app.Enum = { msoCTPDockPositionRight: 2 };
    app.CreateTaskPane = function (url, title) {
      paneCount += 1;
      var pane = { ID: "pane-" + paneCount, url: url, title: title, Visible: false, DockPosition: 0, Width: 0,
                   Navigate: function (u) { pane.url = u; app.log.push(["Navigate", u]); } };
      panes[pane.ID] = pane;
      app.log.push(["CreateTaskPane", url]);
      return pane;
    };
    app.GetTaskPane = function (id) { return panes[id] || null; };
    app.OAAssist = { ShellExecute: function (what) { app.log.push(["ShellExecute", what]); if (options.onShell) options.onShell(what); } };
    app._panes = panes;
  }

  return { FakeApp: FakeApp, bgr: bgr, hexOf: hexOf };
});
