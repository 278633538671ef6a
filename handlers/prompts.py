"""Questions that wait for a member's next message, asked so that the answer reaches the bot.

In a private chat a question is a plain message. In a group, Telegram's privacy mode (on by
default) lets a bot that is not an admin see only replies to its own messages, commands and
mentions; so the question mentions the member and carries ForceReply(selective=True) (their
app opens a reply to it), and the prompt is remembered so that only a reply to it answers.
"""

from __future__ import annotations

from telegram import ForceReply, Message, MessageEntity, ReplyParameters, Update
from telegram.constants import ChatType, MessageEntityType

from bot.i18n import Translator
from bot.render.group_prompts import question_in_group
from bot.usecases.members import pending
from bot.usecases.status.dialogue import Reply, ReplyKind
from handlers.context import BotContext
from handlers.telegram_sender import keyboard
from scheduling.delivery.sender import Button

# Replies after which the bot waits for the member's next message.
AWAITING = frozenset({ReplyKind.ASKED, ReplyKind.NEED_REASON, ReplyKind.UNREADABLE_DATE})


def in_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type != ChatType.PRIVATE


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


async def send_reply(
    update: Update,
    context: BotContext,
    reply: Reply,
    text: str,
    buttons: tuple[tuple[Button, ...], ...],
    member_id: int,
    t: Translator,
    about: ReplyParameters | None = None,
) -> None:
    """Send the dialogue's answer; in a group a question goes out as a ForceReply prompt.
    `about` makes a press's answer a reply to the card it changed."""
    chat_id = update.effective_chat.id
    message = update.message  # the member's message when this answers one (not a press)
    if reply.kind not in AWAITING or not in_group(update):
        if message is not None:
            await message.reply_text(text, reply_markup=keyboard(buttons))
        else:
            await context.bot.send_message(
                chat_id, text, reply_markup=keyboard(buttons), reply_parameters=about
            )
        return
    await ask_in_group(update, context, question_in_group(reply.asked, text, t), member_id)


async def ask_in_group(
    update: Update, context: BotContext, question: str, member_id: int
) -> Message:
    """The question, naming the member (selective ForceReply opens the reply for them only),
    as a reply to their message when they wrote one; only a reply to it answers it."""
    user = update.effective_user
    message = update.message
    name = user.full_name
    mention = MessageEntity(MessageEntityType.TEXT_MENTION, 0, _utf16_len(name), user=user)
    sent = await context.bot.send_message(
        update.effective_chat.id,
        f"{name} {question}",
        entities=[mention],
        reply_markup=ForceReply(selective=True),
        reply_parameters=(
            ReplyParameters(message.message_id, allow_sending_without_reply=True)
            if message is not None
            else None
        ),
    )
    async with context.services.sessions() as session, session.begin():
        await pending.attach_prompt(session, member_id, sent.chat_id, sent.message_id)
    return sent
