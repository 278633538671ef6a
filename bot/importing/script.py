"""One script and one code point per character: PDF compatibility forms and traditional text.

PDF text layers often carry Kangxi-radical and compatibility code points that look like
ordinary characters (⼈⺠⽂ for 人民文); plans from Hong Kong, Macao, Taiwan or 范文 sites come
in traditional script (牽頭單位). Both are folded before parsing so that one set of
recognisers reads them all. Traditional text is converted with OpenCC (t2s), and only when the
document is traditional: OpenCC would also change a few valid simplified spellings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import cache

from bot.importing.model import SourceLine

# CJK Radicals Supplement forms NFKC leaves alone, mapped to the ideograph they stand for.
_RADICALS = str.maketrans(
    {
        "\u2e9f": "母",
        "\u2ea0": "民",
        "\u2eae": "竹",
        "\u2eb0": "纟",
        "\u2ec4": "西",
        "\u2ec5": "见",
        "\u2ec6": "角",
        "\u2ec8": "讠",
        "\u2ec9": "贝",
        "\u2eca": "足",
        "\u2ecb": "车",
        "\u2ecc": "辶",
        "\u2ed0": "钅",
        "\u2ed1": "長",
        "\u2ed3": "长",
        "\u2ed4": "门",
        "\u2ed7": "雨",
        "\u2ed9": "韦",
        "\u2eda": "页",
        "\u2edb": "风",
        "\u2edc": "飞",
        "\u2ee0": "饣",
        "\u2ee2": "马",
        "\u2ee5": "鱼",
        "\u2ee6": "鸟",
        "\u2ee7": "卤",
        "\u2ee8": "麦",
        "\u2ee9": "黄",
        "\u2eea": "黾",
        "\u2eec": "齐",
        "\u2eee": "齿",
        "\u2ef0": "龙",
        "\u2ef3": "龟",
    }
)
_COMPAT = re.compile("[\u2f00-\u2fdf\uf900-\ufaff\u3300-\u33ff]")


# Reading aids some sites print after characters: "執(zhí)法", "發(fā)".
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}[)）]")


def fold_compatibility(text: str) -> str:
    """NFKC for Kangxi radicals and compatibility ideographs, a table for radical forms.

    Only those ranges: NFKC everywhere would also turn ① into 1 and （一） marks' brackets
    into ASCII, which carry meaning here.
    """
    text = _PINYIN.sub("", text.translate(_RADICALS))
    if _COMPAT.search(text):
        text = _COMPAT.sub(lambda match: unicodedata.normalize("NFKC", match.group(0)), text)
    return text


@cache
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


_HAN = re.compile(r"[\u4e00-\u9fff]")
# characters that only traditional text uses, common in plans; a quick first look
_TRADITIONAL_HINTS = frozenset("國會區縣處產業務設證據責單機關開發經濟與條這們時實現將進體對見")


def is_traditional(text: str) -> bool:
    """Whether the text is written in traditional script (by its most telling characters)."""
    sample = text[:50_000]
    han = len(_HAN.findall(sample))
    if han < 20:
        return False
    hints = sum(1 for char in sample if char in _TRADITIONAL_HINTS)
    return hints >= max(5, han // 100)


def to_simplified(text: str) -> str:
    """Traditional text in simplified script (OpenCC t2s)."""
    return _converter().convert(text)  # type: ignore[attr-defined]


def one_script(lines: list[SourceLine]) -> tuple[list[SourceLine], bool]:
    """The document's lines with compatibility forms folded and, if the document is in
    traditional script, converted to simplified; and whether it was."""
    folded = [replace(line, text=fold_compatibility(line.text)) for line in lines]
    if not is_traditional("\n".join(line.text for line in folded)):
        return folded, False
    return [replace(line, text=to_simplified(line.text)) for line in folded], True
