/* The task pane: the buttons, the answer of the last one, its questions, its findings.
 * All work goes through door.js; this file only draws. */
(function () {
  "use strict";

  var app = window.Application || (window.wps && window.wps.Application) || null;
  var $ = function (id) { return document.getElementById(id); };
  var FILTERS = { open: "Excel 工作簿 (*.xlsx;*.xlsm),*.xlsx;*.xlsm",
                  save: "Word 文档 (*.docx),*.docx,PDF (*.pdf),*.pdf,网页 (*.html),*.html,Markdown (*.md),*.md" };
  var busy = false;

  function status(text, kind) {
    var el = $("status");
    el.textContent = text || "";
    el.className = kind || "";
  }

  // A question of the action (机关名称, 上年年报, 导出为…): a small form; null when cancelled.
  function ask(question) {
    return new Promise(function (resolve) {
      var form = $("ask"), input = $("ask-input"), browse = $("ask-browse");
      $("ask-prompt").textContent = question.prompt;
      input.value = question.default || "";
      var picker = question.kind === "file" && app ? filePicker(question) : null;
      browse.hidden = !picker;
      browse.onclick = function () { var p = picker(); if (p) input.value = p; };
      function done(value) {
        form.hidden = true;
        form.onsubmit = null;
        $("ask-cancel").onclick = null;
        resolve(value);
      }
      form.onsubmit = function (ev) { ev.preventDefault(); done(input.value.trim() || null); };
      $("ask-cancel").onclick = function () { done(null); };
      form.hidden = false;
      input.focus();
    });
  }

  function filePicker(question) {
    if (question.mode === "folder" && app.FileDialog) {
      return function () {
        var dialog = app.FileDialog(4); // msoFileDialogFolderPicker
        dialog.Title = question.prompt;
        return dialog.Show() === -1 ? String(dialog.SelectedItems.Item(1)) : null;
      };
    }
    if (question.mode === "save" && app.GetSaveAsFilename) {
      return function () {
        var p = app.GetSaveAsFilename(question.default || "", FILTERS.save, 1, question.prompt);
        return p && p !== "False" ? String(p) : null;
      };
    }
    if (question.mode === "open" && app.GetOpenFilename) {
      return function () {
        var p = app.GetOpenFilename(FILTERS.open, 1, question.prompt);
        return p && p !== "False" ? String(p) : null;
      };
    }
    return null;
  }

  var door = app ? window.XladdinDoor.create({ app: app, fetch: window.fetch.bind(window), base: location.origin, ask: ask })
                 : null;

  function jump(cell) {
    var where = door.jump(cell.key, cell.address);
    window.xladdinLastJump = where; // what the last click selected (read by the tests)
    status(where ? "已选中 " + where.address : "找不到单元格 " + (cell.address || cell.key), where ? "" : "error");
  }

  function showFindings(findings, counts) {
    var list = $("findings");
    list.textContent = "";
    $("summary").textContent = counts ? "强制 " + (counts["强制"] || 0) + " 处，待核 " + (counts["待核"] || 0) +
      " 处，提示 " + (counts["提示"] || 0) + " 处" : "";
    (findings || []).forEach(function (f) {
      var li = document.createElement("li");
      li.className = "finding";
      li.tabIndex = 0;
      li.dataset.rule = f.rule;
      var sev = document.createElement("span");
      sev.className = "sev sev-" + f.severity;
      sev.textContent = f.severity;
      var rule = document.createElement("span");
      rule.className = "rule";
      rule.textContent = f.rule + (f.title ? " " + f.title : "");
      var text = document.createElement("div");
      text.className = "message";
      text.textContent = f.message;
      li.append(sev, rule, text);
      var cells = (f.cells || []).filter(function (c) { return c.address || c.key; });
      if (cells.length) {
        var box = document.createElement("div");
        box.className = "cells";
        cells.slice(0, 12).forEach(function (c) {
          var a = document.createElement("a");
          a.href = "#";
          a.textContent = c.address || c.key;
          a.dataset.key = c.key;
          a.onclick = function (ev) { ev.preventDefault(); ev.stopPropagation(); jump(c); };
          box.append(a);
        });
        li.append(box);
        li.onclick = function () { jump(cells[0]); };
        li.onkeydown = function (ev) { if (ev.key === "Enter") jump(cells[0]); };
      }
      list.append(li);
    });
  }

  async function run(button, label) {
    if (busy) return;
    busy = true;
    status((label || "") + "……", "busy");
    try {
      var res = await door.run(button);
      status(res.message || "", res.status === "error" ? "error" : "");
      if (res.findings) showFindings(res.findings, res.counts);
      window.xladdinLastAnswer = res;
    } catch (e) {
      status(String(e.message || e), "error");
    } finally {
      busy = false;
    }
  }

  async function drawButtons() {
    var data = await door.call("/buttons");
    var nav = $("buttons"), group = null;
    (data.buttons || []).concat([{ id: "audit", label: "审核（全部规则）", group: "校验", tip: "正文与表格、结构、跨期，与 xladdin audit 相同" }])
      .forEach(function (b) {
        if (b.group !== group) {
          group = b.group;
          var g = document.createElement("span");
          g.className = "group";
          g.textContent = group;
          nav.append(g);
        }
        var el = document.createElement("button");
        el.type = "button";
        el.textContent = b.label;
        el.title = b.tip || "";
        el.dataset.id = b.id;
        el.onclick = function () { run(b.id, b.label); };
        nav.append(el);
      });
  }

  if (!door) {
    status("请在 WPS 表格中使用本窗格（没有找到 WPS 的 Application 对象）。", "error");
    return;
  }
  var button = new URLSearchParams(location.search).get("run");
  drawButtons().catch(function (e) { status(String(e.message || e), "error"); });
  if (button) run(button);
})();
