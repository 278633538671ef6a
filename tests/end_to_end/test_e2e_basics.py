"""The first conversation, end to end: /start, /help, /lang, unknown input, faults."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.clock import SettableClock
from handlers.menu import visible_commands
from tests.e2e import running_bot


async def test_start_help_lang_unknown(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        li = await h.user("Li")
        wang = await h.user("Wang")
        reply = await h.say(li, "/start")
        assert reply["text"].startswith("您好，Li！")
        help_reply = await h.say(li, "/help")
        for command in visible_commands():
            assert f"/{command.name}" in help_reply["text"]
        switched = await h.say(li, "/lang en")
        assert "English" in switched["text"] or "language" in switched["text"]
        english = await h.say(li, "/start")
        assert english["text"].startswith("Hello, Li!")
        still_chinese = await h.say(wang, "/start")
        assert still_chinese["text"].startswith("您好，Wang！"), "only Li switched language"
        unknown = await h.say(li, "/frobnicate now")
        assert "/frobnicate" in unknown["text"] and "/help" in unknown["text"]
        chatter = await h.say(wang, "你好")
        assert "/help" in chatter["text"]
        bad_lang = await h.say(wang, "/lang fr")
        assert "/lang zh" in bad_lang["text"]
        commands = await h.sandbox.commands()
        languages = {entry.get("language_code") or "" for entry in commands}
        assert {"", "zh", "en"} <= languages


async def test_same_flows_in_webhook_mode(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    from bot.sandbox.testing import free_port
    from bot.settings import RunMode

    port = free_port()
    async with running_bot(
        sqlite_url,
        tmp_path,
        clock,
        mode=RunMode.WEBHOOK,
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret="s3cret-webhook",
    ) as h:
        bots = await h.sandbox.bots()
        assert bots[0]["webhook_url"] == f"http://127.0.0.1:{port}/telegram"
        li = await h.user("Li")
        assert (await h.say(li, "/start"))["text"].startswith("您好，Li！")
        assert "English" in (await h.say(li, "/lang en"))["text"]
        assert (await h.say(li, "/start"))["text"].startswith("Hello, Li!")
        assert "/help" in (await h.say(li, "/nonsense"))["text"]


async def test_reply_survives_a_429_and_a_5xx_exactly_once(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        li = await h.user("Li")
        await h.sandbox.set_faults(flood_next=1, flood_retry_after=1, error_next=1)
        reply = await h.say(li, "/start", timeout=20)
        assert reply["text"].startswith("您好")
        await asyncio.sleep(1.5)
        messages = [m for m in await h.sandbox.messages(li) if m.get("kind") == "message"]
        assert len(messages) == 1, "the reply arrives exactly once"
        stats = await h.sandbox.stats()
        assert stats["answered_429"] >= 1 and stats["answered_5xx"] >= 1


async def test_a_failing_handler_gets_a_polite_answer_without_traceback(
    sqlite_url: str,
    tmp_path: Path,
    clock: SettableClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import handlers.tasks

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database exploded")

    monkeypatch.setattr(handlers.tasks, "liaison_unit_ids", broken)
    async with running_bot(sqlite_url, tmp_path, clock) as h:
        li = await h.user("Li")
        reply = await h.say(li, "/mytasks")
        assert reply["text"] == "抱歉，系统出了点问题，请稍后再试。"
        assert "Traceback" not in reply["text"] and "exploded" not in reply["text"]
        assert (await h.say(li, "/start"))["text"].startswith("您好"), "the bot keeps serving"
    assert any("database exploded" in (r.exc_text or str(r.exc_info)) for r in caplog.records)
