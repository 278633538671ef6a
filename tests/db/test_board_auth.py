"""The board's sign-in without a browser: Telegram's initData rules (HMAC-SHA256 with the
secret key HMAC-SHA256("WebAppData", bot token) over the sorted key=value lines without
`hash`, and auth_date's age), and what the HTTP API answers to forged, stale, missing,
unknown and real launch data (issue 19)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.board.api import BoardApi
from bot.board.auth import InitDataError, verify
from bot.clock import SettableClock
from bot.sandbox.web_apps import sign_launch_data
from bot.services import Services
from tests.board_support import NOW, board_world

TOKEN = "424242:board-test-token"
DAY = timedelta(hours=24)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(NOW)


def launch(user_id: int, signed_at: int, token: str = TOKEN, **extra: str) -> str:
    """Launch data as the sandbox (standing in for Telegram) signs it."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "王", "language_code": "zh"}),
        "auth_date": str(signed_at),
        **extra,
    }
    return sign_launch_data(fields, token)


def test_the_documented_rule_by_hand() -> None:
    """The hash is recomputed here from Telegram's description, not from either side's code."""
    data = launch(20_001, int(NOW.timestamp()))
    fields = dict(parse_qsl(data))
    check = "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")
    secret = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    assert hmac.new(secret, check.encode(), hashlib.sha256).hexdigest() == fields["hash"]
    verified = verify(data, TOKEN, NOW, DAY)
    assert verified.user.id == 20_001 and verified.user.language_code == "zh"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("", "missing"),
        ("user=%7B%22id%22%3A1%7D&auth_date=1", "no_hash"),
        ("%%%", "malformed"),
    ],
)
def test_missing_or_malformed(data: str, reason: str) -> None:
    with pytest.raises(InitDataError) as refused:
        verify(data, TOKEN, NOW, DAY)
    assert refused.value.reason == reason


def test_forged_stale_and_foreign_data_is_refused() -> None:
    now = int(NOW.timestamp())
    good = dict(parse_qsl(launch(20_002, now)))
    forged = {**good, "user": json.dumps({"id": 20_001, "first_name": "王"})}  # hash kept
    cases = {
        "bad_hash": [
            urlencode(forged),
            launch(20_001, now, token="999:another-bot"),
            urlencode({**good, "hash": "0" * 64}),
            launch(20_001, now) + "&extra=1",
        ],
        "stale": [launch(20_001, now - int(DAY.total_seconds()) - 1)],
        "from_the_future": [launch(20_001, now + 3600)],
        "duplicate_field": [launch(20_001, now) + "&auth_date=" + str(now)],
    }
    for reason, datas in cases.items():
        for data in datas:
            with pytest.raises(InitDataError) as refused:
                verify(data, TOKEN, NOW, DAY)
            assert refused.value.reason == reason, data
    assert verify(launch(20_001, now - 3600), TOKEN, NOW, DAY).user.id == 20_001


async def _client(services: Services) -> TestClient:
    app = web.Application()
    app.add_routes(BoardApi(services, TOKEN, max_age=DAY).routes())
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_the_api_answers_only_coordinators_and_the_liaisons_own_unit(
    services: Services, clock: SettableClock
) -> None:
    async with services.sessions() as session, session.begin():
        world = await board_world(session, clock.now())
    now = int(NOW.timestamp())
    justice = world.units["区司法局"].id
    police = world.units["区公安分局"].id
    client = await _client(services)
    try:

        async def get(path: str, data: str | None) -> tuple[int, str]:
            headers = {"Authorization": f"tma {data}"} if data is not None else {}
            response = await client.get(f"/board/api/{path}", headers=headers)
            return response.status, await response.text()

        good = dict(parse_qsl(launch(20_002, now)))
        refused = {
            "missing": None,
            "empty": "",
            "forged": urlencode({**good, "user": json.dumps({"id": 20_001, "first_name": "x"})}),
            "expired": launch(20_001, now - 2 * 86_400),
            "other bot": launch(20_001, now, token="999:another-bot"),
        }
        for what, data in refused.items():
            for path in (
                "overview",
                f"units/{justice}",
                f"duties/{world.assignments['overdue'].id}",
            ):
                status, body = await get(path, data)
                assert status == 401, (what, path)
                assert "区司法局" not in body and "公开行政执法" not in body, "nothing leaks"
        status, _body = await get("overview", launch(29_999, now))
        assert status == 403, "a real Telegram user the office does not know"

        status, body = await get("overview", launch(20_001, now))
        assert status == 200
        overview = json.loads(body)
        assert len(overview["units"]) == 7 and overview["viewer"]["coordinator"]
        assert overview["texts"]["tab_units"] == "单位", "the member's language"

        status, body = await get("overview", launch(20_002, now))
        assert [unit["name"] for unit in json.loads(body)["units"]] == ["区司法局"]
        assert (await get(f"units/{justice}", launch(20_002, now)))[0] == 200
        assert (await get(f"units/{police}", launch(20_002, now)))[0] == 403
        other = world.assignments["blocked"].id
        assert (await get(f"duties/{other}", launch(20_002, now)))[0] == 403
        status, body = await get(f"duties/{world.assignments['overdue'].id}", launch(20_002, now))
        duty = json.loads(body)
        assert status == 200 and duty["history"][0]["who"] == "李司法"
        assert duty["history"][0]["url"] == "https://example.gov.cn/draft"
    finally:
        await client.close()
