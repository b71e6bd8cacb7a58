"""Draft the narrative sentences whose numbers come from the tables (生成正文).

- 第一部分（一）主动公开, from 表二: decisions on 行政许可/处罚/强制, 行政事业性收费, and the
  规章 and 行政规范性文件 made, repealed and in force;
- （二）依申请公开, from 表三: received (new + carried over), handled by outcome with each
  outcome's share of （七）总计, carried to next year, and the change of 本年新收 from last year
  when last year's figures are given; then the 行政复议/行政诉讼 sentence from 表四;
- 第六部分: the 信息处理费 sentence from 表三（六）2 (applications ended because a fee notice
  went unpaid). Whether fees were collected is not in the tables: the clerk adds it.

Every number is a table cell (or the sum the checks themselves compare with), written in the
words the narrative checks read (audit/narrative.py): 新收, 上年结转, 办结, 予以公开 … 占 N%,
结转下年度; 制发/废止/现行有效; 结果维持/纠正. A drafted report therefore raises no X1–X6
finding (tests/test_draft.py checks it on the seed and on random consistent tables). A sentence
whose cells are not all numbers is left out, and the reason is given.

`apply_drafts` writes a draft only into an empty part; typed text is never changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .report import Report
from .spec.format2021 import T3_GROUPS
from .values import format_value, is_number

ACTIVE, REQUEST, OTHER = "s1.active", "s1.request", "s6"
DRAFTED_PARTS = (ACTIVE, REQUEST, OTHER)
OUTCOMES = (  # (words the narrative checks read, table-三 rows summed), in the table's order
    ("予以公开", ("open",)),
    ("部分公开", ("partial",)),
    ("不予公开", T3_GROUPS["deny"][1]),
    ("无法提供", T3_GROUPS["unable"][1]),
    ("不予处理", T3_GROUPS["noproc"][1]),
    ("其他处理", T3_GROUPS["other"][1]),
)
T4_OUTCOMES = (("keep", "结果维持"), ("correct", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"))


@dataclass
class Draft:
    part: str  # narrative part key
    text: str  # the drafted paragraph ("" when nothing could be drafted)
    cells: list[str] = field(default_factory=list)  # the cells its numbers come from
    left_out: list[str] = field(default_factory=list)  # sentences left out, and why (Chinese)


@dataclass
class Applied:
    written: list[str] = field(default_factory=list)  # parts that were empty and now hold the draft
    beside: list[str] = field(default_factory=list)  # parts with typed text: the draft is only shown
    blocked: list[str] = field(default_factory=list)  # typed text, and the column beside holds other text
    drafts: dict[str, Draft] = field(default_factory=dict)

    def summary(self) -> str:
        from .spec import SPEC

        titles = {p.key: p.title for p in SPEC.parts}
        out = []
        if self.written:
            out.append("已写入空白的" + "、".join(f"“{titles[k]}”" for k in self.written))
        if self.beside:
            out.append("、".join(f"“{titles[k]}”" for k in self.beside) + "已有文字，未改动，草稿放在旁边供参考")
        if self.blocked:
            out.append("、".join(f"“{titles[k]}”" for k in self.blocked)
                       + "已有文字，右侧一列又有别的内容，均未改动，草稿未写入（见命令行输出或清空该列后重试）")
        left = [why for d in self.drafts.values() for why in d.left_out]
        if left:
            out.append("未起草：" + "；".join(left))
        return "；".join(out) or "没有可以起草的内容"


class _Cells:
    """Numbers of one report; a cell that is not a number is noted, once, with its name."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.used: list[str] = []

    def get(self, *keys: str) -> int | Decimal | None:
        """The cell (or the sum of the cells), None if any of them is not a number."""
        values = [self.report.value(k) for k in keys]
        if not all(is_number(v) for v in values):
            return None
        self.used += [k for k in keys if k not in self.used]
        return sum(values, start=0)  # type: ignore[arg-type]

    def why_not(self, *keys: str) -> str:
        bad = [k for k in keys if not is_number(self.report.value(k))]
        spec = self.report.spec
        names = "、".join(f"{spec.table(spec.cell(k).table).sheet}“{spec.cell(k).short}”{format_value(self.report.value(k))}"
                         for k in bad[:3])
        more = f"等 {len(bad)} 格" if len(bad) > 3 else ""
        return f"{names}{more}不是数字"


def _n(value: int | Decimal) -> str:
    return format_value(value)


def share(part: int | Decimal, whole: int | Decimal) -> str:
    """part / whole as a percentage, rounded half up to one decimal ("37.5", "50", "100")."""
    exact = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format(exact.normalize(), "f") if exact == exact.to_integral_value() else format(exact, "f")


def _subject(report: Report) -> str:
    return report.meta.agency.strip() or "本机关"


def _year(report: Report) -> str:
    return f"{report.meta.year}年" if report.meta.year else "本年度"


# --------------------------------------------------------------------------- （一）主动公开


def _documents(cells: _Cells, row: str, name: str) -> str | None:
    keys = tuple(f"t2.{row}_{m}" for m in ("made", "repealed", "valid"))
    made, repealed, valid = (cells.get(k) for k in keys)
    if made is None or repealed is None or valid is None:
        return None
    if made and repealed:
        changes = f"制发{name} {_n(made)} 件、废止 {_n(repealed)} 件"
    elif made:
        changes = f"制发{name} {_n(made)} 件，没有废止的{name}"
    elif repealed:
        changes = f"未制发{name}，废止{name} {_n(repealed)} 件"
    else:
        changes = f"未制发、废止{name}"
    return changes + (f"，现行有效{name} {_n(valid)} 件" if valid else f"，无现行有效的{name}")


def draft_active(report: Report) -> Draft:
    cells = _Cells(report)
    out = Draft(ACTIVE, "")
    sentences = [f"{_year(report)}，{_subject(report)}依法主动公开政府信息。"]
    decisions = cells.get("t2.licensing"), cells.get("t2.penalty"), cells.get("t2.coercion")
    if all(d is not None for d in decisions):
        licensing, penalty, coercion = decisions
        said = [f"行政许可决定 {_n(licensing)} 件" if licensing else "",
                f"行政处罚决定 {_n(penalty)} 件" if penalty else "",
                f"行政强制决定 {_n(coercion)} 件" if coercion else ""]
        said = [s for s in said if s]
        sentences.append(f"本年作出{'、'.join(said)}。" if said else "本年未作出行政许可、行政处罚和行政强制决定。")
    else:
        out.left_out.append("行政许可、处罚、强制决定数的句子：" + cells.why_not("t2.licensing", "t2.penalty", "t2.coercion"))
    fee = cells.get("t2.fee_wan")
    if fee is not None:
        sentences.append(f"本年行政事业性收费金额为 {_n(fee)} 万元。" if fee else "本年无行政事业性收费。")
    else:
        out.left_out.append("行政事业性收费的句子：" + cells.why_not("t2.fee_wan"))
    for row, name in (("reg", "规章"), ("norm", "行政规范性文件")):
        said = _documents(cells, row, name)
        if said is None:
            keys = tuple(f"t2.{row}_{m}" for m in ("made", "repealed", "valid"))
            out.left_out.append(f"{name}件数的句子：" + cells.why_not(*keys))
        else:
            sentences.append(f"本年{said}。")
    out.text = "".join(sentences)
    out.cells = cells.used
    return out


# --------------------------------------------------------------------------- （二）依申请公开


def _outcomes(cells: _Cells, handled: int | Decimal) -> str:
    parts = []
    for words, rows in OUTCOMES:
        n = cells.get(*(f"t3.{r}.total" for r in rows))
        if n:
            parts.append(f"{words} {_n(n)} 件，占 {share(n, handled)}%")
    return "；".join(parts)


def draft_request(report: Report, previous: Report | None = None) -> Draft:
    cells = _Cells(report)
    out = Draft(REQUEST, "")
    sentences = []
    needed = ["t3.new.total", "t3.carry_in.total", "t3.total.total", "t3.carry_out.total"]
    needed += [f"t3.{r}.total" for _, rows in OUTCOMES for r in rows]
    if not all(is_number(report.value(k)) for k in needed):
        out.left_out.append("依申请公开的句子：" + cells.why_not(*needed))
    else:
        new, carry_in = cells.get("t3.new.total"), cells.get("t3.carry_in.total")
        handled, carry_out = cells.get("t3.total.total"), cells.get("t3.carry_out.total")
        assert new is not None and carry_in is not None and handled is not None and carry_out is not None
        received = new + carry_in
        if received == 0 and handled == 0 and carry_out == 0:
            sentences.append(f"{_year(report)}，{_subject(report)}未收到政府信息公开申请，也无上年结转的申请。")
        else:
            where = f"，其中本年新收 {_n(new)} 件、上年结转 {_n(carry_in)} 件" if carry_in else "，均为本年新收"
            sentences.append(f"{_year(report)}，{_subject(report)}共收到政府信息公开申请 {_n(received)} 件{where}")
            change = _change(report, previous, new)
            sentences[-1] += (change + "。") if change else "。"
            if handled:
                outcomes = _outcomes(cells, handled)
                sentences.append(f"本年度办结 {_n(handled)} 件" + (f"，其中{outcomes}。" if outcomes else "。"))
            sentences.append(f"结转下年度继续办理 {_n(carry_out)} 件。" if carry_out else "本年度申请已全部办结，无结转下年度的申请。")
    litigation = _litigation(cells, out)
    if litigation:
        sentences.append(litigation)
    out.text = "".join(sentences)
    out.cells = cells.used
    return out


def _change(report: Report, previous: Report | None, new: int | Decimal) -> str:
    """"，较上年增加 3 件" against last year's 本年新收 when it is known."""
    last = previous.value("t3.new.total") if previous is not None else None
    if not is_number(last):
        return ""
    year = f"{previous.meta.year}年" if previous is not None and previous.meta.year else "上年"
    diff = new - last  # type: ignore[operator]
    if diff > 0:
        return f"，本年新收申请较{year}增加 {_n(diff)} 件"
    if diff < 0:
        return f"，本年新收申请较{year}减少 {_n(-diff)} 件"
    return f"，本年新收申请与{year}持平"


def _litigation(cells: _Cells, out: Draft) -> str:
    groups = ("review", "suit_direct", "suit_after_review")
    keys = [f"t4.{g}_{s}" for g in groups for s, _ in T4_OUTCOMES + (("total", ""),)]
    if not all(is_number(cells.report.value(k)) for k in keys):
        out.left_out.append("行政复议、行政诉讼的句子：" + cells.why_not(*keys))
        return ""
    review = cells.get("t4.review_total")
    direct, after = cells.get("t4.suit_direct_total"), cells.get("t4.suit_after_review_total")
    assert review is not None and direct is not None and after is not None
    suits = direct + after
    if not review and not suits:
        return "全年未发生因政府信息公开引起的行政复议和行政诉讼。"
    said = []
    if review:
        results = [f"{words} {_n(n)} 件" for s, words in T4_OUTCOMES if (n := cells.get(f"t4.review_{s}"))]
        said.append(f"因政府信息公开被申请行政复议 {_n(review)} 件" + (f"，其中{'、'.join(results)}" if results else "") + "。")
    else:
        said.append("未发生因政府信息公开引起的行政复议。")
    if suits:
        kinds = ""
        if direct and after:
            kinds = f"（未经复议直接起诉 {_n(direct)} 件、复议后起诉 {_n(after)} 件）"
        results = []
        for s, words in T4_OUTCOMES:
            n = cells.get(f"t4.suit_direct_{s}", f"t4.suit_after_review_{s}")
            if n:
                results.append(f"{words} {_n(n)} 件")
        said.append(f"因政府信息公开被提起行政诉讼 {_n(suits)} 件{kinds}" + (f"，其中{'、'.join(results)}" if results else "") + "。")
    else:
        said.append("未发生因政府信息公开引起的行政诉讼。")
    return "".join(said)


# --------------------------------------------------------------------------- 第六部分


def draft_other(report: Report) -> Draft:
    cells = _Cells(report)
    out = Draft(OTHER, "")
    unpaid = cells.get("t3.other_2.total")
    if unpaid is None:
        out.left_out.append("信息处理费的句子：" + cells.why_not("t3.other_2.total"))
        return out
    lead = f"{_year(report)}，{_subject(report)}按照《政府信息公开信息处理费管理办法》办理政府信息公开申请"
    if unpaid:
        out.text = f"{lead}，因申请人逾期未按收费通知要求缴纳费用而不再处理的申请 {_n(unpaid)} 件。"
    else:
        out.text = f"{lead}，没有因申请人逾期未按收费通知要求缴纳费用而不再处理的申请。"
    out.cells = cells.used
    return out


# --------------------------------------------------------------------------- entry


def draft(report: Report, previous: Report | None = None) -> dict[str, Draft]:
    """The drafted paragraphs, by part. `previous`: last year's report (or report.previous)."""
    previous = previous if previous is not None else report.previous
    return {ACTIVE: draft_active(report), REQUEST: draft_request(report, previous), OTHER: draft_other(report)}


def is_empty(text: str | None) -> bool:
    return not (text or "").strip()


def apply_drafts(report: Report, drafts: dict[str, Draft]) -> Applied:
    """Write each draft into its part when the part is empty; typed text is left as it is."""
    applied = Applied(drafts=drafts)
    for key, d in drafts.items():
        if not d.text:
            continue
        if is_empty(report.sections.get(key)):
            report.sections[key] = d.text
            applied.written.append(key)
        elif report.sections[key].strip() != d.text:
            applied.beside.append(key)
    return applied


__all__ = ["Applied", "Draft", "apply_drafts", "draft", "is_empty", "share"]
