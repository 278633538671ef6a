"""What the board's request handlers share: who asks (`Reader`), and JSON answers.

A module of its own so that the office routes (`office_api`) and the rest of the API
(`api`) use them without importing each other.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.board.auth import LaunchData
from bot.i18n import Translator
from bot.usecases.status.board import Viewer

API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Reader:
    """The member a request comes from, verified, with their language."""

    viewer: Viewer
    launch: LaunchData
    t: Translator


ReaderHandler = Callable[[web.Request, Reader], Awaitable[web.Response]]
Guard = Callable[[ReaderHandler], Handler]  # checks the launch data, then calls the handler


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(
        data,
        status=status,
        headers=API_HEADERS,
        dumps=lambda value: json.dumps(value, ensure_ascii=False),
    )
