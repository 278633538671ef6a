"""The first conversation, end to end: /start, /help, /lang, unknown input, faults."""

from __future__ import annotations

from pathlib import Path

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
