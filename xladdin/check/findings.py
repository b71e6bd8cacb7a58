"""Finding: one failed rule instance, telling the whole story (rule, cells, numbers, message)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from ..values import Value, format_value, is_absent, to_json

SEVERITY_ORDER = {"强制": 0, "提示": 1}


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
        return out


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
        return out

    def sort_key(self) -> tuple[int, int, int, str]:
        """强制 first, then rules in the spec's order, then the cells in table order (表二,
        表三 row by row, 表四), so a clerk reads the list the way the tables run; the old
        key (the ref text) put 表四!L5 before 表四!K5 and 表三 rows alphabetically."""
        rule_rank, cell_rank = _ranks()
        first = next((cell_rank[c.key] for c in self.cells if c.key in cell_rank), -1)
        return (SEVERITY_ORDER.get(self.severity, 9), rule_rank.get(self.rule, len(rule_rank)), first, self.ref)


@cache
def _ranks() -> tuple[dict[str, int], dict[str, int]]:
    """Spec rule id -> position, cell key -> position (table order)."""
    from ..spec import SPEC

    return {r.id: i for i, r in enumerate(SPEC.rules)}, {k: i for i, k in enumerate(SPEC.keys)}


def blocking(findings: list[Finding]) -> list[Finding]:
    """The 强制 findings: the report is wrong until they are fixed."""
    return [f for f in findings if f.severity == "强制"]


def summary(findings: list[Finding]) -> str:
    hard = len(blocking(findings))
    soft = len(findings) - hard
    if not findings:
        return "通过：未发现问题"
    unexplained = sum(1 for f in findings if f.severity == "提示" and not f.explained)
    return f"{hard} 处强制错误，{soft} 处提示（{unexplained} 处未说明）"


def show(value: Value) -> str:
    return format_value(value)


__all__ = ["CellRef", "Finding", "blocking", "summary", "show", "to_json"]
