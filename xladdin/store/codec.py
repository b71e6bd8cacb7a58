"""Findings to JSON and back without loss, for the results store.

`Finding.to_dict` is for people and scripts: it writes an amount as a decimal string, like a
text value, and drops a cell's absent/doubt type into side fields. The store must give back
exactly the finding it was given (a rerun compares them), so values are tagged here:
an int as itself, None as null, and {"d": "1.5"} Decimal, {"t": "…"} text, {"a": 1} absent,
{"q": {…}} a printed cell in doubt.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..check.findings import CellRef, Finding
from ..values import ABSENT, Absent, Doubt, Value


def value_out(v: Value) -> Any:
    if v is None or (isinstance(v, int) and not isinstance(v, bool)):
        return v
    if isinstance(v, Decimal):
        return {"d": format(v, "f")}
    if isinstance(v, str):
        return {"t": v}
    if isinstance(v, Absent):
        return {"a": 1}
    if isinstance(v, Doubt):
        return {"q": {"printed": v.printed, "readings": [value_out(r) for r in v.readings], "why": v.why,
                      "row": v.row, "row_readings": list(v.row_readings)}}
    return {"t": str(v)}  # nothing else is a Value; kept readable rather than lost


def value_in(raw: Any) -> Value:
    if raw is None or isinstance(raw, int):
        return raw
    if "d" in raw:
        return Decimal(raw["d"])
    if "t" in raw:
        return str(raw["t"])
    if "a" in raw:
        return ABSENT
    q = raw["q"]
    return Doubt(printed=q["printed"], readings=tuple(value_in(r) for r in q["readings"]),  # type: ignore[misc]
                 why=q["why"], row=q["row"], row_readings=tuple(q["row_readings"]))


def finding_out(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": f.rule, "severity": f.severity, "scope": f.scope, "message": f.message,
        "cells": [[c.key, c.address, value_out(c.value)] for c in f.cells],
    }
    for name in ("title", "text", "ref", "explanation", "snippet", "where"):
        if getattr(f, name):
            out[name] = getattr(f, name)
    for name in ("expected", "actual", "imbalance"):
        if getattr(f, name) is not None:
            out[name] = value_out(getattr(f, name))
    if f.parts:
        out["parts"] = [finding_out(p) for p in f.parts]
    return out


def finding_in(d: dict[str, Any]) -> Finding:
    return Finding(
        rule=d["rule"], severity=d["severity"], scope=d["scope"], message=d["message"],
        title=d.get("title", ""), text=d.get("text", ""), ref=d.get("ref", ""),
        cells=[CellRef(k, a, value_in(v)) for k, a, v in d["cells"]],
        expected=value_in(d.get("expected")), actual=value_in(d.get("actual")),
        imbalance=value_in(d.get("imbalance")),
        explanation=d.get("explanation", ""), snippet=d.get("snippet", ""), where=d.get("where", ""),
        parts=[finding_in(p) for p in d.get("parts", [])],
    )


def findings_json(findings: list[Finding]) -> str:
    return json.dumps([finding_out(f) for f in findings], ensure_ascii=False, separators=(",", ":"))


def findings_from_json(text: str) -> list[Finding]:
    return [finding_in(d) for d in json.loads(text)]
