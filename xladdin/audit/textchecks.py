"""文表 checks: the narrative's numbers against the tables (X1–X3) and against each other (X6).

Severity: a mismatch is 提示 (the rule's severity in the spec) unless the narrative used the
table's own term (本年新收, 上年结转, 结转下年度, 予以公开…) about 政府信息公开申请: then the
reading is unambiguous and the finding is 强制. Known wording traps are accepted, not flagged:
"收到/受理 N 件" may mean 新收 or 新收 + 上年结转; "办结/答复" is compared with （七）总计 only.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..check import CellRef, Finding, rule_finding
from ..report import Report
from ..spec.format2021 import T2_DOCS, T3_GROUPS, T3_PARTY_COLS, T3_ROWS
from ..values import format_value, is_number
from .narrative import Extraction, Fact, extract, fact_where

COUNT_UNITS = {"件", "个", "份", "宗", "起", "部"}
# Applications and cases are counted in 件 (个, 宗, 起); items published (条, 份, 篇) are not
# applications: "依申请公开及不予公开319份" counts documents by their disclosure attribute.
CASE_UNITS = {"件", "个", "宗", "起"}
OUTCOME_ROWS: dict[str, tuple[str, ...]] = {
    "open": ("open",),
    "partial": ("partial",),
    "open_partial": ("open", "partial"),
    "deny": T3_GROUPS["deny"][1],
    "unable": T3_GROUPS["unable"][1],
    "unable_1": ("unable_1",),
    "noproc": T3_GROUPS["noproc"][1],
    "noproc_1": ("noproc_1",),
    "noproc_2": ("noproc_2",),
    "other": T3_GROUPS["other"][1],
}
T3_ROW_LABELS = {key: re.sub(r"^\d+\.\s*", "", label) for key, _, label in T3_ROWS}
# A group named with one of its sub-items in the same clause may mean the sub-item
# ("因本机关不掌握而无法提供 N 件"); "不掌握等原因无法提供" names the whole group (等 = and others).
SUB_ITEM_HINTS = {
    "unable": (("unable_1", "不掌握"), ("unable_2", "另行制作"), ("unable_3", "补正")),
    "noproc": (("noproc_1", "信访"), ("noproc_2", "重复申请")),
    "deny": (("deny_1", "国家秘密"), ("deny_4", "第三方"), ("deny_6", "过程性")),
}
MEASURE_NAMES = {
    "new": "本年新收",
    "carry_in": "上年结转",
    "carry_out": "结转下年度",
    "received": "收到",
    "accepted": "受理",
    "done": "办结",
    "answered": "答复",
    "open": "予以公开",
    "partial": "部分公开",
    "open_partial": "予以公开及部分公开",
    "deny": "不予公开",
    "unable": "无法提供",
    "unable_1": "本机关不掌握相关政府信息",
    "noproc": "不予处理",
    "noproc_1": "信访举报投诉类申请",
    "noproc_2": "重复申请",
    "other": "其他处理",
    "keep": "结果维持",
    "correct": "结果纠正",
    "pending": "尚未审结",
    "total": "总计",
    "made": "本年制发",
    "repealed": "本年废止",
    "valid": "现行有效",
}
T4_GROUP_NAMES = {"review": "行政复议", "suit_direct": "未经复议直接起诉", "suit_after_review": "复议后起诉"}


class _Ctx:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.out: list[Finding] = []
        self.seen: set[tuple] = set()
        self.derived: set[str] = set()  # table-三 totals added up from the applicant columns
        self.complete: dict[str, bool] = {}  # formula total -> _complete()

    def v(self, key: str) -> int | Decimal | None:
        """A table figure a sentence may be compared with: a printed non-negative number. Never
        a blank, text, a negative, an absent or 待核 cell (the comparison would blame the
        narrative for the table's hole); a blank 总计 column is the sum of the applicant
        columns only when all six are printed non-negative numbers."""
        value = self.report.value(key)
        if is_number(value):
            if value < 0 or not self._complete(key):  # type: ignore[operator]
                return None
            return value  # type: ignore[return-value]
        m = re.fullmatch(r"t3\.(\w+)\.total", key)
        if m and value is None:
            # Many published tables leave the 总计 column blank (a T3-N finding of its own);
            # the narrative is then compared with the sum of the applicant columns.
            parts = [self.report.value(f"t3.{m.group(1)}.{c}") for c in T3_PARTY_COLS]
            if all(is_number(p) and p >= 0 for p in parts):  # type: ignore[operator]
                self.derived.add(key)
                return sum(parts, start=0)  # type: ignore[arg-type]
        return None

    def _complete(self, key: str, seen: frozenset[str] = frozenset()) -> bool:
        """A workbook's formula total counts only when every cell it adds up is a non-negative
        number (recursively): a clerk's blank cell makes Excel's SUM one short, and the total it
        shows is not the table's. Remembered per report: the totals form a tree of sums."""
        if key not in self.report.formulas or key in seen:
            return True
        known = self.complete.get(key)
        if known is not None:
            return known
        self.complete[key] = result = self._complete_parts(key, seen)
        return result

    def _complete_parts(self, key: str, seen: frozenset[str]) -> bool:
        from ..check.engine import _derivations

        for ident in _derivations(self.report).get(key, ()):
            for k in ident.left + ident.right:
                if k == key:
                    continue
                v = self.report.value(k)
                if not is_number(v) or v < 0 or not self._complete(k, seen | {key}):  # type: ignore[operator]
                    return False
        return True

    def total(self, keys: tuple[str, ...] | list[str]) -> int | Decimal | None:
        values = [self.v(k) for k in keys]
        if any(x is None for x in values):
            return None
        return sum(values, start=0)  # type: ignore[arg-type]

    def add(
        self,
        rule_id: str,
        fact: Fact,
        message: str,
        keys: tuple[str, ...] | list[str] = (),
        expected: object = None,
        actual: object = None,
        strict: bool = False,
        ref: str = "",
    ) -> None:
        sig = (rule_id, fact.topic, fact.measure, str(fact.value), message)
        if sig in self.seen:
            return
        self.seen.add(sig)
        derived = [k for k in keys if k in self.derived]
        if derived:
            strict = False  # a blank total column: the sum of its parts is not the printed figure
            message += "（表三“总计”列为空的行，按各申请人列相加比较。）"
        imbalance = None
        if is_number(actual) and is_number(expected):
            imbalance = actual - expected  # type: ignore[operator]
        self.out.append(
            rule_finding(
                self.report.spec.rule(rule_id),
                self.report,
                severity="强制" if strict else "",
                message=message,
                ref=ref or f"{rule_id}:{fact.part}:{fact.topic}.{fact.measure}",
                cells=[CellRef(k, self.report.address(k), self.report.value(k)) for k in keys],
                expected=expected,
                actual=actual,
                imbalance=imbalance,
                snippet=fact.quote(),
                where=fact_where(self.report, fact),
            )
        )


def _names_others(context: str, words: list[str]) -> bool:
    """Whether a sub-item named in the clause is followed by 等 ("不掌握等原因"): the whole group."""
    return any(re.search(re.escape(w) + r"[^，；。]{0,12}?等", context) for w in words)


def _said(fact: Fact) -> str:
    return f"正文“{fact.sentence.strip()[:60]}”"


def _percent_ok(shown: Decimal, numerator: int | Decimal, denominator: int | Decimal) -> bool:
    """Shown percentage agrees with numerator/denominator, rounded or truncated to its decimals."""
    if denominator == 0:
        return False
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    exponent = shown.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    step = Decimal(1).scaleb(-places)
    return abs(exact - shown) <= step / 2 or shown <= exact < shown + step


def _pct(value: Decimal) -> str:
    return f"{format_value(value)}%"


# --------------------------------------------------------------------------- X1


def _compared(f: Fact) -> bool:
    """A fact a table may be compared with: about this agency (not the whole area's figures,
    "全市共收到…"), and a count of cases where it counts (not items published: 条, 份, 篇)."""
    return f.scope != "area"


def check_requests(ctx: _Ctx, ex: Extraction) -> None:
    new, cin = ctx.v("t3.new.total"), ctx.v("t3.carry_in.total")
    tot, cout = ctx.v("t3.total.total"), ctx.v("t3.carry_out.total")
    facts = [f for f in ex.of("request") if _compared(f)]
    if new == 0 and cin == 0 and tot == 0:
        facts = _empty_table(ctx, facts)
    keys_in = ("t3.new.total", "t3.carry_in.total")
    for f in facts:
        name = MEASURE_NAMES.get(f.measure, f.measure)
        if f.is_percent:
            _request_rate(ctx, f, new, cin, tot)
            continue
        if f.value is None:
            _request_quantifier(ctx, f, tot, cout)
            continue
        if f.unit not in CASE_UNITS:
            continue
        n = f.value
        if f.measure in ("received", "accepted") and new is not None:
            both = new + cin if cin is not None else None
            if n == new or n == both:
                continue
            extra = f"（加上年结转 {format_value(cin)} 件为 {format_value(both)} 件）" if cin else ""
            ctx.add(
                "X1", f,
                f"{_said(f)}称{name}政府信息公开申请 {n} 件，表三本年新收 {format_value(new)} 件{extra}，"
                f"两者不一致。“{name}”一般指本年新收（有时含上年结转），请核对。",
                keys_in, expected=new, actual=n,
            )
        elif f.measure in ("new", "carry_in", "carry_out"):
            key = f"t3.{f.measure}.total"
            table = ctx.v(key)
            if table is not None and n != table:
                ctx.add(
                    "X1", f, f"{_said(f)}称{name} {n} 件，表三“{name}”总计为 {format_value(table)} 件。",
                    (key,), expected=table, actual=n, strict=f.strict,
                )
        elif f.measure in ("done", "answered") and tot is not None and n != tot:
            ctx.add(
                "X1", f,
                f"{_said(f)}称{name} {n} 件，表三（七）总计为 {format_value(tot)} 件"
                + (f"（另有结转下年度 {format_value(cout)} 件）" if cout else "")
                + "。“受理/收到”与“办结/答复”口径不同，请核对。",
                ("t3.total.total",), expected=tot, actual=n,
            )
        elif f.measure in OUTCOME_ROWS:
            _outcome(ctx, f, name, tot)


def _outcome(ctx: _Ctx, f: Fact, name: str, tot: int | Decimal | None) -> None:
    """An outcome count ("予以公开 258 件，占 33.9%"): the count against its table rows and its
    share against （七）总计, one finding for the fact saying whichever does not agree."""
    n = f.value
    assert isinstance(n, (int, Decimal))
    keys = tuple(f"t3.{r}.total" for r in OUTCOME_ROWS[f.measure])
    table = ctx.total(keys)
    hinted = [r for r, word in SUB_ITEM_HINTS.get(f.measure, ()) if word in f.context]
    only = ""
    if hinted and ctx.total([f"t3.{r}.total" for r in hinted]) == n:
        if not _names_others(f.context, [w for r, w in SUB_ITEM_HINTS[f.measure] if r in hinted]):
            table = n  # "因本机关不掌握而无法提供 N 件": the sub-item is meant
        else:
            labels = "、".join(f"“{T3_ROW_LABELS[r]}”" for r in hinted)
            only = f"（{n} 件只是其中{labels}一项）"
    count_off = table is not None and n != table
    share_off = f.share is not None and bool(tot) and not _percent_ok(f.share, n, tot)  # type: ignore[arg-type]
    if not count_off and not share_off:
        return
    exact = (Decimal(n) * 100 / Decimal(tot)).quantize(Decimal("0.01")) if share_off else None  # type: ignore[arg-type]
    share = f"按表三（七）总计 {format_value(tot)} 件计算应为 {exact}%（百分比的分母应为（七）总计）"
    if count_off and share_off:
        message = f"{_said(f)}称{name} {n} 件，占 {_pct(f.share)}：表三“{name}”合计为 {format_value(table)} 件{only}；{share}。"  # type: ignore[arg-type]
    elif count_off:
        message = f"{_said(f)}称{name} {n} 件，表三“{name}”合计为 {format_value(table)} 件{only}。"
    else:
        message = f"{_said(f)}称{name} {n} 件，占 {_pct(f.share)}，{share}。"  # type: ignore[arg-type]
    cells = list(keys) + (["t3.total.total"] if share_off else [])
    ctx.add(
        "X1", f, message, cells,
        expected=table if count_off else exact, actual=n if count_off else f.share,
        strict=f.strict and count_off, ref="" if count_off else f"X1:{f.part}:{f.measure}.share",
    )


def _empty_table(ctx: _Ctx, facts: list[Fact]) -> list[Fact]:
    """Table 三 records no application at all, yet a sentence speaks of some: one finding for the
    sentence (its counts are one story, not one mismatch each). Returns the facts left to check
    one by one."""
    by_sentence: dict[tuple[str, int], list[Fact]] = {}
    rest = []
    for f in facts:
        counted = f.value is not None and not f.is_percent and f.unit in CASE_UNITS and f.value > 0  # type: ignore[operator]
        if counted and (f.measure in ("received", "accepted", "new", "done", "answered", "carry_in") or f.measure in OUTCOME_ROWS):
            by_sentence.setdefault((f.part, f.sentence_start), []).append(f)
        else:
            rest.append(f)
    for group in by_sentence.values():
        first = group[0]
        claims = "、".join(f"{MEASURE_NAMES.get(f.measure, f.measure)} {f.value} 件" for f in group)
        keys = ["t3.new.total", "t3.carry_in.total", "t3.total.total"]
        keys += [f"t3.{r}.total" for f in group if f.measure in OUTCOME_ROWS for r in OUTCOME_ROWS[f.measure]]
        ctx.add(
            "X1", first,
            f"{_said(first)}称{claims}，而表三没有任何申请（本年新收 0 件、上年结转 0 件、（七）总计 0 件）："
            "正文与表三必有一处不对，请核对。",
            list(dict.fromkeys(keys)), expected=0, actual=first.value,
            ref=f"X1:{first.part}:request.table_empty.{first.sentence_start}",
        )
    return rest


def _request_rate(ctx: _Ctx, f: Fact, new, cin, tot) -> None:  # type: ignore[no-untyped-def]
    if f.measure != "done_rate" or new is None or cin is None or tot is None:
        return
    assert isinstance(f.value, (int, Decimal))
    shown = Decimal(f.value)
    received = new + cin
    if received and _percent_ok(shown, tot, received):
        return
    if not received:
        return
    exact = (Decimal(tot) * 100 / Decimal(received)).quantize(Decimal("0.01"))
    ctx.add(
        "X1", f,
        f"{_said(f)}称办结率 {_pct(shown)}，表三（七）总计 {format_value(tot)} 件 ÷（本年新收 + 上年结转）"
        f"{format_value(received)} 件 = {exact}%。",
        ("t3.total.total", "t3.new.total", "t3.carry_in.total"), expected=exact, actual=shown,
    )


def _request_quantifier(ctx: _Ctx, f: Fact, tot, cout) -> None:  # type: ignore[no-untyped-def]
    if f.measure == "open":
        open_ = ctx.v("t3.open.total")
        if open_ is not None and tot is not None and open_ != tot:
            ctx.add(
                "X1", f,
                f"{_said(f)}称申请“{f.quantifier}”，但表三予以公开 {format_value(open_)} 件，"
                f"（七）总计 {format_value(tot)} 件。",
                ("t3.open.total", "t3.total.total"), expected=tot, actual=open_,
            )
    elif f.measure in ("done", "answered") and cout:
        ctx.add(
            "X1", f,
            f"{_said(f)}称申请“{f.quantifier}”，但表三结转下年度继续办理 {format_value(cout)} 件。",
            ("t3.carry_out.total",), expected=0, actual=cout,
        )


# --------------------------------------------------------------------------- X2


def check_litigation(ctx: _Ctx, ex: Extraction) -> None:
    review = ctx.v("t4.review_total")
    suits = ctx.total(("t4.suit_direct_total", "t4.suit_after_review_total"))
    for f in ex.of("review") + ex.of("suit") + ex.of("review_suit"):
        if not _compared(f):
            continue
        if f.measure == "keep_all":
            groups = ["review"] if f.topic == "review" else ["suit_direct", "suit_after_review"]
            keep = ctx.total([f"t4.{g}_keep" for g in groups])
            total = ctx.total([f"t4.{g}_total" for g in groups])
            if keep is not None and total is not None and keep != total:
                what = "行政复议" if f.topic == "review" else "行政诉讼"
                ctx.add(
                    "X2", f,
                    f"{_said(f)}称{what}“{f.quantifier}”，但表四{what}总计 {format_value(total)} 件中"
                    f"结果维持 {format_value(keep)} 件。",
                    [f"t4.{g}_keep" for g in groups] + [f"t4.{g}_total" for g in groups],
                    expected=total, actual=keep,
                )
            continue
        if f.measure == "none":
            keys = ("t4.review_total",) if f.topic == "review" else ("t4.suit_direct_total", "t4.suit_after_review_total")
            table = review if f.topic == "review" else suits
            what = "行政复议" if f.topic == "review" else "行政诉讼"
            if table:
                ctx.add(
                    "X2", f, f"{_said(f)}称“{f.quantifier}”，但表四{what}总计为 {format_value(table)} 件。",
                    keys, expected=table, actual=0,
                )
            continue
        if f.value is None or f.is_percent or f.unit not in CASE_UNITS:
            continue
        suffix = f.measure if f.measure in ("keep", "correct", "other", "pending", "total") else None
        if suffix is None:
            continue
        if f.topic == "review":
            groups = ["review"]
        elif f.topic == "review_suit":
            groups = ["review", "suit_direct", "suit_after_review"]
        elif "复议后" in f.context:
            groups = ["suit_after_review"]
        elif "直接" in f.context:
            groups = ["suit_direct"]
        else:
            groups = ["suit_direct", "suit_after_review"]
        keys = tuple(f"t4.{g}_{suffix}" for g in groups)
        table = ctx.total(keys)
        if table is None or f.value == table:
            continue
        what = "、".join(T4_GROUP_NAMES[g] for g in groups)
        ctx.add(
            "X2", f,
            f"{_said(f)}称{what}{MEASURE_NAMES[suffix] if suffix != 'total' else ''} {f.value} 件，"
            f"表四为 {format_value(table)} 件。",
            keys, expected=table, actual=f.value,
        )


# --------------------------------------------------------------------------- X3


def check_documents(ctx: _Ctx, ex: Extraction) -> None:
    for f in ex.of("norm") + ex.of("reg"):
        if f.measure not in ("made", "repealed", "valid") or f.value is None or f.unit not in COUNT_UNITS:
            continue
        if not _compared(f):
            continue
        row = "norm" if f.topic == "norm" else "reg"
        key = f"t2.{row}_{f.measure}"
        table = ctx.v(key)
        if table is None or table == f.value:
            continue
        name = dict(T2_DOCS)[row]
        ctx.add(
            "X3", f,
            f"{_said(f)}称{MEASURE_NAMES[f.measure]}{name} {f.value} 件，表二“{name}·{MEASURE_NAMES[f.measure]}件数”"
            f"为 {format_value(table)} 件。",
            (key,), expected=table, actual=f.value,
        )


# --------------------------------------------------------------------------- X6

TOTAL_WORDS = re.compile(r"共|合计|总计|累计|全年|总数|总量")
OTHER_WORDS = re.compile(r"其他|其余|其它")
CHANGE_WORDS = re.compile(r"同比|增长|增加|减少|下降|上升|较|比上年|比去年")


def check_internal(ctx: _Ctx, ex: Extraction) -> None:
    counts = [f for f in ex.facts if f.value is not None and not f.is_percent and f.topic != "request"]
    sentences: dict[tuple[str, str], list[Fact]] = {}
    for f in counts:
        sentences.setdefault((f.part, f.sentence), []).append(f)
    last_total: dict[tuple[str, str], Fact] = {}
    for (part, sentence), facts in sentences.items():
        _enumeration(ctx, sentence, facts)
        _channels(ctx, part, sentence, facts, last_total)
        for f in facts:
            if TOTAL_WORDS.search(f.context) and not CHANGE_WORDS.search(f.context):
                last_total[(part, f.unit)] = f
    _proposals(ctx, ex)


def _enumeration(ctx: _Ctx, sentence: str, facts: list[Fact]) -> None:
    """"共 N 条，其中 A 条，B 条…": the parts may not exceed N, and with an 其他 part must equal it."""
    for i, total in enumerate(facts):
        if not TOTAL_WORDS.search(total.context) or CHANGE_WORDS.search(total.context):
            continue
        k = sentence.find("其中", total.offset)
        if k < 0:
            continue
        parts = [
            f for f in facts[i + 1 :]
            if f.unit == total.unit and f.offset > k and not CHANGE_WORDS.search(f.context)
        ]
        # the list closes with its 其他 item; what follows it is another statement
        closing = next((j for j, f in enumerate(parts) if OTHER_WORDS.search(f.context)), None)
        if closing is not None:
            parts = parts[: closing + 1]
        if len(parts) < 2:
            return
        got = sum(f.value for f in parts)  # type: ignore[misc]
        # "…其他文件共54条等": 等 after the last item leaves the list open
        open_end = sentence[parts[-1].offset : parts[-1].offset + 12].lstrip("0123456789.,，条件个份篇项家次 ").startswith("等")
        exhaustive = closing is not None and not open_end
        if got > total.value or (exhaustive and got != total.value):  # type: ignore[operator]
            terms = " + ".join(f"{f.value}" for f in parts)
            ctx.add(
                "X6", total,
                f"{_said(total)}：合计 {total.value}{total.unit}，其中各项 {terms} = {got}{total.unit}，"
                + ("分项之和超过合计。" if got > total.value else "分项（含“其他”）之和与合计不一致。"),  # type: ignore[operator]
                expected=total.value, actual=got, ref=f"X6:{total.part}:{total.start}",
            )
        return


def _channels(
    ctx: _Ctx, part: str, sentence: str, facts: list[Fact], last_total: dict[tuple[str, str], Fact]
) -> None:
    """A channel breakdown ("通过网站 A 条，微信 B 条，其他方式 C 条") of an earlier stated total.

    Channels overlap (one item on the website and on WeChat), so a sum above the total is
    normal; a complete breakdown (it has an 其他 item) below the total is not.
    """
    if not re.search(r"渠道|途径|平台|方式|通过", sentence) or len(facts) < 3:
        return
    unit = facts[0].unit
    if any(f.unit != unit for f in facts) or not OTHER_WORDS.search(facts[-1].context):
        return
    total = last_total.get((part, unit))
    if total is None or any(TOTAL_WORDS.search(f.context) for f in facts):
        return
    got = sum(f.value for f in facts)  # type: ignore[misc]
    if got < total.value:  # type: ignore[operator]
        ctx.add(
            "X6", facts[0],
            f"{_said(facts[0])}：各渠道（含“其他”）合计 {got}{unit}，少于前文所述总数 {total.value}{unit}。",
            expected=total.value, actual=got, ref=f"X6:{part}:channels",
        )


def _proposals(ctx: _Ctx, ex: Extraction) -> None:
    by_part: dict[str, list[Fact]] = {}
    for f in ex.of("proposal"):
        if f.value is not None and not f.is_percent:
            by_part.setdefault(f.part, []).append(f)
    for facts in by_part.values():
        npc = next((f for f in facts if f.measure == "npc"), None)
        cppcc = next((f for f in facts if f.measure == "cppcc"), None)
        total = next((f for f in facts if f.measure == "total"), None)
        classes = [f for f in facts if f.measure.startswith("class_")]
        if npc and cppcc and total and npc.value + cppcc.value != total.value:  # type: ignore[operator]
            ctx.add(
                "X6", total,
                f"{_said(total)}：人大代表建议 {npc.value} 件 + 政协提案 {cppcc.value} 件 = "
                f"{npc.value + cppcc.value} 件，与所述合计 {total.value} 件不一致。",  # type: ignore[operator]
                expected=npc.value + cppcc.value, actual=total.value, ref=f"X6:{total.part}:proposals",  # type: ignore[operator]
            )
        if not classes:
            continue
        if total:
            whole = total.value
            what = f"所述合计 {whole} 件"
        elif npc or cppcc:
            whole = (npc.value if npc else 0) + (cppcc.value if cppcc else 0)  # type: ignore[operator]
            what = " + ".join(
                x for x in (f"人大代表建议 {npc.value} 件" if npc else "", f"政协提案 {cppcc.value} 件" if cppcc else "") if x
            ) + f" = {whole} 件"
        else:
            continue
        got = sum(f.value for f in classes)  # type: ignore[misc]
        if got != whole:
            terms = " + ".join(f"{f.measure[6:]}类 {f.value}" for f in classes)
            ctx.add(
                "X6", classes[0],
                f"{_said(classes[0])}：办理结果 {terms} = {got} 件，与{what}不一致。",
                expected=whole, actual=got, ref=f"X6:{classes[0].part}:proposal_classes",
            )


# --------------------------------------------------------------------------- entry


def check_text(report: Report, extraction: Extraction | None = None) -> list[Finding]:
    """X1, X2, X3 and X6 on one report."""
    ex = extraction or extract(report)
    ctx = _Ctx(report)
    check_requests(ctx, ex)
    check_litigation(ctx, ex)
    check_documents(ctx, ex)
    check_internal(ctx, ex)
    return ctx.out


__all__ = ["check_text"]
