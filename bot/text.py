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


def quoted(text: str) -> str:
    """`text` made ready to stand inside “…”: its own double quotes become single ones, as a
    quotation inside a quotation takes (GB/T 15834-2011 标点符号用法, 4.5.3.3), so a duty that
    begins with “12·4” reads “‘12·4’国家宪法日…” and not “"12·4"国家宪法日…”."""
    out: list[str] = []
    opening = True
    for char in text:
        if char == "“":
            out.append("‘")
        elif char == "”":
            out.append("’")
        elif char == '"':
            out.append("‘" if opening else "’")
            opening = not opening
        else:
            out.append(char)
    return "".join(out)
