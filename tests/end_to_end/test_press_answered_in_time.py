"""A press is answered while Telegram still takes it, whatever holds its turn up (issue 18).

Telegram takes answerCallbackQuery only for a short while after the press. A press whose turn
waits for a PostgreSQL row lock (a coordinator's import or another worker changing the same
duty) is answered plainly once `press_answer_after_seconds` have passed, then saved and
confirmed in the chat when the lock is gone; its handler's own answer is not sent twice."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import SettableClock
from storage.models import Assignment, AssignmentStatus, MessageRef, Role
from tests.conftest import (
    POSTGRES_ADMIN_URL,
    _drop_postgres_database,
    _new_postgres_database,
    postgres_reason,
)
from tests.e2e import Harness, running_bot
from tests.end_to_end.test_e2e_conversations import (
    buttons,
    invite_token,
    press_and_reply,
    seed_units,
)

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

CALLBACK_WINDOW = 4.0  # seconds Telegram (the sandbox) takes an answer
LOCK_HELD = 6.0  # seconds another transaction holds the duty's row
ANSWER_AFTER = 1.5  # the bot's press watch


@pytest.fixture
def postgres_url() -> Iterator[str]:
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    name = _new_postgres_database()
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        _drop_postgres_database(name)


async def _hold_row(url: str, assignment_id: int, held: asyncio.Event) -> None:
    """Another transaction holding the duty's row, as a long import would."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        async with connection.transaction():
            await connection.execute(
                "SELECT id FROM assignments WHERE id = $1 FOR UPDATE", assignment_id
            )
            held.set()
            await asyncio.sleep(LOCK_HELD)
    finally:
        await connection.close()


async def _card(h: Harness, liaison: int) -> dict[str, object]:
    tasks = await h.say(liaison, "/mytasks")
    card = await press_and_reply(
        h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:"))
    )
    for _ in range(100):  # the card is remembered (written after it is sent) before the lock
        async with h.services.sessions() as session:
            if await session.scalar(
                select(MessageRef.id).where(MessageRef.message_id == card["message_id"])
            ):
                return card
        await asyncio.sleep(0.05)
    raise AssertionError("the card was never remembered")


async def test_a_press_held_up_by_a_row_lock_is_answered_before_it_expires(
    postgres_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(
        postgres_url, tmp_path, clock, press_answer_after_seconds=ANSWER_AFTER
    ) as h:
        await seed_units(h.services)
        liaison = await h.user("李联络")
        await h.say(liaison, f"/start {await invite_token(h.services, '区司法局', Role.LIAISON)}")
        card = await _card(h, liaison)
        done = next(d for d in buttons(card) if d.startswith("s:d:"))
        assignment_id = int(done.rsplit(":", 1)[1])
        await h.sandbox.set_callback_timeout(CALLBACK_WINDOW)
        answered = len(await h.sandbox.callback_answers())
        held = asyncio.Event()
        holder = asyncio.create_task(_hold_row(postgres_url, assignment_id, held))
        await asyncio.wait_for(held.wait(), 30)
        confirmation = await press_and_reply(h, liaison, card, done)
        await holder
        answers = await h.sandbox.callback_answers()
        async with h.services.sessions() as session:
            status = await session.scalar(
                select(Assignment.status).where(Assignment.id == assignment_id)
            )
    assert len(answers) == answered + 1, "the press was answered once, while the row was held"
    assert "已记录" in confirmation["text"]
    assert status is AssignmentStatus.DONE


async def test_a_quick_press_is_answered_by_its_handler_alone(
    postgres_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    """The watch never answers a turn that ends in time: one answer per press."""
    async with running_bot(postgres_url, tmp_path, clock) as h:
        await seed_units(h.services)
        liaison = await h.user("李联络")
        await h.say(liaison, f"/start {await invite_token(h.services, '区司法局', Role.LIAISON)}")
        card = await _card(h, liaison)
        answered = len(await h.sandbox.callback_answers())
        done = next(d for d in buttons(card) if d.startswith("s:d:"))
        confirmation = await press_and_reply(h, liaison, card, done)
        await asyncio.sleep(2.5)  # past the watch's 2 s: nothing more may arrive
        answers = await h.sandbox.callback_answers()
    assert len(answers) == answered + 1
    assert "已记录" in confirmation["text"]
