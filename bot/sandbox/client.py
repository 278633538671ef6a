"""SandboxClient: the control API from Python (tests, scripts, `dutybot simulate`).

Return values: users, chats, history entries, stats and knob configs are the control API's
JSON as plain dicts (documented in README.md); the actions that queue an update return the
small dataclasses `Sent` and `Pressed`. Errors raise `SandboxClientError`; a `wait_for` that
times out raises `SandboxTimeout` carrying what had arrived so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp


class SandboxClientError(Exception):
    """The control API answered an error status."""

    def __init__(self, status: int, message: str, body: Any = None) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message
        self.body = body


class SandboxTimeout(SandboxClientError, TimeoutError):
    """wait_for ran out of time; `messages` holds the entries that did arrive."""

    def __init__(self, message: str, messages: list[dict[str, Any]]) -> None:
        super().__init__(408, message, messages)
        self.messages = messages


@dataclass(frozen=True)
class Sent:
    """A user's message (text or file) and the update that carries it to the bot.

    update_id is None while no bot has connected (the update waits in the lobby).
    """

    update_id: int | None
    message: dict[str, Any]

    @property
    def message_id(self) -> int:
        return int(self.message["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.message["chat"]["id"])


@dataclass(frozen=True)
class Pressed:
    """A button press and the callback_query update it produced."""

    update_id: int | None
    callback_query_id: str


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


class SandboxClient:
    """Async wrapper of /_sandbox/; use `async with SandboxClient(url) as sandbox:`."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
            self._owns_session = True
        return self._session

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        data: aiohttp.FormData | None = None,
        timeout: float = 30.0,
    ) -> Any:
        query = {
            k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in (params or {}).items()
        }
        async with self._http().request(
            method,
            f"{self.base_url}/_sandbox/{path}",
            json=json,
            params=query,
            data=data,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = {"error": await response.text()}
            if response.status >= 400:
                message = body.get("error", "") if isinstance(body, dict) else str(body)
                if response.status == 408 and isinstance(body, dict):
                    raise SandboxTimeout(message, body.get("messages", []))
                raise SandboxClientError(response.status, message, body)
            return body

    # ---- people and chats -----------------------------------------------------------------
    async def create_user(
        self,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """Create a simulated person; returns the Bot API User dict (ids from 10001)."""
        body = _drop_none(
            {
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "language_code": language_code,
                "id": user_id,
            }
        )
        return await self._request("POST", "users", json=body)

    async def users(self) -> list[dict[str, Any]]:
        return await self._request("GET", "users")

    async def create_group(
        self,
        title: str,
        member_ids: list[int],
        *,
        supergroup: bool = False,
        chat_id: int | None = None,
        username: str | None = None,
        admin_ids: list[int] | None = None,
        bot_member: bool = True,
        announce: bool = False,
    ) -> dict[str, Any]:
        """Create a group (ids -500001...) or supergroup (-1000000000001...).

        announce=True also queues the my_chat_member update of the bot joining.
        """
        body = _drop_none(
            {
                "type": "supergroup" if supergroup else "group",
                "title": title,
                "member_ids": member_ids,
                "id": chat_id,
                "username": username,
                "admin_ids": admin_ids,
                "bot_member": bot_member,
                "announce": announce,
            }
        )
        return await self._request("POST", "chats", json=body)

    async def chats(self) -> list[dict[str, Any]]:
        return await self._request("GET", "chats")

    # ---- what users do ------------------------------------------------------------------------
    async def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        reply_to_message_id: int | None = None,
        bot_id: int | None = None,
    ) -> Sent:
        """The user writes `text` (default: in their private chat with the bot)."""
        body = _drop_none(
            {
                "user_id": user_id,
                "text": text,
                "chat_id": chat_id,
                "reply_to_message_id": reply_to_message_id,
                "bot_id": bot_id,
            }
        )
        answer = await self._request("POST", "send", json=body)
        return Sent(answer["update_id"], answer["message"])

    async def edit_text(
        self, user_id: int, message_id: int, text: str, chat_id: int | None = None
    ) -> Sent:
        body = _drop_none(
            {"user_id": user_id, "message_id": message_id, "text": text, "chat_id": chat_id}
        )
        answer = await self._request("POST", "edit", json=body)
        return Sent(answer["update_id"], answer["message"])

    async def press(
        self,
        user_id: int,
        message_id: int,
        data: str,
        chat_id: int | None = None,
        check_buttons: bool = False,
        bot_id: int | None = None,
    ) -> Pressed:
        """Press a button of a bot message; `data` may be forged unless check_buttons."""
        body = _drop_none(
            {
                "user_id": user_id,
                "message_id": message_id,
                "data": data,
                "chat_id": chat_id,
                "check_buttons": check_buttons,
                "bot_id": bot_id,
            }
        )
        answer = await self._request("POST", "press", json=body)
        return Pressed(answer["update_id"], answer["callback_query_id"])

    async def upload(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        kind: str = "document",
        chat_id: int | None = None,
        caption: str | None = None,
        reply_to_message_id: int | None = None,
        content_type: str | None = None,
    ) -> Sent:
        """The user sends a file ("document" or "photo")."""
        form = aiohttp.FormData(quote_fields=False)  # keep non-ASCII file names readable
        fields = _drop_none(
            {
                "user_id": user_id,
                "kind": kind,
                "chat_id": chat_id,
                "caption": caption,
                "reply_to_message_id": reply_to_message_id,
            }
        )
        for name, value in fields.items():
            form.add_field(name, str(value))
        form.add_field("file", data, filename=file_name, content_type=content_type)
        answer = await self._request("POST", "upload", data=form)
        return Sent(answer["update_id"], answer["message"])

    async def member_update(
        self,
        chat_id: int,
        user_id: int | str,
        new_status: str,
        from_user_id: int | None = None,
    ) -> int | None:
        """Change membership; user_id="bot" means the bot itself (my_chat_member)."""
        body = _drop_none(
            {
                "chat_id": chat_id,
                "user_id": user_id,
                "new_status": new_status,
                "from_user_id": from_user_id,
            }
        )
        answer = await self._request("POST", "member_update", json=body)
        return answer["update_id"]

    # ---- what the bot did ------------------------------------------------------------------
    async def messages(
        self, chat_id: int, after: int = 0, include_user: bool = False
    ) -> list[dict[str, Any]]:
        """The chat's history entries after seq `after` (bot side unless include_user)."""
        return await self._request(
            "GET",
            f"chats/{chat_id}/messages",
            params={"after": after, "include_user": include_user},
        )

    async def wait_for(
        self,
        chat_id: int,
        count: int = 1,
        after: int = 0,
        timeout: float = 10.0,
        kinds: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Wait until the chat has `count` bot entries after `after`; returns all of them."""
        params: dict[str, Any] = {
            "chat_id": chat_id,
            "count": count,
            "after": after,
            "timeout": timeout,
        }
        if kinds:
            params["kinds"] = ",".join(kinds)
        return await self._request("GET", "wait", params=params, timeout=timeout + 10)

    async def callback_answers(self, after: int = 0) -> list[dict[str, Any]]:
        return await self._request("GET", "callback_answers", params={"after": after})

    async def download(self, file_id: str) -> bytes:
        """The bytes of any file the sandbox holds (sent by the bot or a user)."""
        async with self._http().get(f"{self.base_url}/_sandbox/files/{file_id}") as response:
            if response.status >= 400:
                raise SandboxClientError(response.status, await response.text())
            return await response.read()

    async def commands(self) -> list[dict[str, Any]]:
        return await self._request("GET", "commands")

    async def bots(self) -> list[dict[str, Any]]:
        return await self._request("GET", "bots")

    async def pending_updates(self, bot_id: int | None = None) -> list[dict[str, Any]]:
        return await self._request("GET", "updates", params=_drop_none({"bot_id": bot_id}))

    # ---- knobs ----------------------------------------------------------------------------------
    async def stats(self) -> dict[str, Any]:
        return await self._request("GET", "stats")

    async def set_limits(
        self,
        enabled: bool | None = None,
        per_bot_per_second: int | None = None,
        per_private_chat_per_second: int | None = None,
        per_group_per_minute: int | None = None,
    ) -> dict[str, Any]:
        """Change the flood limits (omitted fields keep their value); returns them all."""
        body = _drop_none(
            {
                "enabled": enabled,
                "per_bot_per_second": per_bot_per_second,
                "per_private_chat_per_second": per_private_chat_per_second,
                "per_group_per_minute": per_group_per_minute,
            }
        )
        return await self._request("POST", "limits", json=body)

    async def set_faults(self, **knobs: Any) -> dict[str, Any]:
        """Merge fault knobs (see FaultConfig); clear=True resets them first."""
        if "migrated_chats" in knobs:
            knobs["migrated_chats"] = {str(k): v for k, v in knobs["migrated_chats"].items()}
        return await self._request("POST", "faults", json=knobs)

    async def clear_faults(self) -> dict[str, Any]:
        return await self._request("POST", "faults", json={"clear": True})

    async def reset(self) -> None:
        await self._request("POST", "reset")

    async def set_privacy(self, enabled: bool, bot_id: int | None = None) -> dict[str, Any]:
        """A bot's group privacy mode, as BotFather's /setprivacy sets it (before any bot has
        connected: the mode bots start with); returns {bot_id, enabled}."""
        return await self._request(
            "POST", "privacy", json=_drop_none({"enabled": enabled, "bot_id": bot_id})
        )

    async def set_callback_timeout(self, seconds: float) -> dict[str, Any]:
        """How long after a press answerCallbackQuery still works; returns {seconds}."""
        return await self._request("POST", "callback_timeout", json={"seconds": seconds})

    async def expire_callback(self, callback_query_id: str) -> None:
        """Make one callback query too old to answer from now on."""
        await self._request(
            "POST", "expire_callback", json={"callback_query_id": callback_query_id}
        )
