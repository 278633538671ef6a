"""Reading schedule rules out of a duty's words.

What counts as a deadline (and what deliberately does not):

* Counted: explicit deadlines ("2016年年底前", "2017年6月底前", "到2022年", "2024年前"),
  month deadlines resolved against the plan's year ("10月底前"), start bounds ("2020年起"),
  recurring dates and windows ("每年1月31日前", "每年第一季度", "12月份…宣传月"), the
  Constitution Day / Week, periods ("每季度", "每两年", "日排查、周调度、月汇总、季分析"),
  yearly counts ("每年至少举办2期", "不少于4次"), and event-relative limits
  ("自发布之日起15日内", "收到…文件后20个工作日内").
* Ignored, and reported as such: years inside titles 《…》 and document numbers
  ("国办发〔2018〕118号"), plan periods ("(2021-2025年)"), five-year-plan names ("十三五"),
  page timestamps and signature dates (a full date with no 前/底/起), years used as
  qualifiers ("2019年度…计划", "2019年全县…"), rule-of-law vision statements
  ("到2020年基本建成…法治政府") and far-off years (more than five years past the plan),
  per-case minimum/maximum durations ("不少于7个工作日", "不超过5个工作日"), validity periods
  ("有效期…5年"), and counts per term of office ("任期内至少1次").

Matching runs on a same-length normalised copy, in priority order; a span taken by one matcher
is blanked so no later matcher reads it again, and every phrase is cut from the original text.
"""

from __future__ import annotations

import calendar as _calendar
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scheduling.model import RECURRING_KINDS, IgnoredPhrase, Rule, RuleKind
from scheduling.repair import repair_month_day
from scheduling.textnorm import normalize, parse_number

CN = "[一二两三四五六七八九十]+"
NUM = rf"(?:\d+|{CN})"
BEFORE = r"(?:之前|以前|前)"
FILL = "□"
VISION_HORIZON_YEARS = 5

QUARTER_MONTHS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
COUNT_UNITS = "次|期|场|批|学时|课时|天"
BARE_COUNT_UNITS = "次|期|场|批"
TRIGGERS = {
    "发布": "publication",
    "公布": "publication",
    "印发": "publication",
    "出台": "publication",
    "作出": "decision",
    "做出": "decision",
    "收到": "receipt",
    "接到": "receipt",
    "受理": "acceptance",
    "送达": "service",
    "签订": "signing",
    "生效": "effect",
    "立案": "filing",
}
GOAL_VERBS = re.compile(r"建成|实现|形成")
RULE_OF_LAW_GOALS = re.compile(r"法治(?:政府|国家|社会|中国|精神|环境|体系)")


@dataclass(frozen=True)
class PlanYears:
    """The plan a duty belongs to: one year, or a span of years, or unknown."""

    plan_year: int | None = None
    year_from: int | None = None
    year_to: int | None = None

    @property
    def single(self) -> int | None:
        if self.plan_year is not None:
            return self.plan_year
        if self.year_from is not None and self.year_from == self.year_to:
            return self.year_from
        return None

    def resolve(self) -> tuple[int, str] | None:
        """The year a month-only deadline ("10月底前") falls in, and where it came from."""
        if self.single is not None:
            return self.single, "plan"
        if self.year_from is not None:
            return self.year_from, "plan_start"
        return None

    @property
    def horizon(self) -> int | None:
        """The last year a deadline can sensibly name; later years are vision statements."""
        last = self.year_to if self.year_to is not None else self.plan_year
        return None if last is None else last + VISION_HORIZON_YEARS


@dataclass
class Hit:
    """One reading of a span: a rule, a start bound, or a deliberate non-reading."""

    start: int
    end: int
    kind: RuleKind | None = None
    params: dict[str, Any] = field(default_factory=dict)
    repaired: bool = False
    reason: str | None = None
    starts: str | None = None
    extra_spans: list[tuple[int, int]] = field(default_factory=list)


Span = tuple[int, int]


@dataclass(frozen=True)
class Extraction:
    """Everything read from one text: the rules and the phrases knowingly passed over.

    `spans[i]` holds the offsets of every phrase behind `rules[i]` (its phrase, the merged
    `also` phrases and a start bound), for coverage reports and highlighting.
    """

    rules: list[Rule]
    ignored: list[IgnoredPhrase]
    spans: list[tuple[Span, ...]]


def _iso(day: date) -> str:
    return day.isoformat()


def _month_end(year: int, month: int) -> date:
    return date(year, month, _calendar.monthrange(year, month)[1])


def _before_day(year: int, month: int, day: int) -> date:
    """The deadline "M月D日前" sets: that day, except "1日前" means the month before's end."""
    if day == 1:
        return _month_end(year - 1, 12) if month == 1 else _month_end(year, month - 1)
    return date(year, month, day)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind("。", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find("。", end), text.find("\n", end)) if i != -1]
    return text[left : min(stops) if stops else len(text)]


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(ch, 0, start) for ch in ",;。:\n") + 1
    stops = [i for i in (text.find(ch, end) for ch in ",;。:\n") if i != -1]
    return left, min(stops) if stops else len(text)


def _covers(text: str, start: int, end: int) -> dict[str, str]:
    sentence = _sentence(text, start, end)
    return {"covers": "previous_year"} if re.search("上一?年度|上年", sentence) else {}


# ---------------------------------------------------------------------------------------------
# Masks: spans that are never deadlines, whatever digits they hold.


def _title_spans(text: str) -> Iterator[tuple[int, int]]:
    """《…》 titles, including an unmatched 》 (title runs from the sentence start) or 《."""
    depth, opened = 0, -1
    for i, ch in enumerate(text):
        if ch == "《":
            if depth == 0:
                opened = i
            depth += 1
        elif ch == "》":
            if depth == 0:
                left = max(text.rfind("。", 0, i), text.rfind("\n", 0, i)) + 1
                yield left, i + 1
            else:
                depth -= 1
                if depth == 0:
                    yield opened, i + 1
    if depth > 0:
        stop = text.find("\n", opened)
        yield opened, stop if stop != -1 else len(text)


MASKS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"),
        "a page timestamp, not a deadline",
    ),
    (
        re.compile(r"[\u4e00-\u9fff]{0,8}[\[(]\s*\d{4}\s*[\])]?\s*\d{1,4}\s*号"),
        "a document number, not a deadline",
    ),
    (
        re.compile(r"\(?\d{4}\s*-\s*\d{4}\s*年?\)?|\(?(?:19|20)\d{2}(?:19|20)\d{2}年\)?"),
        "a plan period, not a deadline",
    ),
    (
        re.compile(
            r'"?(?:十[一二三四五六七八九]|[六七八九])五"?(?=规划|普法|时期|期间|法治|")'
            r"|第[一二三四五六七八九十]+个五年规划"
        ),
        "a five-year-plan name, not a deadline",
    ),
]
DATED = re.compile(r"\d{4}|\d\s*[年月日]|(?:十[一二三四五六七八九]|[六七八九])五|五年规划")


def _masks(norm: str) -> list[Hit]:
    hits = [
        Hit(start, end, reason="a title or citation, not a deadline")
        for start, end in _title_spans(norm)
    ]
    for pattern, reason in MASKS:
        hits.extend(Hit(m.start(), m.end(), reason=reason) for m in pattern.finditer(norm))
    return hits


# ---------------------------------------------------------------------------------------------
# Matchers. Each takes the (progressively blanked) text and the plan, yields hits.


@dataclass(frozen=True)
class Context:
    text: str
    plan: PlanYears


Matcher = Callable[[Context], Iterator[Hit]]

RE_ANNUAL_REPORT = re.compile(r"报告\s*(?P<y>\d{4})\s*年度\s*法治政府建设(?:工作)?情况")


def annual_report(ctx: Context) -> Iterator[Hit]:
    """ "报告2019年度法治政府建设情况": the statutory first-quarter report of the next year."""
    for m in RE_ANNUAL_REPORT.finditer(ctx.text):
        year = int(m["y"]) + 1
        params = {
            "due": _iso(date(year, 3, 31)),
            "window_start": _iso(date(year, 1, 1)),
            "granularity": "statutory_q1",
            "covers_year": int(m["y"]),
            "year_source": "explicit",
        }
        yield Hit(m.start(), m.end(), RuleKind.ONE_OFF, params)


RE_AFTER_EVENT = re.compile(
    rf"(?:自|从)?(?P<verb>{'|'.join(TRIGGERS)})[^,;。]{{0,6}}?之日起\s*(?P<n>{NUM})\s*个?\s*"
    r"(?P<unit>工作日|日|天)\s*(?:之内|以内|内)"
)
RE_AFTER_RECEIPT = re.compile(
    rf"(?P<verb>收到|接到|受理)[^,;。]{{0,40}}?后\s*(?P<n>{NUM})\s*个?\s*"
    r"(?P<unit>工作日|日|天)\s*(?:之内|以内|内)"
)


def _relative(m: re.Match[str], trigger: str) -> Hit:
    params = {
        "days": parse_number(m["n"]),
        "working_days": m["unit"] == "工作日",
        "trigger": trigger,
    }
    return Hit(m.start(), m.end(), RuleKind.EVENT_RELATIVE, params)


def event_relative(ctx: Context) -> Iterator[Hit]:
    """ "自发布之日起15日内", "作出之日起20个工作日内", "收到…文件后20个工作日内"."""
    for pattern in (RE_AFTER_EVENT, RE_AFTER_RECEIPT):
        for m in pattern.finditer(ctx.text):
            yield _relative(m, TRIGGERS[m["verb"]])


RE_CONSTITUTION_DAY = re.compile(
    r'(?P<pre>"?12\s*[.·]\s*4"?|12\s*月\s*4\s*日|(?P<garbled>\d{3,4})\s*日)?\s*(?:国家)?宪法日'
)
RE_CONSTITUTION_WEEK = re.compile(r'(?:"?12\s*[.·]\s*4"?\s*)?"?宪法宣传周"?')


def events(ctx: Context) -> Iterator[Hit]:
    """National Constitution Day (4 December, "124日" repaired) and Constitution Week."""
    for m in RE_CONSTITUTION_DAY.finditer(ctx.text):
        month, day, repaired = 12, 4, False
        if m["garbled"]:
            split = repair_month_day(m["garbled"], "宪法日")
            if split is None:
                continue
            (month, day), repaired = split, True
        params = {"event": "constitution_day", "month": month, "day": day}
        yield Hit(m.start(), m.end(), RuleKind.YEARLY_EVENT, params, repaired=repaired)
    for m in RE_CONSTITUTION_WEEK.finditer(ctx.text):
        yield Hit(m.start(), m.end(), RuleKind.YEARLY_EVENT, {"event": "constitution_week"})


RE_YEARLY_DAY = re.compile(
    rf"每年(?:的)?\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日\s*{BEFORE}?"
)
RE_YEARLY_GARBLED = re.compile(rf"每年(?:的)?\s*(?P<digits>\d{{3,4}})\s*日\s*{BEFORE}?")
RE_YEARLY_MONTH_END = re.compile(rf"每年(?:的)?\s*(?P<m>\d{{1,2}})\s*月\s*(?:底|末)\s*{BEFORE}?")
RE_YEARLY_MONTH = re.compile(r"每年(?:的)?\s*(?P<m>\d{1,2})\s*月(?!\s*份?\s*(?:至|到|-))\s*份?")


def _yearly_date(ctx: Context, m: re.Match[str], month: int, day: int, **extra: Any) -> Hit:
    if day == 1 and m.group(0).endswith("前"):
        month = 12 if month == 1 else month - 1
        day = _calendar.monthrange(2001, month)[1]  # a common year: 28 February stays valid
    params: dict[str, Any] = {"month": month, "day": day}
    params.update(extra)
    params.update(_covers(ctx.text, m.start(), m.end()))
    return Hit(m.start(), m.end(), RuleKind.YEARLY_DATE, params)


def yearly_dates(ctx: Context) -> Iterator[Hit]:
    """ "每年1月31日前", the garbled "每年131日前", "每年1月底前", "每年1月" (the whole month)."""
    for m in RE_YEARLY_DAY.finditer(ctx.text):
        month, day = int(m["m"]), int(m["d"])
        if 1 <= month <= 12 and 1 <= day <= _calendar.monthrange(2000, month)[1]:
            yield _yearly_date(ctx, m, month, day)
    for m in RE_YEARLY_GARBLED.finditer(ctx.text):
        split = repair_month_day(m["digits"], ctx.text[m.end() : m.end() + 8])
        if split is not None:
            hit = _yearly_date(ctx, m, *split)
            hit.repaired = True
            yield hit
        else:
            yield Hit(m.start(), m.end(), reason="a garbled date that cannot be told apart")
    for pattern, whole in ((RE_YEARLY_MONTH_END, False), (RE_YEARLY_MONTH, True)):
        for m in pattern.finditer(ctx.text):
            month = int(m["m"])
            if 1 <= month <= 12:
                day = _calendar.monthrange(2001, month)[1]
                extra = {"whole_month": True} if whole else {}
                yield _yearly_date(ctx, m, month, day, **extra)


RE_YEARLY_QUARTER = re.compile(r"每年(?:的)?\s*第?\s*(?P<q>[一二三四1-4])\s*季度")
RE_YEARLY_HALF = re.compile(r"每年(?:的)?\s*(?P<h>上|下)半年")
RE_YEARLY_MONTHS = re.compile(
    r"每年(?:的)?\s*(?P<a>\d{1,2})\s*月?\s*(?:至|到|-)\s*(?P<b>\d{1,2})\s*月(?:份)?"
)
RE_MONTH_OF_YEAR = re.compile(r"(?<![\d年□])(?P<m>\d{1,2})\s*月份")


def _window(ctx: Context, m: re.Match[str], name: str, first: int, last: int) -> Hit:
    params: dict[str, Any] = {"window": name, "start_month": first, "end_month": last}
    params.update(_covers(ctx.text, m.start(), m.end()))
    return Hit(m.start(), m.end(), RuleKind.YEARLY_WINDOW, params)


def yearly_windows(ctx: Context) -> Iterator[Hit]:
    """ "每年第一季度", "每年上半年", "每年3至5月", and a month named on its own ("12月份")."""
    for m in RE_YEARLY_QUARTER.finditer(ctx.text):
        quarter = parse_number(m["q"])
        yield _window(ctx, m, f"Q{quarter}", *QUARTER_MONTHS[quarter])
    for m in RE_YEARLY_HALF.finditer(ctx.text):
        first, last, name = (1, 6, "H1") if m["h"] == "上" else (7, 12, "H2")
        yield _window(ctx, m, name, first, last)
    for m in RE_YEARLY_MONTHS.finditer(ctx.text):
        first, last = int(m["a"]), int(m["b"])
        if 1 <= first <= last <= 12:
            yield _window(ctx, m, f"M{first:02d}-M{last:02d}", first, last)
    for m in RE_MONTH_OF_YEAR.finditer(ctx.text):
        month = int(m["m"])
        if 1 <= month <= 12:
            yield _window(ctx, m, f"M{month:02d}", month, month)


RE_COUNT_YEARLY = re.compile(
    rf"(?P<lead>每年|年度|全年)[^,;。]{{0,40}}?(?P<cmp>不少于|至少|不低于)?\s*[^,;。\d]{{0,8}}?"
    rf"(?P<n>{NUM})\s*(?P<unit>{COUNT_UNITS})(?!性)(?P<plus>以上)?"
)
RE_COUNT_BARE = re.compile(
    rf"(?P<cmp>不少于|至少|不低于)\s*[^,;。\d]{{0,8}}?(?P<n>{NUM})\s*(?P<unit>{BARE_COUNT_UNITS})"
    r"(?!性)(?P<plus>以上)?"
)


def _count(m: re.Match[str]) -> Hit:
    params: dict[str, Any] = {"target": parse_number(m["n"]), "unit_noun": m["unit"]}
    if re.search("不少于|至少|不低于|以上", m.group(0)):
        params["at_least"] = True
    return Hit(m.start(), m.end(), RuleKind.YEARLY_COUNT, params)


def yearly_counts(ctx: Context) -> Iterator[Hit]:
    """ "每年至少举办2期", "年度…不少于6次"; a bare "不少于4次" is read per year too."""
    for m in RE_COUNT_YEARLY.finditer(ctx.text):
        if parse_number(m["n"]) >= 1:
            yield _count(m)
    for m in RE_COUNT_BARE.finditer(ctx.text):
        left, _ = _clause_bounds(ctx.text, m.start(), m.end())
        if "任期" in ctx.text[left : m.start()]:
            yield Hit(left, m.end(), reason="a count per term of office, not per year")
        elif parse_number(m["n"]) >= 1:
            yield _count(m)


RE_DURATION = re.compile(
    rf"(?:一般|最长|最多)?(?:不少于|不超过|不得超过|不低于|不多于)\s*(?P<n>{NUM})\s*个?\s*"
    r"(?:工作日|日|天|小时)(?:之内|以内|内)?"
)
RE_BARE_RELATIVE = re.compile(
    rf"(?<![\d□])(?P<n>{NUM})\s*个?\s*(?P<unit>工作日|日|天)\s*(?:之内|以内|内)"
)
RE_VALIDITY = re.compile(r"有效期[^。]{0,10}?\d{1,2}\s*年")


def durations(ctx: Context) -> Iterator[Hit]:
    """Per-case limits are not deadlines; a limit with no stated trigger waits for a report."""
    for m in RE_DURATION.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a minimum or maximum length per case, not a date")
    for m in RE_VALIDITY.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a validity period, not a deadline")
    for m in RE_BARE_RELATIVE.finditer(ctx.text):
        yield _relative(m, "unspecified")


RE_PERIODIC = re.compile(
    r"每\s*(?:(?P<n>[两二三四五]|\d)\s*年|(?P<p>季度|季|月|半年|年度|年))"
    r"(?:[^,;。]{0,6}?(?:一|1)次)?"
)
RE_ROUTINE = re.compile(
    r"[日周旬月季年][\u4e00-\u9fff]{2}(?:、[日周旬月季年][\u4e00-\u9fff]{2}){2,5}"
)
PHRASE_STRETCH = 14
PERIOD_WORDS = {"季度": "quarter", "季": "quarter", "月": "month", "半年": "half_year"}
ROUTINE_ORDER = (("年", "year"), ("季", "quarter"), ("月", "month"))


def _phrase_end(text: str, end: int) -> int:
    """Stretch a terse "每年" to the words it governs ("每年确定重点任务"), within the clause."""
    _, clause_end = _clause_bounds(text, end, end)
    stop = min(clause_end, end + PHRASE_STRETCH)
    while end < stop and "\u4e00" <= text[end] <= "\u9fff":
        end += 1
    return end


def periodic(ctx: Context, taken: list[Hit]) -> Iterator[Hit]:
    """ "每季度", "每月", "每半年", "每两年", and "每年…" unless the clause already has a yearly
    rule (in "每年利用12.4宪法宣传周…" the 每年 belongs to the event)."""
    yearly = [h for h in taken if h.kind in RECURRING_KINDS]
    for m in RE_PERIODIC.finditer(ctx.text):
        end = _phrase_end(ctx.text, m.end())
        if m["n"]:
            params: dict[str, Any] = {"period": "year", "every": parse_number(m["n"])}
        elif m["p"] in PERIOD_WORDS:
            params = {"period": PERIOD_WORDS[m["p"]]}
        else:
            left, right = _clause_bounds(ctx.text, m.start(), m.end())
            owner = next((h for h in yearly if left <= h.start < right), None)
            if owner is not None:
                owner.extra_spans.append((m.start(), m.end()))
                continue
            params = {"period": "year"}
        yield Hit(m.start(), end, RuleKind.PERIODIC, params)
    for m in RE_ROUTINE.finditer(ctx.text):
        heads = {item[0] for item in m.group(0).split("、")}
        for head, period in ROUTINE_ORDER:
            if head in heads:
                yield Hit(m.start(), m.end(), RuleKind.PERIODIC, {"period": period})
                break


Y = r"(?P<y>\d{4})\s*年"
RE_FULL_DATE = re.compile(
    rf"(?P<to>到|至|截至|截止到?|于)?\s*{Y}\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日"
    rf"\s*(?P<tail>{BEFORE}|起|开始)?"
)
RE_MONTH_END = re.compile(rf"{Y}\s*(?P<m>\d{{1,2}})\s*月\s*(?:底|末)\s*{BEFORE}?")
RE_MONTH_BEFORE = re.compile(rf"{Y}\s*(?P<m>\d{{1,2}})\s*月\s*份?\s*{BEFORE}")
RE_MONTH_START = re.compile(rf"(?:自|从)?\s*{Y}\s*(?P<m>\d{{1,2}})\s*月\s*份?\s*(?:起|开始)")
RE_YEAR_END = re.compile(rf"(?P<to>到|至|截至)?\s*{Y}\s*年?(?:底|末)\s*(?P<before>{BEFORE})?")
RE_YEAR_EARLY = re.compile(rf"{Y}\s*年?初\s*{BEFORE}?")
RE_YEAR_MID = re.compile(rf"{Y}\s*(?:年中|上半年)\s*{BEFORE}?")
RE_YEAR_LATE = re.compile(rf"{Y}\s*下半年\s*{BEFORE}?")
RE_YEAR_QUARTER = re.compile(rf"{Y}\s*第?\s*(?P<q>[一二三四1-4])\s*季度\s*(?:末|底)?\s*{BEFORE}?")
RE_YEAR_BEFORE = re.compile(rf"{Y}\s*{BEFORE}")
RE_YEAR_START = re.compile(rf"(?:自|从)?\s*{Y}\s*(?:起|开始)")
RE_TO_YEAR = re.compile(rf"(?:到|至)\s*{Y}(?!\s*度)")
RE_YEAR_ACTION = re.compile(
    rf"{Y}(?=\s*,|\s*(?:全面|实现|完成|基本|建成|建立|推行|启动|达到|力争|确保|形成|开展))"
)
RE_YEAR_QUALIFIER = re.compile(rf"{Y}\s*度?")
RE_SHORT_YEARS = re.compile(r"(?<![\d□])\d{1,2}\s*年(?!度)")


def _vision(ctx: Context, m: re.Match[str], year: int) -> str | None:
    """Why a target year is a vision statement rather than a deadline, if it is one."""
    horizon = ctx.plan.horizon
    if horizon is not None and year > horizon:
        return "a long-range vision year, not a deadline"
    sentence = _sentence(ctx.text, m.start(), m.end())
    after = ctx.text[m.end() : m.end() + len(sentence)]
    if RULE_OF_LAW_GOALS.search(sentence) and GOAL_VERBS.search(after.split("。")[0]):
        return "a rule-of-law vision statement, not a deadline"
    return None


def _one_off(ctx: Context, m: re.Match[str], due: date, granularity: str) -> Hit:
    reason = _vision(ctx, m, due.year)
    if reason is not None:
        return Hit(m.start(), m.end(), reason=reason)
    params = {"due": _iso(due), "granularity": granularity, "year_source": "explicit"}
    return Hit(m.start(), m.end(), RuleKind.ONE_OFF, params)


def _valid(year: int, month: int, day: int = 1) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def explicit_dates(ctx: Context) -> Iterator[Hit]:
    """Deadlines and start bounds that name their year."""
    for m in RE_FULL_DATE.finditer(ctx.text):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if not _valid(year, month, day):
            continue
        if m["tail"] in ("起", "开始"):
            yield Hit(m.start(), m.end(), starts=_iso(date(year, month, day)))
        elif m["tail"] or m["to"] in ("到", "至", "截至", "截止", "截止到"):
            yield _one_off(ctx, m, _before_day(year, month, day), "day")
        else:
            yield Hit(m.start(), m.end(), reason="a date with no 前/底/起 is not a deadline")
    for m in RE_MONTH_END.finditer(ctx.text):
        if _valid(int(m["y"]), int(m["m"])):
            yield _one_off(ctx, m, _month_end(int(m["y"]), int(m["m"])), "month")
    for m in RE_MONTH_BEFORE.finditer(ctx.text):
        year, month = int(m["y"]), int(m["m"])
        if _valid(year, month):
            due = _month_end(year - 1, 12) if month == 1 else _month_end(year, month - 1)
            yield _one_off(ctx, m, due, "month")
    for m in RE_MONTH_START.finditer(ctx.text):
        if _valid(int(m["y"]), int(m["m"])):
            yield Hit(m.start(), m.end(), starts=_iso(date(int(m["y"]), int(m["m"]), 1)))
    for m in RE_YEAR_END.finditer(ctx.text):
        yield _one_off(ctx, m, date(int(m["y"]), 12, 31), "year")
    for m in RE_YEAR_EARLY.finditer(ctx.text):
        yield _one_off(ctx, m, date(int(m["y"]), 3, 31), "early_year")
    for m in RE_YEAR_MID.finditer(ctx.text):
        yield _one_off(ctx, m, date(int(m["y"]), 6, 30), "half_year")
    for m in RE_YEAR_LATE.finditer(ctx.text):
        yield _one_off(ctx, m, date(int(m["y"]), 12, 31), "year")
    for m in RE_YEAR_QUARTER.finditer(ctx.text):
        _, last = QUARTER_MONTHS[parse_number(m["q"])]
        yield _one_off(ctx, m, _month_end(int(m["y"]), last), "quarter")
    for m in RE_YEAR_BEFORE.finditer(ctx.text):
        yield _one_off(ctx, m, date(int(m["y"]) - 1, 12, 31), "before_year")
    for m in RE_YEAR_START.finditer(ctx.text):
        yield Hit(m.start(), m.end(), starts=_iso(date(int(m["y"]), 1, 1)))
    for pattern in (RE_TO_YEAR, RE_YEAR_ACTION):
        for m in pattern.finditer(ctx.text):
            yield _one_off(ctx, m, date(int(m["y"]), 12, 31), "year")
    for m in RE_YEAR_QUALIFIER.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a year naming what a plan or report is about")
    for m in RE_SHORT_YEARS.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a length of time in years, not a date")


RE_PLAN_MONTH_END = re.compile(rf"(?<![\d年□])(?P<m>\d{{1,2}})\s*月\s*(?:底|末)\s*{BEFORE}?")
RE_PLAN_DAY = re.compile(rf"(?<![\d年□])(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日\s*{BEFORE}")
RE_PLAN_YEAR_END = re.compile(rf"(?<![\d年□])年\s*(?:底|末)\s*{BEFORE}")


def plan_year_dates(ctx: Context) -> Iterator[Hit]:
    """Deadlines that leave the year to the plan: "10月底前" in a 2019 plan is 2019-10-31."""
    resolved = ctx.plan.resolve()
    for pattern in (RE_PLAN_MONTH_END, RE_PLAN_DAY, RE_PLAN_YEAR_END):
        for m in pattern.finditer(ctx.text):
            if resolved is None:
                yield Hit(m.start(), m.end(), reason="a month deadline with no plan year")
                continue
            year, source = resolved
            groups = m.groupdict()
            month = int(groups.get("m") or 12)
            if not _valid(year, month, int(groups.get("d") or 1)):
                continue
            if groups.get("d"):
                due, granularity = _before_day(year, month, int(groups["d"])), "day"
            else:
                due = _month_end(year, month)
                granularity = "month" if groups.get("m") else "year"
            params = {"due": _iso(due), "granularity": granularity, "year_source": source}
            yield Hit(m.start(), m.end(), RuleKind.ONE_OFF, params)


# ---------------------------------------------------------------------------------------------
# The pipeline.

SIMPLE_MATCHERS: list[Matcher] = [
    annual_report,
    event_relative,
    events,
    yearly_dates,
    yearly_windows,
    yearly_counts,
    durations,
]
LATE_MATCHERS: list[Matcher] = [explicit_dates, plan_year_dates]


def _take(text: str, taken: list[Hit], hits: Iterator[Hit]) -> str:
    """Accept hits that touch no blanked character, and blank them for later matchers."""
    chars = list(text)
    for hit in hits:
        if FILL in chars[hit.start : hit.end]:
            continue
        taken.append(hit)
        chars[hit.start : hit.end] = FILL * (hit.end - hit.start)
    return "".join(chars)


def _blank(text: str, hits: list[Hit]) -> str:
    chars = list(text)
    for hit in hits:
        chars[hit.start : hit.end] = FILL * (hit.end - hit.start)
    return "".join(chars)


def _trimmed(text: str, hit: Hit) -> Hit:
    """The hit without the spaces and padding a pattern's \\s* let in at either end."""
    while hit.start < hit.end and text[hit.start].isspace():
        hit.start += 1
    while hit.end > hit.start and text[hit.end - 1].isspace():
        hit.end -= 1
    return hit


def _outermost(hits: list[Hit]) -> list[Hit]:
    """Drop ignored spans nested inside another (a period inside a title is one phrase)."""
    ordered = sorted(hits, key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    for hit in ordered:
        if kept and hit.start >= kept[-1].start and hit.end <= kept[-1].end:
            continue
        kept.append(hit)
    return kept


def scan(text: str, plan: PlanYears) -> Extraction:
    """Read every rule and every deliberately ignored dated phrase in one text."""
    norm = normalize(text)
    masks = _masks(norm)
    work = _blank(norm, masks)
    taken: list[Hit] = []
    for matcher in SIMPLE_MATCHERS:
        work = _take(work, taken, matcher(Context(work, plan)))
    work = _take(work, taken, periodic(Context(work, plan), taken))
    for matcher in LATE_MATCHERS:
        work = _take(work, taken, matcher(Context(work, plan)))
    taken = [_trimmed(norm, h) for h in taken]
    passed_over = [_trimmed(norm, h) for h in masks if DATED.search(norm[h.start : h.end])]
    passed_over += [h for h in taken if h.reason]
    ignored = [
        IgnoredPhrase(text[h.start : h.end], h.start, h.end, h.reason or "")
        for h in _outermost(passed_over)
    ]
    rules, spans = _assemble(text, sorted(taken, key=lambda h: h.start))
    return Extraction(rules=rules, ignored=ignored, spans=spans)


def _assemble(text: str, hits: list[Hit]) -> tuple[list[Rule], list[tuple[Span, ...]]]:
    """Merge rules that say the same thing, attach start bounds, add the default check-in."""
    merged: dict[str, list[Hit]] = {}
    for hit in hits:
        if hit.kind is not None:
            key = json.dumps([str(hit.kind), hit.params, hit.repaired], sort_keys=True)
            merged.setdefault(key, []).append(hit)
    rules: list[Rule] = []
    spans: list[tuple[Span, ...]] = []
    for first, *rest in merged.values():
        assert first.kind is not None
        also = tuple(text[h.start : h.end] for h in rest)
        rules.append(
            Rule(first.kind, text[first.start : first.end], first.params, first.repaired, also)
        )
        spans.append(
            tuple((h.start, h.end) for h in (first, *rest))
            + tuple(extra for h in (first, *rest) for extra in h.extra_spans)
        )
    bounds = [h for h in hits if h.starts]
    if bounds:
        bound = max(bounds, key=lambda h: h.starts or "")
        phrase = text[bound.start : bound.end]
        bounded = {"starts": bound.starts, "starts_phrase": phrase}
        recurring = [i for i, rule in enumerate(rules) if rule.kind in RECURRING_KINDS]
        for i in recurring:
            rule = rules[i]
            rules[i] = Rule(
                rule.kind, rule.phrase, {**rule.params, **bounded}, rule.repaired, rule.also
            )
            spans[i] += ((bound.start, bound.end),)
        if not recurring:
            rules.append(
                Rule(RuleKind.ONGOING, phrase, {"period": "quarter", "starts": bound.starts})
            )
            spans.append(((bound.start, bound.end),))
    if not rules:
        rules.append(Rule(RuleKind.ONGOING, "", {"period": "quarter"}))
        spans.append(())
    return rules, spans
