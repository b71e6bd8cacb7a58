"""The ribbon group 审核 (Excel and WPS): the office's loop from the workbook, the same code as
the commands (roster, review, notices, overview). Each handler takes the Book of the ribbon
(xladdin.excel.book) for its dialogs and messages; the store and the outputs are files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import InputError

DB_NAME = "审核结果.db"


def _store(path: str) -> Any:
    from ..store import Store

    return Store.open(path, create=False)


def _db_from(book: Any) -> str:
    """The store named by the active review workbook (its 说明 sheet), else asked for."""
    from .workbook import INFO, db_of

    try:
        known = db_of(book.read_rows(INFO))
    except Exception:  # noqa: BLE001 - not a review workbook: ask
        known = ""
    if known and Path(known).is_file():
        return known
    path = book.ask_file("db", "选择审核结果库（.db）：", mode="open", suffix=".db")
    if not path:
        return ""
    if not Path(path).is_file():
        raise InputError("审核结果库不存在", path=path)
    return path


def batch_audit(book: Any) -> str:
    """批量审核: a folder of reports and a roster -> the store beside them, and the review
    workbook (opened for the reviewer)."""
    from ..io.outputs import free_name
    from . import review as rv
    from .batch import audit_into
    from .collect import collect
    from .diff import compare
    from .roster import read_roster
    from .workbook import write_review

    folder = book.ask_file("folder", "选择年报所在的文件夹：", mode="folder")
    if not folder:
        return "已取消"
    if not Path(folder).is_dir():
        raise InputError("文件夹不存在", path=folder)
    roster_path = book.ask_file("roster", "选择名单（名单.xlsx 或 .csv；取消则不对照名单）：", mode="open")
    roster = read_roster(roster_path) if roster_path else None
    db = str(Path(folder).parent / DB_NAME)
    from ..store import Store

    store = Store.open(db)
    try:
        if roster is not None:
            rv.save_roster(store, roster)
        run = audit_into(store, [folder])
        collected = collect(store, run)
        diff = compare(store, run)
        target = free_name(Path(folder).parent, f"审核结果-第{run}次", ".xlsx")
        write_review(collected, target, db)
    finally:
        store.close()
    book.open_workbook(str(target))
    return f"{diff.summary()}。\n审核结果库：{db}\n复核工作簿：{target}（在“复核”列选择结论，保存后点“导入复核结果”）"


def import_review(book: Any) -> str:
    """导入复核结果: the decisions of the active review workbook into its store."""
    from .collect import collect
    from .workbook import SHEET, has_hierarchy, import_rows

    rows = book.read_rows(SHEET)
    if not rows:
        raise InputError(f"当前工作簿没有“{SHEET}”工作表：请先点“批量审核”，在生成的复核工作簿中填写后再导入", path=book.path)
    db = _db_from(book)
    if not db:
        return "已取消"
    store = _store(db)
    try:
        result = import_rows(store, collect(store, hierarchy=has_hierarchy(rows)), rows, book.path or SHEET)
    finally:
        store.close()
    return result.summary()


def write_notices_action(book: Any) -> str:
    """生成整改通知: notices of the confirmed findings, in a new folder beside the store."""
    from ..io.outputs import free_name
    from .collect import collect
    from .notices import write_notices

    db = _db_from(book)
    if not db:
        return "已取消"
    answer = book.ask_text("deadline", "整改时限（YYYY-MM-DD，留空则由人工填写）：", "")
    if answer is None:
        return "已取消"
    deadline = None
    if answer.strip():
        try:
            deadline = dt.date.fromisoformat(answer.strip())
        except ValueError:
            raise InputError(f"整改时限“{answer}”无法识别，应为 YYYY-MM-DD") from None
    store = _store(db)
    try:
        collected = collect(store)
    finally:
        store.close()
    folder = free_name(Path(db).parent, f"整改通知-{dt.date.today():%Y%m%d}", "")
    notices, list_path = write_notices(collected, folder, deadline=deadline)
    if not notices:
        return "没有复核“确认”的强制问题，未生成通知"
    return f"已生成 {len(notices)} 份整改通知：{folder}\n整改清单：{list_path}"


def overview_action(book: Any) -> str:
    """汇总: the overview workbook beside the store, opened."""
    from ..io.outputs import free_name
    from .collect import collect
    from .overview import write_overview

    db = _db_from(book)
    if not db:
        return "已取消"
    store = _store(db)
    try:
        collected = collect(store)
    finally:
        store.close()
    target = free_name(Path(db).parent, "总览", ".xlsx")
    write_overview(collected, target)
    book.open_workbook(str(target))
    return f"已写入总览：{target}（{len(collected.agencies)} 个机关，{len(collected.items)} 个问题）"


__all__ = ["batch_audit", "import_review", "overview_action", "write_notices_action"]
