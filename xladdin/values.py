"""Cell values: what a data cell may hold, and how raw input becomes one.

A value is an `int` (counts), a `Decimal` (万元 amounts, kept exactly, never a float), `None`
(blank) or a `str` holding raw text that is not a number ("/", "-", "无", "12件"…). Raw text is
kept, never turned into 0, so the checks can name it.

`ABSENT` is a cell the source never printed at all (a truncated page, a table or row left
out of a published report). It is not a blank: a printed blank is the report's own entry (a
T*-N finding), an absent cell is a hole in what we were given (one structure finding per
table, S7). A workbook never yields it: an empty input cell there is blank.

`Doubt` is a printed cell the *reader* could not settle (several readings fit the identities,
the digits do not match the row's cells, or OCR is unsure of a glyph). The doubt is the tool's,
never the agency's: it is not a number (no identity that involves it is evaluated, as with
absent cells), never a T*-N finding, and one 待核 finding per printed row (rule D1) names the
cells, the printed text and every candidate reading, for a person to settle.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class Absent:
    """The type of `ABSENT` (a single instance, kept single through pickling)."""

    _instance: Absent | None = None

    def __new__(cls) -> Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __reduce__(self) -> tuple:
        return (Absent, ())

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = Absent()
ABSENT_TEXT = "未印出"
DOUBT_TEXT = "待核"


@dataclass(frozen=True)
class Doubt:
    """A printed cell the reader could not settle (see the module's docstring)."""

    printed: str  # the printed text behind the cell (the row's text for glued digits), "" if none
    readings: tuple[int | Decimal, ...] = ()  # candidate values of this cell; () = none could be read
    why: str = ""  # Chinese: why it is in doubt ("有多种读法", "数字个数与格数对不上", "文字识别存疑")
    row: str = ""  # the printed row it belongs to (one D1 finding per row); falls back to the address
    row_readings: tuple[str, ...] = ()  # the row's joint readings, e.g. ("5,23,48", "52,3,48")

    def __bool__(self) -> bool:
        return False

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"printed": self.printed, "readings": [to_json(r) for r in self.readings]}
        if self.why:
            out["why"] = self.why
        if self.row:
            out["row"] = self.row
        if self.row_readings:
            out["row_readings"] = list(self.row_readings)
        return out

    @classmethod
    def from_dict(cls, data: dict, kind: str = "count") -> Doubt:
        readings = tuple(v for v in (parse_value(r, kind) for r in data.get("readings") or []) if is_number(v))
        return cls(
            printed=str(data.get("printed") or ""),
            readings=readings,  # type: ignore[arg-type]
            why=str(data.get("why") or ""),
            row=str(data.get("row") or ""),
            row_readings=tuple(str(r) for r in data.get("row_readings") or []),
        )


Value = int | Decimal | str | None | Absent | Doubt

_FULLWIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
# Thousands separators only where they group correctly: "1,234" and "12,345.6" are numbers,
# "1,0" and "12,34" are not (a typo or a decimal comma: kept as text, the check names it).
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$")
# No count or amount of a report has more digits than this (a quintillion applications): a
# longer number is kept as text and reported as not plausible, never made an int that a
# workbook cannot hold (floats end at 309 digits) or Python cannot print (4,300 digits).
MAX_DIGITS = 18
_BIG = 10**MAX_DIGITS
# Decimal digits of other scripts (Arabic-Indic ١٠, Devanagari १०, mathematical 𝟏𝟎…): read as
# 0-9 with a note that says so, as full-width digits are. Their script, for the note:
_SCRIPTS = {"ARABIC-INDIC": "阿拉伯-印度数字", "EXTENDED ARABIC-INDIC": "阿拉伯-印度数字（扩展）",
            "DEVANAGARI": "天城文数字", "MATHEMATICAL": "数学字母数字符号中的数字", "BENGALI": "孟加拉文数字",
            "THAI": "泰文数字", "FULLWIDTH": "全角数字"}
_OTHER_DIGIT = re.compile(r"[^\x00-\x7f０-９]")


def other_digits(text: str) -> str:
    """The digits of other scripts in `text` (not 0-9, not full-width), "" when there are none."""
    return "".join(ch for ch in _OTHER_DIGIT.findall(text) if unicodedata.decimal(ch, None) is not None)


def ascii_digits(text: str) -> str:
    """`text` with every decimal digit of another script written 0-9."""
    if not other_digits(text):
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch in other_digits(ch) else ch for ch in text)


def script_of(digits: str) -> str:
    """What kind of digits these are, in Chinese ("阿拉伯-印度数字")."""
    names = []
    for ch in dict.fromkeys(digits):
        name = unicodedata.name(ch, "")
        key = next((k for k in sorted(_SCRIPTS, key=len, reverse=True) if name.startswith(k)), "")
        names.append(_SCRIPTS.get(key, f"其他文字的数字（U+{ord(ch):04X}）"))
    return "、".join(dict.fromkeys(names))


def too_long(text: str) -> bool:
    """A number written with more than MAX_DIGITS digits before its decimal point."""
    whole = text.lstrip("+-").split(".")[0]
    return len(whole.lstrip("0")) > MAX_DIGITS
PLACEHOLDERS = {"/", "-", "—", "－", "／", "——", "无", "空", "——/"}


def parse_value(raw: object, kind: str = "count") -> Value:
    """Turn a raw cell content (from a workbook, a web table, a PDF) into a `Value`.

    Floats from a spreadsheet are converted through their shortest repr, so 268.29 stays
    Decimal("268.29"). Whole numbers in count cells become int; a fraction stays Decimal so
    the check can report it.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        if abs(raw) >= _BIG:
            return long_number_text(raw)
        return Decimal(raw) if kind == "amount" else raw
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return str(raw)
        if abs(raw) >= _BIG:
            return repr(raw)
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite() or abs(raw) >= _BIG:
            return format(raw, "f") if raw.is_finite() and raw.adjusted() < 4000 else str(raw)
        if kind == "count" and raw == raw.to_integral_value():
            return int(raw)
        return raw.normalize() if kind == "count" else raw
    text = ascii_digits(str(raw).strip().translate(_FULLWIDTH))
    if "," in text and _GROUPED.match(text):
        text = text.replace(",", "")
    if text == "":
        return None
    if not _NUMBER.match(text) or too_long(text):
        return str(raw).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - regex guards this
        return str(raw).strip()
    return parse_value(number, kind)


def normalised(raw: object, value: Value) -> str | None:
    """How reading `raw` as the number `value` changed its text ("千位分隔符", "全角数字"), in
    Chinese, for a note; None when the text was a plain number (or is no number)."""
    if not isinstance(raw, str) or not is_number(value):
        return None
    changes = []
    if "," in raw or "，" in raw:
        changes.append("千位分隔符")
    if raw.translate(_FULLWIDTH) != raw:
        changes.append("全角字符")
    others = other_digits(raw)
    if others:
        changes.append(f"非 0-9 的数字字符（{script_of(others)}）")
    if not changes:
        return None
    return f"原文“{raw.strip()}”含{'和'.join(changes)}，按 {format_value(value)} 读取"


def digit_count(number: int) -> int:
    """How many digits an int has (also past Python's int-to-text limit)."""
    try:
        return len(str(abs(number)))
    except ValueError:  # more than sys.get_int_max_str_digits() digits: from its bits
        return int(abs(number).bit_length() * 0.30102999566398120) + 1


def long_number_text(number: int) -> str:
    """An int too long to be a count, as text (also past Python's int-to-text limit)."""
    try:
        return str(number)
    except ValueError:
        return f"{'-' if number < 0 else ''}{digit_count(number)} 位数字"


def is_number(value: Value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def is_absent(value: object) -> bool:
    """A cell the source never printed (not a printed blank)."""
    return value is ABSENT


def is_doubt(value: object) -> bool:
    """A printed cell the reader could not settle (待核): not the agency's entry."""
    return isinstance(value, Doubt)


def is_unsettled(value: object) -> bool:
    """Absent or in doubt: what the source gave us is not the report's own value, so no rule
    judges the agency on it."""
    return value is ABSENT or isinstance(value, Doubt)


def problem(value: Value, kind: str) -> str | None:
    """Why `value` is not acceptable for a cell of `kind`, in Chinese; None when it is."""
    if value is None:
        return "空白"
    if value is ABSENT:
        return f"{ABSENT_TEXT}（原文没有此格）"
    if isinstance(value, Doubt):
        return f"{DOUBT_TEXT}（{value.why or '原文不能唯一读出'}）"
    if isinstance(value, str):
        if value in PLACEHOLDERS:
            return f"“{value}”"
        digits = value.strip().lstrip("+-").translate(_FULLWIDTH).replace(",", "")
        if digits.replace(".", "", 1).isascii() and digits.replace(".", "", 1).isdigit() and too_long(digits):
            return f"位数过多的数字“{shorten(value)}”（{len(digits.split('.')[0])} 位），不是合理的数值"
        if is_number(parse_value(value, kind)):  # a workbook cell holding "3" as text
            return f"文本格式的数字“{value}”（Excel 求和时不计入，请改为数值）"
        return f"文字“{value}”"
    if value < 0:
        return f"负数 {format_value(value)}"
    if kind == "count" and isinstance(value, Decimal) and value != value.to_integral_value():
        return f"小数 {format_value(value)}"
    return None


def shorten(text: str, keep: int = 12) -> str:
    """Long text cut for a message: "99999999999…（共 400 字）"."""
    text = text.strip()
    return text if len(text) <= 2 * keep else f"{text[:keep]}…（共 {len(text)} 字）"


def format_value(value: Value) -> str:
    """How a value is shown to users: integers plainly, decimals as written."""
    if value is None:
        return "空白"
    if value is ABSENT:
        return ABSENT_TEXT
    if isinstance(value, Doubt):
        return DOUBT_TEXT
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_json(value: Value) -> int | str | None:
    """JSON form: int for counts, a decimal string for amounts, None for blank, text, absent or
    in doubt (Report.to_dict lists text under "invalid", absent cells under "absent" and cells
    in doubt under "doubt")."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return value
    return None
