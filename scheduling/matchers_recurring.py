"""Matchers for recurring rules: yearly dates and windows, the Constitution Day and Week,
yearly counts and periods ("每年1月31日前", "每年第一季度", "每年至少举办2期", "每季度")."""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterator
from typing import Any

from scheduling.model import RECURRING_KINDS, RuleKind
from scheduling.repair import repair_month_day
from scheduling.spans import (
    BEFORE,
    NUM,
    QUARTER_MONTHS,
    Context,
    Hit,
    clause_bounds,
    covers,
)
from scheduling.textnorm import parse_number

COUNT_UNITS = "次|期|场|批|学时|课时|天"
BARE_COUNT_UNITS = "次|期|场|批"


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
    params.update(covers(ctx.text, m.start(), m.end()))
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
    params.update(covers(ctx.text, m.start(), m.end()))
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
        left, _ = clause_bounds(ctx.text, m.start(), m.end())
        if "任期" in ctx.text[left : m.start()]:
            yield Hit(left, m.end(), reason="a count per term of office, not per year")
        elif parse_number(m["n"]) >= 1:
            yield _count(m)


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
    _, clause_end = clause_bounds(text, end, end)
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
            left, right = clause_bounds(ctx.text, m.start(), m.end())
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
