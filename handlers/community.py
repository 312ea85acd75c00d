"""Connected groups and channels: the bot added to or removed from one, /start and /help
addressed to it there, and the owner's "Groupes et canaux" screen.

With privacy mode on, a group sends the bot only commands addressed to it and what concerns
its membership; private-chat handlers are registered for private chats only.
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, ChatMemberAdministrator, InlineKeyboardMarkup, Update, User
from telegram.error import TelegramError

from bot.context import KengoContext
from bot.conversation.callbacks import OwnerAction
from bot.domain import ChatType, CommunityChat, ConnectRefusal
from bot.i18n.translator import Translator
from bot.notifications.chats import tell_owner_lost
from bot.telegram.deeplinks import parse_chat_invite
from bot.views.community import (
    after_chat_change,
    cannot_post_text,
    chats_keyboard,
    chats_text,
    connected_text,
    group_help_text,
    pin_refused_text,
    refusal_text,
)
from handlers.common import show

log = logging.getLogger(__name__)

_ADMINS = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
_GONE = (ChatMember.LEFT, ChatMember.BANNED)
_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)


async def group_start(update: Update, context: KengoContext) -> None:
    """`/start@bot c<token>` in a group (sent by Telegram when the owner's link added the bot),
    or `/start` and `/help` addressed to the bot there."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    token = parse_chat_invite(context.args[0] if context.args else None)
    if token is None:
        await _introduce(context, chat, user)
        return
    await _connect(context, chat, user, token)


async def group_help(update: Update, context: KengoContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and user is not None:
        await _introduce(context, chat, user)


async def _introduce(context: KengoContext, chat: Chat, user: User) -> None:
    """What the bot does in a group, in the language of who asked (or added it)."""
    await _say(context, chat.id, group_help_text(await _translator_of(context, user)))


async def _translator_of(context: KengoContext, user: User) -> Translator:
    """The language of a person in a chat: theirs if they use the bot, else their Telegram's."""
    locale = await context.services.users.locale_for(user.id, user.language_code)
    return context.runtime.catalogs.translator(locale)


async def _say(
    context: KengoContext, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Send, where the bot may not be able to (a chat it cannot write in, a person who never
    opened a private chat with it): nothing more to do then than log it."""
    try:
        await context.bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as error:
        log.info("not said in chat %s: %s", chat_id, error)


async def bot_membership_changed(update: Update, context: KengoContext) -> None:
    """The bot added to a channel (there is no /start in a channel: who added it is matched to
    their latest invite), or removed from a group or channel, or demoted in a channel."""
    change = update.my_chat_member
    if change is None:
        return
    chat, member = change.chat, change.new_chat_member
    if member.status in _GONE or (
        member.status == ChatMember.RESTRICTED and not getattr(member, "can_send_messages", True)
    ):
        await _lost(context, chat.id)
        return
    if chat.type != Chat.CHANNEL:
        # A group is connected by the /start its link sends. Added by someone who holds no link
        # (by hand), the bot says what it does there rather than stay silent.
        just_added = change.old_chat_member.status in _GONE and member.status in _PRESENT
        if just_added and not await context.services.community.invites_pending(change.from_user.id):
            await _introduce(context, chat, change.from_user)
        return
    old = change.old_chat_member
    could_post = isinstance(old, ChatMemberAdministrator) and bool(old.can_post_messages)
    can_post = isinstance(member, ChatMemberAdministrator) and bool(member.can_post_messages)
    if could_post and not can_post:  # demoted: the bot can no longer post there
        await _lost(context, chat.id)
    elif can_post and not could_post:  # added, or given the right to post at last
        await _connect(context, chat, change.from_user, None)
    elif isinstance(member, ChatMemberAdministrator) and not isinstance(
        old, ChatMemberAdministrator
    ):  # added without the right to post: the person learns which right is missing
        await _tell_cannot_post(context, chat, change.from_user)


async def _connect(context: KengoContext, chat: Chat, user: User, token: str | None) -> None:
    user_id = user.id
    is_admin = await _administers(context, chat.id, user_id)
    connection = await context.services.community.connect(
        token, user_id, chat.id, ChatType(chat.type), chat.title or "", is_admin=is_admin
    )
    if connection.chat is None:
        # Said to (or before) whoever added the bot, who may not be the owner: in their language.
        t = await _translator_of(context, user)
        await _refuse(context, t, chat, user_id, connection.refusal or ConnectRefusal.NO_INVITE)
        return
    t = context.runtime.catalogs.translator(connection.owner_locale)
    # Without a private chat with the owner, the chat shows the connection anyway.
    await _say(context, user_id, connected_text(t, connection.chat, connection.project_title),
               after_chat_change(t, connection.chat.project_id))  # fmt: skip


async def _tell_cannot_post(context: KengoContext, chat: Chat, user: User) -> None:
    t = await _translator_of(context, user)
    await _say(context, user.id, cannot_post_text(t, chat.title or ""))


async def _refuse(
    context: KengoContext, t: Translator, chat: Chat, user_id: int, refusal: ConnectRefusal
) -> None:
    """Say why in the chat (to the person in private for a channel), then leave it unless it
    is connected already (a stale link tried in a connected group must not disconnect it)."""
    leaving = not await context.services.community.is_connected(chat.id)
    channel = chat.type == Chat.CHANNEL
    text = refusal_text(t, refusal, leaving=leaving, channel=channel)
    await _say(context, user_id if channel else chat.id, text)
    if not leaving:
        return
    try:
        await context.bot.leave_chat(chat.id)
    except TelegramError as error:
        log.info("could not leave chat %s: %s", chat.id, error)


async def _administers(context: KengoContext, chat_id: int, user_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError:
        return False
    return member.status in _ADMINS


async def _lost(context: KengoContext, chat_id: int) -> None:
    lost = await context.services.community.lost(chat_id)
    if lost is not None:
        await tell_owner_lost(context.bot, context.runtime.catalogs, lost.chat,
                              lost.project_title, lost.owner_locale, by_owner=False)  # fmt: skip


async def migrated(update: Update, context: KengoContext) -> None:
    """A group became a supergroup: follow its new id."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        await context.services.community.migrated(message.chat.id, message.migrate_to_chat_id)


# -- the owner's screen (private chat) -----------------------------------------------------------


async def show_chats(
    update: Update, context: KengoContext, project_id: int, note: str = ""
) -> bool:
    """The project's groups and channels (under `note`, what just went wrong); False when it
    is not the user's (a stale button)."""
    t = await context.translator(update)
    profile = await context.profile(update)
    screen = await context.services.community.screen(profile.id, project_id)
    if screen is None:
        return False
    text = f"{note}\n\n{chats_text(t, screen)}" if note else chats_text(t, screen)
    await show(update, text, chats_keyboard(t, screen, context.bot.username))
    return True


async def change_chat(
    update: Update, context: KengoContext, action: OwnerAction, chat_row_id: int
) -> bool:
    """Switch a chat's setting, or disconnect it (and leave it), then show the screen again;
    False when the chat is not (or no longer) one of the user's."""
    profile = await context.profile(update)
    community = context.services.community
    if action is OwnerAction.CHAT_DISCONNECT:
        chat = await community.disconnect(profile.id, chat_row_id)
        if chat is not None:
            try:
                await context.bot.leave_chat(chat.chat_id)
            except TelegramError as error:  # already removed: disconnected all the same
                log.info("could not leave chat %s: %s", chat.chat_id, error)
    else:
        chat = await community.change(profile.id, chat_row_id, _SETTINGS[action])
    if chat is None:
        return False
    refused = action is OwnerAction.CHAT_PIN and await _apply_pin(context, chat)
    note = pin_refused_text(await context.translator(update), chat) if refused else ""
    return await show_chats(update, context, chat.project_id, note)


async def _apply_pin(context: KengoContext, chat: CommunityChat) -> bool:
    """Pin or unpin the progress message posted already, as the setting now says; True when
    Telegram refused to pin (the setting is then turned off again)."""
    if chat.progress_message_id is None:  # pinned when posted, if the setting is still on
        return False
    try:
        if chat.pin_progress:
            await context.bot.pin_chat_message(chat.chat_id, chat.progress_message_id,
                                               disable_notification=True)  # fmt: skip
        else:
            await context.bot.unpin_chat_message(chat.chat_id, chat.progress_message_id)
    except TelegramError as error:
        log.info("chat %s: progress not (un)pinned: %s", chat.chat_id, error)
        if chat.pin_progress:
            await context.services.community.pin_refused(chat.id)
            return True
    return False


_SETTINGS = {
    OwnerAction.CHAT_LANGUAGE: "language",
    OwnerAction.CHAT_NEWS: "news",
    OwnerAction.CHAT_PIN: "pin",
}
CHAT_ACTIONS = frozenset({*_SETTINGS, OwnerAction.CHAT_DISCONNECT})
