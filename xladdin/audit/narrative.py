"""Numbers with their meaning, read from the narrative of a report (文字描述部分).

Deterministic and offline: regular expressions over sentences, no model. Each number token
("10 件", "十二件", "100%") is classified by the keywords nearest BEFORE it:

- its topic (依申请 / 复议 / 诉讼 / 规章 / 规范性文件 / 人大建议·政协提案 / 主动公开) is the
  topic keyword closest before it in the sentence, else the last topic of the paragraph, else
  the topic of the narrative part it sits in (s1.request → 依申请…);
- its measure (收到 / 新收 / 受理 / 办结 / 予以公开 / 废止 / 现行有效 / A类 …) is the measure
  keyword closest before it within the sentence; some keywords deliberately map to "skip"
  (备案, 审核, 清理…) because their counts are not table counts (the wording traps).

A `Fact` keeps the part, the character offsets in that part's text and the sentence it came
from, so every finding can quote its source. Quantifiers (均/全部予以公开, 均已办结) and
negations (没有发生行政复议和行政诉讼) become facts without a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..report import Report
from ..spec import SPEC
from ..values import too_long

# --------------------------------------------------------------------------- numerals

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def chinese_number(text: str) -> int | None:
    """十二 → 12, 一百零五 → 105, 两千三百 → 2300, 三万五千 → 35000; None if not a numeral."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            continue
        unit = _CN_UNITS[ch]
        if unit == 10000:
            section = (section + (digit or 0)) * unit
            total += section
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def parse_number(text: str) -> int | Decimal | None:
    """"1,278" → 1278, "12.5" → Decimal, "十二" → 12, "九十八点五" → Decimal("98.5")."""
    text = text.replace(",", "").replace("，", "")
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = chinese_number(whole)
        digits = "".join(str(_CN_DIGITS.get(ch, "")) for ch in frac)
        return Decimal(f"{w}.{digits}") if w is not None and len(digits) == len(frac) else None
    if text and text[0].isdigit():
        if too_long(text):  # hundreds of digits: no count; never an int too long to print
            return None
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() and "." not in text else number
    return chinese_number(text)


# --------------------------------------------------------------------------- tokens

_CN = "零〇一二两三四五六七八九十百千万"
# A number followed by a unit; "第二十条" (an article, not a count) is excluded by the lookbehind.
TOKEN = re.compile(
    rf"百分之(?P<pct>[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"
    rf"|(?<![第\d.,A-Za-z{_CN}])(?P<num>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|[{_CN}]+)\s*"
    r"(?P<unit>件|条|个|次|篇|份|项|家|人次|宗|起|部(?![分门署委长])|[%％])"
)
# A number that counts the parts of the report or of a piece of work, not cases or items:
# "本报告分六个部分", "从三个方面", "五项措施". (Used with .match(text, pos): no "^".)
STRUCTURE_AFTER = re.compile(r"(?:部分|方面|维度|环节|层面|阶段|板块|步骤|章节|原则|重点|任务|措施|举措|机制|目标|要求)")
# Whose figures a sentence gives: the whole area's (all departments and lower governments, not
# the table of this report) or this agency's own. The nearest before the number decides.
SCOPES = (
    (r"全(?:市|区|县|省|州|盟|旗|镇|乡|街道|系统|行业)|各(?:部门|单位|级|区|县|市|乡镇|镇|街道)|所属单位|下属单位|下级|市县|区县", "area"),
    (r"本机关|本级|本单位|本部门|本局|我局|本委|我委|本办|我办|本院|我院|本镇|我镇|本街道|我街道|本中心|我中心|本厅|我厅", "own"),
)
_SCOPE_RE = [(re.compile(p), t) for p, t in SCOPES]
# A number whose measure is named after it: "1件属于“本机关不掌握相关政府信息”".
AFTER_MEASURE = re.compile(r"\s*(?:件|个)?(?:申请)?(?:属于|系|为|是|因)")  # used with .match(text, pos)
# Words that make a number a part, a change or a share of something: never fall back to a
# measure named in an earlier clause for them ("收到申请 20 件，其中 8 件…", "同比增加 5 件").
SUBSET_WORDS = re.compile(r"其中|含|包括|同比|增长|增加|减少|下降|上升|较|比上年|比去年|占")
# A change between the measure word and the number: "申请数量较上年增加 5 件" is not a count.
CHANGE_WORDS = re.compile(r"同比|增长|增加|减少|下降|上升|较|比上年|比去年|增幅|降幅")
SENTENCE_END = re.compile(r"[。！？!?\n]")
CLAUSE_MARK = "，,；;：:、（）()"

# Topics: (pattern, topic). The match ending nearest before the number wins.
TOPICS = (
    (r"行政复议|复议", "review"),
    (r"行政诉讼|诉讼|起诉", "suit"),
    (r"规范性文件", "norm"),
    (r"政府规章|规章", "reg"),
    (r"依申请|政府信息公开申请|公开申请|申请", "request"),
    (r"人大代表建议|人大建议|代表建议|政协委员提案|政协提案|提案|议案", "proposal"),
    (r"主动公开", "active"),
    (r"信息处理费|处理费", "fee"),
)
_TOPIC_RE = [(re.compile(p), t) for p, t in TOPICS]
# "行政复议、行政诉讼案件共 74 件" counts both: topic review_suit (表四 all three groups).
JOINT_REVIEW_SUIT = re.compile(r"复议\s*[、和及与或/]\s*(?:行政)?(?:诉讼|起诉)$")

# Narrative parts whose default topic is known from the format.
PART_TOPIC = {"s1.request": "request", "s1.active": "active", "s4": "review"}

SKIP = "skip"
MEASURES: dict[str, tuple[tuple[str, str], ...]] = {
    "request": (
        (r"本年新收|新收", "new"),
        (r"上年结转|上年度结转|结转上年|上一年度结转|上年度遗留", "carry_in"),
        (r"结转下年|结转下一年|结转至下年|结转到下年|转入下年|结转至下一年|结转到下一年|下年度继续办理|尚在办理|正在办理|未办结"
         r"|转(?:入)?下一?年度(?:继续)?(?:办理)?(?:答复)?", "carry_out"),
        (r"收到|接收|接到|共有|申请数量|申请量", "received"),
        (r"受理", "accepted"),
        (r"办结|办理完结|办理完毕|已办理|完成办理|处理完毕", "done"),
        (r"答复|回复", "answered"),
        # "同意公开答复 9 件": the outcome, not 答复 in general (the longer match wins).
        (r"(?:予以公开|同意公开)(?:答复)?", "open"),
        (r"(?:予以|全部)公开[及和与、或]部分公开|全部或部分公开|予以公开\(含部分公开\)|予以公开（含部分公开）", "open_partial"),
        (r"部分公开(?:答复)?", "partial"),
        (r"不予公开(?:答复)?", "deny"),
        (r"无法提供", "unable"),
        (r"不掌握", "unable_1"),
        (r"不予处理", "noproc"),
        (r"信访举报投诉", "noproc_1"),
        (r"重复申请", "noproc_2"),
        (r"其他处理", "other"),
        # Breakdowns by applicant or channel are not table-三 totals.
        (r"自然人|法人|企业|组织|机构|网络|网上|信函|当面|现场|传真|电子邮件|邮寄", SKIP),
        (r"复议|诉讼", SKIP),
    ),
    "review": (
        (r"维持", "keep"),
        (r"纠正|撤销|确认违法|责令", "correct"),
        (r"其他结果|其他方式", "other"),
        (r"尚未审结|未审结|正在审理|审理中|尚在审理", "pending"),
    ),
    "suit": (
        (r"维持|驳回", "keep"),
        (r"纠正|撤销|确认违法|败诉", "correct"),
        (r"其他结果|撤诉", "other"),
        (r"尚未审结|未审结|正在审理|审理中|尚在审理|未判决", "pending"),
    ),
    "norm": (
        (r"制发|出台|印发|制定|新制定|发布|新增", "made"),
        (r"废止|废除|宣布失效", "repealed"),
        (r"现行有效", "valid"),
        (r"备案|审核|审查|清理|评估|征求意见|解读|报送|修订|修改|合法性|继续有效|保留", SKIP),
    ),
    "proposal": (
        (r"(?<![A-D])[A-D]{1,4}类", "class"),
        (r"人大|代表建议", "npc"),
        (r"政协|提案", "cppcc"),
    ),
}
MEASURES["reg"] = MEASURES["norm"]
_MEASURE_RE = {t: [(re.compile(p), m) for p, m in ms] for t, ms in MEASURES.items()}

RATE_WORDS = (
    # "按时办结率" is about timeliness (of the cases due), not the share completed.
    (re.compile(r"(?:按时|按期|及时|如期)(?:办结|答复|办复|回复)率"), SKIP),
    (re.compile(r"办结率"), "done_rate"),
    (re.compile(r"答复率|回复率"), "answered_rate"),
    (re.compile(r"办复率|办理率|完成率"), "done_rate"),
    (re.compile(r"占比|占"), "share"),
)

# "均/全部 + verb" without a number. "均在法定期限内予以答复" speaks of timeliness (of what was
# answered), not of everything being answered: a time qualifier makes it no quantifier.
QUANTIFIED = (
    (re.compile(r"(?:均|全部|全数|悉数|一律)(?:已)?(?:依法)?(?:予以公开|同意公开)"), "request", "open"),
    (
        # "办理完成" alone is as often said of 建议提案: only with a manner word ("均已按要求办理完成")
        re.compile(
            r"(?:均|全部|全数|悉数)(?:已)?(?:(?:按要求|按规定|依法|依规)?(?:办结|办理完毕|办理完结|处理完毕)"
            r"|(?:按要求|按规定|依法|依规)办理完成)"
        ),
        "request", "done",
    ),
    (re.compile(r"(?:均|全部|全数|悉数)(?:已)?(?:予以)?(?:答复|回复)(?!申请人)"), "request", "answered"),
)
# "复议 7 件，诉讼 9 件，均获维持": every case (of the topics named before it) upheld.
ALL_UPHELD = re.compile(r"(?:均|全部|全数|悉数)(?:已)?(?:获|被|予以|得到)?(?:法院|复议机关)?(?:维持|驳回)")
NEGATION = re.compile(
    r"(?:没有|未发生|未出现|未产生|无(?!论)|未有|不存在|零)[^。；;，,]{0,24}?(?P<what>行政复议|复议|行政诉讼|诉讼)"
)
# "未出现行政复议纠错" denies an outcome, not that there were cases.
NEGATED_OUTCOME = re.compile(r"^[^。；;，,]{0,4}?(纠错|纠正|败诉|撤销|被纠)")


@dataclass(frozen=True)
class Fact:
    topic: str  # request | review | suit | review_suit | reg | norm | proposal | active | fee | ""
    measure: str  # see MEASURES; "total" when a topic has no measure word; "none" for negations
    value: int | Decimal | None  # None for quantifier / negation facts
    unit: str  # 件 条 % …; "" for facts without a number
    part: str  # narrative part key, e.g. "s1.request"
    start: int  # offsets in the part's text
    end: int
    sentence: str  # the sentence the fact was read from
    context: str = ""  # the words before the number within its clause
    share: Decimal | None = None  # a percentage attached to this count ("占 30%")
    quantifier: str = ""  # 均 / 全部 / 没有 …
    strict: bool = False  # the wording is the table's own term: a mismatch is 强制
    sentence_start: int = 0  # offset of `sentence` in the part's text
    scope: str = ""  # "area": the whole area's figures (全市, 各部门…); "own": this agency's; "" unsaid

    @property
    def offset(self) -> int:
        """Position of the fact within its sentence."""
        return self.start - self.sentence_start

    @property
    def is_percent(self) -> bool:
        return self.unit in ("%", "％")

    def quote(self) -> str:
        """Source snippet with its position, for Finding.snippet."""
        title = _PART_TITLES.get(self.part, self.part)
        return f"{self.sentence.strip()}（{title}，第{self.start + 1}字起）"


_PART_TITLES = {p.key: p.title for p in SPEC.parts}
_SECTION_NUMBERS = {s.key: s.number for s in SPEC.sections}


def fact_where(report: Report, fact: Fact) -> str:
    """Where the sentence of `fact` is, for a finding's 位置: the part and paragraph, and the
    line of the source where that paragraph starts (published reports: report.observed
    ["paragraph_where"]) or the cell of the 正文 sheet (workbooks)."""
    part = next(p for p in SPEC.parts if p.key == fact.part)
    name = f"第{_SECTION_NUMBERS[part.section]}部分“{part.title}”" if part.section else part.title
    text = report.sections.get(fact.part, "")
    index = text.count("\n", 0, fact.sentence_start)
    starts = (report.observed.get("paragraph_where") or {}).get(fact.part) or []
    line = starts[index] if index < len(starts) else ""
    if line:
        return f"{name}第{index + 1}段（{line}起）"
    cell = _text_cell(report, fact.part)
    return f"{cell} {name}第{index + 1}段" if cell else f"{name}第{index + 1}段"


def _text_cell(report: Report, part: str) -> str:
    """"正文!B8": the 正文 cell of a part, for a report read from a template workbook."""
    from ..load import WORKBOOK_SUFFIXES

    if not report.source or not report.source.lower().endswith(tuple(WORKBOOK_SUFFIXES)):
        return ""
    from ..template.layout import section_positions  # openpyxl: only once a finding needs it

    pos = section_positions().get(part)
    return f"{pos.sheet}!{pos.a1}" if pos is not None else ""


@dataclass
class Extraction:
    facts: list[Fact] = field(default_factory=list)

    def of(self, topic: str, *measures: str) -> list[Fact]:
        return [f for f in self.facts if f.topic == topic and (not measures or f.measure in measures)]


def _nearest(patterns: list[tuple[re.Pattern[str], str]], text: str) -> tuple[str, int, int] | None:
    """(label, end, start) of the pattern whose match ends last in `text` (longest on ties)."""
    best: tuple[int, int, str] | None = None
    for rx, label in patterns:
        for m in rx.finditer(text):
            key = (m.end(), m.end() - m.start(), label)
            if best is None or key[:2] > best[:2]:
                best = key
    return (best[2], best[0], best[0] - best[1]) if best else None


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _clause_start(sentence: str, pos: int) -> int:
    i = pos
    while i > 0 and sentence[i - 1] not in CLAUSE_MARK:
        i -= 1
    return i


def _paragraph_starts(text: str) -> set[int]:
    return {0} | {m.end() for m in re.finditer(r"\n", text)}


def extract_text(text: str, part: str) -> list[Fact]:
    facts: list[Fact] = []
    paragraph_topic = PART_TOPIC.get(part, "")
    last_topic = paragraph_topic
    new_paragraph = _paragraph_starts(text)
    for s0, s1 in _sentences(text):
        if s0 in new_paragraph or (s0 - 1) in new_paragraph:
            last_topic = paragraph_topic
        sentence = text[s0:s1]
        tokens = list(TOKEN.finditer(sentence))
        prev_end = 0
        sentence_topic = last_topic
        count_facts: list[int] = []  # indexes into facts of this sentence's count facts
        for idx, tok in enumerate(tokens):
            prev_tok_end = tokens[idx - 1].end() if idx else 0
            value = parse_number(tok.group("pct") or tok.group("num"))
            if value is None:
                continue
            if STRUCTURE_AFTER.match(sentence, tok.end()):
                prev_end = tok.end()
                continue  # "六个部分", "三个方面": the report's structure, not a count of cases
            prefix = sentence[: tok.start()]
            scope_hit = _nearest(_SCOPE_RE, prefix)
            topic_hit = _nearest(_TOPIC_RE, prefix)
            topic = topic_hit[0] if topic_hit else sentence_topic
            if topic_hit and topic == "suit" and JOINT_REVIEW_SUIT.search(prefix[: topic_hit[1]]):
                topic = "review_suit"  # "行政复议、行政诉讼案件 74 件": both together
            sentence_topic = topic or sentence_topic
            clause = sentence[max(_clause_start(sentence, tok.start()), prev_end) : tok.start()]
            unit = "%" if tok.group("pct") else tok.group("unit")
            measure, strict = "total", False
            if unit in ("%", "％"):
                rate = _nearest(RATE_WORDS, clause)
                measure = rate[0] if rate else "percent"
                if measure == SKIP:
                    prev_end = tok.end()
                    continue
                if measure == "share" and count_facts:
                    # "予以公开 3 件，占 30%": attach to the last count of the sentence.
                    i = count_facts[-1]
                    facts[i] = replace(facts[i], share=Decimal(str(value)))
            else:
                if unit == "起" and not tok.group("num")[0].isdigit():
                    continue  # "一起" means "together"
                ms = _MEASURE_RE.get("suit" if topic == "review_suit" else topic, [])
                hit = _nearest(ms, clause) if ms else None
                if hit is None and ms and topic != "proposal" and not SUBSET_WORDS.search(clause):
                    # A measure named earlier in the sentence, but only from the clause of this
                    # number's own topic word on ("复议 2 件，维持 1 件；诉讼 1 件" must not make
                    # 诉讼 "维持"; "新收政府信息公开申请，共计 5 件" is 新收) and
                    # after the previous number ("上年结转 2 件，共 52 件": 结转 is spent).
                    own = _clause_start(sentence, topic_hit[2]) if topic_hit else 0
                    since = max(own, prev_tok_end)
                    hit = _nearest(ms, prefix[since:])
                    if hit is not None:
                        hit = (hit[0], hit[1] + since - (len(prefix) - len(clause)), 0)
                if hit is not None and CHANGE_WORDS.search(clause[max(hit[1], 0) :]):
                    hit = (SKIP, hit[1], 0)
                if hit is None and ms and AFTER_MEASURE.match(sentence, tok.end()):
                    after = sentence[tok.end() : tok.end() + 40]
                    end = next((i for i, ch in enumerate(after) if ch in "，,；;。"), len(after))
                    first = [(m.start(), label) for rx, label in ms for m in [rx.search(after[:end])] if m]
                    if first:  # "1件属于“本机关不掌握相关政府信息”": the measure is named after it
                        hit = (min(first)[1], 0, 0)
                if hit and hit[0] == "class":
                    m_class = re.search(r"([A-D]{1,4})类\s*$", clause)
                    measure = f"class_{m_class.group(1)}" if m_class else SKIP
                elif hit and topic == "proposal" and re.search(r"人大|代表", clause) and re.search(r"政协|提案", clause):
                    measure = "total"  # "人大建议和政协提案共 29 件"
                elif hit:
                    measure = hit[0]
                strict = measure in ("new", "carry_in", "carry_out") or (
                    topic == "request" and measure in ("open", "partial", "open_partial", "deny", "unable", "noproc", "other")
                )
            if measure == SKIP:
                prev_end = tok.end()
                continue
            fact = Fact(
                topic=topic or "",
                measure=measure,
                value=value,
                unit=unit,
                part=part,
                start=s0 + tok.start(),
                end=s0 + tok.end(),
                sentence=sentence,
                context=clause,
                strict=strict,
                sentence_start=s0,
                scope=scope_hit[0] if scope_hit else "",
            )
            facts.append(fact)
            if not fact.is_percent:
                count_facts.append(len(facts) - 1)
            prev_end = tok.end()
        for rx, topic, measure in QUANTIFIED:
            for m in rx.finditer(sentence):
                facts.append(
                    Fact(
                        topic, measure, None, "", part, s0 + m.start(), s0 + m.end(), sentence,
                        quantifier=m.group(0), sentence_start=s0,
                    )
                )
        for m in ALL_UPHELD.finditer(sentence):
            before = sentence[: m.start()]
            for topic, rx in (("review", r"复议(?!后)"), ("suit", r"诉讼|起诉")):
                if re.search(rx, before):
                    facts.append(
                        Fact(
                            topic, "keep_all", None, "", part, s0 + m.start(), s0 + m.end(), sentence,
                            quantifier=m.group(0), sentence_start=s0,
                        )
                    )
        for m in NEGATION.finditer(sentence):
            what = "review" if "复议" in m.group("what") else "suit"
            whats = [what]
            rest = sentence[m.end() : m.end() + 16]
            if NEGATED_OUTCOME.match(rest):
                continue
            if what == "review" and re.match(r"^[和及与、或][^。；;，,]{0,6}?诉讼", rest):
                whats.append("suit")
            for w in whats:
                facts.append(
                    Fact(
                        w, "none", None, "", part, s0 + m.start(), s0 + m.end(), sentence,
                        quantifier=m.group(0), sentence_start=s0,
                    )
                )
        last_topic = sentence_topic
    return facts


def extract(report: Report) -> Extraction:
    """All facts of all narrative parts, in document order."""
    out = Extraction()
    for part in report.spec.parts:
        text = report.sections.get(part.key, "")
        if text:
            out.facts.extend(extract_text(text, part.key))
    return out


__all__ = ["Extraction", "Fact", "chinese_number", "extract", "extract_text", "parse_number"]
