"""Matchers for one-off deadlines and start bounds, with or without their year ("2016年年底前",
"到2022年", "2024年前", "2020年起", "10月底前", "12月上旬", "三季度末前", "次年3月底前"), and for
years that are not deadlines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from scheduling.dates.model import RuleKind
from scheduling.reading.spans import (
    BEFORE,
    QUARTER_MONTHS,
    Context,
    Hit,
    before_day,
    iso,
    month_end,
    sentence,
    valid,
)
from scheduling.reading.textnorm import parse_number

GOAL_VERBS = re.compile(r"建成|实现|形成")
RULE_OF_LAW_GOALS = re.compile(r"法治(?:政府|国家|社会|中国|精神|环境|体系)")

RE_ANNUAL_REPORT = re.compile(r"报告\s*(?P<y>\d{4})\s*年度\s*法治政府建设(?:工作)?情况")


def annual_report(ctx: Context) -> Iterator[Hit]:
    """ "报告2019年度法治政府建设情况": the statutory first-quarter report of the next year."""
    for m in RE_ANNUAL_REPORT.finditer(ctx.text):
        year = int(m["y"]) + 1
        params = {
            "due": iso(date(year, 3, 31)),
            "window_start": iso(date(year, 1, 1)),
            "granularity": "statutory_q1",
            "covers_year": int(m["y"]),
            "year_source": "explicit",
        }
        yield Hit(m.start(), m.end(), RuleKind.ONE_OFF, params)


Y = r"(?P<y>\d{4})\s*年"
RE_FULL_DATE = re.compile(
    rf"(?P<to>到|至|截至|截止到?|于)?\s*{Y}\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日"
    rf"\s*(?P<tail>{BEFORE}|起|开始)?"
)
RE_MONTH_END = re.compile(rf"{Y}\s*(?P<m>\d{{1,2}})\s*月\s*(?:底|末)\s*{BEFORE}?")
RE_MONTH_DEKAD = re.compile(
    rf"{Y}\s*(?P<m>\d{{1,2}})\s*月\s*(?:份\s*)?(?P<dekad>[上中下])旬\s*{BEFORE}?"
)
# The last day of each 旬 (ten-day part of a month); None: the month's last day.
DEKAD_DAYS: dict[str, int | None] = {"上": 10, "中": 20, "下": None}
RE_MONTH_BEFORE = re.compile(rf"{Y}\s*(?P<m>\d{{1,2}})\s*月\s*份?\s*{BEFORE}")
RE_MONTH_START = re.compile(rf"(?:自|从)?\s*{Y}\s*(?P<m>\d{{1,2}})\s*月\s*份?\s*(?:起|开始)")
RE_YEAR_END = re.compile(
    rf"(?P<to>到|至|截至)?\s*{Y}\s*(?:年?(?:底|末)|内)\s*(?P<before>{BEFORE})?"
)
RE_YEAR_EARLY = re.compile(rf"{Y}\s*年?初\s*{BEFORE}?")
RE_YEAR_MID = re.compile(rf"{Y}\s*(?:年中|上半年)\s*{BEFORE}?")
RE_YEAR_LATE = re.compile(rf"{Y}\s*下半年\s*{BEFORE}?")
RE_YEAR_QUARTER = re.compile(rf"{Y}\s*第?\s*(?P<q>[一二三四1-4])\s*季度\s*(?:末|底)?\s*{BEFORE}?")
RE_YEAR_BEFORE = re.compile(rf"{Y}\s*{BEFORE}")
RE_YEAR_START = re.compile(rf"(?:自|从)?\s*{Y}\s*(?:起|开始)")
RE_TO_YEAR = re.compile(rf"(?:到|至)\s*{Y}(?!\s*度)")
ACTION = r"(?=\s*,|\s*(?:全面|实现|完成|基本|建成|建立|推行|启动|达到|力争|确保|形成|开展))"
RE_MONTH_ACTION = re.compile(rf"{Y}\s*(?P<m>\d{{1,2}})\s*月\s*份?{ACTION}")
RE_YEAR_ACTION = re.compile(rf"{Y}{ACTION}")
RE_YEAR_QUALIFIER = re.compile(rf"{Y}\s*度?")
RE_SHORT_YEARS = re.compile(r"(?<![\d□])\d{1,2}\s*年(?!度)")


def _vision(ctx: Context, m: re.Match[str], year: int) -> str | None:
    """Why a target year is a vision statement rather than a deadline, if it is one."""
    horizon = ctx.plan.horizon
    if horizon is not None and year > horizon:
        return "a long-range vision year, not a deadline"
    words = sentence(ctx.text, m.start(), m.end())
    after = ctx.text[m.end() : m.end() + len(words)]
    if RULE_OF_LAW_GOALS.search(words) and GOAL_VERBS.search(after.split("。")[0]):
        return "a rule-of-law vision statement, not a deadline"
    return None


def dekad_end(year: int, month: int, dekad: str) -> date:
    """ "上旬" → the 10th, "中旬" → the 20th, "下旬" → the month's last day."""
    day = DEKAD_DAYS[dekad]
    return month_end(year, month) if day is None else date(year, month, day)


def _one_off(ctx: Context, m: re.Match[str], due: date, granularity: str) -> Hit:
    reason = _vision(ctx, m, due.year)
    if reason is not None:
        return Hit(m.start(), m.end(), reason=reason)
    params = {"due": iso(due), "granularity": granularity, "year_source": "explicit"}
    return Hit(m.start(), m.end(), RuleKind.ONE_OFF, params)


def explicit_dates(ctx: Context) -> Iterator[Hit]:
    """Deadlines and start bounds that name their year."""
    for m in RE_FULL_DATE.finditer(ctx.text):
        year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
        if not valid(year, month, day):
            continue
        if m["tail"] in ("起", "开始"):
            yield Hit(m.start(), m.end(), starts=iso(date(year, month, day)))
        elif m["tail"] or m["to"] in ("到", "至", "截至", "截止", "截止到"):
            yield _one_off(ctx, m, before_day(year, month, day), "day")
        else:
            yield Hit(m.start(), m.end(), reason="a date with no 前/底/起 is not a deadline")
    for m in RE_MONTH_END.finditer(ctx.text):
        if valid(int(m["y"]), int(m["m"])):
            yield _one_off(ctx, m, month_end(int(m["y"]), int(m["m"])), "month")
    for m in RE_MONTH_DEKAD.finditer(ctx.text):
        if valid(int(m["y"]), int(m["m"])):
            yield _one_off(ctx, m, dekad_end(int(m["y"]), int(m["m"]), m["dekad"]), "dekad")
    for m in RE_MONTH_BEFORE.finditer(ctx.text):
        year, month = int(m["y"]), int(m["m"])
        if valid(year, month):
            due = month_end(year - 1, 12) if month == 1 else month_end(year, month - 1)
            yield _one_off(ctx, m, due, "month")
    for m in RE_MONTH_ACTION.finditer(ctx.text):
        if valid(int(m["y"]), int(m["m"])):
            yield _one_off(ctx, m, month_end(int(m["y"]), int(m["m"])), "month")
    for m in RE_MONTH_START.finditer(ctx.text):
        if valid(int(m["y"]), int(m["m"])):
            yield Hit(m.start(), m.end(), starts=iso(date(int(m["y"]), int(m["m"]), 1)))
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
        yield _one_off(ctx, m, month_end(int(m["y"]), last), "quarter")
    for m in RE_YEAR_BEFORE.finditer(ctx.text):
        yield _one_off(ctx, m, date(int(m["y"]) - 1, 12, 31), "before_year")
    for m in RE_YEAR_START.finditer(ctx.text):
        yield Hit(m.start(), m.end(), starts=iso(date(int(m["y"]), 1, 1)))
    for pattern in (RE_TO_YEAR, RE_YEAR_ACTION):
        for m in pattern.finditer(ctx.text):
            yield _one_off(ctx, m, date(int(m["y"]), 12, 31), "year")
    for m in RE_YEAR_QUALIFIER.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a year naming what a plan or report is about")
    for m in RE_SHORT_YEARS.finditer(ctx.text):
        yield Hit(m.start(), m.end(), reason="a length of time in years, not a date")


# A deadline that leaves its year to the plan may name it relative to the plan: "当年" (the plan
# year) or "次年" (the year after). Without one, a digit, 年 or blank just before the month
# means the year was written out (and read by `explicit_dates`) or the month is not a date.
REL = r"(?P<rel>次|当)年\s*"
LEAD = rf"(?:{REL}|(?<![\d年□]))"
RE_PLAN_DEKAD = re.compile(
    rf"{LEAD}(?P<m>\d{{1,2}})\s*月\s*(?:份\s*)?(?P<dekad>[上中下])旬\s*{BEFORE}?"
)
RE_PLAN_MONTH_END = re.compile(rf"{LEAD}(?P<m>\d{{1,2}})\s*月\s*(?:底|末)\s*{BEFORE}?")
RE_PLAN_DAY = re.compile(rf"{LEAD}(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*日\s*{BEFORE}")
# "三季度末前", "第三季度末": not "上一季度末" (the quarter before some date) nor "每…".
RE_PLAN_QUARTER_END = re.compile(
    rf"(?:{REL}|(?<![\d年□上本下每该第]))第?\s*(?P<q>[一二三四1-4])\s*季度\s*(?:末|底)\s*{BEFORE}?"
)
NOT_A_YEAR_COUNT = r"(?<![\d年□一二两三四五六七八九十几每半])"
RE_PLAN_HALF = re.compile(rf"(?:{REL}|{NOT_A_YEAR_COUNT})(?P<half>上|下)半年\s*{BEFORE}?")
# "年中" with no 前 only where it cannot be the end of a word ("老年中心", "青年中…").
RE_PLAN_MID_YEAR = re.compile(
    rf"(?:{REL}|(?<=[于在至到])|(?<![\u4e00-\u9fff\d□])|{NOT_A_YEAR_COUNT}(?=年中\s*{BEFORE}))"
    rf"(?P<mid>年中)\s*{BEFORE}?"
)
RE_PLAN_YEAR_END = re.compile(rf"(?:{REL}年?|{NOT_A_YEAR_COUNT}年\s*)(?:(?:底|末)\s*{BEFORE}|内)")
PLAN_PATTERNS = (
    RE_PLAN_DEKAD,
    RE_PLAN_MONTH_END,
    RE_PLAN_DAY,
    RE_PLAN_QUARTER_END,
    RE_PLAN_HALF,
    RE_PLAN_MID_YEAR,
    RE_PLAN_YEAR_END,
)


def _plan_due(m: re.Match[str], year: int) -> tuple[date, str] | None:
    """The due date a plan-year pattern gives in `year`, and its granularity."""
    groups = m.groupdict()
    if groups.get("q"):
        _, last = QUARTER_MONTHS[parse_number(groups["q"])]
        return month_end(year, last), "quarter"
    if groups.get("half"):
        return (date(year, 6, 30) if groups["half"] == "上" else date(year, 12, 31)), "half_year"
    if groups.get("mid"):
        return date(year, 6, 30), "half_year"
    if not groups.get("m"):
        return date(year, 12, 31), "year"
    month = int(groups["m"])
    if not valid(year, month, int(groups.get("d") or 1)):
        return None
    if groups.get("d"):
        return before_day(year, month, int(groups["d"])), "day"
    if groups.get("dekad"):
        return dekad_end(year, month, groups["dekad"]), "dekad"
    return month_end(year, month), "month"


def plan_year_dates(ctx: Context) -> Iterator[Hit]:
    """Deadlines that leave the year to the plan: "10月底前" in a 2019 plan is 2019-10-31,
    "12月上旬" 2019-12-10, "三季度末前" 2019-09-30, "上半年" / "年中" 2019-06-30, "下半年" and
    "年内" 2019-12-31, "当年12月底前" 2019-12-31 and "次年3月底前" 2020-03-31."""
    resolved = ctx.plan.resolve()
    for pattern in PLAN_PATTERNS:
        for m in pattern.finditer(ctx.text):
            if resolved is None:
                yield Hit(m.start(), m.end(), reason="a month deadline with no plan year")
                continue
            year, source = resolved
            if m["rel"] == "次":
                year, source = year + 1, f"{source}_next"
            found = _plan_due(m, year)
            if found is None:
                continue
            due, granularity = found
            params = {"due": iso(due), "granularity": granularity, "year_source": source}
            yield Hit(m.start(), m.end(), RuleKind.ONE_OFF, params)
