"""结构 checks of a report: sections, format version, lengths, fees, years, deadline, 其他处理.

S1 six sections present, in order, official titles (report.observed["headings"] when a reader
saw the printed headings, else the narrative parts and tables the Report holds);
F1 2019 format (labels a reader saw); S2 第一部分 over 1000 characters; S3 第五部分 empty or
"无"; X4 第六部分 and 信息处理费; X5 year and agency consistent across title, preface, body,
signature; S4 publication date against the deadline of the agency's level; S6 share of
（六）3 其他 in （七）总计.
"""

from __future__ import annotations

import re
from datetime import date

from ..agency import LevelGuess, level_of
from ..check import CellRef, Finding, rule_finding
from ..ingest.labels import norm
from ..ingest.sections import FEE_HEADING
from ..report import Report
from ..values import format_value, is_absent, is_number
from .crossyear import names_overlap

S2_LIMIT = 1000  # characters, "篇幅原则上不超过一千字"
# S6: 其他 above this share of （七）总计 (and at least S6_MIN applications) is "偏高".
S6_SHARE = 0.10
S6_MIN = 2
EMPTY_S5 = {"", "无", "暂无", "没有", "无问题", "不存在", "本年度无", "无此类情况"}

_TRANS = str.maketrans({"(": "（", ")": "）", " ": "", "\u3000": "", "\t": "", ",": "，", ".": "．"})


def _finding(report: Report, rule_id: str, message: str, **kw: object) -> Finding:
    return rule_finding(report.spec.rule(rule_id), report, message=message, **kw)


_HEADING_NUMBER = re.compile(r"^[#\s]*(?:第([一二三四五六七八九十]+)部分|([一二三四五六七八九十]+)\s*[、．.，])")


def normalize_heading(text: str) -> str:
    """"### 一、总体情况（文字描述）" → "总体情况"; half-width brackets and spaces tolerated."""
    t = re.sub(r"^[#\s]+", "", text).translate(_TRANS)
    t = re.sub(r"^(?:[一二三四五六七八九十]+[、．.，]|第[一二三四五六七八九十]+部分[、:：．.，]?)", "", t)
    t = re.sub(r"（文字描述[^）]*）?$", "", t)
    return t.rstrip("。：:")


# --------------------------------------------------------------------------- S1 / F1


def check_sections(report: Report) -> list[Finding]:
    headings = report.observed.get("headings")
    if headings:
        return _check_headings(report, headings)
    out = []
    for section in report.spec.sections:
        if section.key == "s5" or _present(report, section.key):
            continue  # an empty 第五部分 is S3's finding
        out.append(
            _finding(
                report, "S1", f"缺少第{section.number}部分“{section.title}”的内容。",
                ref=f"S1:{section.key}",
            )
        )
    return out


def _present(report: Report, section: str) -> bool:
    if report.section_text(section).strip():
        return True
    table = next((s.table for s in report.spec.sections if s.key == section), None)
    if table:
        return any(report.value(c.key) is not None and not is_absent(report.value(c.key))
                   for c in report.spec.cells_of(table))
    return False


def _check_headings(report: Report, headings: list[dict]) -> list[Finding]:
    """S1 from the headings a reader saw: each deviation from the template once, saying what was
    printed instead (a part missing, merged into another, printed out of order or in place of
    another, renamed or renumbered). Parts after the point where the text stops (D2) were never
    reached: they are not missing."""
    out: list[Finding] = []
    sections = {s.key: s for s in report.spec.sections}
    seen = [h for h in headings if h.get("section") in sections]
    keys = [h["section"] for h in seen]
    implied = report.observed.get("implied_sections") or {}
    never = set((report.observed.get("cut") or {}).get("sections") or [])
    for key, section in sections.items():
        if key in keys or key in never:
            continue
        message = f"未找到第{section.number}部分标题“{section.title}”。"
        host = _merged_into(key, seen)
        if key in implied:
            # the importer read the part from its first paragraph: say where, the heading may
            # have been lost when the original was converted to text
            message = (
                f"未找到第{section.number}部分标题“{section.title}”；{implied[key]}起的内容已按第{section.number}部分读取"
                "（如原件印有此标题，则是转换为文字时丢失）。"
            )
        elif host is not None:
            message = (
                f"第{section.number}部分“{section.heading}”没有单列：原文并入“{host['text'].strip()}”"
                f"（{host.get('where', '')}）一并叙述，模板要求单列第{section.number}部分。"
            )
        out.append(_finding(report, "S1", message, ref=f"S1:{key}"))
    moved = _out_of_order(keys)
    if moved:
        out.append(_order_finding(report, seen, moved))
    for h in seen:
        if h["section"] in moved:
            continue  # said in the order finding
        section = sections[h["section"]]
        text = str(h.get("text", ""))
        m = _HEADING_NUMBER.match(text)
        printed_number = (m.group(1) or m.group(2)) if m else ""
        where = f"（{h['where']}）" if h.get("where") else ""
        renamed = _comparable(text) != _comparable(section.title)
        if printed_number and printed_number != section.number and not renamed:
            # "一、主动公开政府信息情况" as 第二部分: the reader knew it by its words
            out.append(
                _finding(
                    report, "S1",
                    f"第{section.number}部分标题“{text.strip()}”{where}编号为“{printed_number}”，模板为“{section.number}”。",
                    severity="提示", ref=f"S1:{section.key}.number", snippet=text.strip(),
                )
            )
        elif renamed:
            number = f"，编号为“{printed_number}”" if printed_number and printed_number != section.number else ""
            out.append(
                _finding(
                    report, "S1",
                    f"第{section.number}部分标题印作“{text.strip()}”{where}{number}，模板标题为“{section.title}”。",
                    severity="提示", ref=f"S1:{section.key}.title", snippet=text.strip(),
                )
            )
    return out


def _comparable(title: str) -> str:
    """A heading as compared with the template: "与/和/及" read as the template's "、"."""
    return re.sub(r"[与和及、]", "、", normalize_heading(title))


def _out_of_order(keys: list[str]) -> set[str]:
    """The parts printed out of the template's order (each part of every inversion)."""
    rank = [int(k[1:]) for k in keys]
    return {
        keys[i] for i in range(len(keys)) for j in range(len(keys))
        if (i < j and rank[i] > rank[j]) or (i > j and rank[i] < rank[j])
    }  # fmt: skip


def _order_finding(report: Report, seen: list[dict], moved: set[str]) -> Finding:
    """One S1 finding for parts printed in another order, or one in the place of another: what
    each place holds instead."""
    sections = {s.key: s for s in report.spec.sections}
    slots = sorted(moved, key=lambda k: int(k[1:]))  # the template places involved
    printed = [h for h in seen if h["section"] in moved]
    said = []
    for slot, h in zip(slots, printed, strict=True):
        section, place = sections[h["section"]], sections[slot]
        what = f"原文第{place.number}部分为“{h['text'].strip()}”"
        if FEE_HEADING.match(norm(normalize_heading(h["text"]))):
            what += f"（信息处理费收取情况，模板在第{section.number}部分“{section.heading}”中报告）"
        else:
            what += f"（即模板第{section.number}部分“{section.heading}”）"
        said.append(what)
    missing = [
        sections[h["section"]] for h in printed if FEE_HEADING.match(norm(normalize_heading(h["text"])))
    ]
    tail = "".join(f"；原文没有“{s.heading}”部分" for s in missing)
    numbers = "、".join(sections[k].number for k in slots)
    template = "、".join(f"“{sections[k].title}”" for k in slots)
    return _finding(
        report, "S1",
        f"第{numbers}部分与模板的顺序不符：{'；'.join(said)}{tail}。模板为 {template}。",
        ref="S1:order", snippet="；".join(h["text"].strip() for h in printed),
    )


def _merged_into(key: str, seen: list[dict]) -> dict | None:
    """The printed heading a missing part was merged into ("五、存在的主要问题及改进情况和其他需要
    报告的事项"): one that also names it plainly."""
    words = _MERGE_WORDS[key]
    return next((h for h in seen if all(w in norm(h["text"]) for w in words)), None)


_MERGE_WORDS = {
    "s1": ("总体情况",),
    "s2": ("主动公开政府信息",),
    "s3": ("收到", "申请"),
    "s4": ("复议", "诉讼"),
    "s5": ("问题", "改进"),
    "s6": ("其他", "事项"),
}


def check_old_format_seen(report: Report) -> list[Finding]:
    """F1 from what a reader saw: 2019 labels (unless the table checks already report them from
    report.notes) and the 23-row table 三 of 2019."""
    out = []
    labels = report.observed.get("old_format_labels") or []
    rule = report.spec.rule("F1")
    if labels and not report.notes.get("old_format_label"):
        label = labels[0] if isinstance(labels[0], str) else str(labels[0])
        out.append(_finding(report, "F1", rule.message.format(where="表格", label=label), ref="F1"))
    if report.observed.get("t3_rows") == 23:
        # The 2019 table 三 prints （六）其他处理 as one row; 2021 splits it into three.
        out.append(
            _finding(
                report, "F1",
                "表三“（六）其他处理”只印一行（2019 年试行格式的 23 行表）：2021 年格式（国办公开办函〔2021〕30号）"
                "要求分列“1.申请人无正当理由逾期不补正……”“2.申请人逾期未按收费通知要求缴纳费用……”“3.其他”三个细项。",
                ref="F1:t3_rows", expected=25, actual=23,
            )
        )
    return out


# --------------------------------------------------------------------------- S2 / S3 / X4


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.,:/][A-Za-z0-9]+)*")


def word_count(text: str) -> int:
    """字数 as Word and WPS count it: each Chinese character, plus each run of Latin letters or
    digits as one word; punctuation and spaces are not counted."""
    return len(_HAN.findall(text)) + len(_WORD.findall(text))


def check_lengths(report: Report) -> list[Finding]:
    out = []
    n = word_count(report.section_text("s1"))
    if n > S2_LIMIT:
        out.append(
            _finding(
                report, "S2", f"第一部分“总体情况”共 {n} 字（按 Word/WPS 字数统计口径），超过一千字（格式要求篇幅原则上不超过一千字）。",
                expected=S2_LIMIT, actual=n, imbalance=n - S2_LIMIT,
            )
        )
    s5 = report.section_text("s5")
    bare = re.sub(r"[\s。．.，,、；;：:!！]", "", s5)
    if bare in EMPTY_S5 and (bare or not _never_printed(report, "s5")):
        shown = f"只写“{s5.strip()}”" if bare else "为空"
        out.append(
            _finding(report, "S3", f"第五部分“存在的主要问题及改进情况”{shown}：应实事求是写明问题和改进措施。", snippet=s5.strip())
        )
    return out


def _never_printed(report: Report, section: str) -> bool:
    """A published text with headings but none of `section` (a truncated copy, or the part left
    out): S1 reports the missing part; S3/X4 do not call it empty or silent."""
    headings = report.observed.get("headings")
    if not headings:
        return False
    seen = {h["section"] for h in headings} | set(report.observed.get("implied_sections") or {})
    return section not in seen


FEE_WORDS = re.compile(r"信息处理费|处理费|收费|收取[^。；]{0,12}费|缴费|费用")
NOTICE_WORDS = re.compile(r"收费通知|缴费通知|缴纳|缴费|交费")


def check_fee(report: Report) -> list[Finding]:
    out = []
    s6 = report.section_text("s6")
    # a part headed "信息处理费收取情况" reports the fee by its heading (S1 says where it stands)
    s6 += "".join(f"\n{h.get('text', '')}" for h in report.observed.get("headings") or [] if h.get("section") == "s6")
    other_2 = report.value("t3.other_2.total")
    cell = [CellRef("t3.other_2.total", report.address("t3.other_2.total"), other_2)]
    # the 2019 format did not ask for the fee in 第六部分 (the 2021 format's title does)
    old = bool(report.notes.get("old_format_label")) or report.observed.get("t3_rows") == 23 or (report.meta.year or 9999) < 2021
    if not old and not FEE_WORDS.search(s6) and not (not s6.strip() and _never_printed(report, "s6")):
        out.append(
            _finding(
                report, "X4",
                "第六部分未报告信息处理费收取情况（格式要求“收取信息处理费情况在此处报告”；未收取也应写明）。",
                ref="X4:silent", snippet=s6.strip()[:120],
            )
        )
    if is_number(other_2) and other_2 > 0 and not NOTICE_WORDS.search(s6):  # type: ignore[operator]
        out.append(
            _finding(
                report, "X4",
                f"表三（六）2“逾期未按收费通知要求缴纳费用”为 {format_value(other_2)} 件，说明发出过收费通知，"
                "但第六部分没有相应说明。",
                ref="X4:notice", cells=cell, actual=other_2, snippet=s6.strip()[:120],
            )
        )
    return out


# --------------------------------------------------------------------------- X5

YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
PERIOD_START = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
PERIOD_END = re.compile(r"((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
# the notice the preface cites: "《…关于编制公布2021年政府信息公开工作年度报告有关事项的通知》"
NOTICE_YEAR = re.compile(r"《[^》]{0,60}?编制(?:和|并)?(?:公布|发布)?\s*((?:19|20)\d{2})\s*年度?政府信息公开工作年度报告[^》]{0,30}》")


def _compact(text: str) -> str:
    return re.sub(r"\s", "", text)


def check_years(report: Report) -> list[Finding]:
    year = report.meta.year
    if not year:
        return []
    out = []

    def add(ref: str, message: str, snippet: str = "", actual: object = None) -> None:
        out.append(_finding(report, "X5", message, ref=f"X5:{ref}", snippet=snippet, expected=year, actual=actual))

    title = str(report.observed.get("title", ""))
    m = YEAR.search(title)
    if m and int(m.group(1)) != year:
        add("title", f"标题中的年度 {m.group(1)} 与报告年度 {year} 不一致。", title, int(m.group(1)))
    preface = report.section("preface")
    for rx, what in ((PERIOD_START, "起始"), (PERIOD_END, "截止")):
        m = rx.search(preface)
        if m and int(m.group(1)) != year:
            add(
                f"period_{'start' if what == '起始' else 'end'}",
                f"引言中统计期限的{what}年度 {m.group(1)} 与报告年度 {year} 不一致。",
                _around(preface, m.start()), int(m.group(1)),
            )
    m = NOTICE_YEAR.search(preface)
    if m and int(m.group(1)) != year:
        add(
            "notice",
            f"引言所依据的通知是关于编制 {m.group(1)} 年度报告的，而本报告为 {year} 年度：可能沿用了往年的通知名称。",
            m.group(0), int(m.group(1)),
        )
    body = report.section_text("s1")
    years = [int(y) for y in YEAR.findall(body)]
    if years and year not in years:
        shown = "、".join(str(y) for y in sorted(set(years)))
        add("body", f"第一部分提到的年度为 {shown}，没有报告年度 {year}：可能沿用了往年文字。", body[:80], years[0])
    signature = str(report.observed.get("signature", "")).strip()
    agency = report.meta.agency.strip()
    if signature and agency and not names_overlap(signature, agency):
        out.append(
            _finding(
                report, "X5", f"落款机关“{signature}”与报告机关“{agency}”不一致。",
                ref="X5:signature", snippet=signature,
            )
        )
    signed = str(report.observed.get("signature_date", ""))
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", signed)
    if m and int(m.group(1)) != year + 1:
        add("signature_date", f"落款日期 {signed} 不在报告年度的次年（{year + 1} 年）。", signed, int(m.group(1)))
    return out


def _around(text: str, pos: int, width: int = 40) -> str:
    return text[max(0, pos - 10) : pos + width]


# --------------------------------------------------------------------------- S8

REPORT_NAME = "政府信息公开工作年度报告"


def check_title(report: Report) -> list[Finding]:
    """S8: the printed title reads "<机关><年度>年政府信息公开工作年度报告" (年度 and the year
    printed first are common and accepted); a title without 工作, or garbled, is a 提示."""
    title = str(report.observed.get("title", "")).strip()
    if not title:
        return []  # no title line in what we were given: nothing to say about it
    t = norm(title)
    year = report.meta.year
    problems = []
    if REPORT_NAME not in t:
        if "政府信息公开年度报告" in t:
            problems.append("缺少“工作”二字")
        elif "信息公开工作年度报告" in t:
            problems.append("缺少“政府”二字")
        else:
            problems.append(f"“{REPORT_NAME}”字样有误或不完整")
    if not re.search(r"(?:19|20)\d{2}年", t):
        problems.append("没有报告年度")
    if not problems:
        return []
    agency = report.meta.agency or "机关名称"
    expected = f"{agency}{year or 'XXXX'}年{REPORT_NAME}"
    where = f"（{report.observed['title_where']}）" if report.observed.get("title_where") else ""
    return [
        _finding(
            report, "S8", f"标题“{title}”{where}{'，'.join(problems)}：应为“{expected}”。",
            ref="S8", snippet=title,
        )
    ]


# --------------------------------------------------------------------------- S4


def infer_level(agency: str) -> str:
    """The level implied by the agency's name (xladdin.agency); 部门 when the name says nothing."""
    if not agency.strip():
        return ""
    return level_of(agency).level or "部门"


def _level_guess(report: Report) -> LevelGuess:
    """The level the deadline is taken from: the one the report states (workbook 机关层级), else
    the one its name and narrative imply (not sure for a 管委会: see xladdin.agency)."""
    if report.meta.level:
        return LevelGuess(report.meta.level)
    narrative = "\n".join(report.sections.get(p.key, "") for p in report.spec.parts)
    guess = level_of(report.meta.agency, narrative)
    if guess.level:
        return guess if not guess.sure else LevelGuess(guess.level, True, "按机关名称推定")
    if report.meta.agency.strip():
        return LevelGuess("部门", False, "机关名称看不出层级，按最早的部门时限推定", ())
    return LevelGuess("", False)


def check_deadline(report: Report) -> list[Finding]:
    year = report.meta.year
    if not year:
        return []
    published, how = report.meta.published, "发布日期"
    source = report.observed.get("published_from", "")
    if source == "落款日期":
        how = "落款日期（原文未印发布日期，以落款日期代替）"
    elif source == "标题下日期":
        how = "标题下所印日期（原文未印发布日期和落款日期，以此代替）"
    elif source == "发布日期":
        how = "发布日期（原文所印“发布日期/发布时间”）"
    if not published and report.observed.get("signature_date"):
        published, how = str(report.observed["signature_date"]), "落款日期（未取得发布日期）"
    try:
        when = date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return [_finding(report, "S4", f"发布日期“{published}”无法识别（应为 YYYY-MM-DD）。", ref="S4:date")]
    if when is None:
        return []
    guess = _level_guess(report)
    try:
        level = report.spec.level(guess.level)
    except StopIteration:
        return []
    month, day = level.deadline
    deadline = date(year + 1, month, day)
    if when > deadline:
        late = (when - deadline).days
        if guess.sure:
            basis = f"机关层级“{level.name}”" + (f"（{guess.basis}）" if guess.basis else "")
            message = f"{how} {when.isoformat()} 晚于{basis}的发布时限 {deadline.isoformat()}（{level.note}），逾期 {late} 天。"
        else:
            message = (
                f"{how} {when.isoformat()} 晚于“{level.name}”的发布时限 {deadline.isoformat()}（{level.note}）{late} 天。"
                f"此层级是推定的：{guess.basis}。" + _other_levels(report, guess, when, year) + "请核实机关层级（工作簿“基本信息”中可填写）。"
            )
        return [
            _finding(
                report, "S4", message,
                ref="S4:late", expected=deadline.isoformat(), actual=when.isoformat(), imbalance=late,
            )
        ]
    if when <= date(year, 12, 31):
        return [
            _finding(
                report, "S4", f"{how} {when.isoformat()} 早于报告年度 {year} 年结束，请核对发布日期或报告年度。",
                ref="S4:early", expected=f"{year + 1}-01-01 之后", actual=when.isoformat(),
            )
        ]
    return []


def _other_levels(report: Report, guess: LevelGuess, when: date, year: int) -> str:
    """What the other possible levels would make of the date, in Chinese."""
    out = []
    for name in guess.others:
        level = report.spec.level(name)
        d = date(year + 1, *level.deadline)
        verdict = "则未逾期" if when <= d else f"仍逾期 {(when - d).days} 天"
        out.append(f"若按“{level.name}”的时限 {d.isoformat()}，{verdict}")
    return "；".join(out) + "。" if out else ""


# --------------------------------------------------------------------------- S6


def check_other_share(report: Report) -> list[Finding]:
    other, total = report.value("t3.other_3.total"), report.value("t3.total.total")
    if not (is_number(other) and is_number(total)) or not total or other < S6_MIN:  # type: ignore[operator]
        return []
    share = other / total  # type: ignore[operator]
    if share <= S6_SHARE:
        return []
    return [
        _finding(
            report, "S6",
            f"（六）3“其他”{format_value(other)} 件，占（七）总计 {format_value(total)} 件的 {float(share):.1%}，"
            f"超过 {S6_SHARE:.0%}：原则上申请都应按法定方式处理，请说明“其他”的具体情形。",
            cells=[
                CellRef("t3.other_3.total", report.address("t3.other_3.total"), other),
                CellRef("t3.total.total", report.address("t3.total.total"), total),
            ],
            expected=f"≤{S6_SHARE:.0%}", actual=f"{float(share):.1%}",
        )
    ]


def check_structure(report: Report) -> list[Finding]:
    return (
        check_sections(report)
        + check_old_format_seen(report)
        + check_lengths(report)
        + check_fee(report)
        + check_years(report)
        + check_title(report)
        + check_deadline(report)
        + check_other_share(report)
    )


__all__ = ["check_structure", "check_title", "infer_level", "normalize_heading"]
