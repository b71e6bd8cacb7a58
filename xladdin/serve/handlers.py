"""What the service's endpoints do, without any web framework: a button on a JsonBook, an audit.

The service holds no logic of its own: a button runs through `xladdin.excel.actions.run`, the
dispatcher of the Excel add-in and of `xladdin addin run`; 校验 and 审核 list the findings of
`check_tables` (as `xladdin check`) and `audit.runner.audit` (as `xladdin audit`). Every answer
is a dict the app sends as JSON, with an HTTP status:
- {"status": "done", "message", "edits", ...}: the edits are applied by the add-in;
- {"status": "need", "need": {"ask", "rows", "fills", "comments"}}: send them and ask again;
- {"status": "error", "message"}: the action failed, with the add-in's own Chinese message.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

from ..errors import XladdinError
from ..excel.book import TITLE

CHECK = "xladdin_check"
NAMED = {"check": CHECK, "fill": "xladdin_fill", "import": "xladdin_import", "export": "xladdin_export"}
_lock = threading.Lock()  # one action at a time: a clerk's clicks are sequential anyway


def _findings_json(findings: list[Any]) -> list[dict[str, Any]]:
    from ..check.findings import group_blanks

    return [f.to_dict() for f in group_blanks(findings)]  # as `xladdin check --json`


def _need(book: Any, ask: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    need: dict[str, Any] = book.needed.to_dict()
    if ask is not None:
        need["ask"] = ask
    return 200, {"status": "need", "need": need}


def run_button(button: str, data: Any) -> tuple[int, dict[str, Any]]:
    from ..excel.actions import ACTIONS, run
    from ..excel.jsonbook import JsonBook, NeedAnswer

    action = ACTIONS.get(button)
    if action is None:
        return 404, {"status": "error", "message": f"未知的按钮：{button}（可用：{'、'.join(ACTIONS)}）"}
    with _lock:
        try:
            book = JsonBook(data)
        except XladdinError as exc:
            return 400, {"status": "error", "message": f"{action.label}失败：{exc}"}
        findings = None
        try:
            if button == CHECK:
                from ..audit.tablecheck import check_tables

                seen = JsonBook(data)  # what 校验 reads, before it writes anything
                report = seen.read_report() if seen.is_report() else None
                if seen.needed:
                    return _need(seen)
                findings = check_tables(report) if report is not None else []
            text = run(button, book)
        except NeedAnswer as need:
            return _need(book, need.ask)
        except XladdinError:
            return 422, {"status": "error", "label": action.label, "message": book.messages[-1]}
        except Exception:  # noqa: BLE001 - a bug: said in Chinese, with the trace for the maintainer
            return 500, {"status": "error", "label": action.label,
                         "message": f"{action.label}出错（程序错误，请把以下内容发给维护人员）：\n"
                                    f"{traceback.format_exc(limit=3)}"}
        if book.needed:
            return _need(book)
    out: dict[str, Any] = {"status": "done", "button": button, "label": action.label,
                           "title": f"{TITLE} · {action.label}", "message": text, "edits": book.edits}
    if findings is not None:
        from ..check.findings import counts

        out["findings"] = _findings_json(findings)
        out["counts"] = counts(findings)
    return 200, out


def run_audit(data: Any) -> tuple[int, dict[str, Any]]:
    """审核 of the open workbook: every rule of `xladdin audit` (文表, 结构, 跨期 with the
    workbook's 上年数据); nothing in the workbook is changed."""
    from ..audit.runner import audit
    from ..check.findings import counts, summary
    from ..excel.jsonbook import JsonBook

    with _lock:
        try:
            book = JsonBook(data)
            if not book.is_report():
                return 422, {"status": "error", "label": "审核",
                             "message": "审核失败：当前工作簿不是年报模板生成的工作簿（缺少 NB_ 定义名称）"}
            report = book.read_report()
        except XladdinError as exc:
            return 400, {"status": "error", "label": "审核", "message": f"审核失败：{exc}"}
        if book.needed:
            return _need(book)
        findings = audit(report)
    return 200, {"status": "done", "button": "audit", "label": "审核", "title": f"{TITLE} · 审核",
                 "message": summary(findings), "edits": [], "findings": _findings_json(findings),
                 "counts": counts(findings)}


def buttons() -> list[dict[str, str]]:
    """The ribbon's buttons as the Excel add-in has them: id, label, group, tip."""
    from ..wps.ribbon import ribbon_buttons

    return ribbon_buttons()


def names() -> dict[str, Any]:
    """What the add-in needs to read a workbook: each defined name's kind and key, and the
    sheets whose rows the actions read (sent with every request, so no second round trip)."""
    from ..excel.book import MARKS_SHEET
    from ..names import SHEET_NOTES, SHEET_RESULTS, all_names
    from ..previous import SHEET_PREVIOUS

    return {"names": {n: [kind, key] for n, (kind, key) in all_names().items()},
            "rows": [SHEET_NOTES, SHEET_RESULTS, SHEET_PREVIOUS, MARKS_SHEET]}


__all__ = ["CHECK", "NAMED", "buttons", "names", "run_audit", "run_button"]
