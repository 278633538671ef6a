"""Character-for-character normalisation of duty text.

Real documents mix full- and half-width digits and punctuation. Every mapping here is one
character to one character, so an offset found in the normalised text is the same offset in
the original, and a rule's phrase can always be cut from the user's own words.
"""

from __future__ import annotations

_PAIRS = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},  # ０-９
    "（": "(",
    "）": ")",
    "：": ":",
    "．": ".",
    "•": "·",
    "・": "·",
    "‧": "·",
    "—": "-",
    "–": "-",
    "－": "-",
    "~": "-",
    "～": "-",
    "〔": "[",
    "［": "[",
    "【": "[",
    "〕": "]",
    "］": "]",
    "】": "]",
    "〈": "<",
    "〉": ">",
    "＜": "<",
    "＞": ">",
    "\u3000": " ",
    "\u00a0": " ",
    "；": ";",
    "，": ",",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
}
_TABLE = str.maketrans(_PAIRS)

CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def normalize(text: str) -> str:
    """Half-width digits and ASCII punctuation, same length as the input.

    "。" and "、" are kept: "。" ends a sentence (while "." also appears in "12.4"), and "、"
    joins list items inside one clause.
    """
    return text.translate(_TABLE)


def parse_number(token: str) -> int:
    """An Arabic or simple Chinese numeral ("12", "一", "十二", "二十") as an int."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if "十" in token:
        tens, _, ones = token.partition("十")
        return CHINESE_DIGITS.get(tens, 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)
    if len(token) == 1 and token in CHINESE_DIGITS:
        return CHINESE_DIGITS[token]
    raise ValueError(f"not a number: {token!r}")
