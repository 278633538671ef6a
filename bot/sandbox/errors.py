"""Bot API error answers, raised anywhere and turned into JSON in one place."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the sandbox answers the way Telegram does: `{"ok": false, ...}`."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """400 with Telegram's "Bad Request: ..." prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """403 with Telegram's "Forbidden: ..." prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def not_found() -> ApiError:
    """What Telegram answers for unknown methods and malformed tokens."""
    return ApiError(404, "Not Found")


def too_many_requests(retry_after: int) -> ApiError:
    """429 with `parameters.retry_after`, which PTB turns into `RetryAfter`."""
    retry_after = max(1, int(retry_after))
    return ApiError(
        429,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


def chat_not_found() -> ApiError:
    """The answer for any chat id the sandbox does not know."""
    return bad_request("chat not found")


class ControlError(Exception):
    """An error of the control API (`/_sandbox/...`), answered as `{"error": ...}`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
