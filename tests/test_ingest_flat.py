"""Text that lost its line structure (a crawler's get_text(), a copy from a browser): the whole
report on one line, labels and numbers run together, the cells of a row concatenated with no
separator, stray spaces. The three real reports of tests/data/real/*.txt are exactly that, with
the truth for every cell in truth/*.json; generated reports flattened the same way are read
back exactly or marked ambiguous, never wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_docs import title_lines, to_text
from test_ingest_mangle import BASE, correct_reports

from xladdin.audit import audit
from xladdin.check import check
from xladdin.ingest import parse_text, read_published
from xladdin.ingest.flat import restore
from xladdin.ingest.lines import text_lines
from xladdin.report import Report
from xladdin.spec import SPEC
from xladdin.values import Doubt, to_json

REAL = Path(__file__).parent / "data" / "real"



def _flat(path: Path) -> bool:
    """A crawler's text: the report body on one line."""
    source = REAL / json.loads(path.read_text(encoding="utf-8"))["source"]
    return source.suffix == ".txt" and max(len(line) for line in source.read_text(encoding="utf-8").splitlines()) > 2500


TRUTHS = [p for p in sorted((REAL / "truth").glob("*.json")) if _flat(p)]
# the truth files name structure rules by topic; the audit by rule id
RULE_IDS = {"S-old-format": "F1", "S-sections": "S1", "S-length": "S2", "S-deadline": "S4"}


def _truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=[p.name for p in TRUTHS])
def real(request):  # type: ignore[no-untyped-def]
    truth = _truth(REAL / "truth" / request.param)
    report = read_published(REAL / truth["source"])
    return truth, report, audit(report)


def test_the_corpus_is_the_flattened_kind() -> None:
    assert len(TRUTHS) >= 3
    for path in TRUTHS:
        text = (REAL / _truth(path)["source"]).read_text(encoding="utf-8")
        assert max(len(line) for line in text.splitlines()) > 2500  # the report body is one line
        assert "平潭" in text


def test_every_printed_cell_read_right(real) -> None:  # type: ignore[no-untyped-def]
    truth, report, _ = real
    assert set(truth["values"]) == set(SPEC.keys)
    wrong = {k: (v, report.values[k]) for k, v in truth["values"].items() if to_json(report.values[k]) != v}
    assert wrong == {}
    assert not any(isinstance(report.values[k], str) for k in SPEC.keys)
    assert report.observed["repair"]["ambiguous"] == [] and report.observed["repair"]["unreadable"] == []


def test_expected_findings_found_and_no_false_mandatory(real) -> None:  # type: ignore[no-untyped-def]
    truth, _, findings = real
    rules = {f.rule for f in findings}
    for expected in truth["expected_findings"]:
        assert RULE_IDS.get(expected["rule"], expected["rule"]) in rules, expected["detail"]
    silent = {RULE_IDS.get(r, r) for r in truth["must_not_flag"]}
    assert [f.ref for f in findings if f.severity == "强制" and f.rule in silent] == []


def test_sections_found_mid_line(real) -> None:  # type: ignore[no-untyped-def]
    _, report, _ = real
    assert sorted(h["section"] for h in report.observed["headings"]) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert all("第12行第" in h["where"] for h in report.observed["headings"])  # all on line 12
    assert report.observed["tables"] == ["t2", "t3", "t4"]


def test_a_variant_heading_is_read_whole_and_reported_as_a_hint() -> None:
    report = read_published(REAL / "2024_平潭综合实验区公安局.txt")
    [s5] = [h for h in report.observed["headings"] if h["section"] == "s5"]
    assert s5["text"] == "五、存在的主要问题及明年工作计划"
    assert report.sections["s5"].startswith("2024年，我局政府信息公开工作能力进一步增强")
    [f] = [f for f in audit(report) if f.ref == "S1:s5.title"]
    assert f.severity == "提示"


def test_glued_rows_get_notes_and_plausibility_says_so() -> None:
    report = read_published(REAL / "2025_平潭综合实验区交通与建设局.txt")
    # 行政规范性文件1024: 1/0/24 or 10/2/4; only the first keeps 现行有效 at or above 本年制发
    assert [report.values[f"t2.norm_{m}"] for m in ("made", "repealed", "valid")] == [1, 0, 24]
    assert "仅按合理性（现行有效件数不低于本年制发件数）确定为 1,0,24" in report.notes["t2.norm_valid"]
    # （七）总计210000021: 21,0,0,0,0,0,21 is the one split the identities allow
    assert "“210000021” 粘连" in report.notes["t3.total.total"]
    assert report.addresses["t3.total.total"].startswith("第12行第")


def test_label_number_glued_to_the_previous_run() -> None:
    # "…信息1000000102.没有现成…": the 2 numbers the next label; the run is 100000010
    lines = restore(text_lines("x" * 10 + "（四）无法提供1.本机关不掌握相关政府信息1000000102.没有现成信息需要另行制作0000000"))
    assert [ln.text for ln in lines][-2:] == ["1.本机关不掌握相关政府信息 100000010", "2.没有现成信息需要另行制作 0000000"]


def test_a_typo_label_after_a_run_keeps_its_number() -> None:
    # "制做" for 制作: not a spec label, yet its "2." is not taken for a digit of the run before
    text = "x" * 10 + "（四）无法提供1.本机关不掌握相关政府信息10000001 02.没有现成信息需要另行制做00000003.补正后申请内容仍不明确0000000"
    lines = [ln.text for ln in restore(text_lines(text))]
    assert lines[-3:] == [
        "1.本机关不掌握相关政府信息 100000010", "2.没有现成信息需要另行制做 0000000", "3.补正后申请内容仍不明确 0000000"
    ]


# --------------------------------------------------------------------------- generated


def flattened(report: Report, spaces: list[int]) -> str:
    """The report as a crawler stores it: the title apart, the body on one line with every row's
    cells concatenated, and stray spaces at the given positions."""
    head = title_lines(report)
    text = to_text(report, sep="")
    body = "".join(line.strip() for line in text.splitlines()[len(head) :])
    for pos in sorted(spaces, reverse=True):
        at = pos % (len(body) + 1)
        body = body[:at] + " " + body[at:]
    return "\n".join(head) + "\n" + body + "\n"


def _plain(report: Report) -> Report:
    """The generated report with the two assumptions the reader may lean on made true: the
    narrative states no table 二 figure that the random table contradicts, and 现行有效件数 is not
    below 本年制发件数 (the plausibility rule)."""
    for key, text in list(report.sections.items()):
        report.sections[key] = re.sub(r"[^。]*(?:规章|规范性文件)[^。]*\d+\s*件[^。]*。", "", text)
    for row in ("reg", "norm"):
        made, valid = report.values[f"t2.{row}_made"], report.values[f"t2.{row}_valid"]
        report.values[f"t2.{row}_valid"] = max(made, valid)  # type: ignore[type-var]
    return report


def _never_wrong(got: Report, want: Report) -> list[str]:
    ambiguous = set(got.observed["repair"]["ambiguous"])
    wrong = []
    for key in SPEC.keys:
        value = got.values[key]
        in_doubt = key in ambiguous and isinstance(value, Doubt) and (not value.readings or want.values[key] in value.readings)
        if value != want.values[key] and not in_doubt:
            wrong.append(f"{key}: {got.values[key]!r} != {want.values[key]!r}")
    return wrong


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(report=correct_reports(BASE), spaces=st.lists(st.integers(0, 10**6), max_size=6))
def test_flattened_reports_read_exactly_or_ambiguous(report: Report, spaces: list[int]) -> None:
    report = _plain(report)
    got = parse_text(flattened(report, spaces))
    assert _never_wrong(got, report) == []
    assert got.observed["repair"]["unreadable"] == []
    assert [h["section"] for h in got.observed["headings"]] == ["s1", "s2", "s3", "s4", "s5", "s6"]
    # table 三 and 四 are tied by identities: a flattened table of small counts is read whole
    ambiguous = got.observed["repair"]["ambiguous"]
    assert [k for k in ambiguous if not k.startswith("t2.")] == [] or all(
        len(str(report.values[k])) > 1 or "无法确定" in got.notes[k] for k in ambiguous
    )


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    report=correct_reports(BASE),
    group=st.sampled_from(["review", "suit_direct", "suit_after_review"]),
    delta=st.integers(1, 3),
    spaces=st.lists(st.integers(0, 10**6), max_size=4),
)
def test_one_identity_broken_is_read_back_and_reported(report: Report, group: str, delta: int, spaces: list[int]) -> None:
    # table 四 of one-digit counts (totals at most 4 + 3) printed as one run of 15 digits: one split only; a total off by
    # `delta` is the report's own defect: read as printed, and exactly that identity reported
    for key in SPEC.keys:
        if key.startswith("t4."):
            report.values[key] = min(int(report.values[key]), 1)  # type: ignore[arg-type]
    for g in ("review", "suit_direct", "suit_after_review"):
        report.values[f"t4.{g}_total"] = sum(report.values[f"t4.{g}_{s}"] for s in ("keep", "correct", "other", "pending"))  # type: ignore[misc]
    report.values[f"t4.{group}_total"] += delta  # type: ignore[operator]
    n = {"review": 1, "suit_direct": 2, "suit_after_review": 3}[group]
    report = _plain(report)
    got = parse_text(flattened(report, spaces))
    assert _never_wrong(got, report) == []
    assert all(got.values[k] == report.values[k] for k in SPEC.keys if k.startswith("t4."))
    broken = {f.ref for f in check(got) if f.rule.startswith(("E1", "T3", "T4"))}
    assert broken == {f"T4-{n}"}
