/* The WPS add-in's JS (door.js, ribbon.js) under node's test runner, against the fake WPS object
 * model (fake_wps.js, the only stand-in) and the real xladdin service started by pytest
 * (tests/test_wps_js.py passes its address and files in the environment):
 *   XLADDIN_TEST_BASE     http://127.0.0.1:PORT of the running service
 *   XLADDIN_TEST_HOME     its home folder (serve.json with the token is read through the fake FileSystem)
 *   XLADDIN_TEST_BOOK     the example workbook as the fake holds it (JSON)
 *   XLADDIN_TEST_PREVIOUS last year's workbook (a real .xlsx)
 *   XLADDIN_TEST_OUT      a folder for files the buttons write
 * Every ribbon button is run, with the edits applied to the fake workbook and checked there.
 */
"use strict";
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const ADDIN = path.resolve(__dirname, "../../xladdin/wps/addin");
const Door = require(path.join(ADDIN, "js/door.js"));
const { FakeApp, bgr } = require("./fake_wps.js");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through pytest (tests/test_wps_js.py)`);
  return v;
};
const BASE = env("XLADDIN_TEST_BASE");
const HOME = env("XLADDIN_TEST_HOME");
const BOOK = JSON.parse(fs.readFileSync(env("XLADDIN_TEST_BOOK"), "utf8"));
const PREVIOUS = env("XLADDIN_TEST_PREVIOUS");
const OUT = env("XLADDIN_TEST_OUT");
const RED = "FFC7CE"; // 强制 (xladdin/excel/book.py MARK_COLORS)
const MARKS = "_xladdin_marks";

function fakeApp(book = BOOK) {
  return new FakeApp(book === null ? null : JSON.parse(JSON.stringify(book)), {
    home: HOME,
    readFile: (p) => fs.readFileSync(p, "utf8"),
    exists: (p) => fs.existsSync(p),
  });
}
function door(app, answers = {}) {
  const asked = [];
  const d = Door.create({
    app, fetch: globalThis.fetch, base: BASE,
    ask: async (q) => { asked.push(q); return Object.prototype.hasOwnProperty.call(answers, q.question) ? answers[q.question] : null; },
  });
  d.asked = asked;
  return d;
}
// The cell a defined name points at, in the fake workbook.
function named(app, name) {
  const wb = app.ActiveWorkbook;
  const ref = Door.parseRef(wb.Names.Item(name).RefersTo);
  const i = ref.lastIndexOf("!");
  return { sheet: wb._sheet(ref.slice(0, i)), a1: ref.slice(i + 1), address: ref };
}
function type(app, name, value) { // what a clerk typing into an input cell does
  const c = named(app, name);
  const cells = c.sheet._cells();
  cells[c.a1] = Object.assign(cells[c.a1] || {}, { v: value });
  delete cells[c.a1].f;
}
function cellOf(app, name) { const c = named(app, name); return c.sheet._cell(c.a1); }
function rowsOf(app, sheetName) {
  const ws = app.ActiveWorkbook._sheet(sheetName);
  const empty = (v) => v === undefined || v === null || v === "";
  return ws.Range("A1:J60").Value2.filter((r) => r.some((v) => !empty(v))).map((r) => {
    const out = r.slice();
    while (out.length && empty(out[out.length - 1])) out.pop();
    return out;
  });
}

test("校验 on the clean example: 通过, a 校验结果 sheet, no marks", async () => {
  const app = fakeApp();
  const res = await door(app).run("xladdin_check");
  assert.equal(res.status, "done", res.message);
  assert.match(res.message, /^通过/);
  assert.deepEqual(res.findings, []);
  const rows = rowsOf(app, "校验结果");
  assert.equal(rows[0][0], "序号");
  assert.match(String(rows[1][4]), /通过/);
  assert.equal(app.ActiveWorkbook._sheet("校验结果").Range("A1").Font.Bold, true);
});

test("校验 colours and comments a failing cell, links it from 校验结果, and re-protects the sheet", async () => {
  const app = fakeApp();
  type(app, "NB_t2_licensing", "/");
  const before = cellOf(app, "NB_t2_licensing").fill || "";
  const d = door(app);
  const res = await d.run("xladdin_check");
  assert.equal(res.status, "done", res.message);
  const f = res.findings.find((x) => x.rule === "T2-N");
  assert.ok(f, JSON.stringify(res.findings));
  assert.equal(f.cells[0].key, "t2.licensing");
  const cell = cellOf(app, "NB_t2_licensing");
  assert.equal(cell.fill, RED);
  const { sheet, a1, address } = named(app, "NB_t2_licensing");
  assert.equal(sheet.Range(a1).Interior.Color, bgr(RED)); // BGR in the object model
  assert.match(cell.comment, /^【校验】\n/);
  assert.match(cell.comment, /T2-N/);
  const results = app.ActiveWorkbook._sheet("校验结果");
  const rows = rowsOf(app, "校验结果");
  assert.equal(rows[1][2], "T2-N");
  const link = results._links().find((l) => l.subAddress.includes(a1));
  assert.ok(link, "a hyperlink to the cell");
  assert.equal(link.subAddress, "'" + address.replace("!", "'!"));
  assert.equal(app.ActiveWorkbook._sheet(MARKS).Visible, 2); // very hidden
  assert.equal(sheet.ProtectContents, true, "the template's protection is back");
  assert.ok(app.log.some((e) => e[0] === "Unprotect" && e[1] === sheet.Name));
  assert.equal(app.ActiveSheet.Name, "校验结果");
  // the original look is kept for 清除标记
  const marks = rowsOf(app, MARKS);
  assert.equal(marks[1][0], address);
  assert.equal(marks[1][1] || "", before);
});

test("清除标记 restores the fill and keeps what the clerk typed into the comment", async () => {
  const app = fakeApp();
  const name = "NB_t2_licensing";
  type(app, name, "/");
  const original = cellOf(app, name).fill || "";
  await door(app).run("xladdin_check");
  cellOf(app, name).comment += "\n已向办公室核实"; // typed into our comment after 校验
  const res = await door(app).run("xladdin_clear");
  assert.equal(res.status, "done", res.message);
  assert.match(res.message, /已清除 1 个单元格/);
  assert.equal(cellOf(app, name).fill || "", original);
  assert.equal(cellOf(app, name).comment, "已向办公室核实");
  assert.deepEqual(rowsOf(app, MARKS), [["address", "fill", "comment", "note", "color"]]);
});

test("校验 again after a fix clears the old marks", async () => {
  const app = fakeApp();
  type(app, "NB_t2_licensing", "/");
  await door(app).run("xladdin_check");
  type(app, "NB_t2_licensing", 0);
  const res = await door(app).run("xladdin_check");
  assert.match(res.message, /^通过/);
  assert.ok(!cellOf(app, "NB_t2_licensing").comment);
  assert.notEqual(cellOf(app, "NB_t2_licensing").fill, RED);
});

test("填充合计 fills a total the clerk left blank, and only that", async () => {
  const app = fakeApp();
  const total = cellOf(app, "NB_t3_new_total");
  const expected = total.v;
  assert.equal(typeof expected, "number");
  delete total.v; delete total.f; // the formula deleted, the cell blank
  const res = await door(app).run("xladdin_fill");
  assert.equal(res.status, "done", res.message);
  assert.equal(cellOf(app, "NB_t3_new_total").v, expected);
  assert.deepEqual(res.edits.map((e) => e.address), [named(app, "NB_t3_new_total").address]);
});

test("导入上年数据 asks for last year's workbook and carries its figures over", async () => {
  const app = fakeApp();
  const d = door(app, { previous: PREVIOUS });
  const res = await d.run("xladdin_import");
  assert.equal(res.status, "done", res.message);
  assert.equal(d.asked[0].question, "previous");
  assert.equal(d.asked[0].kind, "file");
  assert.match(res.message, /上年结转/);
  assert.equal(cellOf(app, "NB_t3_carry_in_natural").v, 7); // last year's 结转下年度·自然人
  const sheet = app.ActiveWorkbook._sheet("上年数据");
  assert.equal(sheet.Visible, 0); // hidden
  assert.notEqual(app.ActiveSheet, sheet, "the clerk is not left on a hidden sheet");
  assert.ok(rowsOf(app, "上年数据").length > 5);
});

test("导出报告 writes the file asked for", async () => {
  const app = fakeApp();
  const target = path.join(OUT, "导出.md");
  const res = await door(app, { export_path: target }).run("xladdin_export");
  assert.equal(res.status, "done", res.message);
  assert.equal(res.message, "已导出：" + target);
  assert.match(fs.readFileSync(target, "utf8"), /政府信息公开工作年度报告/);
});

test("设置 saves the export folder", async () => {
  const app = fakeApp();
  const res = await door(app, { output_dir: OUT, fonts: null }).run("xladdin_settings");
  assert.equal(res.status, "done", res.message);
  const settings = JSON.parse(fs.readFileSync(path.join(HOME, ".config", "xladdin", "export.json"), "utf8"));
  assert.equal(settings.output_dir, OUT);
});

test("帮助 names the version", async () => {
  const res = await door(fakeApp()).run("xladdin_help");
  assert.equal(res.status, "done", res.message);
  assert.match(res.message, /^xladdin \d/);
});

test("新建年报 with no workbook open writes the new report and opens it", async () => {
  const app = fakeApp(null);
  const target = path.join(OUT, "新年报.xlsx");
  const answers = { agency: "某某县教育局", year: "2025", level: "部门", new_path: target };
  const d = door(app, answers);
  const res = await d.run("xladdin_new");
  assert.equal(res.status, "done", res.message);
  assert.deepEqual(d.asked.map((q) => q.question), ["agency", "year", "level", "new_path"]);
  assert.ok(fs.existsSync(target));
  assert.deepEqual(app.opened, [target]);
});

test("a cancelled question cancels, and 校验 without a report says so in Chinese", async () => {
  const res = await door(fakeApp()).run("xladdin_import");
  assert.equal(res.status, "done");
  assert.equal(res.message, "已取消");
  const none = await door(fakeApp(null)).run("xladdin_check");
  assert.equal(none.status, "error");
  assert.match(none.message, /^校验失败：.*NB_/);
});

test("审核 lists the findings of every rule and changes nothing", async () => {
  const app = fakeApp();
  type(app, "NB_t2_licensing", "/");
  const calls = app.calls;
  const res = await door(app).run("audit");
  assert.equal(res.status, "done", res.message);
  assert.deepEqual(res.edits, []);
  assert.ok(res.findings.some((f) => f.rule === "T2-N"));
  assert.ok(app.calls > calls);
  assert.ok(!cellOf(app, "NB_t2_licensing").comment);
});

test("every button of the ribbon runs through the door, questions cancelled", async () => {
  const app = fakeApp();
  const d = door(app);
  const { buttons } = await d.call("/buttons");
  assert.ok(buttons.length >= 8);
  for (const b of buttons) {
    const res = await door(fakeApp()).run(b.id);
    assert.ok(["done", "error"].includes(res.status), `${b.id}: ${JSON.stringify(res)}`);
    assert.match(res.message, /[\u4e00-\u9fff]/, b.id);
  }
});

test("a click on a finding selects its cell by the key's defined name", async () => {
  const app = fakeApp();
  const d = door(app);
  await d.names();
  const where = d.jump("t3.new.natural", "");
  assert.equal(where.key, "t3.new.natural");
  assert.equal(where.address, named(app, "NB_t3_new_natural").address);
  assert.equal(app.selected, where.address);
  assert.equal(app.ActiveSheet.Name, "表三");
});

test("reading the workbook takes one Value2 and one Formula per sheet for its named cells", async () => {
  const app = fakeApp();
  const d = door(app);
  const book = await d.readBook();
  assert.equal(Object.keys(book.cells).length, 200);
  assert.equal(book.meta.agency, "威海市人力资源和社会保障局");
  assert.ok(book.sections["s1.request"] || book.sections["s1"] || Object.values(book.sections).some(Boolean));
  assert.match(book.formulas["t3.new.total"], /^=/);
  let reads = 0;
  const wb = app.ActiveWorkbook;
  for (const ws of wb._sheets) {
    const orig = ws.Range;
    ws.Range = function (a) { const r = orig.apply(ws, arguments); if (String(a).includes(":")) reads += 1; return r; };
  }
  await d.readBook();
  assert.ok(reads <= 5 + 4, `${reads} range reads`); // 5 sheets with names, up to 4 sheets of rows
});

test("a wrong token is re-read once from serve.json (the service restarted)", async () => {
  const app = fakeApp();
  let first = true;
  const d = Door.create({ app, fetch: globalThis.fetch, base: BASE,
    token: () => { if (first) { first = false; return "stale"; } return JSON.parse(fs.readFileSync(path.join(HOME, ".config/xladdin/serve.json"), "utf8")).token; } });
  const res = await d.run("xladdin_help");
  assert.equal(res.status, "done", res.message);
});

test("a service that is not there is said in Chinese, not thrown", async () => {
  const d = Door.create({ app: fakeApp(), fetch: globalThis.fetch, base: "http://127.0.0.1:9", token: () => "x" });
  const res = await d.run("xladdin_check");
  assert.equal(res.status, "error");
  assert.match(res.message, /无法连接政务公开年报服务/);
});
