"""Reading schedule rules out of a duty's words.

What counts as a deadline (and what deliberately does not):

* Counted: explicit deadlines ("2016年年底前", "2017年6月底前", "到2022年", "2024年前"),
  deadlines resolved against the plan's year ("10月底前", "12月上旬" → the 10th, "中旬" → the
  20th, "下旬" → the month's end, "三季度末前", "上半年" / "年中" → 30 June, "下半年" / "年内" →
  31 December, "当年12月底前"; "次年3月底前" → the year after), start bounds ("2020年起"),
  recurring dates and windows ("每年1月31日前", "每年第一季度", "12月份…宣传月"), the
  Constitution Day / Week, periods ("每季度", "季度末", "每两年", "日排查、周调度、月汇总、季分析"),
  days of every month ("每月10日前", "每月上旬" → the 10th),
  yearly counts ("每年至少举办2期", "不少于4次"), and event-relative limits
  ("自发布之日起15日内", "收到…文件后20个工作日内"). A rule about the previous year's report
  also records the duty's verb (公开/公布 → publish, 报送/报告/提交 → report) for its wording.
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

import json
from collections.abc import Iterator
from dataclasses import dataclass

from scheduling.dates.model import RECURRING_KINDS, IgnoredPhrase, Rule, RuleKind
from scheduling.reading.masks import DATED, find_masks
from scheduling.reading.matchers_dates import annual_report, explicit_dates, plan_year_dates
from scheduling.reading.matchers_recurring import (
    events,
    monthly_days,
    periodic,
    yearly_counts,
    yearly_dates,
    yearly_windows,
)
from scheduling.reading.matchers_relative import durations, event_relative
from scheduling.reading.spans import FILL, Context, Hit, Matcher, PlanYears, Span
from scheduling.reading.textnorm import normalize

__all__ = ["Extraction", "PlanYears", "Span", "scan"]


@dataclass(frozen=True)
class Extraction:
    """Everything read from one text: the rules and the phrases knowingly passed over.

    `spans[i]` holds the offsets of every phrase behind `rules[i]` (its phrase, the merged
    `also` phrases and a start bound), for coverage reports and highlighting.
    """

    rules: list[Rule]
    ignored: list[IgnoredPhrase]
    spans: list[tuple[Span, ...]]


SIMPLE_MATCHERS: list[Matcher] = [
    annual_report,
    event_relative,
    events,
    yearly_dates,
    yearly_windows,
    yearly_counts,
    monthly_days,
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
    masks = find_masks(norm)
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
