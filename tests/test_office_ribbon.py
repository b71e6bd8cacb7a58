"""The ribbon group 审核 runs the office's loop through the one dispatcher (xladdin.excel.actions.run),
here on files (FileBook) as `xladdin addin run` does: 批量审核 (a folder and a roster), 导入复核结果
(from the review workbook, which names its store), 生成整改通知, 汇总."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from office_region import build, plan

from xladdin.excel.actions import run
from xladdin.excel.filebook import FileBook


def test_the_review_group_runs_the_loop(tmp_path: Path) -> None:
    agencies = plan(counties=1, depts_per_county=2, city_depts=1)
    agencies[-1].skip = True  # 缺报
    region = build(tmp_path / "年报", agencies, extra=())
    caller = FileBook(region.agencies[0].path)  # any workbook: the buttons of 审核 do not change it
    caller.answers = {"folder": str(region.folder), "roster": str(region.roster)}
    text = run("xladdin_batch", caller)
    assert "第 1 次审核，首次审核" in text
    db = tmp_path / "审核结果.db"
    review = tmp_path / "审核结果-第1次.xlsx"
    assert db.is_file() and review.is_file()

    wb = openpyxl.load_workbook(review)
    ws = wb["复核"]
    head = [c.value for c in ws[1]]
    rules = [ws.cell(r, head.index("规则") + 1).value for r in range(2, ws.max_row + 1)]
    r1 = rules.index("R1") + 2
    ws.cell(r1, head.index("复核") + 1).value = "确认"
    wb.save(review)
    assert run("xladdin_review_import", FileBook(review)) == "已导入 1 项复核结论"

    notices = run("xladdin_notices", FileBook(review, answers={"deadline": "2025-04-30"}))
    assert "已生成 1 份整改通知" in notices
    folder = next(tmp_path.glob("整改通知-*"))
    assert [p.name for p in folder.glob("*.docx")] == [f"{agencies[-1].name}-整改通知.docx"]

    overview = run("xladdin_overview", FileBook(review))
    assert "已写入总览" in overview and (tmp_path / "总览.xlsx").is_file()
    again = run("xladdin_overview", FileBook(review))  # a second overview never replaces the first
    assert (tmp_path / "总览-2.xlsx").is_file() and "总览-2.xlsx" in again

    # a second batch: the same store, compared with the first run
    text = run("xladdin_batch", caller)
    assert "第 2 次审核，与第 1 次审核相比：新增 0 处，已改正 0 处" in text


def test_the_summary_after_an_audit_with_a_roster(tmp_path: Path) -> None:
    """What `xladdin audit DIR --db X --roster 名单.xlsx` prints after its run (office.hooks)."""
    from xladdin.office.batch import audit_into
    from xladdin.office.hooks import after_audit
    from xladdin.store import Store

    agencies = plan(counties=1, depts_per_county=1, city_depts=1)
    agencies[-1].skip = True
    region = build(tmp_path / "年报", agencies)
    with Store.open(tmp_path / "r.db") as store:
        run = audit_into(store, [region.folder], jobs=1)
        text = after_audit(store, run, region.roster)
    assert text.splitlines()[0].startswith("第 1 次审核，首次审核：新增")
    assert "名单 4 个机关：缺报 1，迟报 0，名单外 1，名称待确认 0" in text
    with Store.open(tmp_path / "r.db") as store:  # the roster stays in the store
        assert "缺报 1" in after_audit(store, run)
