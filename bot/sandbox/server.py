"""SandboxServer: one aiohttp app serving the Bot API, file downloads, control API and page.

Routes:
    GET|POST /bot<token>/<method>          the Bot API (see api_methods.py)
    GET      /file/bot<token>/<file_path>  file downloads (getFile's file_path)
    *        /_sandbox/...                 the control API (see control.py, README.md)
    GET      /                             the web chat page (static/)

Per call: token check -> parameters -> latency (the way there) -> counted fault (reset /
timeout / 429 storm / 5xx) -> chat fault (blocked / missing / migrated) -> rate limits -> the
method -> the way back (half of `round_trip_ms`). Only a call answered ok records anything,
except a "timeout" fault with deliver_before_hang.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox.api_methods import Call, Handler, lookup
from bot.sandbox.control import ControlApi
from bot.sandbox.errors import ApiError, not_found, too_many_requests
from bot.sandbox.faults import FaultInjector
from bot.sandbox.limits import COUNTED_METHODS, Limits, RateLimiter
from bot.sandbox.params import MAX_UPLOAD_BYTES, read_params
from bot.sandbox.state import CALLBACK_TIMEOUT, SandboxState
from bot.sandbox.web_apps import WebAppControl
from bot.sandbox.webhook import WebhookManager

TOKEN_RE = re.compile(r"^\d+:[^/\s]+$")
STATIC_DIR = Path(__file__).parent / "static"
DEFAULT_USERNAME = "dutybot_sandbox_bot"
DEFAULT_FIRST_NAME = "DutyBot Sandbox"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class SandboxServer:
    """A local Telegram Bot API server for tests, demos and `dutybot sandbox`.

    `clock` gives message dates (unix seconds) and `monotonic` drives the rate limits and the
    expiry of callback queries; both are injectable so tests can move time by hand. `privacy`
    is the group privacy mode new bots start with (Telegram's default: on).
    """

    def __init__(
        self,
        bot_username: str = DEFAULT_USERNAME,
        limits: Limits | None = None,
        *,
        bot_first_name: str = DEFAULT_FIRST_NAME,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        strict_private_chats: bool = False,
        privacy: bool = True,
        callback_timeout: float = CALLBACK_TIMEOUT,
        webhook_retry_delay: float = 0.2,
        webhook_timeout: float = 10.0,
    ) -> None:
        self.state = SandboxState(
            clock,
            bot_username,
            bot_first_name,
            strict_private_chats,
            monotonic=monotonic,
            privacy=privacy,
            callback_timeout=callback_timeout,
        )
        self._initial_limits = replace(limits) if limits else Limits()
        self.limiter = RateLimiter(replace(self._initial_limits), monotonic)
        self.faults = FaultInjector()
        self.webhooks = WebhookManager(
            self.state, retry_delay=webhook_retry_delay, timeout=webhook_timeout
        )
        self.control = ControlApi(self.state, self.limiter, self.faults, self.reset)
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    # ---- lifecycle --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:8081 (only after start())."""
        if self._url is None:
            raise RuntimeError("the sandbox server is not running; await start() first")
        return self._url

    @property
    def base_url(self) -> str:
        """What python-telegram-bot takes as `base_url` (it appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What python-telegram-bot takes as `base_file_url`."""
        return f"{self.url}/file/bot"

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.add_routes(
            [
                web.route("*", "/bot{token}/{method}", self._handle_api),
                # Telegram answers its JSON 404 for any other path under /bot too (a token
                # with a slash in it, a method path with more parts).
                web.route("*", "/bot{rest:.*}", self._handle_unknown_path),
                web.get("/file/bot{token}/{file_path:.+}", self._handle_file),
                web.get("/", self._handle_page),
                web.static("/static", STATIC_DIR),
                *self.control.routes(),
                *WebAppControl(self.state).routes(self.control._wrap),
            ]
        )
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0 = any free port) and return the base URL."""
        if self._runner is not None:
            raise RuntimeError("the sandbox server is already running")
        self._stopping = asyncio.Event()
        runner = web.AppRunner(self.build_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self._url = f"http://{host}:{bound_port}"
        return self._url

    async def stop(self) -> None:
        """End long polls and hangs, stop webhook delivery, close the listener."""
        self._stopping.set()
        for bot in self.state.bots.values():
            bot.arrived.notify()
        self.state.log_changed.notify()
        await self.webhooks.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SandboxServer:
        if self._runner is None:
            await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def reset(self) -> None:
        """Forget users, chats, messages, files, stats; restore limits; clear faults."""
        self.state.reset()
        self.limiter.limits = replace(self._initial_limits)
        self.limiter.clear()
        self.faults.clear()

    # ---- Bot API ------------------------------------------------------------------------------
    def _ok(self, result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result}, dumps=_dumps)

    def _error(self, error: ApiError) -> web.Response:
        if error.code == 429:
            self.state.stats.answered_429 += 1
        elif error.code >= 500:
            self.state.stats.answered_5xx += 1
        return web.json_response(error.payload(), status=error.code, dumps=_dumps)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN_RE.match(token):
            return self._error(not_found())
        bot = self.state.bot_for_token(token)
        found = lookup(request.match_info["method"])
        if found is None:
            self.state.stats.per_method[request.match_info["method"]] += 1
            return self._error(not_found())
        name, handler = found
        self.state.stats.per_method[name] += 1
        try:
            params = await read_params(request)
            call = Call(
                state=self.state,
                bot=bot,
                params=params,
                webhooks=self.webhooks,
                stopping=self._stopping,
            )
            return await self._run(request, call, name, handler)
        except ApiError as error:
            return self._error(error)

    async def _handle_unknown_path(self, _request: web.Request) -> web.StreamResponse:
        return self._error(not_found())

    async def _run(
        self, request: web.Request, call: Call, name: str, handler: Handler
    ) -> web.StreamResponse:
        there, back = self.faults.legs()
        if there is not None:
            self.state.stats.faults_injected["latency"] += 1
            await asyncio.sleep(there)
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)  # the client gave up: deliver nothing
        try:
            return await self._run_arrived(request, call, name, handler)
        finally:
            if back > 0:
                await asyncio.sleep(back)  # the way back, for answers and errors alike

    async def _run_arrived(
        self, request: web.Request, call: Call, name: str, handler: Handler
    ) -> web.StreamResponse:
        stats = self.state.stats
        fault = self.faults.take(name)
        if fault is not None:
            stats.faults_injected[fault] += 1
        if fault == "reset":
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)  # never reaches the client
        if fault == "timeout":
            if self.faults.config.deliver_before_hang:
                with contextlib.suppress(ApiError):
                    await self._execute(call, name, handler)
            await self._hang(self.faults.config.hang_seconds)
            return web.json_response(ApiError(504, "Gateway Timeout").payload(), status=504)
        if fault == "flood":
            raise too_many_requests(self.faults.config.flood_retry_after)
        if fault == "error":
            raise self.faults.server_error()
        chat_id = self._chat_id(call)
        if chat_id is not None:
            chat_fault = self.faults.chat_fault(chat_id)
            if chat_fault is not None:
                stats.faults_injected[chat_fault[0]] += 1
                raise chat_fault[1]
        return self._ok(await self._execute(call, name, handler))

    async def _hang(self, seconds: float) -> None:
        """Hold the answer back for `seconds`, or until the server stops."""
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({stopping}, timeout=seconds)
        finally:
            stopping.cancel()

    async def _execute(self, call: Call, name: str, handler: Handler) -> Any:
        """Run the method inside the rate limits; only a success consumes the budget."""
        counted = name.lower() in COUNTED_METHODS and self._chat_id(call) is not None
        if counted:
            self.limiter.check(call.bot.id, self._chat_id(call) or 0)
        result = await handler(call)
        if counted:
            self.limiter.record(call.bot.id, result["chat"]["id"])
        return result

    def _chat_id(self, call: Call) -> int | None:
        """The numeric chat a call addresses, if any (resolving @username)."""
        if "chat_id" not in call.params:
            return None
        try:
            ref = call.params.chat_ref()
            return ref if isinstance(ref, int) else self.state.find_chat(ref).id
        except ApiError:
            return None

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not TOKEN_RE.match(request.match_info["token"]):
            return self._error(not_found())
        stored = self.state.files_by_path.get(request.match_info["file_path"])
        if stored is None:
            return self._error(not_found())
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _handle_page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC_DIR / "index.html")


async def run_sandbox(
    host: str = "127.0.0.1",
    port: int = 8081,
    bot_username: str = DEFAULT_USERNAME,
    limits: Limits | None = None,
    announce: Callable[[str], None] | None = None,
    privacy: bool = True,
) -> None:
    """Run a sandbox until cancelled (Ctrl-C), announcing its URL."""
    if announce is None:
        announce = functools.partial(print, flush=True)
    server = SandboxServer(bot_username=bot_username, limits=limits, privacy=privacy)
    url = await server.start(host, port)
    announce(f"DutyBot sandbox listening on {url}")
    announce(f"  web chat page:  {url}/")
    announce(f"  PTB base_url:   {server.base_url}   base_file_url: {server.base_file_url}")
    announce("  any token of the form <digits>:<chars> works, e.g. 123456:sandbox")
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
