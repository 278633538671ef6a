"""Text helpers every renderer shares."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int, *, one_line: bool = False) -> str:
    """`text` cut to at most `limit` characters, the last one "…" when anything was cut.

    With `one_line`, runs of white space (line breaks too) fold to one space first, for a
    duty quoted in a sentence or a button; without it, line breaks stay (a heading may have
    two lines).
    """
    if one_line:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
