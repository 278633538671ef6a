"""The demo's sample plan, dated around today so its reminders show up at once."""

from __future__ import annotations

from datetime import date
from importlib import resources

from scheduling.dates.workdays import WorkdayCalendar

SAMPLE_NAME = "示范区法治政府建设工作要点.txt"
SOON_WORKDAYS = 3


def sample_plan_text(today: date, calendar: WorkdayCalendar) -> str:
    """The bundled plan with its year and one deadline three working days from today."""
    template = resources.files("bot.data").joinpath("sample_plan.txt").read_text("utf-8")
    soon = calendar.add_workdays(today, SOON_WORKDAYS)
    return template.format(year=today.year, soon=f"{soon.year}年{soon.month}月{soon.day}日")
