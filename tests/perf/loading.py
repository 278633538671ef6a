"""Write a synthetic city in bulk — sqlite3 `executemany` on SQLite, `COPY` on PostgreSQL — and
prepare its due set before each measurement.

The schema comes from the real migration (`storage.schema.upgrade`). After a load PostgreSQL
gets `VACUUM ANALYZE` (what autovacuum does soon after a bulk insert); SQLite gets nothing,
as a deployment never runs ANALYZE either.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, is_sqlite, session_factory, sqlite_path
from storage.enums import JurisdictionLevel
from storage.models import ConfigEntry, DeliveryAttempt, Jurisdiction, Reminder, ReminderState
from storage.schema import upgrade
from tests.perf.deployment import CITY_NAME, LOAD_ORDER, TABLES, ZONE, City, Row, Table
from tests.perf.scale import Scale

META_KEY = "bench:meta"
DUE_KEY = "bench:due"
PLANNER_KEY = "planner:last_day"


@dataclass(frozen=True)
class BuildInfo:
    """What was built and how long it took (seconds), for the report."""

    rows: dict[str, int]
    seconds: float
    reused: bool
    due_ids: list[int]
    states: dict[str, int]


def _sqlite_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "dt":
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if kind == "date":
        return value.isoformat()
    if kind == "bool":
        return int(value)
    if kind == "json":
        return json.dumps(value)
    return value


def _pg_value(kind: str, value: Any) -> Any:
    if value is not None and kind == "json":
        return json.dumps(value)
    return value


def _encoded(table: Table, rows: Iterable[Row], sqlite: bool) -> Iterator[Row]:
    kinds = [kind for _name, kind in table.columns]
    convert = _sqlite_value if sqlite else _pg_value
    plain = {"int", "str"}
    for row in rows:
        yield tuple(
            value if kind in plain else convert(kind, value)
            for kind, value in zip(kinds, row, strict=True)
        )


class _Counted:
    """Counts rows as a loader consumes them."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        for row in self.rows:
            self.count += 1
            yield row


def _load_sqlite(url: str, city: City) -> dict[str, int]:
    path = sqlite_path(url)
    assert path is not None, "the benchmark needs a SQLite file"
    connection = sqlite3.connect(path)
    counts: dict[str, int] = {}
    try:
        connection.execute("PRAGMA synchronous=OFF")
        with connection:
            for name in LOAD_ORDER:
                table = TABLES[name]
                rows = _Counted(_encoded(table, city.rows(name), sqlite=True))
                marks = ", ".join("?" for _ in table.columns)
                sql = f"INSERT INTO {name} ({', '.join(table.names)}) VALUES ({marks})"
                connection.executemany(sql, rows)
                counts[name] = rows.count
    finally:
        connection.close()
    return counts


def pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _load_postgres(url: str, city: City) -> dict[str, int]:
    import asyncpg

    connection = await asyncpg.connect(pg_dsn(url))
    counts: dict[str, int] = {}
    try:
        for name in LOAD_ORDER:
            table = TABLES[name]
            rows = _Counted(_encoded(table, city.rows(name), sqlite=False))
            await connection.copy_records_to_table(name, records=rows, columns=table.names)
            counts[name] = rows.count
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {name}), 1))"
            )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()
    return counts


async def _read_meta(engine: AsyncEngine) -> dict[str, Any] | None:
    try:
        async with session_factory(engine)() as session:
            entry = await session.get(ConfigEntry, META_KEY)
            return dict(entry.value) if entry is not None else None
    except Exception:  # no schema yet
        return None


async def build(url: str, scale: Scale, now: datetime, reuse: bool = False) -> BuildInfo:
    """Create the schema and the city once; with `reuse`, keep a database built before at the
    same scale."""
    engine = create_engine(url)
    try:
        meta = await _read_meta(engine) if reuse else None
        if meta is not None and meta.get("scale") == scale.name:
            due = await _due_ids(engine)
            return BuildInfo(meta["rows"], meta["seconds"], True, due, await states(engine))
        started = time.perf_counter()
        await upgrade(engine)
        city = City(scale, now)
        if is_sqlite(url):
            rows = _load_sqlite(url, city)
        else:
            rows = await _load_postgres(url, city)
        if scale.districts:
            await _name_the_city(engine)
        due = await _choose_due(engine, scale, now)
        seconds = time.perf_counter() - started
        async with session_factory(engine)() as session, session.begin():
            session.add(
                ConfigEntry(
                    key=META_KEY,
                    value={"scale": scale.name, "rows": rows, "seconds": seconds},
                    updated_at=now,
                )
            )
        return BuildInfo(rows, seconds, False, due, await states(engine))
    finally:
        await engine.dispose()


async def _name_the_city(engine: AsyncEngine) -> None:
    """Jurisdiction 1, which the migration made, is the city above the districts."""
    async with session_factory(engine)() as session, session.begin():
        await session.execute(
            update(Jurisdiction)
            .where(Jurisdiction.id == 1)
            .values(name=CITY_NAME, level=JurisdictionLevel.CITY)
        )


async def _choose_due(engine: AsyncEngine, scale: Scale, now: datetime) -> list[int]:
    """The next planned reminders, one per (assignment, chat) so none collapses: the day's
    reminders of a busy day, made due by `prepare_due`."""
    chosen: list[int] = []
    seen: set[tuple[int, int]] = set()
    async with session_factory(engine)() as session, session.begin():
        rows = await session.execute(
            select(Reminder.id, Reminder.assignment_id, Reminder.chat_id)
            .where(
                Reminder.state == ReminderState.PLANNED,
                Reminder.send_after > now + timedelta(hours=3),
            )
            .order_by(Reminder.send_after, Reminder.id)
            .limit(scale.due * 4)
        )
        for reminder_id, assignment_id, chat_id in rows:
            if (assignment_id, chat_id) in seen:
                continue
            seen.add((assignment_id, chat_id))
            chosen.append(reminder_id)
            if len(chosen) == scale.due:
                break
        session.add(ConfigEntry(key=DUE_KEY, value={"ids": chosen}, updated_at=now))
    return chosen


async def _due_ids(engine: AsyncEngine) -> list[int]:
    async with session_factory(engine)() as session:
        entry = await session.get(ConfigEntry, DUE_KEY)
        return list(entry.value["ids"]) if entry is not None else []


async def states(engine: AsyncEngine) -> dict[str, int]:
    from sqlalchemy import func

    async with session_factory(engine)() as session:
        rows = await session.execute(select(Reminder.state, func.count()).group_by(Reminder.state))
        return {state.value: count for state, count in rows}


def _chunks(ids: list[int], size: int = 2_000) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


async def prepare_due(url: str, due_ids: list[int], now: datetime) -> None:
    """Make the due set due now (planned a minute ago) and nothing else: rows that fell due
    since the build count as sent, as a running bot would have sent them; the daily planning
    counts as done today, so the bot under test only delivers."""
    engine = create_engine(url)
    due_at = now - timedelta(minutes=1)
    try:
        async with session_factory(engine)() as session, session.begin():
            await session.execute(
                update(Reminder)
                .where(
                    Reminder.state.in_([ReminderState.PLANNED, ReminderState.CLAIMED]),
                    Reminder.send_after <= now + timedelta(hours=2),
                )
                .values(state=ReminderState.SENT, sent_at=now, claimed_by=None, claimed_until=None)
                .execution_options(synchronize_session=False)
            )
            for chunk in _chunks(due_ids):
                await session.execute(
                    update(Reminder)
                    .where(Reminder.id.in_(chunk))
                    .values(
                        state=ReminderState.PLANNED,
                        planned_at=due_at,
                        send_after=due_at,
                        sent_at=None,
                        telegram_message_id=None,
                        claimed_by=None,
                        claimed_until=None,
                        attempts=0,
                        last_error=None,
                    )
                    .execution_options(synchronize_session=False)
                )
                await session.execute(
                    delete(DeliveryAttempt).where(DeliveryAttempt.reminder_id.in_(chunk))
                )
            today = now.astimezone(ZONE).date().isoformat()
            entry = await session.get(ConfigEntry, PLANNER_KEY)
            value = {"day": today, "at": now.isoformat()}
            if entry is None:
                session.add(ConfigEntry(key=PLANNER_KEY, value=value, updated_at=now))
            else:
                entry.value = value
                entry.updated_at = now
    finally:
        await engine.dispose()
