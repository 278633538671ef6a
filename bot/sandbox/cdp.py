"""A minimal headless-Chromium driver over the DevTools protocol (aiohttp websockets only).

Enough to open the sandbox page, type, click and read the DOM, without adding selenium or
playwright to the project. Uncaught page errors are collected in `page_errors`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
)
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class BrowserError(RuntimeError):
    """Chromium did not start, or the page misbehaved."""


def chromium_path(preferred: str | None = None) -> str | None:
    """The Chromium binary to use, or None if there is none on this machine."""
    for candidate in (preferred, DEFAULT_CHROMIUM, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


class Chromium:
    """One headless Chromium with one page; use `async with Chromium() as browser:`."""

    def __init__(self, binary: str = DEFAULT_CHROMIUM, start_timeout: float = 30.0) -> None:
        self.binary = binary
        self.start_timeout = start_timeout
        self.page_errors: list[str] = []
        self._process: asyncio.subprocess.Process | None = None
        self._profile: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._tasks: list[asyncio.Task[None]] = []
        self._stderr_tail: list[str] = []

    async def __aenter__(self) -> Chromium:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        self._profile = tempfile.mkdtemp(prefix="sandbox-chromium-")
        self._process = await asyncio.create_subprocess_exec(
            self.binary,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile}",
            "about:blank",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        browser_url = await asyncio.wait_for(self._devtools_url(), self.start_timeout)
        self._tasks.append(asyncio.create_task(self._drain_stderr()))
        port = re.search(r":(\d+)/", browser_url)
        if port is None:
            raise BrowserError(f"unexpected DevTools URL {browser_url}")
        self._session = aiohttp.ClientSession()
        page_url = await self._page_socket_url(int(port.group(1)))
        self._socket = await self._session.ws_connect(page_url, max_msg_size=0)
        self._tasks.append(asyncio.create_task(self._read_messages()))
        await self.send("Runtime.enable")
        await self.send("Page.enable")

    async def _devtools_url(self) -> str:
        assert self._process is not None and self._process.stderr is not None
        while True:
            line = await self._process.stderr.readline()
            if not line:
                raise BrowserError("Chromium exited: " + " | ".join(self._stderr_tail[-5:]))
            text = line.decode(errors="replace").strip()
            self._stderr_tail.append(text)
            match = _LISTENING.search(text)
            if match:
                return match.group(1)

    async def _drain_stderr(self) -> None:
        """Keep reading Chromium's stderr so its pipe never fills up and blocks it."""
        assert self._process is not None and self._process.stderr is not None
        while line := await self._process.stderr.readline():
            self._stderr_tail = [*self._stderr_tail[-20:], line.decode(errors="replace").strip()]

    async def _page_socket_url(self, port: int) -> str:
        assert self._session is not None
        for _ in range(50):
            async with self._session.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json(content_type=None)
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return str(pages[0]["webSocketDebuggerUrl"])
            await asyncio.sleep(0.1)
        raise BrowserError("Chromium opened no page")

    async def _read_messages(self) -> None:
        assert self._socket is not None
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = self._pending.pop(data.get("id", -1), None)
            if future is not None and not future.done():
                future.set_result(data)
            elif data.get("method") == "Runtime.exceptionThrown":
                details = data["params"]["exceptionDetails"]
                description = details.get("exception", {}).get("description") or details.get("text")
                self.page_errors.append(str(description))
        for future in self._pending.values():
            if not future.done():
                future.set_exception(BrowserError("the DevTools connection closed"))

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result."""
        assert self._socket is not None, "start() first"
        message_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message_id] = future
        await self._socket.send_str(
            json.dumps({"id": message_id, "method": method, "params": params})
        )
        answer = await asyncio.wait_for(future, 15)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    async def evaluate(self, expression: str) -> Any:
        """Run JavaScript in the page (promises are awaited) and return its JSON value."""
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"page script failed: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    async def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        """Poll a JavaScript expression until its JSON value is truthy (use !! for nodes)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = await self.evaluate(expression)
            if value:
                return value
            if loop.time() > deadline:
                raise BrowserError(f"timed out waiting for: {expression}")
            await asyncio.sleep(0.1)

    async def open(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        await self.wait_for(
            f"location.href.startsWith({json.dumps(url)}) && document.readyState === 'complete'"
        )

    async def type_into(self, selector: str, text: str) -> None:
        """Focus an element and type into it through the browser's input pipeline."""
        await self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        await self.send("Input.insertText", text=text)

    async def click(self, selector: str) -> None:
        await self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    async def choose_file(self, selector: str, path: str) -> None:
        """Put a local file into an <input type=file>, as a person picking it would."""
        document = await self.send("DOM.getDocument")
        node = await self.send(
            "DOM.querySelector", nodeId=document["root"]["nodeId"], selector=selector
        )
        await self.send("DOM.setFileInputFiles", files=[path], nodeId=node["nodeId"])

    async def text_of(self, selector: str) -> list[str]:
        """textContent of every element matching the selector."""
        return list(
            await self.evaluate(
                f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.textContent)"
            )
        )

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 5)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
