"""Mini Apps in the sandbox: chat menu buttons, and opening a Mini App as a client would.

Bot API: `setChatMenuButton` / `getChatMenuButton` (per chat, or the bot's default).
Control API: `POST /_sandbox/web_app {user_id, url, chat_id?, bot_id?, auth_date?}` answers
what a Telegram client hands a Mini App it opens: the launch data (`initData`) signed with
the bot's token exactly as Telegram documents it, and the URL with the launch parameters in
its fragment (`#tgWebAppData=…&tgWebAppVersion=…&tgWebAppPlatform=…&tgWebAppThemeParams=…`).
`auth_date` (Unix seconds) lets a test hand out stale data. `GET /_sandbox/menu_button
?chat_id=&bot_id=` shows a chat's menu button, for the web chat page.

Like Telegram's test environment, the sandbox accepts plain http Mini App URLs (the
production servers want https). The signing is written here independently of the bot's
checking code (`bot/board/auth.py`), so a test of one against the other means something.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from bot.sandbox.api_methods import Call, method, target_chat
from bot.sandbox.errors import ControlError, bad_request
from bot.sandbox.state import BotState, SandboxState

WEB_APP_VERSION = "8.0"
MENU_TYPES = frozenset({"commands", "web_app", "default"})
# the colours Telegram's web client passes in its light theme
THEME = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#707579",
    "link_color": "#3390ec",
    "button_color": "#3390ec",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f4f4f5",
    "section_bg_color": "#ffffff",
    "section_separator_color": "#e7e7e7",
}


def _menus(bot: BotState) -> dict[int | None, dict[str, Any]]:
    return bot.menu_buttons


def menu_button_of(bot: BotState, chat_id: int | None) -> dict[str, Any]:
    menus = _menus(bot)
    return menus.get(chat_id) or menus.get(None) or {"type": "commands"}


@method("setChatMenuButton")
async def set_chat_menu_button(call: Call) -> Any:
    chat_id = None
    if "chat_id" in call.params:
        chat = target_chat(call)
        if chat.type != "private":
            raise bad_request("chat_id must be a private chat")
        chat_id = chat.id
    button = call.params.structured("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in MENU_TYPES:
        raise bad_request("can't parse menu button JSON object")
    if button["type"] == "web_app":
        web_app = button.get("web_app")
        url = web_app.get("url") if isinstance(web_app, dict) else None
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise bad_request("BUTTON_URL_INVALID")
        if not isinstance(button.get("text"), str) or not button["text"]:
            raise bad_request("BUTTON_TEXT_INVALID")
    if button["type"] == "default":
        _menus(call.bot).pop(chat_id, None)
    else:
        _menus(call.bot)[chat_id] = button
    return True


@method("getChatMenuButton")
async def get_chat_menu_button(call: Call) -> Any:
    chat_id = target_chat(call).id if "chat_id" in call.params else None
    return menu_button_of(call.bot, chat_id)


def sign_launch_data(fields: dict[str, str], token: str) -> str:
    """The launch data string, with Telegram's `hash` over the other fields."""
    key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{name}={fields[name]}" for name in sorted(fields))
    digest = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


class WebAppControl:
    """The control endpoints of Mini Apps."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def routes(self, wrap: Any) -> list[web.RouteDef]:
        return [
            web.post("/_sandbox/web_app", wrap(self.open_web_app)),
            web.get("/_sandbox/menu_button", wrap(self.menu_button)),
        ]

    def _bot(self, bot_id: Any) -> BotState:
        bot = self.state.resolve_bot(int(bot_id) if bot_id not in (None, "") else None)
        if bot is None:
            raise ControlError(409, "no bot has connected yet")
        return bot

    async def open_web_app(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            raise ControlError(400, "the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise ControlError(400, "the body must be a JSON object")
        url = body.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ControlError(400, "url must be an http(s) URL")
        try:
            user = self.state.user(int(body.get("user_id")))
        except (TypeError, ValueError):
            raise ControlError(400, "user_id is required") from None
        bot = self._bot(body.get("bot_id"))
        if bot.token is None:
            raise ControlError(409, "that bot has not called the Bot API with its token yet")
        profile = {"id": user.id, "first_name": user.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(user, name):
                profile[name] = getattr(user, name)
        profile["allows_write_to_pm"] = True
        auth_date = body.get("auth_date")
        fields = {
            "query_id": "AAE" + secrets.token_urlsafe(12),
            "user": json.dumps(profile, ensure_ascii=False, separators=(",", ":")),
            "auth_date": str(int(auth_date) if auth_date is not None else self.state.now()),
            "chat_type": "sender",
            "chat_instance": str(user.id * 7 + bot.id),
        }
        init_data = sign_launch_data(fields, bot.token)
        fragment = urlencode(
            {
                "tgWebAppData": init_data,
                "tgWebAppVersion": WEB_APP_VERSION,
                "tgWebAppPlatform": "web",
                "tgWebAppThemeParams": json.dumps(THEME, separators=(",", ":")),
            },
            quote_via=quote,
        )
        return web.json_response(
            {"url": f"{url.split('#', 1)[0]}#{fragment}", "init_data": init_data}
        )

    async def menu_button(self, request: web.Request) -> web.Response:
        bot = self._bot(request.query.get("bot_id"))
        raw = request.query.get("chat_id")
        try:
            chat_id = int(raw) if raw else None
        except ValueError:
            raise ControlError(400, "chat_id must be an integer") from None
        return web.json_response(menu_button_of(bot, chat_id))
