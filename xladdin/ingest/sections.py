"""The document's outline: title, preface, the six sections (by their titles, tolerating
variants), section 一's five parts, the signature; and the metadata printed in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..spec import SPEC
from .labels import norm
from .lines import Line, is_page_number

_CN = "一二三四五六七八九十"
_HEADING = re.compile(r"^(?:第([一二三四五六])部分[、:：.\s]*|([一二三四五六])\s*[、.．]\s*)(.{2,60})$")
_SUFFIX = re.compile(r"\s*[（(]\s*文字描述.*$")
# heuristics: one of these words must appear in a heading of that section (besides the number)
_KEYWORDS = {
    "s1": ("总体",),
    "s2": ("主动公开",),
    "s3": ("申请",),
    "s4": ("复议", "诉讼"),
    "s5": ("问题",),
    "s6": ("其他", "事项"),
}
# Words that name a part plainly enough to know it under another number (two parts swapped)
SIGNATURE = {
    "s1": ("总体情况",),
    "s2": ("主动公开政府信息",),
    "s3": ("收到", "处理", "申请"),
    "s4": ("复议", "诉讼"),
    "s5": ("问题", "改进"),
    "s6": ("其他", "事项"),
}
# A part on fees printed as a section of its own ("五、信息处理费收取情况"): the format has it
# reported in 第六部分, so that is the part it stands for (S1 says how it was printed).
_FEE_WORDS = r"(?:政府信息公开)?(?:收取)?(?:信息)?处理费(?:的)?(?:收取|收缴)?(?:情况|事项)|收费情况"
FEE_HEADING = re.compile(f"^(?:{_FEE_WORDS})$")
FEE_PREFIX = re.compile(f"^(?:{_FEE_WORDS})")
TERMINAL = tuple("。！？；!?;")
_MARKERS = (
    ("paren", re.compile(r"^[（(]([一二三四五六七八九十]{1,2})[）)]")),
    ("cn", re.compile(r"^([一二三四五六七八九十]{1,2})[、.．]")),
    ("digit", re.compile(r"^(\d{1,2})[.、．](?!\d)")),
    ("paren_digit", re.compile(r"^[（(](\d{1,2})[）)]")),
)
_PART_WORDS = (  # first match wins: 监督管理 is oversight, not management
    ("s1.active", ("主动公开",)),
    ("s1.request", ("依申请", "公开申请")),
    ("s1.oversight", ("监督", "保障", "考核")),
    ("s1.platform", ("平台",)),
    ("s1.management", ("信息管理", "管理")),
)
# 第五部分 whose heading was lost (PDF extraction): after 第四部分, a paragraph "（一）主要问题" /
# "（一）2024 年工作中存在问题的改进情况" can only open 第五部分; the heading stays missing (S1).
_S5_OPENING = re.compile(r"^[（(]一[）)][^。，,；;]{0,30}?(?:问题|改进)[^。，,；;]{0,12}$")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$|^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_PUBLISHED = re.compile(r"(?:发布|公开)(?:日期|时间)\s*[:：]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9.\-_/%?=&#:~]+")


def _num(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN.index(text[1]) + 1
    return _CN.index(text[0]) + 1


@dataclass
class Outline:
    title: str = ""
    title_where: str = ""
    preface: list[Line] = field(default_factory=list)
    sections: dict[str, list[Line]] = field(default_factory=dict)  # s1..s6 -> lines after heading
    headings: list[dict[str, str]] = field(default_factory=list)
    signature: str = ""
    signature_date: str = ""  # ISO
    signature_where: str = ""
    page_date: str = ""  # "发布日期：…" printed above the title on a web page: the publication date
    title_date: str = ""  # "(2026年1月23日)" printed under the title
    implied: dict[str, str] = field(default_factory=dict)  # section -> where its text starts, heading lost


def heading_of(line: Line) -> tuple[str, str] | None:
    """(section key, heading text) when the line is one of the six section headings."""
    if line.cells is not None and sum(1 for c in line.cells if c) > 1:
        return None
    text = line.text.lstrip("#").strip()
    m = _HEADING.match(text)
    if not m:
        return None
    key = heading_key(m.group(1) or m.group(2), m.group(3))
    return (key, text) if key else None


def heading_number(text: str) -> int:
    """The number a heading is printed with (五、… -> 5), 0 when none."""
    m = _HEADING.match(text.lstrip("#").strip())
    return _num(m.group(1) or m.group(2)) if m else 0


def heading_key(number: str, printed: str) -> str | None:
    """The section a printed heading "number、printed" stands for: by its words (a heading printed
    under another number, as when two parts are swapped, is known by its words), by its number
    where the words are a variant; None when it is no section heading."""
    body = _SUFFIX.sub("", printed).strip()
    if any(p in body for p in "。，；") or len(body) > 40:
        return None
    nb = norm(body)
    if FEE_HEADING.match(nb):
        return "s6"
    best, best_score = None, 0.0
    for sec in SPEC.sections:
        r = SequenceMatcher(None, nb, norm(sec.heading), autojunk=False).ratio()
        keyword = any(k in nb for k in _KEYWORDS[sec.key])
        if sec.number == number and keyword:
            r = max(r, 0.8)
        elif sec.number != number and not (r >= 0.9 or (r >= 0.6 and all(w in nb for w in SIGNATURE[sec.key]))):
            r = 0.0  # under another number only when the words say so plainly
        if r > best_score:
            best, best_score = sec.key, r
    if best is None or best_score < 0.6:
        return None
    return best


class HeadingOrder:
    """Which headings may still come: each part once; in the template's order, or against it (two
    parts swapped) when the printed numbers run on in sequence, so that a numbered item inside a
    part ("五、…" in a list of 第六部分) is not taken for a heading."""

    ORDER = tuple(s.key for s in SPEC.sections)

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.last = 0  # template position of the furthest part taken
        self.number = 0  # the number the last heading was printed with

    def unseen(self) -> list[str]:
        return [k for k in self.ORDER if k not in self.seen]

    def allows(self, key: str, number: int) -> bool:
        if key in self.seen:
            return False
        return self.ORDER.index(key) + 1 > self.last or (number > 0 and number == self.number + 1)

    def take(self, key: str, number: int) -> None:
        self.seen.add(key)
        self.last = max(self.last, self.ORDER.index(key) + 1)
        self.number = number or self.number


def outline(lines: list[Line]) -> Outline:
    out = Outline()
    body = [ln for ln in lines if not is_page_number(ln.text)]
    # title: the last line naming the report before the first section heading (web pages put
    # menus and breadcrumbs first), with the agency line just above it when printed apart
    first_heading = next((j for j, ln in enumerate(body) if heading_of(ln) is not None), len(body))
    content = [j for j, ln in enumerate(body[:first_heading]) if ln.text and not _annotation(ln.text)]
    titles = [j for j in content if _title_like(body[j].text)]
    titles = [j for j in titles if "年度报告" in body[j].text] or titles
    titles = [j for j in titles if re.search(r"\d{4}\s*年", body[j].text)] or titles
    titles = [j for j in titles if sum(1 for c in body[j].cells or (body[j].text,) if c) == 1] or titles
    i = content[0] if content else 0
    published = next((m for m in (_PUBLISHED.search(body[x].text) for x in content) if m), None)
    if published:
        out.page_date = _iso(published.group(1), published.group(2), published.group(3))
    if titles:
        j = titles[0] if titles[0] in content[:5] else titles[-1]
        k = content.index(j)
        parts = [clean_title(body[j].text)]
        first = j
        prev = clean_title(body[content[k - 1]].text) if k > 0 else ""
        incomplete = re.match(r"^\d{4}", parts[0]) or not re.search(r"\d{4}", parts[0])
        if prev and incomplete and len(prev) <= 40 and not re.search(r"[。，,；：:>›»|/]", prev):
            parts.insert(0, prev)  # title printed over two lines
            first = content[k - 1]
        out.title = re.sub(r"(?<=\d)\s+(?=年)", "", "".join(parts))
        out.title_where = body[first].where
        i = j + 1
    current: list[Line] = out.preface
    order = HeadingOrder()
    for n, ln in enumerate(body[i:], i):
        h = heading_of(ln)
        if h is not None and order.allows(h[0], heading_number(h[1])):
            key, text = h
            order.take(key, heading_number(text))
            out.headings.append({"section": key, "text": text, "where": ln.where})
            current = out.sections.setdefault(key, [])
            continue
        if order.last == 4 and ln.cells is None and _S5_OPENING.match(ln.text.lstrip("#").strip()):
            if not any((heading_of(x) or ("",))[0] == "s5" for x in body[n + 1 :]):
                order.take("s5", 0)
                out.implied["s5"] = ln.where
                current = out.sections.setdefault("s5", [])
        if current is out.preface and _chrome(ln.text, start=not out.preface):
            continue
        if current is out.preface and not out.preface and out.title and _under_title(ln.text, out):
            continue
        current.append(ln)
    _signature(out, current)
    return out


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


_TITLE_PREFIX = re.compile(r"^\s*#*\s*(?:标题|题目|文章标题|title)\s*[:：]\s*", re.IGNORECASE)


def clean_title(text: str) -> str:
    """A title line without Markdown marks and a crawler's "标题:" label."""
    return _TITLE_PREFIX.sub("", text.lstrip("#").strip()).strip()


def _title_like(text: str) -> bool:
    """A line that names the report: "…年度报告", or a garbled or shortened form of it
    ("…政府信息公开工作告年度报", "…政府信息公开年报") — not a sentence, a menu or a breadcrumb."""
    if len(text) > 80 or re.search(r"[。>›»|]", text):
        return False
    t = re.sub(r"\s+", "", text)
    if "年度报告" in t:
        return True
    return "信息公开" in t and "报" in t and bool(re.search(r"\d{4}年", t)) and len(t) <= 60


_CHROME = re.compile(r"发布(?:日期|时间)|浏览次数|访问量|字号|来源[:：]|索引号|【打印】|打印本页|关闭窗口|分享到")
# A crawler's record of the page, printed before the text: "文号:", "栏目: …", "原文链接: …",
# a banner "==== 正文 ====", a pointer to files kept beside it.
_CRAWLER = re.compile(
    r"^(?:标题|文号|发布机构|发文机关|栏目|所属栏目|原文链接|原文地址|链接|本地目录|主题分类|索引号|来源|作者)\s*[:：]"
    r"|^[=＝\-—*#~_]{3,}\s*\S{0,10}\s*[=＝\-—*#~_]{3,}$|^页面链接与图片详见|^附件链接|links\.tsv"
)


def _chrome(text: str, start: bool = False) -> bool:
    """Web page furniture printed between the title and the preface (and a crawler's banners
    anywhere in the preface); `start`: nothing of the preface has been taken yet."""
    t = text.strip()
    if len(t) <= 80 and "。" not in t and bool(_CHROME.search(t)):
        return True
    if _CRAWLER.search(t) and len(t) <= 200 and (start or not re.search(r"[。，；]", t)):
        return True
    return False


def _under_title(text: str, out: Outline) -> bool:
    """The agency name or "(2026年1月23日)" printed under the title, before the preface."""
    t = re.sub(r"\s+", "", text).strip("()（）")
    m = _DATE.match(t)
    if m:
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        out.title_date = out.title_date or _iso(y, mo, d)
        return True
    return len(t) <= 30 and not re.search(r"[。，,；：:]", t) and t in re.sub(r"\s+", "", out.title)


def _annotation(text: str) -> bool:
    t = text.strip()
    return (t.startswith("[") and t.endswith("]")) or bool(re.match(r"^(https?://|www\.|github\.com)\S*", t))


def _signature(out: Outline, tail: list[Line]) -> None:
    """Remove the closing agency name and date from the last part and record them."""
    while tail and not tail[-1].text:
        tail.pop()
    if not tail:
        return
    # the date may be followed by page furniture (footer links): short lines without a sentence
    texts = [ln for ln in tail[-6:] if ln.text]
    dated = [ln for ln in texts if _DATE.match(re.sub(r"\s+", "", ln.text))]
    if not dated:
        _glued_signature(out, tail)
        return
    after = texts[texts.index(dated[-1]) + 1 :]
    if any(len(ln.text) > 40 or "。" in ln.text for ln in after):
        return
    while tail[-1] is not dated[-1]:
        tail.pop()
    m = _DATE.match(re.sub(r"\s+", "", tail[-1].text))
    if not m:
        return
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    out.signature_date = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    out.signature_where = tail[-1].where
    tail.pop()
    while tail and not tail[-1].text:
        tail.pop()
    if tail and len(tail[-1].text) <= 40 and not tail[-1].text.endswith(TERMINAL) and "，" not in tail[-1].text:
        out.signature = tail[-1].text.strip()
        tail.pop()


_SIGNED = re.compile(
    r"(?:(?<=[。！？；!?;）)])|^)\s*([^。！？；!?;，,：:\d]{2,40}?)\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$"
)


def _glued_signature(out: Outline, tail: list[Line]) -> None:
    """The agency and date closing a text that lost its line breaks ("…工作基础。 某某局2026年1
    月20日"): cut from the last line and recorded as the sign-off."""
    last = tail[-1]
    if last.cells is not None:
        return
    m = _SIGNED.search(last.text)
    if not m:
        return
    out.signature = m.group(1).strip()
    out.signature_date = _iso(m.group(2), m.group(3), m.group(4))
    out.signature_where = last.where
    rest = last.text[: m.start(1)].rstrip()
    if rest:
        tail[-1] = Line(rest, last.where, None, last.page, last.wrapped)
    else:
        tail.pop()


# --------------------------------------------------------------------------- paragraphs

def starts_with_marker(text: str) -> bool:
    return any(rx.match(text) for _, rx in _MARKERS)


def paragraphs(lines: list[Line]) -> list[tuple[str, str]]:
    """(paragraph text, where of its first line): hard-wrapped lines joined (PDF, pasted text).
    PDF lines know whether they ran to the right margin; other text is judged by punctuation."""
    out: list[tuple[str, str]] = []
    buf, where = "", ""
    last: Line | None = None
    full = _typical_width(lines)
    for ln in lines:
        t = ln.text.strip()
        if not t or is_page_number(t):
            continue
        t = t.lstrip("#").strip() if t.startswith("#") else t
        if ln.page is not None:
            t = _CJK_SPACE.sub("", t)
        if buf and last is not None:
            if last.wrapped is not None:
                short = len(last.text) < 20 or buf.endswith(TERMINAL) or _heading_like(buf)
                end = starts_with_marker(t) or (not last.wrapped and short)
            else:
                # a short line ends its paragraph, unless it is about as wide as the text's lines
                # (hard-wrapped text whose lines are ~25 characters: "…指南并标" / "注更新日期，…")
                short = len(last.text) < 26 and not (full and _width(last.text.strip()) >= 0.8 * full)
                end = buf.endswith(TERMINAL) or starts_with_marker(t) or short or _heading_like(buf)
            if end:
                out.append((buf, where))
                buf = ""
        if not buf:
            buf, where = t, ln.where
        else:
            sep = " " if (buf[-1].isascii() and buf[-1].isalnum() and t[0].isascii() and t[0].isalnum()) else ""
            buf += sep + t
        last = ln
    if buf:
        out.append((buf, where))
    return out


_CJK_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _width(text: str) -> int:
    """Printed width: CJK and full-width characters count 2."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def _typical_width(lines: list[Line]) -> int:
    """The width hard-wrapped lines run to (0 when the text does not look hard-wrapped)."""
    widths = sorted(_width(ln.text.strip()) for ln in lines if ln.cells is None and ln.text.strip())
    if len(widths) < 8:
        return 0
    top = widths[int(len(widths) * 0.9)]
    near = sum(1 for w in widths if w >= 0.8 * top)
    return top if near >= len(widths) / 2 and top <= 100 else 0


def _heading_like(text: str) -> bool:
    return starts_with_marker(text) and len(text) <= 25 and "。" not in text


def split_s1(paras: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Section 一 into intro + five parts where the report numbers them; else all intro."""
    parts: dict[str, list[str]] = {p.key: [] for p in SPEC.parts if p.section == "s1"}
    best: list[int] = []
    for _, rx in _MARKERS:
        hits, expect = [], 1
        for i, (t, _) in enumerate(paras):
            m = rx.match(t)
            if m and _num(m.group(1)) == expect:
                hits.append(i)
                expect += 1
        if len(hits) > len(best):
            best = hits
    by_words = False
    if len(best) < 2:
        # "一、总体情况" went on with "二、工作机制保障 … 六、政府信息公开平台建设" (Shanghai style): the
        # parts continue the section numbering; taken only when every such heading names a part
        cont = _continued_parts(paras)
        if not cont:
            parts["s1.intro"] = [t for t, _ in paras]
            return parts
        best, by_words = cont, True
    keys = [p.key for p in SPEC.parts if p.section == "s1" and p.key != "s1.intro"]
    parts["s1.intro"] = [t for t, _ in paras[: best[0]]]
    bounds = best + [len(paras)]
    current = "s1.intro"
    for n, start in enumerate(best):
        text = paras[start][0]
        head = text[:30]
        if len(best) == len(keys) and not by_words:
            current = keys[n]
        else:
            current = _part_of(head) or current
        parts[current] += [t for t, _ in paras[start : bounds[n + 1]]]
    return parts


def _part_of(head: str) -> str | None:
    return next((k for k, words in _PART_WORDS if any(w in head for w in words)), None)


def _continued_parts(paras: list[tuple[str, str]]) -> list[int]:
    """Paragraphs "二、…" "三、…" (short headings, in sequence from 二) that each name a part."""
    hits, expect = [], 2
    rx = dict(_MARKERS)["cn"]
    for i, (t, _) in enumerate(paras):
        m = rx.match(t)
        if m and _num(m.group(1)) == expect and _heading_like(t):
            if _part_of(t[:30]) is None:
                return []
            hits.append(i)
            expect += 1
    return hits if len(hits) >= 3 else []


# --------------------------------------------------------------------------- metadata

def _tidy(text: str) -> str:
    """Metadata value without the spaces PDF text puts between CJK and digits."""
    t = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\d\u4e00-\u9fff])|(?<=\d)\s+(?=[\u4e00-\u9fff])", "", text)
    return t.strip(" ，,。；;：:（）()<>")


_BANNER_END = re.compile(r".*[>›»|｜_]")  # a breadcrumb or "site | page" separator: the name is after it
_LEADING_DATE = re.compile(r"^[（(]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?[）)]?")
_TRAILING_DATE = re.compile(r"[（(]?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?[）)]?$")


def clean_agency(name: str) -> str:
    """An agency name as printed, without what a crawler or a web page put around it: a
    "标题:" label, a site banner or breadcrumb before it, a date before or after it."""
    t = clean_title(name.strip())
    t = _LEADING_DATE.sub("", t).strip()
    t = _TRAILING_DATE.sub("", t).strip()
    m = _BANNER_END.match(t)
    if m and len(t) - m.end() >= 4:
        t = t[m.end() :]
    return _tidy(t)


def title_parts(title: str) -> tuple[str, int | None]:
    """(agency, year) from a title such as 威海市人力资源和社会保障局2024年政府信息公开工作年度报告."""
    t = re.sub(r"\s+", "", clean_title(title))
    t = _LEADING_DATE.sub("", t)
    m = re.search(r"((?:19|20)\d{2})年(?:度)?", t)
    if not m:
        return clean_agency(re.split(r"政府信息公开|信息公开", t)[0]), None
    agency = clean_agency(t[: m.start()])
    if not agency:  # "2025年上海市人民政府办公厅政府信息公开工作年度报告"
        agency = clean_agency(re.split(r"政府信息公开|信息公开", t[m.end() :])[0])
    return agency, int(m.group(1))


def contacts(text: str, agency: str) -> dict[str, str]:
    """Address, phone, website and office from the preface (or the whole text)."""
    out = {"contact_address": "", "contact_phone": "", "website": "", "office": ""}
    m = re.search(r"(?:联系)?地址[:：]\s*([^，,；;）)\n]+)", text)
    if m:
        out["contact_address"] = _tidy(m.group(1))
    m = re.search(r"(?:联系|咨询)?电话[:：]\s*([0-9０-９\-—－–()（） ]{6,})", text)
    if m:
        phone = re.sub(r"[—－–]", "-", m.group(1)).strip()
        out["contact_phone"] = re.sub(r"\s+", "", phone).strip("()（）")
    urls = [(u.start(), u.group(0).rstrip(".>)")) for u in _URL.finditer(text)]
    if urls:
        own = [u for pos, u in urls if agency and agency in text[max(0, pos - 40) : pos]]
        out["website"] = (own or [urls[0][1]])[0]
    m = re.search(r"请与([^，,。；]{2,40}?)联系", text)
    if m and agency and m.group(1).startswith(agency):
        out["office"] = m.group(1)[len(agency) :].strip()
    elif m is None:
        m = re.search(r"由" + re.escape(agency) + r"([^，,。；]{2,10}?(?:办公室|办公厅|科|处|股))", text) if agency else None
        if m:
            out["office"] = m.group(1)
    return out
