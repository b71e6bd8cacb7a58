"""Worksheet functions (UDFs) for Excel on Windows: thin wrappers over the core.

Registered with xlwings ("UDF Modules" = xladdin.excel.udfs, see install.py). Every name starts
with NB_ so it cannot clash with another add-in's functions. The docstrings and `doc=` texts are
what Excel's function wizard shows, hence Chinese.

On macOS and Linux `xw.func/arg/ret` are no-op decorators: the functions stay plain Python and
the tests call them directly, passing a Book (or a Report) as `caller`. In Excel `caller` is
xlwings' reserved argument, the calling cell, from which the workbook is found and read
through XlBook.
Functions that read the workbook are volatile: they recalculate whenever Excel recalculates.

NB_FINDINGS returns a plain 2-D array: Excel 365/2021 spills it as a native dynamic array (and
shows #SPILL! rather than overwrite cells in the way). NB_FINDINGS_LEGACY is the variant for
Excel 2016/2019 (no dynamic arrays): xlwings' `expand="table"` resizes the formula after the
calculation, writing over whatever is below and to the right without asking.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import xlwings as xw

from ..check import check
from ..check.findings import DOUBT, HARD, SOFT, Finding, advisory, counts
from ..report import Report
from ..spec import SPEC
from ..values import format_value, is_absent, is_number, parse_value, problem

CATEGORY = "政务公开年报"
_CACHE_SECONDS = 2.0  # one recalculation reads the workbook once, not once per formula
_cache: dict[str, tuple[float, Report, list[Finding]]] = {}


def _number(value: Any) -> Any:
    """Core values -> what Excel can show: int stays int, Decimal becomes float, text stays."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _analyse(caller: Any) -> tuple[Report, list[Finding]]:
    from .book import Book

    if isinstance(caller, Report):
        return caller, check(caller)
    if isinstance(caller, Book):
        return _read(caller)
    if caller is None:
        raise ValueError("NB_ 函数只能在年报工作簿中使用")
    book = _book_of_cell(caller)
    key = book.path
    hit = _cache.get(key)
    if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
        return hit[1], hit[2]
    report, findings = _read(book)
    _cache[key] = (time.monotonic(), report, findings)
    return report, findings


def _read(book: Any) -> tuple[Report, list[Finding]]:
    report = book.read_report()  # with the 上年数据 sheet as report.previous
    return report, check(report)


def _book_of_cell(caller: Any) -> Any:  # pragma: no cover - needs Excel
    """xlwings passes the calling cell as an xlwings Range in the reserved `caller` argument."""
    from .xlbook import XlBook

    return XlBook(caller.sheet.book)


def status_text(findings: list[Finding]) -> str:
    n = counts(findings)
    hard, soft, pending = n[HARD], n[SOFT], n[DOUBT]
    open_soft = sum(1 for f in advisory(findings) if not f.explained)
    doubt = f"，{pending} 处待核" if pending else ""
    if hard:
        return f"{hard} 处强制错误" + (f"，{soft} 处提示" if soft else "") + doubt
    return "通过" + (f"（{open_soft} 处提示待说明）" if open_soft else "") + doubt


# Argument descriptions for the function wizard (also used by the build for the VBA wrappers,
# since xw.arg keeps nothing off Windows). `caller` is xlwings' reserved argument: the calling
# cell, never shown in Excel.
ARG_DOCS = {
    "rule_id": "规则编号，如 \"E1\"、\"T3-R\"、\"T4-1\"",
    "total": "合计单元格",
    "parts": "各细项单元格或区域（可多个）",
    "key": "单元格键，如 \"t3.new.total\"（表三 本年新收 总计）",
}
VOLATILE = {"NB_STATUS", "NB_RULE", "NB_FINDINGS", "NB_FINDINGS_LEGACY", "NB_VALUE"}
# xlwings' return options other than the default (kept here too: xw.ret keeps nothing off Windows).
# Only the legacy variant resizes itself; NB_FINDINGS spills natively.
RET_OPTIONS = {"NB_FINDINGS_LEGACY": {"expand": "table"}}


@xw.func(category=CATEGORY, volatile=True)
def NB_STATUS(caller: Any = None) -> str:
    """年报校验状态：全部通过时返回“通过”，否则返回“N 处强制错误”（另有提示时一并注明）。"""
    _, findings = _analyse(caller)
    return status_text(findings)


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("rule_id", doc=ARG_DOCS["rule_id"])
def NB_RULE(rule_id: str, caller: Any = None) -> Any:
    """某条勾稽规则的结果：通过时返回“通过”；只有一处不平衡时返回差额（数字）；多处时返回各处差额的说明。"""
    rule_id = str(rule_id or "").strip().upper()
    if rule_id not in {r.id for r in SPEC.rules}:
        return f"未知规则 {rule_id}（可用：{'、'.join(r.id for r in SPEC.rules)}）"
    _, findings = _analyse(caller)
    mine = [f for f in findings if f.rule == rule_id]
    if not mine:
        return "通过"
    if len(mine) == 1 and is_number(mine[0].imbalance):
        return _number(mine[0].imbalance)
    parts = [
        f"{f.ref.split(':', 1)[-1]} {format_value(f.imbalance)}" if is_number(f.imbalance) else f.message
        for f in mine
    ]
    return f"{len(mine)} 处：" + "；".join(parts)


FINDINGS_HEADER = ["级别", "规则", "问题", "单元格"]


def findings_rows(findings: list[Finding]) -> list[list[Any]]:
    rows: list[list[Any]] = [FINDINGS_HEADER]
    for f in findings:
        cells = "、".join(c.address for c in f.cells if c.address)
        rows.append([f.severity, f.rule, f.message, cells])
    if not findings:
        rows.append(["", "", "通过：未发现问题", ""])
    return rows


@xw.func(category=CATEGORY, volatile=True)
def NB_FINDINGS(caller: Any = None) -> list[list[Any]]:
    """全部校验结果，溢出为表格：级别、规则、问题、单元格（首行为表头）。下方或右侧有内容时显示 #SPILL!，不会覆盖。"""
    _, findings = _analyse(caller)
    return findings_rows(findings)


@xw.func(category=CATEGORY, volatile=True)
@xw.ret(**RET_OPTIONS["NB_FINDINGS_LEGACY"])
def NB_FINDINGS_LEGACY(caller: Any = None) -> list[list[Any]]:
    """旧版 Excel（2016、2019，无动态数组）用的 NB_FINDINGS：计算后自动扩展为表格，会直接覆盖下方和右侧单元格的内容。"""
    _, findings = _analyse(caller)
    return findings_rows(findings)


def _flatten(values: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(_flatten(tuple(v)))
        else:
            out.append(v)
    return out


@xw.func(category=CATEGORY)
@xw.arg("total", doc=ARG_DOCS["total"])
@xw.arg("parts", doc=ARG_DOCS["parts"])
def NB_CHECKSUM(total: Any, *parts: Any) -> Any:
    """自定义勾稽：合计等于各细项之和时返回“通过”，否则返回差额（合计 − 细项之和）；有空白或文字时指出来。"""
    t = parse_value(total, "amount")
    items = [parse_value(p, "amount") for p in _flatten(parts)]
    bad = [problem(v, "amount") or "" for v in [t, *items] if not is_number(v)]
    if bad:
        return f"无法核对：{'、'.join(bad)}"
    diff = t - sum(items, start=Decimal(0))  # type: ignore[operator]
    return "通过" if diff == 0 else _number(diff)


@xw.func(category=CATEGORY, volatile=True)
@xw.arg("key", doc=ARG_DOCS["key"])
def NB_VALUE(key: str, caller: Any = None) -> Any:
    """按单元格键取年报中的数值（公式单元格取计算结果）。"""
    key = str(key or "").strip()
    if not SPEC.has_cell(key):
        return f"未知的单元格键 {key}"
    report, _ = _analyse(caller)
    value = report.value(key)
    return "" if value is None or is_absent(value) else _number(value)


UDFS = (NB_STATUS, NB_RULE, NB_FINDINGS, NB_FINDINGS_LEGACY, NB_CHECKSUM, NB_VALUE)
WIZARD_LIMIT = 255  # Application.MacroOptions truncates descriptions beyond this


def wizard_texts() -> list[tuple[str, str, list[str]]]:
    """(name, description, argument descriptions) of every function, for Excel's function wizard."""
    import inspect

    out = []
    for f in UDFS:
        shown = [p.name for p in inspect.signature(f).parameters.values() if p.name != "caller"]
        doc = " ".join((f.__doc__ or "").split())[:WIZARD_LIMIT]
        out.append((f.__name__, doc, [ARG_DOCS.get(a, a)[:WIZARD_LIMIT] for a in shown]))
    return out
