"""`dutybot doctor`: one ✓/✗ line per check, what to fix, exit 1 when something needs it."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.doctor import collect, render
from bot.clock import SettableClock
from bot.sandbox.server import SandboxServer
from bot.settings import Settings
from storage.db import create_engine, session_factory
from storage.models import HolidayDay
from storage.schema import upgrade
from tests.web_page_server import web_page_server

NOW = SettableClock(datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # bundled holidays end with 2026
TOKEN = "4040:doctor-token-secret"


def _font() -> str:
    return "Noto Sans CJK SC"


def _no_font() -> None:
    return None


async def _ready_database(data: Path) -> str:
    url = f"sqlite+aiosqlite:///{data / 'dutybot.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    async with session_factory(engine)() as session, session.begin():
        session.add(HolidayDay(day=date(2027, 1, 1), is_workday=False, name="元旦"))
    await engine.dispose()
    return url


async def test_a_healthy_installation_passes_every_check(tmp_path: Path) -> None:
    server = SandboxServer()
    url = await server.start()
    try:
        db_url = await _ready_database(tmp_path / "data")
        settings = Settings(
            token=TOKEN, api_url=url, data_dir=tmp_path / "data", database_url=db_url
        )
        lines, code = render(await collect(settings, NOW, _font))
    finally:
        await server.stop()
    print("\ndoctor (healthy):\n" + "\n".join(lines))
    assert code == 0
    assert all(line.startswith("✓") for line in lines[:-1])
    assert {line.split(":")[0][2:] for line in lines[:-1]} == {
        "settings",
        "data directory",
        "database file",
        "database schema",
        "Bot API",
        "holidays",
        "chart fonts",
    }


async def test_a_broken_installation_is_told_what_to_fix(tmp_path: Path) -> None:
    data = tmp_path / "nothing-here"
    settings = Settings(api_url="http://127.0.0.1:9", data_dir=data)
    lines, code = render(await collect(settings, NOW, _no_font))
    print("\ndoctor (broken):\n" + "\n".join(lines))
    assert code == 1
    text = "\n".join(lines)
    assert all(line.startswith("✗") for line in lines[:-1])
    assert "DUTYBOT_TOKEN is not set" in text
    assert "run `dutybot db upgrade`" in text
    assert "2027 not covered" in text and "dutybot calendar load FILE" in text
    assert "fonts-noto-cjk" in text
    assert not data.exists(), "the doctor creates nothing"


async def test_a_rejected_token_or_a_dead_server_is_named_without_the_token(
    tmp_path: Path,
) -> None:
    db_url = await _ready_database(tmp_path / "data")
    server = SandboxServer()
    url = await server.start()
    try:
        bad = Settings(
            token="4040:wrong/token", api_url=url, data_dir=tmp_path / "data", database_url=db_url
        )
        rejected = {c.name: c for c in await collect(bad, NOW, _font)}["Bot API"]
    finally:
        await server.stop()
    dead = Settings(
        token=TOKEN, api_url="http://127.0.0.1:9", data_dir=tmp_path / "data", database_url=db_url
    )
    unreachable = {c.name: c for c in await collect(dead, NOW, _font)}["Bot API"]
    async with web_page_server(status=404) as page_url:
        elsewhere = Settings(
            token=TOKEN, api_url=page_url, data_dir=tmp_path / "data", database_url=db_url
        )
        not_an_api = {c.name: c for c in await collect(elsewhere, NOW, _font)}["Bot API"]
    assert not rejected.ok and "rejected the token (404)" in rejected.detail
    assert not not_an_api.ok and not_an_api.detail == (
        f"{page_url} answers (HTTP 404), but not as a Bot API: check DUTYBOT_API_URL"
    )
    assert not unreachable.ok and "cannot reach http://127.0.0.1:9" in unreachable.detail
    for check in (rejected, unreachable):
        assert "wrong/token" not in check.detail and "doctor-token-secret" not in check.detail


async def test_the_command_prints_one_line_per_check_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in list(os.environ):
        if key.startswith("DUTYBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DUTYBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DUTYBOT_TOKEN", TOKEN)
    monkeypatch.setenv("DUTYBOT_API_URL", "http://127.0.0.1:9")
    monkeypatch.setattr("bot.cli.configure_logging", lambda *_args: None)
    assert await asyncio.to_thread(main, ["db", "upgrade"]) == 0
    capsys.readouterr()
    code = await asyncio.to_thread(main, ["doctor"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1
    assert [line[0] for line in out[:-1]] == ["✓", "✓", "✓", "✓", "✗", out[5][0], out[6][0]]
    assert out[-1].endswith("checks need attention")
    assert TOKEN not in "\n".join(out)
