"""The board: a Telegram Mini App with every unit's light, counts and duties.

Served by the bot's own process (`handlers/web_server.py` starts it): `auth` checks the
Mini App's signed launch data, `api` answers the page's requests from the same use cases as
/status, /mytasks and the digest (`bot.usecases.status.board`), `static/` is the page itself (plain
HTML, CSS and JavaScript shipped with the package: no build step, nothing fetched at run
time).
"""
