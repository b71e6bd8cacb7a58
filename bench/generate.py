"""Generate realistic annual reports with planted errors, for benchmarks and tests.

    python bench/generate.py N --kinds xlsx,txt,html,pdf --seed S -o DIR

Every report is the bundled example (威海市人力资源和社会保障局 2024, its narrative and
tables) given another agency (省/市/县 departments), year and publication date, and new table
figures that satisfy every identity; the narrative sentences that quote table figures are
rewritten with the new figures. About 10% carry one planted error, recorded in DIR/.manifest.json
with the rule ids the audit must report:

- ``identity``: a result row of 表三 higher (by 2% or more) than received + carried over allow → E1, and
  X1 (the narrative's 办结率 100% no longer holds);
- ``narrative``: 第一部分 states another number of applications than 表三 → X1;
- ``blank``: a zero cell of 表三 left blank (xlsx) → T3-N;
- ``year``: the preface's statistical period starts in another year than the report's → X5.

Workbooks are written with the product's own writer once (a base), then every other one is
the base with its cell values patched in the sheet XML and re-zipped (100,000 take minutes,
not hours); text (the Markdown rendering, saved as .txt), HTML and PDF (LibreOffice, slow:
one batch call) come from `xladdin.export`. Same seed, same files and manifest.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import zipfile
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from xladdin.fill import fill  # noqa: E402
from xladdin.report import Report  # noqa: E402

EXAMPLE_JSON = ROOT / "examples" / "weihai-2024.json"
BASE_AGENCY = "威海市人力资源和社会保障局"
BASE_CITY = "威海市"
KINDS = ("xlsx", "txt", "html", "pdf")
SUFFIX = {"xlsx": ".xlsx", "txt": ".txt", "html": ".html", "pdf": ".pdf"}
PLANTS = ("identity", "narrative", "blank", "year")
MANIFEST = ".manifest.json"  # hidden: a folder audit skips it (a .json would be read as a report)
EXPECTED = {"identity": ["E1", "X1"], "narrative": ["X1"], "blank": ["T3-N"], "year": ["X5"]}
PLANT_RATE = 0.10

# Places and departments that exist at each level (names as published on government sites).
PROVINCES = ["山东省", "江苏省", "浙江省", "广东省", "河南省", "四川省", "湖北省", "福建省", "安徽省", "河北省"]
CITIES = ["济南市", "青岛市", "烟台市", "潍坊市", "苏州市", "无锡市", "杭州市", "宁波市", "广州市", "佛山市",
          "郑州市", "洛阳市", "成都市", "绵阳市", "武汉市", "宜昌市", "福州市", "泉州市", "合肥市", "芜湖市"]
COUNTIES = ["平阴县", "莱西市", "长岛县", "昌乐县", "吴江区", "江阴市", "桐庐县", "象山县", "从化区", "顺德区",
            "中牟县", "栾川县", "金堂县", "三台县", "黄陂区", "秭归县", "闽侯县", "安溪县", "肥西县", "繁昌区"]
PROVINCE_DEPTS = ["人力资源和社会保障厅", "教育厅", "财政厅", "民政厅", "自然资源厅", "生态环境厅", "交通运输厅", "卫生健康委员会"]
LOCAL_DEPTS = ["人力资源和社会保障局", "教育局", "财政局", "民政局", "自然资源和规划局", "生态环境局",
               "交通运输局", "卫生健康委员会", "市场监督管理局", "住房和城乡建设局"]

APPLICANTS = ("natural", "biz", "research", "nonprofit", "legal", "other_org")
RESULTS = ("open", "partial", "deny_1", "deny_2", "deny_3", "deny_4", "deny_5", "deny_6", "deny_7", "deny_8",
           "unable_1", "unable_2", "unable_3", "noproc_1", "noproc_2", "noproc_3", "noproc_4", "noproc_5",
           "other_1", "other_2", "other_3")
# How requests end, roughly as published reports show (open and unable dominate).
# (六)其他处理 stays empty: a share over 10% is S6, 逾期未缴费 asks for a 第六部分 word (X4).
RESULT_WEIGHTS = (30, 6, 1, 1, 1, 1, 1, 1, 2, 1, 20, 3, 2, 1, 3, 1, 1, 1, 0, 0, 0)
# 表二 cells quoted by the example's narrative (第一部分 3.) and the sentence quoting them.
REQUEST_SENTENCE = re.compile(r"(共收到政府信息公开申请数量 )(\d+)( 件)")
NORM_SENTENCE = re.compile(r"(废止规范性文件 )(\d+)( 件，现行有效规范性文件 )(\d+)( 件)")


@dataclass
class Plan:
    """One generated report: who, when, its figures and at most one planted error."""

    name: str
    kind: str
    agency: str
    city: str
    year: int
    published: str
    values: dict[str, Any]
    plant: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def agency_name(rng: random.Random) -> tuple[str, str]:
    """(agency, the place it belongs to) at 省, 市 or 县 level."""
    level = rng.choices(("省", "市", "县"), weights=(1, 3, 4))[0]
    if level == "省":
        place = rng.choice(PROVINCES)
        return place + rng.choice(PROVINCE_DEPTS), place
    place = rng.choice(CITIES if level == "市" else COUNTIES)
    return place + rng.choice(LOCAL_DEPTS), place


def figures(rng: random.Random) -> dict[str, Any]:
    """Table figures that satisfy every identity: requests received and carried over end in the
    result rows (nothing carried to next year: the narrative says all were answered); totals
    are left for fill()."""
    values: dict[str, Any] = {}
    for col in APPLICANTS:
        if col == "natural":
            new = rng.choice((0, 1, 2, 3, 5, 8, 10, 12, 15, 20, 26, 40, 63, 120))
        else:
            new = rng.choice((0, 0, 0, 0, 1, 2, 3)) if col in ("biz", "legal") else rng.choice((0, 0, 0, 0, 0, 1))
        carry = rng.choice((0, 0, 0, 1, 2)) if new else 0
        values[f"t3.new.{col}"] = new
        values[f"t3.carry_in.{col}"] = carry
        values[f"t3.carry_out.{col}"] = 0
        spread = dict.fromkeys(RESULTS, 0)
        for row in rng.choices(RESULTS, weights=RESULT_WEIGHTS, k=new + carry):
            spread[row] += 1
        for row, n in spread.items():
            values[f"t3.{row}.{col}"] = n
    for key in ("reg_made", "reg_repealed", "reg_valid", "licensing", "penalty", "coercion"):
        values[f"t2.{key}"] = rng.choice((0, 0, 0, 1, 2, 3, 5, 12, 30))
    values["t2.norm_made"] = rng.choice((0, 1, 2, 3, 5))
    values["t2.norm_repealed"] = rng.choice((0, 1, 2, 3))
    values["t2.norm_valid"] = rng.choice((4, 9, 12, 19, 26, 40))
    values["t2.fee_wan"] = Decimal(rng.randrange(0, 100000)) / 100
    for key in ("review", "suit_direct", "suit_after_review"):  # the narrative: no review, no suit
        for col in ("keep", "correct", "other", "pending"):
            values[f"t4.{key}_{col}"] = 0
    return values


def plan(n: int, kinds: list[str], seed: int, rate: float = PLANT_RATE) -> list[Plan]:
    rng = random.Random(seed)
    plans = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        agency, city = agency_name(rng)
        # one year per agency: two years of one agency would be paired as last year's report
        # (跨期 rules, and 第五部分 identical to last year's: S5)
        year = 2021 + zlib.crc32(agency.encode()) % 5
        published = f"{year + 1}-01-{rng.randrange(8, 29):02d}"
        values = figures(rng)
        p = Plan(f"{i:06d}_{agency}-{year}{SUFFIX[kind]}", kind, agency, city, year, published, values)
        if rng.random() < rate:
            choices = [x for x in PLANTS if kind == "xlsx" or x != "blank"]  # a published table prints 0 or a blank
            p.plant = rng.choice(choices)
            if p.plant == "identity":
                col = rng.choice([c for c in APPLICANTS if values[f"t3.new.{c}"]] or ["natural"])
                row = rng.choice(("open", "unable_1", "noproc_2"))
                p.detail = {"cell": f"t3.{row}.{col}", "from": values[f"t3.{row}.{col}"]}
                # at least 2% too many, so that "办结率 100%" is off whatever the rounding
                received = sum(values[f"t3.{k}.{c}"] for k in ("new", "carry_in") for c in APPLICANTS)
                values[f"t3.{row}.{col}"] += max(1, -(-received * 2 // 100))
                p.detail["to"] = values[f"t3.{row}.{col}"]
            elif p.plant == "narrative":
                # never new + carried over: "收到" may count last year's requests too
                carried = sum(values[f"t3.carry_in.{c}"] for c in APPLICANTS)
                p.detail = {"part": "s1.request", "delta": rng.choice([d for d in (1, 2, 5, 10) if d != carried])}
            elif p.plant == "blank":
                zeros = [f"t3.{r}.{c}" for r in RESULTS for c in APPLICANTS if values[f"t3.{r}.{c}"] == 0]
                p.detail = {"cell": rng.choice(zeros)}
                values[p.detail["cell"]] = None
            elif p.plant == "year":
                p.detail = {"part": "preface", "year": year - rng.choice((1, 2))}
        plans.append(p)
    return plans


def build_report(base: Report, p: Plan) -> Report:
    """The example, rewritten for `p`: names, years, figures (totals by fill), narrative."""
    report = Report.from_dict(base.to_dict())
    report.notes = {}
    report.source = ""
    report.values = {k: (None if report.spec.cell(k).derived else v) for k, v in report.values.items()}
    report.values.update(p.values)
    fill(report)
    meta = report.meta
    meta.agency, meta.year, meta.published = p.agency, p.year, p.published
    meta.contact_address = f"{p.city}人民路{1 + sum(map(ord, p.agency)) % 200}号"
    shift = {str(y): str(y - 2024 + p.year) for y in (2023, 2024, 2025)}
    years = re.compile(r"(?<!\d)(2023|2024|2025)(?!\d)")
    sections = {}
    for key, text in report.sections.items():
        text = text.replace(BASE_AGENCY, p.agency).replace(BASE_CITY, p.city)
        sections[key] = years.sub(lambda m: shift[m.group(1)], text)
    total_new = report.values["t3.new.total"]
    said = total_new + (p.detail["delta"] if p.plant == "narrative" else 0)
    sections["s1.request"] = REQUEST_SENTENCE.sub(lambda m: f"{m[1]}{said}{m[3]}", sections["s1.request"])
    sections["s1.management"] = NORM_SENTENCE.sub(
        lambda m: f"{m[1]}{report.values['t2.norm_repealed']}{m[3]}{report.values['t2.norm_valid']}{m[5]}",
        sections["s1.management"],
    )
    if p.plant == "year":
        sections["preface"] = re.sub(r"从\d{4}年1月1日", f"从{p.detail['year']}年1月1日", sections["preface"])
    report.sections = sections
    return report


# --------------------------------------------------------------------------- workbooks

_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")?[^>]*?(?:/>|>.*?</c>)', re.S)
_FORMULA = re.compile(rb"<f>[^<]*</f>")


class Patcher:
    """The base workbook's parts, and how to give it another report's cells."""

    def __init__(self, base_path: Path) -> None:
        from xladdin.io.fast import _layout
        from xladdin.io.safety import open_checked

        zf, _ = open_checked(base_path, base_path)
        with zf:
            self.parts = {n: zf.read(n) for n in zf.namelist()}
            self.infos = zf.infolist()
            sheets, layout, _, _ = _layout(zf, str(base_path))
        self.places: dict[str, dict[str, tuple[str, str]]] = {}  # part -> coord -> (kind, field)
        for kind, places in (("cell", layout.cells), ("meta", layout.meta), ("section", layout.sections)):
            for key, (sheet, coord) in places.items():
                self.places.setdefault(sheets[sheet], {})[coord] = (kind, key)

    def write(self, report: Report, path: Path) -> None:
        out = dict(self.parts)
        for part, coords in self.places.items():
            def one(m: re.Match[bytes], coords: dict[str, tuple[str, str]] = coords) -> bytes:
                coord = m.group(1).decode()
                if coord not in coords:
                    return m.group(0)
                kind, key = coords[coord]
                return _cell(coord, m.group(2) or b"", _FORMULA.search(m.group(0)), _field(report, kind, key))

            out[part] = _CELL.sub(one, self.parts[part])
        tmp = path.with_name(f".~{path.name}")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            for info in self.infos:
                zf.writestr(info, out[info.filename], compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        os.replace(tmp, path)


def _field(report: Report, kind: str, key: str) -> Any:
    if kind == "cell":
        return report.values.get(key)
    if kind == "section":
        return report.sections.get(key, "")
    value = getattr(report.meta, key)
    return int(value) if key == "year" and value else value


def _cell(coord: str, style: bytes, formula: re.Match[bytes] | None, value: Any) -> bytes:
    head = f'<c r="{coord}"'.encode() + style
    if formula is not None:  # a total keeps its formula; its saved result is the new figure
        result = b"" if value is None else f"<v>{value}</v>".encode()
        return head + b">" + formula.group(0) + result + b"</c>"
    if value is None or value == "":
        return head + b"/>"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return head + f' t="n"><v>{value}</v></c>'.encode()
    text = escape(str(value)).replace("\n", "&#10;")
    return head + f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'.encode()


# --------------------------------------------------------------------------- driver

_STATE: dict[str, Any] = {}


def _init(base_json: str, base_xlsx: str | None, out: str) -> None:
    _STATE["base"] = Report.from_json(base_json)
    _STATE["patcher"] = Patcher(Path(base_xlsx)) if base_xlsx else None
    _STATE["out"] = Path(out)


def _make(p: Plan) -> None:
    report = build_report(_STATE["base"], p)
    path = _STATE["out"] / p.name
    if p.kind == "xlsx":
        _STATE["patcher"].write(report, path)
    elif p.kind == "txt":
        from xladdin.export.markdown import render_markdown

        path.write_text(render_markdown(report), encoding="utf-8")
    elif p.kind == "html":
        from xladdin.export import export

        export(report, "html", path)


def generate(
    n: int, kinds: list[str], seed: int, out: Path, jobs: int = 1, rate: float = PLANT_RATE
) -> dict[str, Any]:
    """Write the reports and DIR/.manifest.json; returns the manifest. `rate`: the share of
    reports given a planted error."""
    out.mkdir(parents=True, exist_ok=True)
    plans = plan(n, kinds, seed, rate)
    base_json = EXAMPLE_JSON.read_text(encoding="utf-8")
    base_xlsx = None
    if "xlsx" in kinds:
        from xladdin.io import write_report

        base_xlsx = str(out / ".base.xlsx")
        write_report(Report.from_json(base_json), base_xlsx)  # the base whose cells are patched
    work = [p for p in plans if p.kind != "pdf"]
    if jobs > 1 and len(work) > 200:
        with ProcessPoolExecutor(jobs, initializer=_init, initargs=(base_json, base_xlsx, str(out))) as pool:
            list(pool.map(_make, work, chunksize=256))
    else:
        _init(base_json, base_xlsx, str(out))
        for p in work:
            _make(p)
    pdfs = [p for p in plans if p.kind == "pdf"]
    if pdfs:
        from xladdin.export import export_many

        base = Report.from_json(base_json)
        export_many([(build_report(base, p), out / p.name) for p in pdfs], "pdf")
    if base_xlsx:
        os.unlink(base_xlsx)
    manifest = {
        "seed": seed,
        "count": n,
        "kinds": kinds,
        "files": {
            p.name: {
                "agency": p.agency,
                "year": p.year,
                "planted": [{"kind": p.plant, **p.detail, "rules": EXPECTED[p.plant]}] if p.plant else [],
            }
            for p in plans
        },
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--kinds", default="xlsx", help="comma-separated: " + ",".join(KINDS))
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("-o", "--out", required=True, type=Path)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--rate", type=float, default=PLANT_RATE, help="share of reports with a planted error")
    args = ap.parse_args()
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        ap.error(f"unknown kinds: {unknown}")
    manifest = generate(args.n, kinds, args.seed, args.out, args.jobs, args.rate)
    planted = sum(1 for f in manifest["files"].values() if f["planted"])
    print(f"{args.n} reports in {args.out} ({planted} with a planted error), {args.out / MANIFEST}")


if __name__ == "__main__":
    main()
