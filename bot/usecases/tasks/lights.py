"""The one definition of a traffic light, for a unit and for one duty's row.

/status, the board, the digest, its chart and the ledger all colour through `light_of`, so a
unit is never 🟡 in one place and 🟢 in another:

- red: something is overdue, or blocked;
- yellow: something is due within 3 working days and not started, or more time was asked;
- green: otherwise, once something has come due or been done;
- grey: nothing has come due yet (and nothing is wrong).

Undated duties' check-ins are never overdue or due, so they can only make a light red (a
liaison said blocked) or yellow (asked for more time).
"""

from __future__ import annotations

from enum import StrEnum

from bot.i18n import _


class Light(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"
    GREY = "grey"


# worst first: the order of /status, the board's default sort and the chart
LIGHT_RANK = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2, Light.GREY: 3}
LIGHT_ICONS = {Light.RED: "🔴", Light.YELLOW: "🟡", Light.GREEN: "🟢", Light.GREY: "⚪"}
LIGHT_MEANINGS = {
    Light.RED: _("overdue or blocked"),
    Light.YELLOW: _("due within 3 working days and not started, or more time asked"),
    Light.GREEN: _("on track"),
    Light.GREY: _("nothing due yet"),
}


def light_of(
    *, overdue: int, blocked: int, not_started_soon: int, more_time: int, come_due: int
) -> Light:
    """The light from counts: overdue and blocked assignments; open ones due within the
    yellow horizon and not started; ones with more time asked; and ones that have come due
    or been done (anything that makes "nothing due yet" untrue)."""
    if overdue or blocked:
        return Light.RED
    if not_started_soon or more_time:
        return Light.YELLOW
    if come_due:
        return Light.GREEN
    return Light.GREY
