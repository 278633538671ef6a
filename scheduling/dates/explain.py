"""Saying what a rule means, in words a liaison can check against the plan's text.

"每年1月31日前 → every year by January 31, covering the previous year". The phrase is shown
as written; the reading is translated.

A reading about the previous year's report says what the duty does with it, following the
duty's verb (`params["action"]`, or for a rule whose phrase is the whole sentence, as in the
statutory calendar, the phrase's own verb): 公开/公布 → "公开", 报送/报告/提交 → "报送", and
neither word when the duty names neither.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from scheduling.dates.actions import duty_action
from scheduling.dates.labels import (
    HALF_NAMES,
    QUARTER_NAMES,
    long_date,
    month_day,
    month_name,
)
from scheduling.dates.wording import _

if TYPE_CHECKING:
    from scheduling.dates.wording import Translator


class Explained(Protocol):
    """What an explanation reads of a rule (`scheduling.dates.model.Rule` is one); a protocol,
    so that the rule can explain itself without the two modules importing each other."""

    @property
    def kind(self) -> str: ...

    @property
    def phrase(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...

    @property
    def repaired(self) -> bool: ...


ONE_OFF = {
    "explicit": _("by {date}"),
    "plan": _("by {date} (year taken from the plan)"),
    "plan_start": _("by {date} (year taken from the plan's first year)"),
    "plan_next": _("by {date} (the year after the plan's year)"),
    "plan_start_next": _("by {date} (the year after the plan's first year)"),
}
PERIODIC = {
    "month": _("every month, due at the end of the month"),
    "quarter": _("every quarter, due at the end of the quarter"),
    "half_year": _("every half-year, due at the end of June and of December"),
    "year": _("every year, due at the end of the year"),
}
MONTH_DAY = _("every month by day {day}")
MONTH_DAY_CLAMPED = _("every month by day {day}, or by the last day of a shorter month")
# Readings about the previous year, by the duty's verb: "report" (报送; the original wording),
# "publish" (公开), None (neither named).
PREVIOUS_YEAR_DATE = {
    "report": _("every year by {day}, covering the previous year"),
    "publish": _("every year by {day}, made public, covering the previous year"),
    None: _("every year by {day}, for the previous year"),
}
PREVIOUS_YEAR_MONTH = {
    "report": _("every year during {month}, by {day}, covering the previous year"),
    "publish": _("every year during {month}, by {day}, made public, covering the previous year"),
    None: _("every year during {month}, by {day}, for the previous year"),
}
PREVIOUS_YEAR_WINDOW = {
    "report": _("every year in {window} ({start} to {end}), covering the previous year"),
    "publish": _(
        "every year in {window} ({start} to {end}), made public, covering the previous year"
    ),
    None: _("every year in {window} ({start} to {end}), for the previous year"),
}
ONGOING = {
    "month": _("no date in the text: a check-in every month"),
    "quarter": _("no date in the text: a check-in every quarter"),
    "half_year": _("no date in the text: a check-in every half-year"),
    "year": _("no date in the text: a check-in every year"),
}


def ngettext(singular: str, plural: str, count: int) -> tuple[str, str]:
    """Mark a plural pair for extraction (Babel's default `ngettext` keyword); the pair is
    translated when rendered, through `Translator.ngettext`."""
    return singular, plural


COUNT_UNITS = {
    "次": ngettext("{count} time", "{count} times", 2),
    "期": ngettext("{count} session", "{count} sessions", 2),
    "场": ngettext("{count} event", "{count} events", 2),
    "批": ngettext("{count} batch", "{count} batches", 2),
    "学时": ngettext("{count} class hour", "{count} class hours", 2),
    "课时": ngettext("{count} lesson", "{count} lessons", 2),
    "天": ngettext("{count} day", "{count} days", 2),
}
TRIGGERS = {
    "publication": _("publication"),
    "decision": _("the decision"),
    "receipt": _("receipt of the document"),
    "acceptance": _("acceptance of the case"),
    "service": _("service of the document"),
    "signing": _("signing"),
    "effect": _("entry into force"),
    "filing": _("the case being filed"),
    "unspecified": _("the event you report"),
}


def _one_off(rule: Explained, tr: Translator) -> str:
    due = date.fromisoformat(rule.params["due"])
    if rule.params.get("granularity") == "statutory_q1":
        return tr.gettext(
            _("report on {year} due by {date} (first quarter of the next year)"),
            year=rule.params.get("covers_year", due.year - 1),
            date=long_date(tr, due),
        )
    source = rule.params.get("year_source", "explicit")
    return tr.gettext(ONE_OFF.get(source, ONE_OFF["explicit"]), date=long_date(tr, due))


def _action(rule: Explained) -> str | None:
    """What the duty does with its report: the verb read with the rule, else its phrase's."""
    return rule.params.get("action") or duty_action(rule.phrase)


def _yearly_date(rule: Explained, tr: Translator) -> str:
    p = rule.params
    day = month_day(tr, p["month"], p["day"])
    previous = p.get("covers") == "previous_year"
    if p.get("whole_month"):
        month = month_name(tr, p["month"])
        if previous:
            msg = PREVIOUS_YEAR_MONTH[_action(rule)]
        else:
            msg = _("every year during {month}, by {day}")
        return tr.gettext(msg, month=month, day=day)
    if previous:
        return tr.gettext(PREVIOUS_YEAR_DATE[_action(rule)], day=day)
    return tr.gettext(_("every year by {day}"), day=day)


def _window_name(p: dict[str, Any], tr: Translator) -> str:
    window = p["window"]
    if window.startswith("Q"):
        return tr.gettext(QUARTER_NAMES[int(window[1])])
    if window.startswith("H"):
        return tr.gettext(HALF_NAMES[int(window[1])])
    if p["start_month"] == p["end_month"]:
        return month_name(tr, p["start_month"])
    return tr.gettext(
        _("{first} to {last}"),
        first=month_name(tr, p["start_month"]),
        last=month_name(tr, p["end_month"]),
    )


def _yearly_window(rule: Explained, tr: Translator) -> str:
    p = rule.params
    values = {
        "window": _window_name(p, tr),
        "start": month_day(tr, p["start_month"], 1),
        "end": month_day(tr, p["end_month"], monthrange(2001, p["end_month"])[1]),
    }
    if p.get("covers") == "previous_year":
        msg = PREVIOUS_YEAR_WINDOW[_action(rule)]
    else:
        msg = _("every year in {window} ({start} to {end})")
    return tr.gettext(msg, **values)


def _yearly_event(rule: Explained, tr: Translator) -> str:
    if rule.params["event"] == "constitution_day":
        day = month_day(tr, rule.params.get("month", 12), rule.params.get("day", 4))
        return tr.gettext(
            _(
                "every year around National Constitution Day ({day}): "
                "prepare before it, report after it"
            ),
            day=day,
        )
    return tr.gettext(
        _(
            "every year around Constitution Week (1–7 December unless announced otherwise): "
            "prepare before it, report after it"
        )
    )


def _periodic(rule: Explained, tr: Translator) -> str:
    every = rule.params.get("every", 1)
    if every > 1:
        return tr.gettext(_("every {count} years, due at the end of the last year"), count=every)
    day = rule.params.get("day")
    if day is not None:  # "每月10日前"; only months have a due day
        return tr.gettext(MONTH_DAY_CLAMPED if day > 28 else MONTH_DAY, day=day)
    return tr.gettext(PERIODIC[rule.params["period"]])


def _yearly_count(rule: Explained, tr: Translator) -> str:
    target, unit = rule.params["target"], rule.params["unit_noun"]
    if unit in COUNT_UNITS:
        singular, plural = COUNT_UNITS[unit]
        amount = tr.ngettext(singular, plural, target)
    else:
        amount = f"{target}{unit}"
    if rule.params.get("at_least"):
        msg = _("at least {amount} every year; progress is counted from status replies")
    else:
        msg = _("{amount} every year; progress is counted from status replies")
    text = tr.gettext(msg, amount=amount)
    tier = rule.params.get("tier")
    if rule.params.get("holder") == "body":
        text += tr.gettext(_(" (the lead unit's own count)"))
    elif tier == "others":
        text += tr.gettext(_(" (for the other units)"))
    elif tier:
        text += tr.gettext(_(" (for {tier})"), tier=tier)
    return text


def _event_relative(rule: Explained, tr: Translator) -> str:
    p = rule.params
    trigger = tr.gettext(TRIGGERS.get(p["trigger"], TRIGGERS["unspecified"]))
    if p["working_days"]:
        msg = _("within {days} working days of {trigger} (you report the date)")
    else:
        msg = _("within {days} calendar days of {trigger} (you report the date)")
    return tr.gettext(msg, days=p["days"], trigger=trigger)


def _ongoing(rule: Explained, tr: Translator) -> str:
    return tr.gettext(ONGOING[rule.params.get("period", "quarter")])


READINGS = {
    "one_off": _one_off,
    "yearly_date": _yearly_date,
    "yearly_window": _yearly_window,
    "yearly_event": _yearly_event,
    "periodic": _periodic,
    "yearly_count": _yearly_count,
    "event_relative": _event_relative,
    "ongoing": _ongoing,
}


def reading(rule: Explained, translator: Translator) -> str:
    """What the rule means, with notes on repairs and start bounds."""
    text = READINGS[str(rule.kind)](rule, translator)
    starts = rule.params.get("starts")
    if starts:
        text = translator.gettext(
            _("{text}, starting {date}"),
            text=text,
            date=long_date(translator, date.fromisoformat(starts)),
        )
    if rule.repaired:
        text = translator.gettext(_("{text} (date repaired from garbled text)"), text=text)
    return text


def explain_rule(rule: Explained, translator: Translator) -> str:
    """ "phrase → reading"; a rule with no phrase (the default check-in) shows the reading."""
    text = reading(rule, translator)
    return f"{rule.phrase} → {text}" if rule.phrase else text
