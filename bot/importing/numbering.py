"""Outline numbering: recognise the markers plans number their parts with, at any level.

Chinese plans number their outline with a handful of styles in any nesting order: 第一部分 /
第一章, 一、, （一）, 1. / 1、, （1）, ①, 第一条, and bare row numbers in tables. A marker is
the style (which level family it belongs to) plus its value; which level a style is in one
document is decided by the outline reader from the order styles appear in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
CN = "〇零一二三四五六七八九十百两"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
PAREN_DIGITS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
PAREN_CN = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"


def chinese_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; None for anything else."""
    if not text or any(char not in CN for char in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[char] if current else _CN_DIGITS[char]
    value = total + current
    return value or None


class Style:
    """Marker styles; each is one family of numbering (its level is per document)."""

    PART = "part"  # 第一部分 / 第一章 / 第一篇
    SECTION = "section"  # 第一节
    CN = "cn"  # 一、
    PAREN_CN = "paren_cn"  # （一） (一) 一）
    ARABIC = "arabic"  # 1. 1、 1．
    PAREN_ARABIC = "paren_arabic"  # （1） (1) 1）
    CIRCLED = "circled"  # ①
    ARTICLE = "article"  # 第一条
    POINT = "point"  # 一是 / 二是 starting a paragraph
    BARE = "bare"  # a table's row number on a line of its own


@dataclass(frozen=True, slots=True)
class Marker:
    """A numbering marker found in text: style, value, the label as printed, and its span."""

    style: str
    value: int
    label: str
    start: int
    end: int
    digit_follows: bool = False  # "12.4宪法日", "25.2024年前": a number only if expected

    @property
    def number(self) -> str:
        """The number an item keeps: digits as printed, Chinese numerals as printed."""
        label = self.label.strip("（）()、.．:：,， ")
        if self.style in {Style.PART, Style.SECTION, Style.ARTICLE}:
            return label.removeprefix("第")[:-1] if label.startswith("第") else label
        if self.style == Style.CIRCLED:
            return str(self.value)
        return label


_NUM = r"\d{1,5}"
_CNNUM = rf"[{CN}]{{1,4}}"
# Each pattern matches a marker at a position; group "v" is the value text.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (Style.PART, re.compile(rf"第(?P<v>{_CNNUM}|{_NUM})(?:部分|章|篇)")),
    (Style.SECTION, re.compile(rf"第(?P<v>{_CNNUM}|{_NUM})节")),
    (Style.ARTICLE, re.compile(rf"第(?P<v>{_CNNUM}|{_NUM})条")),
    (Style.PAREN_CN, re.compile(rf"[（(]\s*(?P<v>{_CNNUM})\s*[）)]|(?P<w>[{PAREN_CN}])")),
    (Style.PAREN_ARABIC, re.compile(rf"[（(]\s*(?P<v>{_NUM})\s*[）)]|(?P<w>[{PAREN_DIGITS}])")),
    (Style.CIRCLED, re.compile(rf"(?P<w>[{CIRCLED}])")),
    (Style.CN, re.compile(rf"(?P<v>{_CNNUM})\s*(?:、|[.．](?!\d))")),
    (Style.POINT, re.compile(rf"(?P<v>{_CNNUM})是(?=[\u4e00-\u9fff“《])")),
    (Style.PAREN_ARABIC, re.compile(rf"(?P<v>{_NUM})\s*[）)]")),
    (Style.PAREN_CN, re.compile(rf"(?P<v>{_CNNUM})\s*[）)]")),
    (Style.ARABIC, re.compile(rf"(?P<v>{_NUM})\s*[、.．]")),
)


def _value(style: str, match: re.Match[str]) -> int | None:
    wide = match.groupdict().get("w")
    if wide:
        for table in (CIRCLED, PAREN_DIGITS, PAREN_CN):
            if wide in table:
                return table.index(wide) + 1
        return None
    text = match.group("v")
    return int(text) if text.isdigit() else chinese_value(text)


def marker_at(text: str, position: int = 0) -> Marker | None:
    """The marker that starts exactly at `position` of `text`, if any."""
    for style, pattern in _PATTERNS:
        match = pattern.match(text, position)
        if match is None:
            continue
        value = _value(style, match)
        if value is None:
            continue
        end = match.end()
        while end < len(text) and text[end] == " ":
            end += 1
        # "12.4宪法日", "1.5万": a digit right after "N." may be a decimal, not a number
        digit = style == Style.ARABIC and end < len(text) and text[end].isdigit()
        return Marker(style, value, match.group(0), position, end, digit)
    return None


_BARE = re.compile(rf"^\s*({_NUM})\s*[.、．]?\s*$")


def bare_number(text: str) -> int | None:
    """A line that is nothing but a number ("12", "12."): a table's row number, or noise."""
    match = _BARE.match(text)
    return int(match.group(1)) if match else None


# Where a marker may start inside a line: after a sentence's end, a closing bracket or a
# colon, or after a space (a lost line break).
_INLINE_BEFORE = set('。；;！？!?）)」』】〕”"：: ')
_INLINE_START = re.compile(rf"第|[（(]|[{CN}{CIRCLED}{PAREN_DIGITS}{PAREN_CN}]|\d")


def inline_markers(text: str, start: int = 1, *, anywhere: bool = False) -> list[Marker]:
    """Candidate markers inside a line (not at its start), each after a sentence boundary.

    Whether a candidate really starts a new part is for the outline reader to decide: only
    one that continues a count already running is taken. `anywhere` drops the boundary
    condition, for text whose line breaks and punctuation were lost together.
    """
    found: list[Marker] = []
    for match in _INLINE_START.finditer(text, max(1, start)):
        position = match.start()
        before = text[position - 1]
        if before.isdigit() or before in "第.．" or before.isascii() and before.isalpha():
            continue
        if before not in _INLINE_BEFORE and not anywhere:
            continue
        if before == " " and position >= 2 and text[position - 2].isdigit():
            continue
        marker = marker_at(text, position)
        if marker is not None and marker.end < len(text) and marker.style != Style.POINT:
            found.append(marker)
    return found
