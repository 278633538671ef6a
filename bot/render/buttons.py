"""Buttons that say what they do: each label has words beside its icon, in the reader's
language, and rows stay narrow enough for a phone (two status buttons a row).

Callback data stays short (`s:<action>:<id>`, `c:<id>`, at most 64 bytes as Telegram wants).
"""

from __future__ import annotations

from bot.i18n import Translator, _
from bot.text import shorten
from scheduling.delivery.sender import Button
from storage.models import AssignmentStatus

Rows = tuple[tuple[Button, ...], ...]
BUTTONS_PER_ROW = 2
TITLE_ON_BUTTON = 18  # characters of a duty's words on the button that opens its card

# (action, icon, words, the status that makes the button pointless)
STATUS_ACTIONS = (
    ("d", "✅", _("Done"), AssignmentStatus.DONE),
    ("p", "🔄", _("In progress"), AssignmentStatus.IN_PROGRESS),
    ("b", "⛔", _("Blocked"), None),
    ("m", "⏳", _("More time"), None),
    ("n", "📝", _("Note / evidence"), None),
)


def rows_of(buttons: list[Button], width: int = BUTTONS_PER_ROW) -> Rows:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def status_buttons(
    assignment_id: int, t: Translator, current: AssignmentStatus | None = None
) -> list[Button]:
    """done / in progress / blocked / more time / note, as `s:<action>:<id>`; the button of
    the status the duty already has is left out (a done duty offers "in progress" instead
    of a second "done"; blocked and more time may be pressed again with a new answer)."""
    return [
        Button(f"{icon} {t.gettext(words)}", f"s:{action}:{assignment_id}")
        for action, icon, words, pointless in STATUS_ACTIONS
        if pointless is None or pointless is not current
    ]


def open_card_button(index: int, duty_text: str, assignment_id: int) -> Button:
    """The duty's number and the start of its words: one press opens its card."""
    title = shorten(duty_text, TITLE_ON_BUTTON, one_line=True)
    return Button(f"{index}. {title}", f"c:{assignment_id}")


def pager(prefix: str, page: int, pages: int, t: Translator) -> tuple[Button, ...]:
    """◀ Previous / Next ▶ for paged lists, as `<prefix>:<page>`."""
    nav: list[Button] = []
    if page > 0:
        nav.append(Button("◀ " + t.gettext(_("Previous")), f"{prefix}:{page - 1}"))
    if page + 1 < pages:
        nav.append(Button(t.gettext(_("Next page")) + " ▶", f"{prefix}:{page + 1}"))
    return tuple(nav)
