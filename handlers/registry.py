"""Everything the bot reacts to, registered in one place, in order.

Groups run in ascending order: -2 gatekeeping (the flood throttle), -1 a coordinator's plan
document, 0 everything else.
Within group 0 the first matching handler wins, so the order below is the order of precedence:
commands, then button presses and replies, then the catch-alls for what nothing else took
(unknown commands, plain text).
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    basics,
    board,
    events,
    import_chat,
    import_review,
    invites,
    office,
    office_docs,
    status_actions,
    status_cmd,
    tasks,
    throttle,
)
from handlers.common import retrying_when_busy
from handlers.errors import on_error
from handlers.presses import answered_in_time


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Gatekeeping first, in a group of its own so it never hides a handler of group -1: a
    # user who floods the bot is asked once to slow down and the rest of the flood is dropped.
    application.add_handler(TypeHandler(Update, throttle.gatekeeper), group=-2)

    application.add_handler(CommandHandler("start", basics.start), group=0)
    application.add_handler(CommandHandler("help", basics.help_command), group=0)
    application.add_handler(CommandHandler("lang", basics.lang), group=0)
    application.add_handler(CommandHandler("whoami", invites.whoami), group=0)
    application.add_handler(CommandHandler("invite", invites.invite), group=0)
    application.add_handler(CommandHandler("unbind", invites.unbind_command), group=0)
    application.add_handler(CommandHandler("mytasks", tasks.mytasks), group=0)
    application.add_handler(CommandHandler("status", status_cmd.status), group=0)
    application.add_handler(CommandHandler("digest", office_docs.digest), group=0)
    application.add_handler(CommandHandler("export", office_docs.export), group=0)
    application.add_handler(CommandHandler("calendar", office_docs.calendar), group=0)
    application.add_handler(CommandHandler("board", board.board), group=0)
    application.add_handler(CommandHandler("groups", office.groups_command), group=0)
    application.add_handler(CommandHandler("units", office.units_command), group=0)

    application.add_handler(CallbackQueryHandler(status_actions.status_pressed, r"^s:"), group=0)
    application.add_handler(CallbackQueryHandler(status_actions.undo_pressed, r"^u:"), group=0)
    application.add_handler(CallbackQueryHandler(status_actions.evidence_pressed, r"^v:"), group=0)
    application.add_handler(CallbackQueryHandler(status_actions.decision_pressed, r"^x:"), group=0)
    application.add_handler(CallbackQueryHandler(tasks.card_pressed, r"^c:"), group=0)
    application.add_handler(CallbackQueryHandler(tasks.page_pressed, r"^t:"), group=0)
    application.add_handler(CallbackQueryHandler(events.list_pressed, r"^ev:l$"), group=0)
    application.add_handler(CallbackQueryHandler(events.report_pressed, r"^ev:r:"), group=0)
    application.add_handler(CallbackQueryHandler(status_cmd.office_page_pressed, r"^o:"), group=0)
    application.add_handler(CallbackQueryHandler(import_chat.import_pressed, r"^imp:"), group=0)
    application.add_handler(CallbackQueryHandler(import_review.review_pressed, r"^imr:"), group=0)
    application.add_handler(CallbackQueryHandler(import_chat.past_pressed, r"^impp:"), group=0)
    application.add_handler(CallbackQueryHandler(import_chat.place_pressed, r"^impj:"), group=0)
    application.add_handler(CallbackQueryHandler(office.office_pressed, r"^o[gu]:"), group=0)
    application.add_handler(CallbackQueryHandler(basics.stale_button), group=0)

    application.add_handler(MessageHandler(filters.COMMAND, basics.unknown_command), group=0)
    # A coordinator's plan document, seen before the generic handler below. Group -1 runs
    # first and lets a document it does not take (a liaison's evidence, an awaited answer)
    # fall through to group 0; one it imports ends there (ApplicationHandlerStop). Replies
    # (to a reminder or anything else) never reach it.
    application.add_handler(
        MessageHandler(
            filters.Document.ALL & filters.ChatType.PRIVATE & ~filters.REPLY,
            import_chat.document_received,
        ),
        group=-1,
    )
    # A name typed for /groups or /units (a new group, units to add, the unit to merge
    # into) or during an import's review, likewise before the generic handler (one handler:
    # only the first match of a group runs).
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND, office.typed_in_chat),
        group=-1,
    )
    application.add_handler(
        MessageHandler(
            (filters.TEXT & ~filters.COMMAND) | filters.Document.ALL | filters.PHOTO,
            status_actions.incoming_message,
        ),
        group=0,
    )
    # Every handler is run again when its turn met a busy SQLite database (issue 18: one
    # press in 1,200 was lost to "database is locked"); see handlers.common.retrying_when_busy.
    for handlers_of_group in application.handlers.values():
        for handler in handlers_of_group:
            handler.callback = answered_in_time(retrying_when_busy(handler.callback))
    application.add_error_handler(on_error)
