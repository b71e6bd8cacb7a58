"""The real reports in /work/shared/examples/ and the seed text, audited through the published-
report reader and through the hand-built fixtures; findings inspected by hand and pinned.

- 沭阳县发展和改革局 2023 (HTML table): the organisation columns of table 三 are blank in the
  original (125 blanks, T3-N 强制: blank is not 0), and part 五 is titled "存在的主要问题及
  整改措施" (S1 提示). Its narrative (收到 26 件, 249 条 = 9+7+39+6+1+1+185+1) is consistent.
- 洪泽区人民政府 2024 (PDF text): table 三 prints （六）其他处理 as one row, the 2019 layout
  (F1 强制: the 2021 format has three rows there). The narrative says 区政府办 "受理政府信息公开申请 17 件" while
  table 三 counts 95 new applications (X1 提示: the table seems to cover more than the
  narrative's office). Everything else is consistent (未收取 = "处理费 0 元", 复议/诉讼 silent).
- The seed (威海人社局 2024): no finding at all.
"""

from __future__ import annotations

from collections import Counter

import pytest
from audit_fixtures import HONGZE, SHUYANG, hongze, shuyang

from xladdin.audit import audit, audit_paths
from xladdin.cli import main
from xladdin.report import Report

SEED = SHUYANG.parents[1] / "seeds" / "000_0f8514aaa6f27642.txt"


def _read(path):  # type: ignore[no-untyped-def]
    ingest = pytest.importorskip("xladdin.ingest")
    return ingest.read_published(path)


def pinned(findings) -> tuple[Counter, list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    counts = Counter(f.rule for f in findings)
    others = [(f.rule, f.severity, f.ref) for f in findings if f.rule != "T3-N"]
    return counts, others


def test_shuyang_fixture() -> None:
    counts, others = pinned(audit(shuyang()))
    assert counts == {"T3-N": 125, "S1": 1}
    assert others == [("S1", "提示", "S1:s5.title")]


def test_hongze_fixture() -> None:
    old, f = audit(hongze())
    assert (old.rule, old.severity, old.ref) == ("F1", "强制", "F1:t3_rows")
    assert (f.rule, f.severity, f.expected, f.actual) == ("X1", "提示", 95, 17)
    assert "区政府办代表区政府受理政府信息公开申请 17 件" in f.snippet


def test_shuyang_published() -> None:
    report = _read(SHUYANG)
    findings = audit(report)
    counts, others = pinned(findings)
    assert counts == {"T3-N": 125, "S1": 1}
    assert others == [("S1", "提示", "S1:s5.title")]
    blanks = {c.key for f in findings if f.rule == "T3-N" for c in f.cells}
    assert "t3.new.biz" in blanks and "t3.new.natural" not in blanks


def test_hongze_published() -> None:
    report = _read(HONGZE)
    old, f = audit(report)
    assert (old.rule, old.severity, old.expected, old.actual) == ("F1", "强制", 25, 23)
    assert (f.rule, f.severity, f.expected, f.actual) == ("X1", "提示", 95, 17)
    assert [c.key for c in f.cells] == ["t3.new.total", "t3.carry_in.total"]


def test_hongze_published_late() -> None:
    """Published 2025-02-25 (the PDF's date): a 区 government's deadline is 2月20日."""
    report = _read(HONGZE)
    report.meta.published = "2025-02-25"
    assert sorted(f.rule for f in audit(report)) == ["F1", "S4", "X1"]


def test_seed_text_published_is_clean() -> None:
    assert audit(_read(SEED)) == []


def test_fixture_and_reader_agree() -> None:
    for path, built in ((SHUYANG, shuyang()), (HONGZE, hongze())):
        read = _read(path)

        def seen(report: Report) -> list[tuple]:
            return [
                (f.rule, f.severity, f.ref, f.message, f.expected, f.actual, f.snippet)
                for f in audit(report) if f.scope in ("文表", "结构")
            ]

        assert seen(read) == seen(built)


def test_audit_folder_of_real_texts(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("xladdin.ingest")
    records = {r.meta.get("agency"): r for r in audit_paths([SHUYANG, HONGZE, SEED], jobs=2)}
    assert not any(r.error for r in records.values())
    assert (records["沭阳县发展和改革局"].hard, records["沭阳县发展和改革局"].soft) == (125, 1)
    assert (records["淮安市洪泽区人民政府"].hard, records["淮安市洪泽区人民政府"].soft) == (1, 1)
    assert records["威海市人力资源和社会保障局"].findings == []
    assert main(["audit", str(SHUYANG.parent), "--jobs", "1"]) == 1  # 沭阳's blanks are 强制
    out = capsys.readouterr().out
    assert "共 2 个文件：2 个有强制错误，0 个只有提示" in out and "T3-N 125 处" in out


def test_seed_against_the_example_json(example: Report) -> None:
    """The seed text read and the example JSON give the same audit (both empty)."""
    assert audit(example) == audit(_read(SEED)) == []
