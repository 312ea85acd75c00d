"""Telegram tells us when a user blocks or unblocks the bot (remembered), and when the bot is
added to or removed from a group or channel (`handlers.community`)."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot.context import KengoContext
from handlers import community


async def private_membership_changed(update: Update, context: KengoContext) -> None:
    """Mark the user blocked when they stop the bot, unblocked when they restart it."""
    change = update.my_chat_member
    if change is None:
        return
    if change.chat.type != ChatType.PRIVATE:  # a group or channel: connected to a project?
        await community.bot_membership_changed(update, context)
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await context.services.users.mark_blocked(change.from_user.id, blocked)
