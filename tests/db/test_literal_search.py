"""Strangers learn nothing (issue 18): `%` and `_` typed by a user are literal in every
substring search, on SQLite and PostgreSQL, and a member without a role gets no unit hints."""

from __future__ import annotations

from datetime import date

from bot.services import Services
from bot.usecases.ledger.collect import find_plans
from bot.usecases.status.overview import Shows, status_view
from bot.usecases.units.lookup import suggest_units
from storage.models import Member, Unit, UnitKind
from storage.search import escape_like
from tests.factories import WeekendCalendar, build_assignment


async def _units(services: Services, *names: str) -> None:
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        session.add_all(Unit(name=n, kind=UnitKind.DEPARTMENT, created_at=now) for n in names)


def test_escaping_doubles_the_escape_character_before_the_wildcards() -> None:
    assert escape_like("50%_a\\b") == "50\\%\\_a\\\\b"


async def test_percent_and_underscore_match_only_themselves_in_unit_hints(
    services: Services,
) -> None:
    await _units(services, "区司法局", "区教育局", "测试_单位", "百分百%单位", "反斜\\杠局")
    async with services.sessions() as session:
        assert await suggest_units(session, "%") == ["百分百%单位"]
        assert await suggest_units(session, "_") == ["测试_单位"]
        assert await suggest_units(session, "区__局") == []
        assert await suggest_units(session, "\\") == ["反斜\\杠局"]
        assert sorted(await suggest_units(session, "局")) == ["区司法局", "区教育局", "反斜\\杠局"]


async def test_percent_and_underscore_match_only_themselves_in_plan_titles(
    services: Services,
) -> None:
    async with services.sessions() as session, session.begin():
        await build_assignment(session, services.clock.now())
    async with services.sessions() as session:
        assert await find_plans(session, "%") == []
        assert await find_plans(session, "_") == []
        assert [p.title for p in await find_plans(session, "任务台账")] == [
            "2020年法治政府建设任务台账"
        ]


async def test_a_member_without_a_role_gets_no_unit_hints_from_status(services: Services) -> None:
    await _units(services, "区司法局", "区教育局")
    now = services.clock.now()
    async with services.sessions() as session, session.begin():
        stranger = Member(telegram_user_id=777, chat_id=777, name="stranger", created_at=now)
        session.add(stranger)
    async with services.sessions() as session:
        for asked in ("%", "_", "区", "区司法局"):
            view = await status_view(
                session, stranger.id, asked, date(2026, 11, 23), WeekendCalendar()
            )
            assert view.shows is Shows.NOT_BOUND and view.hints == () and view.units == ()
