"""In webhook mode the board is served behind the webhook's own address: one server takes
Telegram's updates at /telegram (checking the secret token) and serves /board/ (issue 19)."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.clock import SettableClock
from bot.sandbox.testing import free_port
from bot.settings import RunMode
from handlers.board import board_url
from tests.e2e import running_bot


async def test_the_board_shares_the_webhooks_address(
    sqlite_url: str, tmp_path: Path, clock: SettableClock
) -> None:
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
        assert board_url(h.app) == f"http://127.0.0.1:{port}/board/"
        li = await h.user("Li")
        assert (await h.say(li, "/start"))["text"].startswith("您好，Li！"), "updates arrive"
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/board/") as page:
                assert page.status == 200 and "board.js" in await page.text()
                assert "script-src 'self'" in page.headers["Content-Security-Policy"]
            async with http.get(f"http://127.0.0.1:{port}/board/api/overview") as api:
                assert api.status == 401
            async with http.post(
                f"http://127.0.0.1:{port}/telegram", json={"update_id": 1}
            ) as forged_update:
                assert forged_update.status == 403, "no secret token, no update"
        board = await h.say(li, "/board")
        assert "协调员和联络员" in board["text"], "Li is neither"
