"""Which button presses are answered, shared by the limiter and the press watch
(handlers/presses.py): Telegram takes one answer per press."""

from __future__ import annotations


class PressAnswers:
    """Which presses are answered: Telegram takes one answer per press, so a press answered
    plainly early is not answered again by its handler (nor the other way round)."""

    def __init__(self) -> None:
        self._answered: set[str] = set()
        self._early: set[str] = set()

    def claim_early(self, query_id: str) -> bool:
        """True when the early answer may go (the handler has not answered yet)."""
        if query_id in self._answered or query_id in self._early:
            return False
        self._early.add(query_id)
        return True

    def claim(self, query_id: str) -> bool:
        """True when the handler's answer may go (the press was not answered early)."""
        if query_id in self._early:
            return False
        self._answered.add(query_id)
        return True

    def forget(self, query_id: str) -> None:
        self._answered.discard(query_id)
        self._early.discard(query_id)
