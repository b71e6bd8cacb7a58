"""Where a line may break inside a table label or a URL (HTML export).

A browser breaks Chinese between any two characters, so a narrow header cell printed
"社会公益组/织". Labels are cut into words (jieba, dictionary only) and the page marks the places
between words with <wbr> under `word-break: keep-all`: "社会公益/组织", "（三）不予/公开".
A word of one character is glued to its neighbour so it never stands alone on a line.
URLs break only after "/" or ".".
"""

from __future__ import annotations

import logging
import re
from functools import cache
from html import escape

WBR = "<wbr>"
_URL = re.compile(r"https?://[\w\-.~:/?#\[\]@!$&'()*+,;=%]+", re.ASCII)


def _ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


@cache
def _segmenter():
    import jieba  # imported on first use: loading its dictionary takes a second

    jieba.setLogLevel(logging.CRITICAL)  # its progress and cache messages are not ours to print
    return jieba


def _single(word: str) -> bool:
    return len(word) == 1 and _ideograph(word)


_NUMERALS = set("第零一二三四五六七八九十百千万")


def _splittable(token: str) -> bool:
    """All Chinese and no numeral ("第二十条" stays whole)."""
    return all(_ideograph(ch) and ch not in _NUMERALS for ch in token)


def _tokens(label: str) -> list[str]:
    """jieba's words, a word of four or more characters split where both halves are words
    ("科研机构" -> "科研", "机构"), so that a narrow column can break it."""
    jieba = _segmenter()
    out: list[str] = []
    for token in jieba.cut(label, HMM=False):
        halves = [
            (token[:i], token[i:])
            for i in range(2, len(token) - 1)
            if _splittable(token) and jieba.dt.FREQ.get(token[:i]) and jieba.dt.FREQ.get(token[i:])
        ]
        out += halves[0] if halves else [token]
    return out


@cache
def words(label: str) -> tuple[str, ...]:
    """The label cut into words; a one-character word joins the Chinese word before it, or,
    with none before it, the word after it."""
    out: list[str] = []
    pending = False  # the last word is one character waiting for the next
    for token in _tokens(label):
        if out and (pending or _single(token) and _ideograph(out[-1][-1])):
            out[-1] += token
            pending = False
        else:
            out.append(token)
            pending = _single(token)
    return tuple(out)


def label_html(label: str) -> str:
    """The escaped label with <wbr> between words where both sides are Chinese characters
    (next to punctuation the browser's own rules already allow or forbid a break)."""
    parts = words(label)
    out = [escape(parts[0])] if parts else []
    for before, word in zip(parts, parts[1:], strict=False):
        if _ideograph(before[-1]) and _ideograph(word[0]):
            out.append(WBR)
        out.append(escape(word))
    return "".join(out)


def _url_html(url: str) -> str:
    return re.sub(r"(?<=[/.])(?=[^/.])", WBR, escape(url))


def text_html(text: str) -> str:
    """Escaped running text whose URLs may break only after "/" or "."."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out += [escape(text[last : match.start()]), _url_html(match.group())]
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
