"""Reading Bot API parameters from query strings, JSON, urlencoded forms and multipart.

python-telegram-bot 22 posts every call through httpx as `data=json_parameters`, i.e.
application/x-www-form-urlencoded where every non-string value is JSON-encoded
(`chat_id=123`, `reply_markup={"inline_keyboard": ...}`), and multipart/form-data with the
same fields when a file is uploaded. Other clients send a JSON body with native types. The
typed getters below accept both forms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.sandbox.errors import ApiError, bad_request

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@dataclass
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """One call's parameters with typed, Telegram-worded accessors."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.uploads = uploads or {}

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, dict | list) else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            raise bad_request(f"wrong parameter {name}")
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise bad_request(f"wrong parameter {name}") from None

    def number(self, name: str, default: float | None = None) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"wrong parameter {name}") from None

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in ("true", "1", "yes")

    def structured(self, name: str) -> Any:
        """A structured parameter, native (JSON body) or JSON-encoded (forms)."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_ref(self, name: str = "chat_id") -> int | str:
        """A chat id, or a public "@username"; missing means Telegram's "chat_id is empty"."""
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and value.strip().startswith("@"):
            return value.strip()
        number = self.integer(name)
        assert number is not None
        return number

    def required_int(self, name: str) -> int:
        number = self.integer(name)
        if number is None:
            raise bad_request(f"{name} is empty")
        return number

    def file(self, name: str) -> Upload | str | None:
        """A file parameter: an uploaded part, "attach://part", or a file_id / URL string."""
        upload = self.uploads.get(name)
        if upload is not None:
            return upload
        value = self.text(name)
        if value and value.startswith("attach://"):
            attached = self.uploads.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified ({value})")
            return attached
        return value or None


async def read_params(request: web.Request) -> Params:
    """Merge the query string with the body, whatever its content type."""
    values: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if request.method == "GET" or not request.can_read_body:
        return Params(values)
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: JSON request body must be an object")
        values.update(body)
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                data = await part.read(decode=True)
                if len(data) > MAX_UPLOAD_BYTES:
                    raise ApiError(413, "Request Entity Too Large")
                uploads[part.name] = Upload(
                    part.name, part.filename, part.headers.get("Content-Type"), bytes(data)
                )
            else:
                values[part.name] = await part.text()
    else:
        form = await request.post()
        values.update({key: value for key, value in form.items() if isinstance(value, str)})
    return Params(values, uploads)
