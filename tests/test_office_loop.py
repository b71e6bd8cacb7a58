"""The supervising office's spring review end to end, on a generated region (a city, its
counties and their departments; a roster; two missing reports, one late, planted defects, a
汇总 report with one wrong cell): audit into a real SQLite store, review in the workbook (as a
person would, with openpyxl), import, correct two reports, audit again; then the notices and the
overview, rendered by LibreOffice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from office_region import Writer, build, plan

from xladdin.cli import main
from xladdin.office import review as rv
from xladdin.office.batch import audit_into
from xladdin.office.collect import collect
from xladdin.office.diff import compare
from xladdin.store import Store

MISSING = ("文登区教育局", "荣成市财政局")
LATE = "威海市民政局"
WRONG_SUM = "环翠区人民政府"
FIXED = "威海市教育局"  # E1 planted, corrected in the second round
CHANGED = "环翠区财政局"  # a blank cell, later "/": the decision on it re-opens


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("region")
    agencies = plan(counties=3, depts_per_county=3, city_depts=4)
    by = {a.name: a for a in agencies}
    for name in MISSING:
        by[name].skip = True
    by[LATE].published = "2025-02-15"
    by[FIXED].changes = {"t3.new.natural": 12}
    by[CHANGED].changes = {"t3.new.legal": None}
    by[WRONG_SUM].changes = {"t2.reg_made": lambda v: v + 5}
    region = build(base / "年报", agencies)
    db = base / "审核结果.db"
    store = Store.open(db)
    first = audit_into(store, [region.folder], jobs=1)
    store.close()
    return {"base": base, "region": region, "db": db, "first": first}


def _collect(db: Path, **kw: object):  # noqa: ANN202
    store = Store.open(db, create=False)
    try:
        return collect(store, **kw)
    finally:
        store.close()


def test_region_first_round_and_roster_findings(loop: dict, capsys: pytest.CaptureFixture[str]) -> None:
    db, region = loop["db"], loop["region"]
    assert main(["roster", "check", str(region.roster), "--db", str(db)]) == 0
    assert "名单外：威海市住房公积金管理中心" in capsys.readouterr().out
    c = _collect(db, hierarchy=True)  # the roster is kept in the store from now on
    by_rule: dict[str, list[str]] = {}
    for item in c.items:
        by_rule.setdefault(item.finding.rule, []).append(item.agency)
    assert sorted(by_rule["R1"]) == sorted(MISSING)
    assert by_rule["R2"] == [LATE]
    assert by_rule["R3"] == ["威海市住房公积金管理中心"]
    assert "R4" not in by_rule
    h1 = [i for i in c.items if i.finding.rule == "H1"]
    wrong = [i for i in h1 if i.agency == WRONG_SUM]
    assert len(wrong) == 1 and "t2.reg_made" in wrong[0].finding.ref
    assert "相差 5" in wrong[0].finding.message and wrong[0].finding.severity == "提示"
    missing = {i.agency: i.finding.message for i in h1 if i.finding.ref == "H1:missing"}
    assert set(missing) == {"文登区人民政府", "荣成市人民政府"}
    assert "文登区教育局" in missing["文登区人民政府"]
    assert not [i for i in h1 if i.agency == "威海市人民政府"]  # the city sums what its subordinates wrote
    late = next(i for i in c.items if i.finding.rule == "R2")
    assert "2025-02-15" in late.finding.message and "2025-01-31" in late.finding.message
    assert {i.finding.rule for i in c.agencies[FIXED].items} >= {"E1"}


def test_review_in_the_workbook_survives_reruns(loop: dict, capsys: pytest.CaptureFixture[str]) -> None:
    db, base, region = loop["db"], loop["base"], loop["region"]
    book = base / "审核结果.xlsx"
    assert main(["review", "export", "--db", str(db), "--hierarchy", "-o", str(book)]) == 0
    # a second export to the same name is refused (the reviewer's decisions may be in it)
    assert main(["review", "export", "--db", str(db), "-o", str(book)]) == 2
    assert "已存在" in capsys.readouterr().err

    wb = openpyxl.load_workbook(book)
    ws = wb["复核"]
    head = [c.value for c in ws[1]]
    col = {name: head.index(name) + 1 for name in head}
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(col["指纹"])].hidden
    assert any("确认" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    decided = Counter()
    for r in range(2, ws.max_row + 1):
        severity, rule = ws.cell(r, col["级别"]).value, ws.cell(r, col["规则"]).value
        if severity == "强制":
            ws.cell(r, col["复核"]).value = "确认"
        elif rule == "R3":
            ws.cell(r, col["复核"]).value = "驳回"
            ws.cell(r, col["复核说明"]).value = "公积金中心不在本级名单，不审"
        elif rule == "H1" and "相差" in ws.cell(r, col["问题"]).value:
            ws.cell(r, col["复核"]).value = "确认"  # a 提示 confirmed: only with --include-soft in a notice
        elif rule.startswith("X"):
            ws.cell(r, col["复核"]).value = "已说明"
            ws.cell(r, col["复核说明"]).value = "汇总口径，正文为本机关数字"
        else:
            continue
        decided[ws.cell(r, col["复核"]).value] += 1
    wrong = base / "错误的复核.xlsx"
    first_hard = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["级别"]).value == "强制")
    ws.cell(first_hard, col["复核"]).value = "已核定"
    wb.save(wrong)
    ws.cell(first_hard, col["复核"]).value = "确认"
    wb.save(book)

    # a wrong value: a Chinese error naming the sheet and the cell, nothing recorded
    assert main(["review", "import", str(wrong), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "工作表“复核”" in err and f"单元格 {openpyxl.utils.get_column_letter(col['复核'])}{first_hard}" in err
    assert "待核" in err
    assert main(["review", "import", str(book), "--db", str(db), "--reviewer", "张三"]) == 0
    assert f"已导入 {sum(decided.values())} 项复核结论" in capsys.readouterr().out
    assert main(["review", "import", str(book), "--db", str(db)]) == 0  # again: nothing new
    assert "已导入 0 项" in capsys.readouterr().out

    before = _collect(db)
    states = Counter(i.state for i in before.items)
    assert states[rv.CONFIRMED] == decided["确认"] - 1 and states[rv.EXPLAINED] == decided["已说明"]
    h1 = [i for i in _collect(db, hierarchy=True).items if i.finding.rule == "H1" and "相差" in i.finding.message]
    assert [(i.agency, i.state) for i in h1] == [(WRONG_SUM, rv.CONFIRMED)]  # imported although export-only
    changed_fp = next(i.fingerprint for i in before.agencies[CHANGED].items if i.finding.rule == "T3-N")
    fixed_fps = {i.fingerprint for i in before.agencies[FIXED].items if i.finding.rule == "E1"}
    kept = {i.fingerprint: i.state for i in before.items if i.state != rv.UNREVIEWED and i.source
            and i.agency not in (FIXED, CHANGED)}

    # the agencies correct two reports; the office audits the folder again
    writer = Writer()
    writer.write(region.agency(FIXED).path, FIXED, "部门", "2025-01-20", dict(writer.base))
    changed = dict(writer.base)
    changed["t3.new.legal"] = "/"
    writer.write(region.agency(CHANGED).path, CHANGED, "部门", "2025-01-20", changed)
    store = Store.open(db, create=False)
    second = audit_into(store, [region.folder], jobs=1)
    diff = compare(store, second)
    store.close()
    assert diff.previous == loop["first"]
    assert fixed_fps <= {c.fingerprint for c in diff.fixed}
    assert changed_fp in {c.fingerprint for c in diff.reopened}
    assert changed_fp in {c.fingerprint for c in diff.still_open}
    assert len(diff.still_open) > len(kept) // 2

    after = _collect(db)
    now = {i.fingerprint: i for i in after.items}
    for fp, state in kept.items():  # every decision on unchanged values survives the rerun
        if fp in now:
            assert now[fp].state == state, now[fp].finding.message
    reopened = now[changed_fp]
    assert reopened.state == rv.REOPENED
    assert "表三!H5 本年新收·法律服务机构：原 空白，现 /" in rv.change(reopened.decision, reopened.finding)
    assert "“/”" in reopened.finding.message
    assert not [fp for fp in fixed_fps if fp in now]

    assert main(["review", "status", "--db", str(db), "--list"]) == 0
    out = capsys.readouterr().out
    assert f"第 {second} 次审核，与第 {loop['first']} 次审核相比" in out
    assert f"已改正 {len(diff.fixed)} 处" in out and "重开 1 处" in out
    assert changed_fp in out and "已重开" in out
    # the re-opened finding: a new decision, the history kept
    assert main(["review", "set", "--db", str(db), changed_fp, "确认", "--note", "仍未填写"]) == 0
    store = Store.open(db, create=False)
    assert [d.decision for d in rv.history(store, changed_fp)] == ["确认", "确认"]
    assert [d.reviewer for d in rv.history(store, changed_fp)][0] == "张三"
    # a decision made under other rules is shown as such
    store.conn.execute("UPDATE review_decisions SET rules_version = 'older' WHERE fingerprint = ?", (changed_fp,))
    store.commit()
    store.close()
    assert main(["review", "status", "--db", str(db)]) == 0
    assert "另一规则版本" in capsys.readouterr().out
    assert main(["review", "history", "--db", str(db), changed_fp]) == 0
    out = capsys.readouterr().out
    assert f"{CHANGED} T3-N：共 2 次复核结论" in out and "张三" in out and "当时所见：表三!H5 本年新收·法律服务机构＝空白" in out
    assert "在另一规则版本（older）下作出" in out
    loop["second"] = second


def _pdf_text(pdf: Path) -> str:
    """The PDF's text; -layout keeps a line that ends in a hyphen ("2025-02-") as printed
    (the default mode joins it with the next line and drops the hyphen)."""
    cmd = ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"]
    return subprocess.run(cmd, capture_output=True, check=True, text=True).stdout


def test_notices_render_every_character(loop: dict, capsys: pytest.CaptureFixture[str]) -> None:
    from xladdin.export.pdf import convert
    from xladdin.office.notices import confirmed, paragraphs

    db, base = loop["db"], loop["base"]
    out = base / "整改通知"
    assert main(["notices", "--db", str(db), "-o", str(out), "--deadline", "2025-04-30"]) == 0
    printed = capsys.readouterr().out
    c = _collect(db)
    chosen = confirmed(c)
    assert set(chosen) >= {LATE, *MISSING, CHANGED}
    assert FIXED not in chosen  # its findings were corrected
    assert all(i.finding.severity == "强制" for items in chosen.values() for i in items)
    docs = sorted(out.glob("*.docx"))
    assert len(docs) == len(chosen) and "整改清单" in printed
    assert main(["notices", "--db", str(db), "-o", str(out)]) == 2  # the one output rule
    assert "已存在" in capsys.readouterr().err

    wb = openpyxl.load_workbook(out / "整改清单.xlsx")
    ws = wb["整改清单"]
    assert ws.max_row - 1 == sum(len(v) for v in chosen.values())
    assert "整改情况（机关填写）" in [c.value for c in ws[1]]

    picked = [CHANGED, LATE, MISSING[0]]
    pdfs = convert([out / f"{a}-整改通知.docx" for a in picked], base / "pdf")
    for agency, pdf in zip(picked, pdfs, strict=True):
        text = re.sub(r"\s+", "", _pdf_text(pdf))
        import datetime as dt

        expected = "".join(t for _, t in paragraphs(agency, chosen[agency], c.year, dt.date(2025, 4, 30),
                                                     "政务公开工作主管部门", dt.date.today()))
        expected = re.sub(r"\s+", "", expected)
        missing = Counter(expected) - Counter(text)
        assert not missing, f"{agency}: characters missing from the PDF: {missing}"
        assert "2025年4月30日前" in text and agency in text
        assert "整改时限" in text
    assert "表三!H5本年新收·法律服务机构" in re.sub(r"\s+", "", _pdf_text(pdfs[0]))
    assert "截至目前未见你单位2024年政府信息公开工作年度报告" in re.sub(r"\s+", "", _pdf_text(pdfs[2]))


def test_overview_charts_exist_and_render(loop: dict, tmp_path: Path) -> None:
    from xladdin.export.pdf import convert

    db, region = loop["db"], loop["region"]
    target = tmp_path / "总览.xlsx"
    assert main(["overview", "--db", str(db), "--roster", str(region.roster), "--hierarchy", "-o", str(target)]) == 0
    with zipfile.ZipFile(target) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        xml = "".join(zf.read(n).decode("utf-8") for n in charts)
    assert len(charts) == 3
    assert xml.count("<barChart>") == 2 and xml.count("<pieChart>") == 1  # openpyxl: the default namespace
    assert "各规则问题数" in xml and "复核状态" in xml
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[:2] == ["总览", "图表"]
    ws = wb["总览"]
    head = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(head, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["文登区教育局"]["缺报"] == 1 and rows[LATE]["迟报"] == 1
    assert rows[WRONG_SUM]["提示"] >= 1
    assert ws.conditional_formatting and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows in ("1:1", "$1:$1") and ws.sheet_properties.pageSetUpPr.fitToPage
    links = [c.hyperlink.location for row in ws.iter_rows(min_row=2) for c in row if c.hyperlink is not None]
    assert links and all(link.startswith("'问题明细'!A") for link in links)
    detail = wb["问题明细"]
    first = int(links[0].rsplit("A", 1)[1])
    assert detail.cell(first, 1).value == ws.cell(2 + next(
        i for i, r in enumerate(ws.iter_rows(min_row=2)) if r[-1].hyperlink is not None), 1).value
    pdf = convert([target], tmp_path / "pdf")[0]
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= 3
    chart_page = next(p for p in range(1, 6) if "各规则问题数" in subprocess.run(
        ["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True, text=True).stdout)
    png = tmp_path / "chart"
    subprocess.run(["pdftoppm", "-gray", "-r", "30", "-f", str(chart_page), "-l", str(chart_page), str(pdf), str(png)],
                   check=True)
    pgm = next(tmp_path.glob("chart*.pgm"))
    data = pgm.read_bytes()
    pixels = data[data.index(b"255\n") + 4:]
    drawn = sum(1 for b in pixels if b < 200) / len(pixels)
    assert drawn > 0.03, f"the chart page is nearly blank ({drawn:.1%} drawn)"
    assert shutil.which("soffice")


def test_audit_command_with_roster(loop: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`xladdin audit DIR --db X --roster 名单.xlsx`: the engine's run, then the office's lines
    (缺报 and 迟报 from the roster, what changed since the last run); a rerun reuses every file."""
    region = loop["region"]
    db = tmp_path / "命令.db"
    args = ["audit", str(region.folder), "--db", str(db), "--roster", str(region.roster), "--jobs", "1", "--quiet"]
    assert main(args) == 1  # planted 强制 defects
    err = capsys.readouterr().err
    assert "首次审核" in err and f"缺报 {len(MISSING)}，迟报 1" in err
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "内容未变，沿用" in err and "新增 0 处，已改正 0 处" in err
    bad = tmp_path / "坏名单.csv"
    bad.write_text("名称,级别\n甲,乙\n", encoding="utf-8")
    assert main(["audit", str(region.folder), "--db", str(db), "--roster", str(bad), "--quiet"]) == 2
    assert "坏名单.csv" in capsys.readouterr().err
    assert main(["audit", str(region.folder), "--hierarchy", "--quiet"]) == 2
    assert "--hierarchy 须与 --roster 同用" in capsys.readouterr().err


def test_run_summary_in_sql_matches_compare(loop: dict, tmp_path: Path) -> None:
    """The counts a roster-less run prints (diff.counts, in SQL, memory flat) are those of
    diff.compare: two runs over a folder where one report with findings was replaced by a clean
    one between them (its findings fixed), a decision on a finding whose cell then changed."""
    from xladdin.office.diff import counts

    folder = tmp_path / "年报"
    shutil.copytree(loop["region"].folder, folder)
    db = tmp_path / "c.db"
    store = Store.open(db)
    try:
        audit_into(store, [folder], jobs=1)
        with_findings = [r for r in store.records() if r.findings and not r.error]
        clean = [r for r in store.records() if not r.findings and not r.error]
        assert with_findings and clean
        shutil.copy(clean[0].source, with_findings[0].source)
        audit_into(store, [folder], jobs=1)
        for run in (r.id for r in store.runs()):
            a, b = compare(store, run), counts(store, run)
            assert [len(x) for x in (a.new, a.fixed, a.still_open, a.reopened)] == \
                   [len(x) for x in (b.new, b.fixed, b.still_open, b.reopened)]
            assert a.summary() == b.summary()
        assert len(compare(store, 2).fixed) >= 1
    finally:
        store.close()
