"""/start, /help, /lang and the replies to what the bot does not understand."""

from __future__ import annotations

from telegram import Update

from bot.i18n import _, normalize_locale
from bot.usecases.members.directory import set_language
from handlers.common import turn
from handlers.context import BotContext
from handlers.invites import start_with_token
from handlers.menu import visible_commands


async def start(update: Update, context: BotContext) -> None:
    if context.args:
        await start_with_token(update, context, context.args[0])
        return
    async with turn(update, context) as tr:
        if tr is None:
            return
        text = tr.t.gettext(
            _(
                "Hello, {name}! I am the duty reminder bot of the rule-of-law office.\n\n"
                "I remind each unit's liaison before every deadline of the rule-of-law "
                "work plans, take your status replies (done, in progress, blocked, needs "
                "more time) and keep the coordinators informed.\n\n"
                "Send /help to see what I can do."
            ),
            name=tr.member.name or "",
        )
    await update.effective_message.reply_text(text)


async def help_command(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        lines = [tr.t.gettext(_("Commands:"))]
        for command in visible_commands():
            if not command.coordinator:
                lines.append(f"/{command.name} — {tr.t.gettext(command.description)}")
        lines.append("")
        lines.append(tr.t.gettext(_("For coordinators:")))
        for command in visible_commands():
            if command.coordinator:
                lines.append(f"/{command.name} — {tr.t.gettext(command.description)}")
        text = "\n".join(lines)
    await update.effective_message.reply_text(text)


async def lang(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        args = context.args or []
        choice = args[0].lower() if args else ""
        if choice not in {"zh", "zh_cn", "zh-cn", "cn", "中文", "en", "english"}:
            text = tr.t.gettext(_("Usage: /lang zh or /lang en"))
        else:
            locale = normalize_locale("en" if choice in {"en", "english"} else "zh")
            await set_language(tr.session, tr.member, locale)
            t = context.services.translator(locale)
            text = t.gettext(_("I will talk to you in this language from now on."))
    await update.effective_message.reply_text(text)


async def unknown_command(update: Update, context: BotContext) -> None:
    async with turn(update, context) as tr:
        if tr is None:
            return
        word = (update.effective_message.text or "").split()[0] if update.effective_message else ""
        text = tr.t.gettext(
            _("I do not know the command {command}. Send /help to see the commands I understand."),
            command=word.split("@")[0],
        )
    await update.effective_message.reply_text(text)


async def stale_button(update: Update, context: BotContext) -> None:
    """A press whose data no handler knows (an old keyboard, or forged data)."""
    async with turn(update, context) as tr:
        if tr is None:
            return
        text = tr.t.gettext(_("This button is not valid any more."))
    await update.callback_query.answer(text, show_alert=True)
