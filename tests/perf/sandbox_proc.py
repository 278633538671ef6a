"""The sandbox Bot API server in its own process, with the clocks the benchmark reads.

`python -m tests.perf.sandbox_proc [--port N] [--limits]` prints `URL <url>` and serves until
SIGTERM. Beside the control API it answers:

- `GET /_perf/log?after=SEQ` — every history entry after SEQ as `[seq, kind, chat_id, t,
  [callback data of its buttons]]`, `t` being `time.monotonic()` when the sandbox recorded it
  (CLOCK_MONOTONIC is one clock for every process of the machine);
- `GET /_perf/calls` — `{method: t}` of the first call of each Bot API method;
- `POST /_perf/users` — `[{id, first_name}]`, adds the people in one request.

With `--conformance FILE` every request the bots make and every answer are checked against
the Bot API specification as in the suite (tests/conformance), and one JSON line of counts
and violations is added to FILE when the sandbox stops: the benchmark's bots run as
processes of their own, out of reach of the suite's in-process check.

Only the recording is added; the sandbox itself (limits, faults, answers) is unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox.limits import Limits
from bot.sandbox.server import SandboxServer
from bot.sandbox.state import LogEntry


class TimedSandbox(SandboxServer):
    """A SandboxServer that notes when each history entry and each first call happened."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.entry_times: dict[int, float] = {}
        self.first_call: dict[str, float] = {}
        record = self.state.append_log

        def timed(kind: str, chat_id: int, bot_id: int | None, **fields: Any) -> LogEntry:
            entry = record(kind, chat_id, bot_id, **fields)
            self.entry_times[entry.seq] = time.monotonic()
            return entry

        self.state.append_log = timed  # type: ignore[method-assign]

    def build_app(self) -> web.Application:
        app = super().build_app()
        app.router.add_get("/_perf/log", self._perf_log)
        app.router.add_get("/_perf/calls", self._perf_calls)
        app.router.add_post("/_perf/users", self._perf_users)
        return app

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        self.first_call.setdefault(request.match_info["method"], time.monotonic())
        return await super()._handle_api(request)

    async def _perf_log(self, request: web.Request) -> web.Response:
        after = int(request.query.get("after", "0"))
        rows = [
            [entry.seq, entry.kind, entry.chat_id, self.entry_times.get(entry.seq), _data(entry)]
            for entry in self.state.log
            if entry.seq > after
        ]
        return web.json_response(rows)

    async def _perf_calls(self, _request: web.Request) -> web.Response:
        return web.json_response(self.first_call)

    async def _perf_users(self, request: web.Request) -> web.Response:
        people = await request.json()
        for person in people:
            self.state.add_user(person["first_name"], user_id=int(person["id"]))
        return web.json_response({"added": len(people)})


class CheckedSandbox(TimedSandbox):
    """A TimedSandbox that checks every call against the Bot API specification."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        from tests.conformance.plugin import Recorder

        self.recorder = Recorder()

    async def _execute(self, call: Any, name: str, handler: Any) -> Any:
        self.recorder.request(name, dict(call.params.values), list(call.params.uploads))
        result = await super()._execute(call, name, handler)
        self.recorder.answer(name, result)
        return result

    def report(self) -> dict[str, Any]:
        recorder = self.recorder
        return {
            "requests": recorder.requests,
            "answers": recorder.answers,
            "violations": [str(v) for v in recorder.violations[:50]],
            "violation_count": len(recorder.violations),
        }


def _data(entry: LogEntry) -> list[str]:
    markup = entry.reply_markup or {}
    return [
        button.get("callback_data", "")
        for row in markup.get("inline_keyboard", [])
        for button in row
        if button.get("callback_data")
    ]


async def serve(port: int, limits: bool, conformance: Path | None = None) -> None:
    kind = CheckedSandbox if conformance is not None else TimedSandbox
    server = kind(limits=Limits(enabled=limits))
    url = await server.start("127.0.0.1", port)
    print(f"URL {url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await server.stop()
        if isinstance(server, CheckedSandbox) and conformance is not None:
            with conformance.open("a", encoding="utf-8") as out:
                out.write(json.dumps(server.report(), ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.sandbox_proc")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--limits", action="store_true", help="enforce Telegram's limits")
    parser.add_argument("--conformance", type=Path, help="check calls; append a report here")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.limits, args.conformance))


if __name__ == "__main__":
    main()
