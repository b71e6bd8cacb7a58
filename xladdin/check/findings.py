"""Finding: one failed rule instance, telling the whole story (rule, cells, numbers, message)."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from ..values import Doubt, Value, format_value, is_absent, to_json

HARD, DOUBT, SOFT = "强制", "待核", "提示"
SEVERITY_ORDER = {HARD: 0, DOUBT: 1, SOFT: 2}  # 强制 first, then the readings to settle, then 提示


@dataclass(frozen=True)
class CellRef:
    key: str
    address: str
    value: Value

    def to_dict(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, str) else to_json(self.value)
        out = {"key": self.key, "address": self.address, "value": value}
        if is_absent(self.value):
            out["absent"] = True  # never printed in the source (value null is not a blank here)
        if isinstance(self.value, Doubt):
            out["doubt"] = self.value.to_dict()  # printed, not settled: the candidate readings
        return out


def cell_label(ref: CellRef) -> str:
    """A cell as users read it: its place and Chinese name ("表三!D5 本年新收·自然人",
    "第2个表格第4行 本年新收·自然人"), or the table and name when the place is unknown
    (表三“本年新收·自然人”). The key (t3.new.natural) stays in the JSON."""
    from ..spec import SPEC

    if SPEC.has_cell(ref.key):
        cell = SPEC.cell(ref.key)
        name = cell.short
        table = SPEC.table(cell.table).sheet
    else:  # a virtual cell (a printed subtotal "t3.deny.natural"): its key is all there is
        name, table = ref.key, ""
    if ref.address:
        return f"{ref.address} {name}"
    return f"{table}“{name}”" if table else name


@dataclass
class Finding:
    rule: str  # rule id, e.g. "E1"
    severity: str  # 强制 / 提示
    scope: str  # 表内 / 表间 / 跨期 / 文表 / 结构
    message: str  # Chinese, numbers filled in
    title: str = ""  # short Chinese rule name
    text: str = ""  # the rule as written
    ref: str = ""  # rule instance, e.g. "E1:natural"; 说明 are attached to it
    cells: list[CellRef] = field(default_factory=list)
    expected: Value = None
    actual: Value = None
    imbalance: Value = None
    explanation: str = ""  # 说明 the user attached to this instance
    snippet: str = ""  # source text behind a narrative finding
    where: str = ""  # where that text is: "第一部分“依申请公开”第2段（第19行）", "正文!B8 第2段"
    parts: list[Finding] = field(default_factory=list)  # the per-cell findings a grouped one stands for

    @property
    def explained(self) -> bool:
        return bool(self.explanation.strip())

    def to_dict(self) -> dict[str, Any]:
        def num(v: Value) -> Any:
            if isinstance(v, Decimal):
                return format(v, "f")
            return v

        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "scope": self.scope,
            "message": self.message,
            "cells": [c.to_dict() for c in self.cells],
            "expected": num(self.expected),
            "actual": num(self.actual),
            "imbalance": num(self.imbalance),
            "ref": self.ref,
            "title": self.title,
            "text": self.text,
        }
        if self.explanation:
            out["explanation"] = self.explanation
        if self.snippet:
            out["snippet"] = self.snippet
        if self.where:
            out["where"] = self.where
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        return out

    def fingerprint(self, agency: str = "", year: int | None = None) -> str:
        """A stable id of this finding across reruns: rule, agency, year, the rule instance and
        the cells' keys (not their values, nor the message's wording). Review decisions are
        stored under it (see `value_digest` for when a decision must be re-opened)."""
        keys = sorted({c.key for c in self.cells})
        parts = [self.rule, canonical_name(agency), str(year or ""), self.ref, ",".join(keys)]
        return _digest(parts)

    def value_digest(self) -> str:
        """What the finding saw: its cells' values, the quoted text and the numbers compared.
        A decision made on one digest is re-opened when a rerun sees another."""
        cells = sorted((c.key, c.address if c.key.startswith("上年") else "", _shown(c.value)) for c in self.cells)
        parts = [repr(cells), self.snippet, _shown(self.expected), _shown(self.actual)]
        return _digest(parts)

    def sort_key(self) -> tuple[int, int, int, str]:
        """强制 first, then rules in the spec's order, then the cells in table order (表二,
        表三 row by row, 表四), so a clerk reads the list the way the tables run; the old
        key (the ref text) put 表四!L5 before 表四!K5 and 表三 rows alphabetically."""
        rule_rank, cell_rank = _ranks()
        first = next((cell_rank[c.key] for c in self.cells if c.key in cell_rank), -1)
        return (SEVERITY_ORDER.get(self.severity, 9), rule_rank.get(self.rule, len(rule_rank)), first, self.ref)


def _shown(v: Value) -> str:
    return repr(v.to_dict()) if isinstance(v, Doubt) else format_value(v)


def _digest(parts: list[str]) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def canonical_name(name: str) -> str:
    """An agency name as an identity: compatibility forms folded (full-width to half-width),
    whitespace removed. Deliberately strict; lenient matching (人民政府/政府, a region prefix)
    belongs to the roster, which then supplies its own canonical name."""
    return "".join(unicodedata.normalize("NFKC", name or "").split())


@cache
def _ranks() -> tuple[dict[str, int], dict[str, int]]:
    """Spec rule id -> position, cell key -> position (table order)."""
    from ..spec import SPEC

    return {r.id: i for i, r in enumerate(SPEC.rules)}, {k: i for i, k in enumerate(SPEC.keys)}


# --------------------------------------------------------------------------- grouping

NUMBER_RULES = ("T2-N", "T3-N", "T4-N")


def group_blanks(findings: list[Finding]) -> list[Finding]:
    """For people to read: the per-cell *-N findings of one printed table row with the same
    blank or placeholder ("/", "-") become one finding that lists all its cells, at the place
    of its first cell; `parts` keeps the per-cell findings (JSON writes them under it). Other
    findings, and a row with a single such cell, stay as they are. Idempotent."""
    rows: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        key = _blank_row(f)
        if key is not None:
            rows.setdefault(key, []).append(f)
    out: list[Finding] = []
    for f in findings:
        key = _blank_row(f)
        members = rows.get(key) if key is not None else None
        if not members or len(members) == 1:
            out.append(f)
        elif members[0] is f:
            out.append(_grouped(members))
    return out


def _blank_row(f: Finding) -> tuple[str, str, str] | None:
    """(rule, table row, problem) of a per-cell blank or placeholder *-N finding, else None."""
    from ..spec import SPEC
    from ..values import PLACEHOLDERS

    if f.rule not in NUMBER_RULES or f.parts or len(f.cells) != 1 or not SPEC.has_cell(f.cells[0].key):
        return None
    if f.actual is None:
        if "不能从原文" in f.message:  # an importer could not settle the cell: its own story
            return None
        what = "空白"
    elif isinstance(f.actual, str) and f.actual in PLACEHOLDERS:
        what = f"“{f.actual}”"
    else:
        return None
    cell = SPEC.cell(f.cells[0].key)
    return f.rule, f"{cell.table}:{_row_name(cell.short)}", what


def _row_name(short: str) -> str:
    return short.split("·")[0]


def _row_key(key: str) -> str:
    """"t3.new.natural" -> "t3.new"; "t2.reg_made" -> "t2.reg"; "t4.review_keep" -> "t4.review"."""
    return key.rsplit(".", 1)[0] if key.startswith("t3.") else key.rsplit("_", 1)[0]


def _grouped(members: list[Finding]) -> Finding:
    from ..spec import SPEC

    first = members[0]
    key = _blank_row(first)
    assert key is not None
    rule = SPEC.rule(first.rule)
    cells = [c for m in members for c in m.cells]
    specs = [SPEC.cell(c.key) for c in cells]
    addresses = [c.address for c in cells]
    sheet = addresses[0].split("!")[0] + "!" if "!" in addresses[0] else ""
    if sheet and all(a.startswith(sheet) for a in addresses):
        shown = [a[len(sheet):] for a in addresses]
    else:
        shown = addresses
    columns = [s.short.split("·")[-1] for s in specs]
    if len(set(shown)) == 1:  # a published row: every cell is on the same printed line
        listed = "、".join(columns) + (f"，{shown[0]}" if shown[0] else "")
    else:
        listed = "、".join(f"{c} {a}".strip() for c, a in zip(columns, shown, strict=True))
    table = SPEC.table(specs[0].table).number
    where = f"表{table}“{_row_name(specs[0].short)}”行 {len(cells)} 格（{listed}）"
    explanations = list(dict.fromkeys(m.explanation for m in members if m.explanation))
    return Finding(
        rule=first.rule,
        severity=first.severity,
        scope=first.scope,
        title=first.title,
        text=first.text,
        message=rule.message.format(where=where, expected_kind=first.expected, actual=key[2]),
        ref=f"{first.rule}:{_row_key(cells[0].key)}",
        cells=cells,
        expected=first.expected,
        actual=first.actual,
        explanation="；".join(explanations),
        parts=list(members),
    )


def blocking(findings: list[Finding]) -> list[Finding]:
    """The 强制 findings: the report is wrong until they are fixed."""
    return [f for f in findings if f.severity == HARD]


def pending(findings: list[Finding]) -> list[Finding]:
    """The 待核 findings: readings a person must settle; never the agency's defect."""
    return [f for f in findings if f.severity == DOUBT]


def advisory(findings: list[Finding]) -> list[Finding]:
    """The 提示 findings: may be right, need a 说明."""
    return [f for f in findings if f.severity == SOFT]


def counts(findings: list[Finding]) -> dict[str, int]:
    """Findings by severity, every severity present (0 where none): one counting for every output."""
    out = dict.fromkeys(SEVERITY_ORDER, 0)
    for f in findings:
        out[f.severity] = out.get(f.severity, 0) + 1
    return out


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "通过：未发现问题"
    n = counts(findings)
    unexplained = sum(1 for f in advisory(findings) if not f.explained)
    text = f"{n[HARD]} 处强制错误，{n[SOFT]} 处提示（{unexplained} 处未说明）"
    if n[DOUBT]:
        text += f"，{n[DOUBT]} 处待核（原文不能唯一读出，须人工核定，不是报告的错误）"
    return text


def show(value: Value) -> str:
    return format_value(value)


__all__ = [
    "DOUBT", "HARD", "SOFT", "SEVERITY_ORDER", "CellRef", "Finding", "advisory", "blocking", "canonical_name", "cell_label",
    "counts", "group_blanks", "pending", "summary", "show", "to_json",
]
