"""The board page's words, translated on the server like every other user-facing string."""

from __future__ import annotations

from bot.i18n import Translator, _

PAGE_TEXTS = {
    "title": _("Board"),
    "loading": _("Loading…"),
    "as_of": _("As of {date}"),
    "tab_units": _("Units"),
    "tab_chart": _("Chart"),
    "filter_plan": _("Plan"),
    "filter_group": _("Group"),
    "filter_kind": _("Kind of unit"),
    "filter_light": _("Light"),
    "filter_search": _("Find a unit"),
    "all": _("All"),
    "sort": _("Sort"),
    "sort_worst": _("Worst first"),
    "sort_name": _("Name"),
    "sort_overdue": _("Most overdue"),
    "sort_next": _("Next deadline"),
    "col_unit": _("Unit"),
    "col_done": _("Done"),
    "col_in_progress": _("In progress"),
    "col_blocked": _("Blocked"),
    "col_overdue": _("Overdue"),
    "col_due_soon": _("Due within 14 days"),
    "col_next": _("Next deadline"),
    "shown": _("{shown} of {total} units"),
    "none_match": _("No unit matches these filters."),
    "back": _("Back"),
    "duties": _("Duties"),
    "no_duties": _("No duties are assigned to this unit yet."),
    "history": _("Who reported what, and when"),
    "no_reports": _("Nothing reported yet."),
    "last_report": _("Last report"),
    "reports": _("{count} reports, {evidence} with evidence"),
    "evidence": _("Evidence"),
    "file_in_chat": _("file (open the duty card in the chat)"),
    "lead": _("Lead units"),
    "responsible": _("Responsible units"),
    "shared_with": _("Shared with"),
    "due": _("Due"),
    "window": _("Window from"),
    "period": _("Period"),
    "status": _("Status"),
    "overdue": _("overdue"),
    "undone": _("(undone)"),
    "undid": _("undid a change"),
    "new_date": _("new date"),
    "event_on": _("event on"),
    "more_pages": _("Page {page} of {pages}"),
    "show_all": _("Show every unit"),
    "show_fewer": _("Show the worst 30 and the rest together"),
    "unauthorized": _("This page opens from the bot's chat in Telegram (the board button)."),
    "expired": _("This board was opened too long ago: open it again from the chat."),
    "forbidden": _("Only coordinators and liaisons can see the board."),
    "failed": _("The board could not be loaded. Try again."),
}


def page_texts(t: Translator) -> dict[str, str]:
    """Every word the page shows, in the reader's language (placeholders left for the page)."""
    return {key: t.gettext(message) for key, message in PAGE_TEXTS.items()}
