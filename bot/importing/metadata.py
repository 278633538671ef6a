"""Plan metadata from the text around the items: years, place, level and issuer."""

from __future__ import annotations

import re

from bot.importing.lines import Line, LineKind
from bot.importing.normalize import normalize_line
from bot.importing.units import LEVELS

_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[-—–~～至到]\s*((?:19|20)\d{2})(?!\d)")
# A slash or dash lost in copying: "（20152020年）" is 2015–2020.
_GLUED = re.compile(r"(?<!\d)((?:19|20)\d{2})((?:19|20)\d{2})\s*年")
_FIVE_YEAR = {
    "十一五": (2006, 2010),
    "十二五": (2011, 2015),
    "十三五": (2016, 2020),
    "十四五": (2021, 2025),
    "十五五": (2026, 2030),
}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_DATE_YEAR = re.compile(
    r"((?:19|20)\d{2})年\d{1,2}月\d{1,2}日|发布(?:时间|日期)：\s*((?:19|20)\d{2})|"
    r"^([〇○零一二三四五六七八九]{4})年"
)
_PLACE_CHAR = r"(?:(?![市省州中共各全本我])[\u4e00-\u9fff])"
_PLACE_IN_ORGAN = re.compile(rf"({_PLACE_CHAR}{{1,4}}?[区县旗])(?:委|人民政府|政府)")
_PLACE_AT_START = re.compile(rf"^《?({_PLACE_CHAR}{{1,4}}?[区县旗])(?=[“\"《\d十]|法治|关于)")
_ORGAN = re.compile(r"(人民政府|委员会|办公室|[区县市旗]委|政府|党工委)$")
_SOURCE = re.compile(r"来源：\s*(\S+)")
_SITE_SUFFIX = re.compile(r"[-—–_|](\S+(?:人民政府|委员会|办公室))$")


def parse_period(text: str) -> tuple[int, int] | None:
    """A year range named in a title: "2021-2025年", "20152020年", "十三五", "2019年"."""
    if match := _PERIOD.search(text):
        start, end = int(match.group(1)), int(match.group(2))
        if start <= end:
            return start, end
    if match := _GLUED.search(text):
        start, end = int(match.group(1)), int(match.group(2))
        if start < end <= start + 10:
            return start, end
    for name, years in _FIVE_YEAR.items():
        if name in text:
            return years
    if match := _YEAR.search(text):
        year = int(match.group(1))
        return year, year
    return None


def document_year(lines: list[Line]) -> int | None:
    """The year the document was signed or published (signature date, 发布时间)."""
    for line in lines:
        if match := _DATE_YEAR.search(line.text):
            if match.group(3):
                return _cn_year(match.group(3))
            return int(match.group(1) or match.group(2))
    return None


def _cn_year(text: str) -> int:
    """ "二〇一七" → 2017."""
    digits = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4}
    digits.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
    return int("".join(str(digits[char]) for char in text))


def _organ_line(line: Line) -> str | None:
    tokens = [token for token in normalize_line(line.source.text).split(" ") if token]
    if tokens and all(_ORGAN.search(token) for token in tokens):
        return "、".join(tokens)
    return None


def find_issuer(lines: list[Line]) -> str | None:
    """Who issued the plan: the signature above the date, else the page's 来源 or site name."""
    for index, line in enumerate(lines):
        if line.kind is not LineKind.DATE:
            continue
        previous = [other for other in lines[max(0, index - 6) : index] if other.text]
        for candidate in reversed(previous[-3:]):
            if organ := _organ_line(candidate):
                return organ
    for line in lines:
        if (match := _SOURCE.search(line.text)) and _ORGAN.search(match.group(1)):
            return match.group(1)
    for line in lines:
        if match := _SITE_SUFFIX.search(line.text):
            return match.group(1)
    return None


_PLACE_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "街道",
    "省",
    "市",
    "盟",
    "区",
    "县",
    "旗",
    "镇",
    "乡",
)  # not a bare 州: 泰州, 杭州 and 广州 are cities
_PLACE_PIECE = re.compile(
    r"(?![根经按为由在对关现])(?:(?![中共各全本我该其])[\u4e00-\u9fff]){2,8}?(?:"
    + "|".join(_PLACE_SUFFIXES)
    + ")"
)
_ORGAN_AFTER_PLACE = re.compile(
    r"^(?:人民政府|政府|委员会|党委|党工委|工委|委|人大|政协|办事处|依法治|全面依法|[\u4e00-\u9fff]{1,8}"
    r"(?:局|厅|委|办|部|院|中心|所)|法治|关于|20\d\d|“|《|十[一二三四五]五|普法|宪法|\d)"
)


def _places_at_start(text: str) -> list[str]:
    """The nested places a name starts with: "海原县红羊乡委员会" → 海原县, 红羊乡."""
    text = text.removeprefix("中共").removeprefix("《")
    places: list[str] = []
    position = 0
    while match := _PLACE_PIECE.match(text, position):
        places.append(match.group(0))
        position = match.end()
    if places and _ORGAN_AFTER_PLACE.match(text[position:]) is None:
        places.pop()  # "乐山市城市管理条例": the last piece was not a place after all
    return places


def find_place(issuer: str | None, titles: list[str]) -> str | None:
    """The place the plan governs: the deepest place its issuer or title starts with."""
    for text in [*(issuer or "").split("、"), *titles]:
        if places := _places_at_start(text.strip()):
            return places[-1]
    return None


def level_of(place: str | None, unit_names: list[str]) -> str:
    """The prefix a unit of the place carries ("区", "县", "市", "省", "镇", "街道")."""
    if place:
        for suffix, level in _LEVEL_OF_SUFFIX:
            if place.endswith(suffix):
                return level
    counts = {level: sum(1 for name in unit_names if name.startswith(level)) for level in LEVELS}
    best = max(counts, key=lambda level: counts[level])
    return best if counts[best] else "区"


_LEVEL_OF_SUFFIX = (
    ("自治区", "自治区"),
    ("自治州", "州"),
    ("自治县", "县"),
    ("自治旗", "旗"),
    ("街道", "街道"),
    ("地区", "地区"),
    *((level, level) for level in ("省", "市", "盟", "区", "县", "旗", "镇", "乡")),
)


_NOTICE_TITLE = re.compile(r"《([^《》]{4,80})》")
_PLAN_WORD = re.compile(r"方案|计划|要点|安排|意见|清单|台账|规划|分工|任务")


def fallback_title(notice: str | None, preamble: list[Line]) -> str | None:
    """A plan title where no title line is printed: the plan a notice hands out, else a
    short preamble line that names a plan."""
    if notice and (match := _NOTICE_TITLE.search(notice)):
        return match.group(1)
    for line in preamble:
        text = line.text
        short = line.kind is LineKind.TEXT and len(text) <= 40 and "。" not in text
        if short and _PLAN_WORD.search(text):
            return text
    return notice
