"""Matchers for recurring rules: yearly dates and windows, the Constitution Day and Week,
yearly counts and periods ("每年1月31日前", "每年第一季度", "每年至少举办2期", "每季度",
"每月10日前", "每月上旬", "季度末")."""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterator
from typing import Any

from scheduling.dates.actions import duty_action
from scheduling.dates.model import RECURRING_KINDS, RuleKind
from scheduling.reading.matchers_dates import DEKAD_DAYS
from scheduling.reading.repair import repair_month_day
from scheduling.reading.spans import (
    BEFORE,
    NUM,
    QUARTER_MONTHS,
    Context,
    Hit,
    clause_bounds,
    covers,
)
from scheduling.reading.textnorm import parse_number

COUNT_UNITS = "次|期|场|批|轮"  # things held, counted and reported
BARE_COUNT_UNITS = "次|期|场|批"
QUANTITY_UNITS = "学时|课时|小时|天|日"  # a person's hours or days of training: not a count


def _reported(text: str, start: int, end: int) -> dict[str, str]:
    """The report a rule's sentence is about ("上一年度" → covers the previous year) and, when
    it is, what the duty does with it: the verb of the rule's clause, else of the rest of its
    sentence ("公开" → publish, "报送" → report; nothing when neither is named)."""
    found = covers(text, start, end)
    if not found:
        return found
    left, right = clause_bounds(text, start, end)
    action = duty_action(text[left:right])
    if action is None:
        stops = [i for i in (text.find("。", end), text.find("\n", end)) if i != -1]
        action = duty_action(text[start : min(stops) if stops else len(text)])
    return {**found, "action": action} if action else found


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
RE_YEARLY_DEKAD = re.compile(
    rf"每年(?:的)?\s*(?P<m>\d{{1,2}})\s*月\s*(?:份\s*)?(?P<dekad>[上中下])旬\s*{BEFORE}?"
)
RE_YEARLY_MONTH = re.compile(r"每年(?:的)?\s*(?P<m>\d{1,2})\s*月(?!\s*份?\s*(?:至|到|-))\s*份?")


def _yearly_date(ctx: Context, m: re.Match[str], month: int, day: int, **extra: Any) -> Hit:
    if day == 1 and m.group(0).endswith("前"):
        month = 12 if month == 1 else month - 1
        day = _calendar.monthrange(2001, month)[1]  # a common year: 28 February stays valid
    params: dict[str, Any] = {"month": month, "day": day}
    params.update(extra)
    params.update(_reported(ctx.text, m.start(), m.end()))
    return Hit(m.start(), m.end(), RuleKind.YEARLY_DATE, params)


def yearly_dates(ctx: Context) -> Iterator[Hit]:
    """ "每年1月31日前", the garbled "每年131日前", "每年12月上旬" (by 10 December), "每年1月底前",
    "每年1月" (the whole month)."""
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
    for m in RE_YEARLY_DEKAD.finditer(ctx.text):
        month = int(m["m"])
        if 1 <= month <= 12:
            last = _calendar.monthrange(2001, month)[1]  # a common year: 28 February
            yield _yearly_date(ctx, m, month, DEKAD_DAYS[m["dekad"]] or last)
    for pattern, whole in ((RE_YEARLY_MONTH_END, False), (RE_YEARLY_MONTH, True)):
        for m in pattern.finditer(ctx.text):
            month = int(m["m"])
            if 1 <= month <= 12:
                day = _calendar.monthrange(2001, month)[1]
                extra = {"whole_month": True} if whole else {}
                yield _yearly_date(ctx, m, month, day, **extra)


RE_YEARLY_QUARTER = re.compile(r"每年(?:的)?\s*第?\s*(?P<q>[一二三四1-4])\s*季度")
RE_YEARLY_HALF = re.compile(
    r"每年(?:的)?\s*(?P<h>上|下)半年(?:\s*(?:和|、|及|与|或)\s*(?P<h2>上|下)半年)?"
)
RE_YEARLY_MONTHS = re.compile(
    r"每年(?:的)?\s*(?P<a>\d{1,2})\s*月?\s*(?:至|到|-)\s*(?P<b>\d{1,2})\s*月(?:份)?"
)
RE_MONTH_OF_YEAR = re.compile(r"(?<![\d年□])(?P<m>\d{1,2})\s*月份")


def _window(ctx: Context, span: tuple[int, int], name: str, first: int, last: int) -> Hit:
    params: dict[str, Any] = {"window": name, "start_month": first, "end_month": last}
    params.update(_reported(ctx.text, *span))
    return Hit(*span, RuleKind.YEARLY_WINDOW, params)


def yearly_windows(ctx: Context) -> Iterator[Hit]:
    """ "每年第一季度", "每年上半年" (and "…和下半年"), "每年3至5月", and a month named on its
    own ("12月份")."""
    for m in RE_YEARLY_QUARTER.finditer(ctx.text):
        quarter = parse_number(m["q"])
        yield _window(ctx, m.span(), f"Q{quarter}", *QUARTER_MONTHS[quarter])
    for m in RE_YEARLY_HALF.finditer(ctx.text):
        first, last, name = (1, 6, "H1") if m["h"] == "上" else (7, 12, "H2")
        if m["h2"] is None:
            yield _window(ctx, m.span(), name, first, last)
            continue
        # "每年上半年和下半年": the 每年 governs both halves, each its own window.
        yield _window(ctx, (m.start(), m.start("h") + len("上半年")), name, first, last)
        first, last, name = (1, 6, "H1") if m["h2"] == "上" else (7, 12, "H2")
        yield _window(ctx, (m.start("h2"), m.end()), name, first, last)
    for m in RE_YEARLY_MONTHS.finditer(ctx.text):
        first, last = int(m["a"]), int(m["b"])
        if 1 <= first <= last <= 12:
            yield _window(ctx, m.span(), f"M{first:02d}-M{last:02d}", first, last)
    for m in RE_MONTH_OF_YEAR.finditer(ctx.text):
        month = int(m["m"])
        if 1 <= month <= 12:
            yield _window(ctx, m.span(), f"M{month:02d}", month, month)


RE_COUNT_YEARLY = re.compile(
    rf"(?P<lead>每年|年度|全年)[^,;。]{{0,40}}?(?P<cmp>不少于|至少|不低于)?\s*[^,;。\d]{{0,8}}?"
    rf"(?P<n>{NUM})\s*(?P<unit>{COUNT_UNITS})(?!性)(?P<plus>以上)?"
)
RE_COUNT_BARE = re.compile(
    rf"(?P<cmp>不少于|至少|不低于)\s*[^,;。\d]{{0,8}}?(?P<n>{NUM})\s*(?P<unit>{BARE_COUNT_UNITS})"
    r"(?!性)(?P<plus>以上)?"
)


RE_QUANTITY = re.compile(
    rf"(?:每年|年度|全年|不少于|至少|不低于|累计)[^,;。]{{0,50}}?(?P<n>{NUM})\s*(?:{QUANTITY_UNITS})"
    r"(?!内|前|以内|之内)"
)
RE_PER_PERSON = re.compile(r"每人|每名|人均|每位|个人")
# A body that holds the count itself: its own meetings, not every unit's.
RE_BODY = re.compile(r"中心组|领导班子|常务会议|常务会|党组|党委会|常委会")
RE_OTHERS = re.compile(r"^(?:其他|其它)")
RE_TIER_NOUN = re.compile(r"^.*(?:部门|单位|镇|街道)")
RE_MANY = re.compile(r"各|及其部门|部门|单位")


def _count(m: re.Match[str], subject: str = "") -> Hit:
    params: dict[str, Any] = {"target": parse_number(m["n"]), "unit_noun": m["unit"]}
    if re.search("不少于|至少|不低于|以上", m.group(0)):
        params["at_least"] = True
    if RE_BODY.search(subject) and not RE_MANY.search(subject):
        params["holder"] = "body"  # "区委中心组每年…学法不少于4次": the lead's, not everyone's
    return Hit(m.start(), m.end(), RuleKind.YEARLY_COUNT, params)


def _subject(text: str, start: int, end: int) -> str:
    left, _ = clause_bounds(text, start, end)
    return text[left:start].strip()


def _tier_name(text: str, start: int) -> str:
    """The units a tier names: the last clause of the sentence before the count that names
    departments, units, towns or streets ("…较多的职能部门，年度召开…不少于6次")."""
    before = text[text.rfind("。", 0, start) + 1 : start]
    for part in reversed(re.split(r"[，,；;]", before)):
        noun = RE_TIER_NOUN.match(part.strip())
        if noun:
            return noun.group(0)[-60:]
    return before.strip()[-60:] or "?"


def _tiered(text: str, hits: list[tuple[Hit, str]]) -> Iterator[Hit]:
    """Counts by tier ("民生部门…不少于6次，其它部门…不少于1次"): each applies to its own units."""
    sentences = {id(hit): text.rfind("。", 0, hit.start) for hit, _ in hits}
    tiered = {
        sentences[id(hit)] for hit, subject in hits if RE_OTHERS.match(subject) and hit.params
    }
    for hit, subject in hits:
        if hit.kind is None or sentences[id(hit)] not in tiered:
            yield hit
            continue
        tier = "others" if RE_OTHERS.match(subject) else _tier_name(text, hit.start)
        yield Hit(hit.start, hit.end, hit.kind, {**hit.params, "tier": tier})


def yearly_counts(ctx: Context) -> Iterator[Hit]:
    """ "每年至少举办2期", "年度…不少于6次"; a bare "不少于4次" is read per year too. A person's
    hours or days ("每人每年学法不少于60学时", "累计参加培训不少于15天") and anything counted per
    person are quantities to meet, not counts to report; a count a body holds belongs to the
    duty's lead; tiers apply per group of units."""
    text = ctx.text
    found: list[tuple[Hit, str]] = []
    for m in RE_QUANTITY.finditer(text):
        found.append((Hit(m.start(), m.end(), reason="a person's hours or days, not a count"), ""))
    for m in [*RE_COUNT_YEARLY.finditer(text), *RE_COUNT_BARE.finditer(text)]:
        subject = _subject(text, m.start("n"), m.end())
        if "任期" in subject:
            left, _ = clause_bounds(text, m.start(), m.end())
            found.append(
                (Hit(left, m.end(), reason="a count per term of office, not per year"), "")
            )
        elif RE_PER_PERSON.search(subject):
            found.append((Hit(m.start(), m.end(), reason="counted per person, not reported"), ""))
        elif parse_number(m["n"]) >= 1:
            found.append((_count(m, subject), subject))
    yield from _tiered(text, found)


RE_MONTHLY_DAY = re.compile(
    rf"每\s*个?\s*月(?:的)?\s*(?P<d>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*[日号]"
    rf"(?!\s*(?:至|到|-))\s*(?P<before>{BEFORE}|之内|以内|内)?"  # not a range "10日至20日"
)
RE_MONTHLY_DEKAD = re.compile(rf"每\s*个?\s*月(?:的)?\s*(?P<dekad>[上中下])旬\s*{BEFORE}?")


def monthly_days(ctx: Context) -> Iterator[Hit]:
    """ "每月10日前" / "每月10日内" (due on the 10th of every month), "每月上旬" (the 10th),
    "每月中旬" (the 20th), "每月下旬" (the month's end). A day past a month's length is clamped
    when the occurrence is made; "每月1日前" is the end of the month before, i.e. month-end."""
    for m in RE_MONTHLY_DAY.finditer(ctx.text):
        try:
            day = parse_number(m["d"])
        except ValueError:
            continue
        if not 1 <= day <= 31:
            continue
        params: dict[str, Any] = {"period": "month"}
        if not (day == 1 and m["before"] in ("前", "之前", "以前")):
            params["day"] = day
        yield Hit(m.start(), m.end(), RuleKind.PERIODIC, params)
    for m in RE_MONTHLY_DEKAD.finditer(ctx.text):
        day = DEKAD_DAYS[m["dekad"]]
        params = {"period": "month"} if day is None else {"period": "month", "day": day}
        yield Hit(m.start(), m.end(), RuleKind.PERIODIC, params)


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
# "季度末前报送" with no 每: every quarter's end. A numbered quarter ("三季度末", "第三季度末") is a
# one-off of the plan year (see matchers_dates); "上/本/下/该季度末" names one quarter in passing.
RE_QUARTER_END = re.compile(rf"(?<![一二三四1-4第每上本下该])季度\s*(?:末|底)\s*{BEFORE}?")


def _phrase_end(text: str, end: int) -> int:
    """Stretch a terse "每年" to the words it governs ("每年确定重点任务"), within the clause."""
    _, clause_end = clause_bounds(text, end, end)
    stop = min(clause_end, end + PHRASE_STRETCH)
    while end < stop and "\u4e00" <= text[end] <= "\u9fff":
        end += 1
    return end


def periodic(ctx: Context, taken: list[Hit]) -> Iterator[Hit]:
    """ "每季度", "每月", "每半年", "每两年", a bare "季度末", and "每年…" unless the clause
    already has a yearly rule (in "每年利用12.4宪法宣传周…" the 每年 belongs to the event)."""
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
    for m in RE_QUARTER_END.finditer(ctx.text):
        yield Hit(m.start(), m.end(), RuleKind.PERIODIC, {"period": "quarter"})
    for m in RE_ROUTINE.finditer(ctx.text):
        heads = {item[0] for item in m.group(0).split("、")}
        for head, period in ROUTINE_ORDER:
            if head in heads:
                yield Hit(m.start(), m.end(), RuleKind.PERIODIC, {"period": period})
                break
