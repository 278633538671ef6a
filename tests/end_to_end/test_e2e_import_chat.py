"""Importing a plan by sending it to the bot, end to end through the sandbox (issue 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.clock import SettableClock
from bot.usecases.importing.documents import import_sources, read_source
from bot.usecases.invites.links import create_invite
from bot.usecases.units.lookup import find_unit
from storage.models import Duty, PendingInput, Plan, Role, StatusReport
from tests.e2e import Harness, running_bot
from tests.import_support import SEED_004

SMALL_PLAN = """2027年度某县法治政府建设工作计划

一、总体任务
1、做好规范性文件备案工作。10月底前完成清理。（责任单位：县司法局）
""".encode()


async def bind(h: Harness, user: int, role: Role, unit_name: str | None = None) -> None:
    async with h.services.sessions() as session, session.begin():
        unit = await find_unit(session, unit_name) if unit_name else None
        token = (await create_invite(session, h.services.clock, role, unit)).token
    await h.say(user, f"/start {token}")


async def coordinator(h: Harness, name: str = "Wang") -> int:
    user = await h.user(name)
    await bind(h, user, Role.COORDINATOR)
    await h.say(user, "/lang en")
    return user


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def confirm_buttons(message: dict[str, Any]) -> list[str]:
    """Confirm and Cancel (the preview may also ask what to do with past deadlines)."""
    return [data for data in buttons(message) if data.startswith("imp:")]


async def upload(h: Harness, user: int, data: bytes, name: str) -> list[dict[str, Any]]:
    """Send a document; returns the bot's messages up to the one with buttons (or the first)."""
    after = await h.last_seq(user)
    await h.sandbox.upload(user, data, name)
    replies = await h.sandbox.wait_for(user, 1, after=after, kinds=["message"], timeout=20)
    return replies


async def press(h: Harness, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    after = await h.last_seq(user)
    await h.sandbox.press(user, message["message_id"], data)
    [reply] = (await h.sandbox.wait_for(user, 1, after=after, kinds=["message"], timeout=20))[:1]
    return reply


async def imported_duties(h: Harness) -> int:
    async with h.services.sessions() as session:
        count = await session.scalar(
            select(func.count(Duty.id)).join(Plan).where(Plan.is_statutory.is_(False))
        )
    return int(count or 0)


async def test_coordinator_uploads_confirms_and_the_duties_exist(
    db_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(db_url, tmp_path, clock) as h:
        wang = await coordinator(h)
        [summary] = await upload(h, wang, SEED_004.read_bytes(), "宝应2019.txt")
        text = summary["text"]
        assert "📄 宝应2019.txt" in text and "Nothing is saved until you confirm" in text
        assert "📋 2019年度全县法治政府建设工作计划" in text and "宝应县人民政府" in text
        assert "Items: 38" in text and "New plan: 38 duties will be added." in text
        assert "县直有关部门" in text, "the empty hand-picked group is pointed out"
        assert any(data.startswith("impp:") for data in buttons(summary)), "2019 has passed"
        ok, no = confirm_buttons(summary)
        assert ok.startswith("imp:ok:") and no.startswith("imp:no:")
        assert all(len(data.encode()) <= 64 for data in (ok, no))
        assert await imported_duties(h) == 0, "the preview wrote nothing"

        done = await press(h, wang, summary, ok)
        assert done["text"].startswith("✅ Imported 宝应2019.txt.")
        assert "2019年度全县法治政府建设工作计划: 38 added, 0 changed, 0 removed." in done["text"]
        assert await imported_duties(h) == 38
        async with h.services.sessions() as session:
            assert await session.scalar(select(func.count(PendingInput.id))) == 0

        after = await h.last_seq(wang)
        await h.sandbox.press(wang, summary["message_id"], ok)
        [answer] = await h.sandbox.wait_for(wang, 1, after=after, kinds=["callback_answer"])
        assert answer["show_alert"] and "no longer waiting" in answer["text"]
        assert await imported_duties(h) == 38, "a second press imports nothing"

        [again] = await upload(h, wang, SEED_004.read_bytes(), "宝应2019.txt")
        assert "Already imported; nothing would change." in again["text"]


async def test_cancel_writes_nothing_and_bad_files_get_one_sentence(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        wang = await coordinator(h)
        [summary] = await upload(h, wang, SEED_004.read_bytes(), "plan.txt")
        _ok, no = confirm_buttons(summary)
        cancelled = await press(h, wang, summary, no)
        assert cancelled["text"] == "Import cancelled. Nothing was written."
        assert await imported_duties(h) == 0

        [damaged] = await upload(h, wang, b"PK\x03\x04 not really a zip", "plan.docx")
        assert damaged["text"] == "The file is damaged and cannot be opened."
        [no_items] = await upload(h, wang, "只是一封信，没有任务。".encode(), "letter.txt")
        assert no_items["text"].startswith("No numbered tasks were found")
        [binary] = await upload(h, wang, bytes(range(256)) * 16, "data.bin")
        assert binary["text"] == "The file is binary data, not a text or Office document."
        assert not buttons(damaged) and not buttons(binary)
        assert await imported_duties(h) == 0

        li = await h.user("Li")
        await bind(h, li, Role.COORDINATOR)
        [chinese] = await upload(h, li, SEED_004.read_bytes(), "plan.txt")
        assert "2019年度全县法治政府建设工作计划" in chinese["text"] and buttons(chinese)


async def test_a_liaisons_document_is_evidence_not_an_import(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await import_sources(h.services, [read_source(SMALL_PLAN, "small.txt")])
        liaison = await h.user("Zhao")
        await bind(h, liaison, Role.LIAISON, "县司法局")
        await h.say(liaison, "/lang en")
        [stray] = await upload(h, liaison, SEED_004.read_bytes(), "plan.txt")
        assert "/help" in stray["text"] and not buttons(stray)
        assert await imported_duties(h) == 1

        tasks = await h.say(liaison, "/mytasks")
        card = await press(h, liaison, tasks, next(d for d in buttons(tasks) if d.startswith("c:")))
        ask = await press(h, liaison, card, next(d for d in buttons(card) if d.startswith("s:n:")))
        assert "evidence" in ask["text"]
        [saved] = await upload(h, liaison, b"%PDF-1.4 report", "report.pdf")
        assert saved["text"].startswith("Note saved for")
        async with h.services.sessions() as session:
            names = list(await session.scalars(select(StatusReport.evidence_name)))
        assert names == ["report.pdf"]


async def test_a_coordinator_answering_a_question_sends_evidence_not_a_plan(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        await import_sources(h.services, [read_source(SMALL_PLAN, "small.txt")])
        wang = await coordinator(h)
        await bind(h, wang, Role.LIAISON, "县司法局")
        tasks = await h.say(wang, "/mytasks")
        card = await press(h, wang, tasks, next(d for d in buttons(tasks) if d.startswith("c:")))
        await press(h, wang, card, next(d for d in buttons(card) if d.startswith("s:n:")))
        [saved] = await upload(h, wang, SEED_004.read_bytes(), "evidence.txt")
        assert saved["text"].startswith("Note saved for")
        assert not any(data.startswith("imp:") for data in buttons(saved))
        assert await imported_duties(h) == 1

        [summary] = await upload(h, wang, SEED_004.read_bytes(), "plan.txt")
        assert buttons(summary), "with nothing awaited, the next document is an import"
        chatter = await h.say(wang, "hello")
        assert "/help" in chatter["text"], "text while an import waits is handled as usual"
        done = await press(h, wang, summary, confirm_buttons(summary)[0])
        assert done["text"].startswith("✅ Imported plan.txt.")
        assert await imported_duties(h) == 39
