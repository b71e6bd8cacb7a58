/* Round trip of 校验 in the WPS add-in's JS against the fake WPS object model (tests/wps/fake_wps.js)
 * and a running service: read the workbook (names, the three tables and 基本信息/正文 a sheet at a
 * time, the rows of four sheets), the request(s), the answer, applying the edits (colouring,
 * comments, the 校验结果 sheet). Run by bench/wps_bench.py, which starts the service and passes:
 *   XLADDIN_TEST_BASE, XLADDIN_TEST_HOME, XLADDIN_TEST_BOOK, BENCH_REPEAT
 * Prints one JSON line: medians in ms, and how many object-model calls one 校验 makes. */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Door = require(path.resolve(__dirname, "../xladdin/wps/addin/js/door.js"));
const { FakeApp } = require(path.resolve(__dirname, "../tests/wps/fake_wps.js"));

const BASE = process.env.XLADDIN_TEST_BASE, HOME = process.env.XLADDIN_TEST_HOME;
const BOOK = fs.readFileSync(process.env.XLADDIN_TEST_BOOK, "utf8");
const REPEAT = Number(process.env.BENCH_REPEAT || 20);
const median = (xs) => { const s = xs.slice().sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

function app(seed) {
  const a = new FakeApp(JSON.parse(BOOK), { home: HOME, readFile: (p) => fs.readFileSync(p, "utf8"), exists: fs.existsSync });
  if (seed) { // one wrong cell, as a clerk might type it: one T2-N, one cell to colour
    const wb = a.ActiveWorkbook;
    const ref = Door.parseRef(wb.Names.Item("NB_t2_licensing").RefersTo);
    const [sheet, a1] = [ref.slice(0, ref.lastIndexOf("!")), ref.slice(ref.lastIndexOf("!") + 1)];
    wb._sheet(sheet)._cells()[a1] = { v: "/" };
  }
  return a;
}

async function once(seed) {
  const a = app(seed);
  let requests = 0, inFetch = 0;
  const timedFetch = async (url, init) => {
    requests += 1;
    const t = performance.now();
    const r = await fetch(url, init);
    const body = await r.text();
    inFetch += performance.now() - t;
    return { ok: r.ok, status: r.status, json: async () => JSON.parse(body) };
  };
  const door = Door.create({ app: a, fetch: timedFetch, base: BASE });
  await door.names(); // fetched once per pane
  requests = 0;
  inFetch = 0;
  const t0 = performance.now();
  const callsBefore = a.calls;
  const res = await door.run("xladdin_check");
  const total = performance.now() - t0;
  if (res.status !== "done") throw new Error(JSON.stringify(res));
  return { total, service: inFetch, requests, calls: a.calls - callsBefore, findings: res.findings.length };
}

(async () => {
  const out = {};
  for (const [label, seed] of [["clean", false], ["one_error", true]]) {
    await once(seed); // warm
    const runs = [];
    for (let i = 0; i < REPEAT; i++) runs.push(await once(seed));
    out[label] = { total_ms: median(runs.map((r) => r.total)), service_ms: median(runs.map((r) => r.service)),
                   js_ms: median(runs.map((r) => r.total - r.service)), requests: runs[0].requests,
                   object_model_calls: runs[0].calls, findings: runs[0].findings };
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
