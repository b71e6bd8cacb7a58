"""The ribbon group 审核 runs the office's loop through the one dispatcher (xladdin.excel.actions.run),
here on files (FileBook) as `xladdin addin run` does: 批量审核 (a folder and a roster), 导入复核结果
(from the review workbook, which names its store), 生成整改通知, 汇总."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from office_region import Writer, build, plan

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

    # the missing report arrives; a second batch: the same store, compared with the first run
    late = agencies[-1]
    writer = Writer()
    writer.write(region.folder / f"{late.name}-2024.xlsx", late.name, late.level, "2025-01-30", dict(writer.base))
    text = run("xladdin_batch", caller)
    assert "第 2 次审核，与第 1 次审核相比：新增 0 处，已改正 1 处" in text  # its 缺报 (R1)


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


def test_review_commands_say_what_is_wrong(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    """Bad input to the review commands: Chinese errors, exit code 2, nothing recorded."""
    from xladdin.cli import main
    from xladdin.office.batch import audit_into
    from xladdin.store import Store

    assert main(["review", "status", "--db", str(tmp_path / "无.db")]) == 2
    assert "审核结果库不存在" in capsys.readouterr().err
    agencies = plan(counties=1, depts_per_county=1, city_depts=1)
    agencies[-1].changes = {"t3.new.natural": 12}
    region = build(tmp_path / "年报", agencies, extra=())
    db = tmp_path / "r.db"
    with Store.open(db) as store:
        audit_into(store, [region.folder], jobs=1)
    assert main(["review", "set", "--db", str(db), "0123456789abcdef", "确认"]) == 2
    assert "没有指纹为 0123456789abcdef 的问题" in capsys.readouterr().err
    assert main(["review", "status", "--db", str(db), "--list"]) == 0
    fp = next(line.split()[0] for line in capsys.readouterr().out.splitlines() if " E1 " in f" {line} ")
    assert main(["review", "set", "--db", str(db), fp, "同意"]) == 2
    assert "复核结论“同意”无效" in capsys.readouterr().err
    assert main(["review", "set", "--db", str(db), fp, "已核定", "--note", "10"]) == 2
    assert "只用于待核" in capsys.readouterr().err
    book = tmp_path / "复核.xlsx"
    assert main(["review", "export", "--db", str(db), "-o", str(book)]) == 0
    wb = openpyxl.load_workbook(book)
    ws = wb["复核"]
    ws.delete_cols([c.value for c in ws[1]].index("指纹") + 1)
    wb.save(book)
    assert main(["review", "import", str(book), "--db", str(db)]) == 2
    assert "工作表“复核”单元格 A1：第 1 行缺少“指纹”列" in capsys.readouterr().err
    assert main(["review", "set", "--db", str(db), fp, "确认", "--note", "已通知"]) == 0
    assert main(["review", "status", "--db", str(db)]) == 0
    assert "确认 1" in capsys.readouterr().out
