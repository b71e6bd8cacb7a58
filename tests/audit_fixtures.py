"""Reports for the audit tests, built by hand from the real texts in tests/data/examples/.

The narrative is cut into the format's parts by the printed headings (a few lines of code, not
the ingest package); the table values are typed in from the printed tables, blanks kept blank.
Once `xladdin.ingest` reads these files, tests also audit them through `read_published`.
"""

from __future__ import annotations

import re
from pathlib import Path

from xladdin.report import Meta, Report
from xladdin.spec import SPEC
from xladdin.spec.format2021 import T3_COLS, T3_ROWS

DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_JSON = Path(__file__).resolve().parents[1] / "examples" / "weihai-2024.json"
SHUYANG = DATA / "examples" / "2023_沭阳县发展和改革局.txt"
HONGZE = DATA / "examples" / "2024_洪泽区人民政府.txt"

def load_example() -> Report:
    """The seed report as a fresh Report (for tests that cannot take a fixture: hypothesis)."""
    return Report.from_json(EXAMPLE_JSON.read_text(encoding="utf-8"))


_SECTION = re.compile(r"^\s*([一二三四五六])、(.*)$")
_SUB = re.compile(r"^\s*(（[一二三四五]）|[1-5][.．、])")
_SUB_PART = (
    ("主动公开", "s1.active"),
    ("依申请", "s1.request"),
    ("管理", "s1.management"),
    ("制度", "s1.management"),
    ("平台", "s1.platform"),
    ("监督", "s1.oversight"),
    ("关切", "s1.oversight"),
)
_NUMBERS = "一二三四五六"


def split_text(text: str, body_start: int = 0) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Narrative parts and the observed section headings of a plain-text report.

    Table lines (inside sections 二–四) are dropped; page numbers "- N -" too. Lines of a PDF
    text are re-joined into paragraphs when a line does not end a sentence.
    """
    lines = [ln for ln in text.splitlines()[body_start:] if not re.fullmatch(r"\s*-\s*\d+\s*-\s*", ln)]
    parts: dict[str, list[str]] = {}
    headings: list[dict[str, str]] = []
    current = "preface"
    section = ""
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m and len(line) < 45 and not re.search(r"\d", line):
            section = f"s{_NUMBERS.index(m.group(1)) + 1}"
            headings.append({"section": section, "text": line.strip(), "where": f"第{i + 1 + body_start}行"})
            current = section if section != "s1" else "s1.intro"
            continue
        if section in ("s2", "s3", "s4"):
            continue
        if section == "s1" and _SUB.match(line):
            head = line.split("。")[0]
            for word, part in _SUB_PART:
                if word in head:
                    current = part
                    break
        stripped = line.strip()
        if section == "s1" and _SUB.match(line) and len(stripped) < 30 and "。" not in stripped:
            stripped += "\n"  # a sub-heading is its own paragraph
        parts.setdefault(current, []).append(stripped)
    out = {}
    for key, chunk in parts.items():
        text = ""
        for line in chunk:
            if not line:
                continue
            joiner = "\n" if text and text[-1] in "。：:；;！？\n" and not text.endswith("\n") else ""
            text += joiner + line
        out[key] = text.strip()
    return out, headings


def _t3(report: Report, column: dict[str, int], blank_orgs: bool) -> None:
    """Table 三 from one column of numbers (natural persons = total, organisations 0/blank)."""
    for row, _, _ in T3_ROWS:
        n = column.get(row, 0)
        for col, _ in T3_COLS:
            if col in ("natural", "total"):
                report.values[f"t3.{row}.{col}"] = n
            else:
                report.values[f"t3.{row}.{col}"] = None if blank_orgs else 0


def _t4(report: Report, numbers: list[int]) -> None:
    keys = SPEC.table("t4").body[0]
    for key, n in zip(keys, numbers, strict=True):
        report.values[key] = n


def shuyang() -> Report:
    """沭阳县发展和改革局 2023 (HTML-derived): organisation columns blank in the original."""
    lines = SHUYANG.read_text(encoding="utf-8").rstrip().splitlines()
    signature = [ln.strip() for ln in lines[-2:]]
    sections, headings = split_text("\n".join(lines[:-2]), body_start=4)
    sections["preface"] = sections["preface"].replace("沭阳县发展和改革局2023年政府信息公开年度报告", "", 1).strip()
    report = Report(
        meta=Meta(agency="沭阳县发展和改革局", year=2023, level="部门", published="2024-01-17"),
        sections=sections,
        source=str(SHUYANG),
    )
    values = {"t2.reg_made": 0, "t2.reg_repealed": 0, "t2.reg_valid": 0, "t2.norm_made": 8,
              "t2.norm_repealed": 0, "t2.norm_valid": 18, "t2.licensing": 0, "t2.penalty": 0,
              "t2.coercion": 0, "t2.fee_wan": 0}
    for k, v in values.items():
        report.set(k, v)
    _t3(report, {"new": 26, "open": 26, "total": 26}, blank_orgs=True)
    _t4(report, [0, 0, 0, 1, 1] + [0] * 10)
    report.observed = {
        "title": "沭阳县发展和改革局2023年政府信息公开年度报告",
        "title_where": "第4行",
        "headings": headings,
        "signature": signature[0],
        "signature_date": "2024-01-17",
        # table 二 prints the old label 规范性文件 for 行政规范性文件 (第25行)
        "t2_layout": {"missing": [], "labels": {"行政规范性文件": "规范性文件"}, "cells": [], "where": "第25行"},
    }
    return report


def hongze() -> Report:
    """淮安市洪泽区人民政府 2024 (PDF-derived text)."""
    text = HONGZE.read_text(encoding="utf-8")
    sections, headings = split_text(text, body_start=4)
    sections["preface"] = re.sub(r"^淮安市洪泽区人民政府\s*2024 年政府信息公开工作年度报告", "", sections["preface"]).strip()
    report = Report(
        meta=Meta(agency="淮安市洪泽区人民政府", year=2024, level="县"),
        sections=sections,
        source=str(HONGZE),
    )
    values = {"t2.reg_made": 0, "t2.reg_repealed": 0, "t2.reg_valid": 0, "t2.norm_made": 3,
              "t2.norm_repealed": 0, "t2.norm_valid": 8, "t2.licensing": 9487, "t2.penalty": 2776,
              "t2.coercion": 84, "t2.fee_wan": 7545}
    for k, v in values.items():
        report.set(k, v)
    column = {"new": 95, "open": 50, "partial": 9, "deny_3": 1, "deny_6": 1, "deny_7": 1,
              "unable_1": 31, "unable_2": 1, "noproc_1": 1, "total": 95}
    _t3(report, column, blank_orgs=False)
    _t4(report, [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3])
    report.observed = {
        "title": "淮安市洪泽区人民政府2024 年政府信息公开工作年度报告",
        "headings": headings,
        "t3_rows": 23,  # （六）其他处理 printed as one row (the 2019 table 三)
    }
    return report
