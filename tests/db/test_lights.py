"""One light per unit, the same in /status (coordinator's and liaison's), the board's rows,
the digest's chart and the ledger: red overdue or blocked, yellow due within 3 working days
and not started or more time asked, green otherwise, grey nothing due yet (issue 19)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.clock import SettableClock
from bot.i18n import Translator
from bot.render.chart import charted
from bot.render.tasks import render_office_status, render_unit_status
from bot.services import Services
from bot.usecases.digest.data import unit_progress
from bot.usecases.ledger.collect import collect_ledger
from bot.usecases.tasks.lights import Light, light_of
from bot.usecases.tasks.lists import unit_counts
from tests.board_support import NOW, TODAY, UNITS, board_world

ZH = Translator("zh_CN", ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


@pytest.mark.parametrize(
    ("counts", "light"),
    [
        ({"overdue": 1}, Light.RED),
        ({"blocked": 1, "come_due": 3}, Light.RED),
        ({"not_started_soon": 1}, Light.YELLOW),
        ({"more_time": 1, "come_due": 1}, Light.YELLOW),
        ({"come_due": 2}, Light.GREEN),
        ({}, Light.GREY),
        ({"overdue": 1, "not_started_soon": 2}, Light.RED),
    ],
)
def test_the_definition(counts: dict[str, int], light: Light) -> None:
    values = {"overdue": 0, "blocked": 0, "not_started_soon": 0, "more_time": 0, "come_due": 0}
    assert light_of(**{**values, **counts}) is light


async def test_every_view_colours_a_unit_alike(services: Services, clock: SettableClock) -> None:
    async with services.sessions() as session, session.begin():
        world = await board_world(session, clock.now())
    expected = {name: light for name, (_kind, light) in UNITS.items()}
    async with services.sessions() as session:
        office = await unit_counts(session, TODAY, services.calendar)
        one_by_one = {
            name: (await unit_counts(session, TODAY, services.calendar, [unit.id]))[0]
            for name, unit in world.units.items()
        }
        chart = await unit_progress(session, TODAY, services.calendar)
        ledger = await collect_ledger(session, TODAY, services.calendar)
    assert {c.unit_name: c.light.value for c in office} == expected, "office-wide counting"
    assert {n: c.light.value for n, c in one_by_one.items()} == expected, "a unit's own count"
    assert {p.unit_name: p.light for p in chart} == expected, "the chart's dots"
    assert [c.unit_name for c in office] == [p.unit_name for p in chart], "same order"
    on_chart = {p.unit_name for p in charted(chart)}
    assert on_chart == {n for n, light in expected.items() if light != "grey"}, (
        "every unit with something due (or wrong) has a bar, the blocked one due next year too"
    )
    lights = [c.light for c in office]
    assert lights == sorted(lights, key=[Light.RED, Light.YELLOW, Light.GREEN, Light.GREY].index)
    assert {c.unit_name: c.light.value for c in ledger.units} == expected, "the ledger summary"


async def test_status_separates_units_and_a_blocked_duty_is_red(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        world = await board_world(session, clock.now())
    async with services.sessions() as session:
        office = await unit_counts(session, TODAY, services.calendar)
        police = (
            await unit_counts(session, TODAY, services.calendar, [world.units["区公安分局"].id])
        )[0]
    text, _buttons = render_office_status(office, ZH)
    assert text.splitlines()[0] == "全部单位：🔴 2 · 🟡 2 · 🟢 2 · ⚪ 1"
    assert "⚪ 西城街道" in text and "🔴 区公安分局" in text
    liaison_view = render_unit_status(police, [], TODAY, ZH, "区公安分局")
    assert "🔴" in liaison_view.splitlines()[1], "the liaison's own view shows the block"
    assert "受阻 1" in liaison_view
