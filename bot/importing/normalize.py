"""Text normalisation: one spelling for punctuation width and whitespace.

Documents mix half- and full-width punctuation and sprinkle spaces (ASCII, ideographic,
non-breaking) anywhere; everything downstream compares normalised text, so a change of width or
spacing can never change what an item says.
"""

from __future__ import annotations

import re

# Half-width punctuation that has a customary full-width form in Chinese text.
_TO_FULL = str.maketrans(
    {
        "(": "（",
        ")": "）",
        ";": "；",
        "!": "！",
        "?": "？",
        "､": "、",
        "｡": "。",
        "．": ".",
        "％": "%",
        "＋": "+",
        "－": "-",
        "／": "/",
        "＜": "<",
        "＞": ">",
        "［": "[",
        "］": "]",
        "＂": '"',
        "＇": "'",
        "～": "~",
        "＝": "=",
        "＃": "#",
        "＆": "&",
        "＊": "*",
        "＠": "@",
        "＿": "_",
        "｜": "|",
    }
)
# Full-width digits and Latin letters become ASCII (NFKC would also flip the brackets, which
# we want the other way round).
_FULL_ALNUM = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_FULL_ALNUM.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_FULL_ALNUM.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})

_SPACES = re.compile(r"[\s\u3000\u00a0\u2000-\u200b\u202f\u205f\ufeff]+")
# Commas and colons inside Latin/number tokens are their syntax ("1,000", "14:41",
# "http://"); elsewhere they are Chinese punctuation typed half-width.
_COMMA = re.compile(r"(?<![0-9A-Za-z]),|,(?![0-9A-Za-z])")
_COLON = re.compile(r"(?<![0-9A-Za-z]):|:(?![0-9A-Za-z/])")
_WIDE = (
    "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\u2022"
)
_SPACE_NEAR_WIDE = re.compile(rf"(?<=[{_WIDE}]) | (?=[{_WIDE}])")


def normalize_line(text: str) -> str:
    """Unify punctuation width and collapse whitespace runs to one space, keeping them.

    Spaces are kept because in a list of unit names a space can be the only separator.
    """
    text = text.translate(_FULL_ALNUM).translate(_TO_FULL)
    text = _COMMA.sub("，", text)
    text = _COLON.sub("：", text)
    return _SPACES.sub(" ", text).strip()


def tighten(text: str) -> str:
    """Drop spaces that touch Chinese characters or full-width punctuation.

    Chinese running text has no word spaces, so such spaces are layout noise; spaces between
    two Latin words or numbers stay.
    """
    return _SPACE_NEAR_WIDE.sub("", normalize_line(text))


def join_continuation(head: str, tail: str) -> str:
    """Join a paragraph broken across lines: no space unless both sides are Latin/digits."""
    if head and tail and head[-1].isascii() and tail[0].isascii() and head[-1] != " ":
        return f"{head} {tail}"
    return head + tail
