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

# (action, icon, words, the status the button sets at once)
STATUS_ACTIONS = (
    ("d", "✅", _("Done"), AssignmentStatus.DONE),
    ("p", "🔄", _("In progress"), AssignmentStatus.IN_PROGRESS),
    ("b", "⛔", _("Blocked"), AssignmentStatus.BLOCKED),
    ("m", "⏳", _("More time"), AssignmentStatus.MORE_TIME),
)
CURRENT = "• "  # marks the status the duty has, as the task list marks its filter


def rows_of(buttons: list[Button], width: int = BUTTONS_PER_ROW) -> Rows:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))


def status_rows(
    assignment_id: int,
    t: Translator,
    current: AssignmentStatus | None = None,
    extra: tuple[Button, ...] = (),
) -> Rows:
    """done / in progress, blocked / more time, then note or evidence (with the buttons
    only some duties have) as `s:<action>:<id>`; the same places on every card, the status
    the duty has marked with a dot."""
    statuses = [
        Button(
            (CURRENT if status is current else "") + f"{icon} {t.gettext(words)}",
            f"s:{action}:{assignment_id}",
        )
        for action, icon, words, status in STATUS_ACTIONS
    ]
    note = Button("📝 " + t.gettext(_("Note / evidence")), f"s:n:{assignment_id}")
    return rows_of(statuses) + rows_of([note, *extra])


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
