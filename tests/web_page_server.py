"""A web server that is not a Bot API: what a wrong DUTYBOT_API_URL points at."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp import web

PAGE_LINE = "<p>Not here.</p>"


@asynccontextmanager
async def web_page_server(status: int = 501) -> AsyncIterator[str]:
    """A local server answering every request with a long HTML page; its base URL."""

    async def page(_request: web.Request) -> web.Response:
        html = "<!DOCTYPE HTML><html><body>" + PAGE_LINE * 200 + "</body></html>"
        return web.Response(status=status, text=html, content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()
