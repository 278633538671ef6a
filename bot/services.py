"""The shared services a running bot or CLI command needs, built once from settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.i18n import Translator, normalize_locale
from bot.settings import Settings
from scheduling.dates.workdays import HolidayEntry, WorkdayCalendar
from storage.change_marker import ChangeMarker, marker_reader
from storage.db import create_engine, session_factory
from storage.models import HolidayDay


@dataclass
class Services:
    """Settings, clock and database handles, passed explicitly to use cases."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock = field(default_factory=SystemClock)
    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)
    _change_marker: ChangeMarker | None = field(default=None, init=False, repr=False)

    @property
    def change_marker(self) -> ChangeMarker:
        """The database's change marker (see storage.change_marker), opened on first use and
        released by `close`."""
        if self._change_marker is None:
            self._change_marker = marker_reader(self.engine)
        return self._change_marker

    async def load_calendar(self) -> None:
        """Rebuild the working-day calendar with the administrator's holiday entries."""
        async with self.sessions() as session:
            rows = await session.scalars(select(HolidayDay))
            entries = [
                HolidayEntry(
                    day=row.day,
                    kind="workday" if row.is_workday else "holiday",
                    name=row.name or "",
                )
                for row in rows
            ]
        self.calendar = WorkdayCalendar(entries)

    def today(self) -> date:
        """Today in the deployment's zone."""
        return self.clock.today(self.settings.zone)

    def translator(self, locale: str | None = None) -> Translator:
        return Translator(
            locale=normalize_locale(locale, self.settings.locale), zone=self.settings.zone
        )

    async def close(self) -> None:
        if self._change_marker is not None:
            self._change_marker.close()
            self._change_marker = None
        await self.engine.dispose()


def build_services(
    settings: Settings, clock: Clock | None = None, *, create: bool = True
) -> Services:
    """Services on the configured database; `create=False` refuses a SQLite file that does
    not exist yet (see `storage.db.create_engine`)."""
    engine = create_engine(settings.effective_database_url, create=create)
    return Services(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        clock=clock or SystemClock(),
    )
