"""Real-corpus scoreboard: every real published report in tests/data/real against its hand-checked
truth (tests/data/real/truth/<report>.json).

    python bench/real_corpus.py [--json]

Per report and in total: cells read right (of 200), cells left 待核 (the reader marked them in
doubt and the truth is one of its candidate readings, or the truth says the print cannot settle
them), cells read wrong (anything else: the one thing that must never happen), expected findings
found, false 强制 (a 强制 finding of a rule the truth does not expect: every rule in
`must_not_flag`, and any other rule no expected finding names), unexpected 提示 (a 提示 finding
that answers no expected finding) and 待核 findings (D1, D2). Truth format:

    "values": {cell key: number (万元 amounts as strings, "268.29") or null (printed blank)}
    "unsettled": {cell key: why the printed text cannot settle it}  (optional; such a cell is
        read right when the reader marks it doubtful: ambiguous or unreadable, never a number)
    "absent": [cell keys never printed]  (optional)
    "expected_findings": [{"rule", "severity", "cells", "detail", "ref" (optional: part of the
        finding's ref, e.g. "unable")}]; each raised finding answers at most one of them
    "must_not_flag": [rule ids]

Rule names of the truth files: S-old-format = F1, S-sections = S1, S-length = S2,
S-deadline = S4, S-title = S8.

The truth files of tests/data/real come in this format. A truth file of another corpus may
list only the cells printed (no "values" entry for a cell never printed): convert it by
giving every missing key the value null and listing it under "absent".
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xladdin.audit import audit  # noqa: E402
from xladdin.check.findings import DOUBT, SOFT  # noqa: E402
from xladdin.load import load_report  # noqa: E402
from xladdin.report import Report  # noqa: E402
from xladdin.spec import SPEC  # noqa: E402
from xladdin.values import ABSENT, Doubt, is_number  # noqa: E402

REAL = ROOT / "tests" / "data" / "real"
ALIASES = {"S-old-format": "F1", "S-sections": "S1", "S-length": "S2", "S-deadline": "S4", "S-title": "S8"}
UNSCORED: set[str] = set()


@dataclass
class FileScore:
    name: str
    cells_right: int = 0
    cells_doubt: int = 0  # 待核: in doubt, the truth among its readings (or unsettled by the truth)
    cells: int = 200
    wrong: list[str] = field(default_factory=list)  # "key: read X, truth Y"
    expected: int = 0
    found: int = 0
    missed: list[str] = field(default_factory=list)  # expected rules not raised
    false_hard: list[str] = field(default_factory=list)  # refs of false 强制 findings
    unexpected_soft: list[str] = field(default_factory=list)  # refs of 提示 findings no expected finding names
    doubt_findings: list[str] = field(default_factory=list)  # refs of 待核 findings (D1, D2)
    error: str = ""


def rule_of(name: str) -> str:
    return ALIASES.get(name, name)


def truth_files() -> list[Path]:
    return sorted((REAL / "truth").glob("*.json"))


def verdict(report: Report, key: str, truth: dict) -> str:
    """"right", "doubt" (待核, never wrong: the truth is one of the candidate readings, or the
    truth itself says the print cannot settle the cell) or "wrong"."""
    got = report.values[key]
    if key in truth.get("unsettled", {}):
        return "doubt" if isinstance(got, Doubt) else "wrong"
    if key in truth.get("absent", []):
        return "right" if got is ABSENT else "wrong"
    want = truth["values"][key]
    if isinstance(got, Doubt):
        candidate = want is not None and any(Decimal(str(r)) == Decimal(str(want)) for r in got.readings)
        return "doubt" if candidate or not got.readings else "wrong"
    if want is None:
        return "right" if got is None else "wrong"
    return "right" if is_number(got) and Decimal(str(got)) == Decimal(str(want)) else "wrong"


def score(truth_path: Path) -> FileScore:
    truth = json.loads(truth_path.read_text("utf-8"))
    out = FileScore(truth["source"])
    try:
        report = load_report(REAL / truth["source"])
        findings = audit(report)
    except Exception as exc:  # a scoreboard reports a crash as a score, not a traceback
        out.error = f"{type(exc).__name__}: {exc}"
        out.expected = len(truth["expected_findings"])
        out.missed = [e["rule"] for e in truth["expected_findings"]]
        return out
    for key in SPEC.keys:
        seen = verdict(report, key, truth)
        if seen == "right":
            out.cells_right += 1
        elif seen == "doubt":
            out.cells_doubt += 1
        else:
            want = truth.get("unsettled", {}).get(key, truth["values"].get(key))
            out.wrong.append(f"{key}: 读出 {report.values[key]!r}，应为 {want!r}")
    raised = {f.rule: [] for f in findings}
    for f in findings:
        raised[f.rule].append(f)
    expected_rules = set()
    used: set[int] = set()  # each raised finding answers one expected finding
    for e in truth["expected_findings"]:
        if e["rule"] in UNSCORED:
            continue
        rule = rule_of(e["rule"])
        expected_rules.add(rule)
        out.expected += 1
        cells, ref = set(e.get("cells") or []), e.get("ref", "")
        hit = next(
            (f for f in raised.get(rule, []) if id(f) not in used and cells <= {c.key for c in f.cells} and ref in f.ref),
            None,
        )
        if hit is None:
            out.missed.append(e["rule"] + (f"（{ref}）" if ref else ""))
        else:
            used.add(id(hit))
            out.found += 1
    for f in findings:
        if f.severity == "强制" and f.rule not in expected_rules:
            out.false_hard.append(f.ref)
        elif f.severity == SOFT and id(f) not in used:
            out.unexpected_soft.append(f.ref)
        elif f.severity == DOUBT:
            out.doubt_findings.append(f.ref)
    return out


def run() -> list[FileScore]:
    return [score(p) for p in truth_files()]


def totals(scores: list[FileScore]) -> dict[str, int]:
    return {
        "reports": len(scores),
        "cells_right": sum(s.cells_right for s in scores),
        "cells_doubt": sum(s.cells_doubt for s in scores),
        "cells_wrong": sum(len(s.wrong) for s in scores),
        "cells": sum(s.cells for s in scores),
        "expected_found": sum(s.found for s in scores),
        "expected": sum(s.expected for s in scores),
        "false_hard": sum(len(s.false_hard) for s in scores),
        "unexpected_soft": sum(len(s.unexpected_soft) for s in scores),
        "doubt_findings": sum(len(s.doubt_findings) for s in scores),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="真实年报记分：读对的格、应报的问题、误报的强制错误")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    args = p.parse_args(argv)
    scores = run()
    total = totals(scores)
    if args.json:
        print(json.dumps({"files": [asdict(s) for s in scores], "total": total}, ensure_ascii=False, indent=2))
        return 0
    for s in scores:
        print(f"{s.name}")
        if s.error:
            print(f"  读取失败：{s.error}")
        print(
            f"  读对 {s.cells_right}/{s.cells} 格，待核 {s.cells_doubt} 格，读错 {len(s.wrong)} 格；"
            f"应报问题找到 {s.found}/{s.expected}；误报强制 {len(s.false_hard)}；"
            f"意外提示 {len(s.unexpected_soft)}；待核问题 {len(s.doubt_findings)}"
        )
        for w in s.wrong[:8]:
            print(f"    读错 {w}")
        if len(s.wrong) > 8:
            print(f"    ……另有 {len(s.wrong) - 8} 格读错")
        if s.missed:
            print(f"    未报：{'、'.join(s.missed)}")
        if s.false_hard:
            print(f"    误报强制：{'、'.join(s.false_hard[:10])}{' 等' if len(s.false_hard) > 10 else ''}")
        if s.unexpected_soft:
            print(f"    意外提示：{'、'.join(s.unexpected_soft[:10])}{' 等' if len(s.unexpected_soft) > 10 else ''}")
        if s.doubt_findings:
            print(f"    待核：{'、'.join(s.doubt_findings[:10])}{' 等' if len(s.doubt_findings) > 10 else ''}")
    n = max(1, total["reports"])
    print(
        f"合计 {total['reports']} 份：读对 {total['cells_right']}/{total['cells']} 格"
        f"（{total['cells_right'] / max(1, total['cells']):.1%}），待核 {total['cells_doubt']} 格，"
        f"读错 {total['cells_wrong']} 格；应报问题找到 {total['expected_found']}/{total['expected']}；"
        f"误报强制 {total['false_hard']}；意外提示 {total['unexpected_soft']}（每份 {total['unexpected_soft'] / n:.2f}）；"
        f"待核问题 {total['doubt_findings']}（每份 {total['doubt_findings'] / n:.2f}）"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
