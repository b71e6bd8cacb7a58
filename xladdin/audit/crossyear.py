"""跨期 checks with last year's report: Y1 and T2-C (the table engine's `check_previous`) and S5,
第五部分 copied from last year; and finding last year's report in a folder.

S5 similarity measure: the share of this year's character trigrams (counted with multiplicity)
that also occur in last year's 第五部分, after removing spaces and punctuation and replacing
every digit run by "0" (so "2023年" → "2024年" is not a change). Why this one:
- it is the 重复率 the local rules mean ("与上年度重复率大于50%"): how much of THIS year's text
  repeats last year's, so keeping last year's text and deleting a paragraph still scores high,
  which a symmetric measure (Jaccard, difflib ratio) would hide;
- trigrams, not bigrams: on real reports of unrelated agencies, bigram containment is already
  10–27% (政府/信息/公开 are everywhere); trigram containment stays at 4–11%;
- linear time and order-insensitive (moving paragraphs around does not hide a copy), unlike
  difflib's ratio.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ..check import Finding, check_previous, rule_finding
from ..load import report_files
from ..report import Report

S5_THRESHOLD = 0.5
NGRAM = 3
# When last year's report exists in several forms, the most exact one wins: a filled workbook
# or JSON holds the figures as typed; a PDF or web page has to be read back and may be mangled.
PREFERENCE = (".xlsx", ".xlsm", ".xltx", ".xltm", ".json", ".docx", ".md", ".markdown", ".txt", ".html", ".htm", ".shtml")


def _rank(path: str | Path) -> int:
    suffix = Path(path).suffix.lower()
    return PREFERENCE.index(suffix) if suffix in PREFERENCE else len(PREFERENCE)


def _normalize(text: str) -> str:
    text = re.sub(r"\d+", "0", text)
    return re.sub(r"[\W_]+", "", text)


def _grams(text: str, n: int = NGRAM) -> Counter[str]:
    t = _normalize(text)
    return Counter(t[i : i + n] for i in range(len(t) - n + 1))


def similarity(this: str, last: str) -> float:
    """Share of `this` text's character trigrams that also occur in `last` (0..1)."""
    a, b = _grams(this), _grams(last)
    total = sum(a.values())
    if not total:
        return 0.0
    return sum((a & b).values()) / total


def check_similarity(report: Report, previous: Report) -> list[Finding]:
    this, last = report.section_text("s5"), previous.section_text("s5")
    if len(_normalize(this)) < 20 or not last.strip():
        return []  # empty or "无": S3 reports it
    score = similarity(this, last)
    if score <= S5_THRESHOLD:
        return []
    year = f"{previous.meta.year} 年" if previous.meta.year else "上年"
    return [
        rule_finding(
            report.spec.rule("S5"), report,
            message=f"第五部分“存在的主要问题及改进情况”与{year}报告重复率 {score:.0%}，超过 50%"
            "（重复率 = 本年文字的三字片段中在上年同一部分出现的比例）：问题和改进措施不得年年雷同。",
            ref="S5", expected="≤50%", actual=f"{score:.0%}", snippet=this.strip()[:120],
        )
    ]


_T2C_REASON = re.compile(r"[^。\n]*规范性文件[^。\n]*(失效|有效期|届满|清理|修订|修改|宣布)[^。\n]*")


def check_cross_year(report: Report, previous: Report) -> list[Finding]:
    """Y1 (强制, column by column), T2-C (提示) and S5 (提示)."""
    return with_t2c_reason(report, check_previous(report, previous)) + check_similarity(report, previous)


def with_t2c_reason(report: Report, findings: list[Finding]) -> list[Finding]:
    """T2-C findings get, as snippet, a sentence of the narrative that may be the 说明
    (documents expired, revised…)."""
    for f in findings:
        if f.rule == "T2-C" and not f.snippet:
            m = _T2C_REASON.search("\n".join(report.sections.values()))
            if m:
                f.snippet = m.group(0).strip()
    return findings


# --------------------------------------------------------------------------- finding last year


def agency_key(name: str) -> str:
    """A name as the roll-up groups duplicates: spaces and brackets removed."""
    return re.sub(r"[\s（）()]", "", name)


def same_agency(a: str, b: str) -> bool:
    """The same agency, by exact normalised name: never by substring — 上海市人民政府 is not
    上海市人民政府办公厅, nor 某某县人民政府 its 办公室."""
    from ..check.findings import canonical_name

    a, b = canonical_name(a), canonical_name(b)
    return bool(a) and a == b


def names_overlap(a: str, b: str) -> bool:
    """One name inside the other (a signature may shorten the agency's name): lenient, for
    the X5 signature check only, never to decide whose report is whose."""
    a, b = agency_key(a), agency_key(b)
    return bool(a and b) and (a in b or b in a)


def previous_misfit(report: Report, previous: Report) -> list[str]:
    """Why `previous` is not last year's report of `report`'s agency (Chinese), [] when it
    is — or when a missing name or year leaves nothing to compare. The one rule of the
    command line, the batch audit and the add-in's 导入上年数据."""
    out = []
    this, last = report.meta, previous.meta
    if this.year and last.year and last.year != this.year - 1:
        out.append(f"上年报告的年度为 {last.year}，本年报告为 {this.year}（上年应为 {this.year - 1}）")
    if this.agency and last.agency and not same_agency(this.agency, last.agency):
        out.append(f"上年报告的机关为“{last.agency}”，本年报告为“{this.agency}”，不是同一机关")
    return out


def files_in(folder: Path) -> list[Path]:
    return report_files(folder)


@lru_cache(maxsize=64)
def _meta_index(folder: str, stamp: float) -> tuple[tuple[str, str, int | None], ...]:
    """(path, agency, year) of every readable report in a folder (cached per process)."""
    from ..load import load_report

    out = []
    for path in files_in(Path(folder)):
        try:
            r = load_report(path)
        except Exception:  # noqa: BLE001 - an unreadable neighbour is not this report's problem
            continue
        out.append((str(path), r.meta.agency, r.meta.year))
    return tuple(out)


def _carried(report: Report) -> tuple[str, ...]:
    """What the 跨期 rules read from last year's report (结转下年度, 现行有效件数), as text."""
    from ..previous import CARRY, VALID_KEYS

    return tuple(str(report.values.get(k)) for k in [prev for prev, _ in CARRY] + list(VALID_KEYS))


def find_previous(folder: str | Path, report: Report) -> Report | None:
    """Last year's report of the same agency in `folder` (recursively), or None (see
    `previous_in`, which also says why none was taken)."""
    return previous_in(folder, report)[0]


def previous_in(folder: str | Path, report: Report) -> tuple[Report | None, list[str]]:
    """Last year's report of this agency in `folder` (recursively) and notes (Chinese) on why
    none was used: the agency's name must match exactly (same_agency) and the year be the one
    before; several such reports, or only other years of the agency, are said, not used.

    Every readable report of the folder is indexed once per process (agency, year), so a batch
    over a big folder reads each file once, not once per input.
    """
    from ..load import load_report

    year, agency = report.meta.year, report.meta.agency
    if not year or not agency:
        return None, []
    folder = Path(folder)
    own = str(Path(report.source).resolve()) if report.source else ""
    index = _meta_index(str(folder.resolve()), folder.stat().st_mtime)
    mine = sorted((row for row in index if same_agency(row[1], agency) and str(Path(row[0]).resolve()) != own),
                  key=lambda row: _rank(row[0]))
    fits = [path for path, _, y in mine if y == year - 1]
    if len(fits) == 1:
        return load_report(fits[0]), []
    if len(fits) > 1:
        # The same report in several forms (a workbook and its PDF) is one report: the most
        # exact form is used. Reports that differ in what the 跨期 rules read are not.
        reports = [load_report(p) for p in fits]
        if len({_carried(r) for r in reports}) == 1:
            return reports[0], []
        shown = "、".join(Path(p).name for p in fits[:4]) + ("等" if len(fits) > 4 else "")
        return None, [f"上年报告文件夹中有 {len(fits)} 份“{agency}”{year - 1} 年度的报告（{shown}），"
                      "其数字不同，无法确定用哪一份，未做跨期核对"]
    others = sorted({y for _, _, y in mine if y})
    if others:
        return None, [f"上年报告文件夹中“{agency}”只有 {'、'.join(map(str, others))} 年度的报告，没有 {year - 1} 年度的，未做跨期核对"]
    return None, []


__all__ = ["check_cross_year", "check_similarity", "find_previous", "previous_in", "previous_misfit", "same_agency", "similarity"]
