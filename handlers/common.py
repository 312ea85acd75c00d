"""Small helpers shared by the handlers: replies, the typed text, the user's first name,
pressed buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.i18n.translator import Translator
from bot.telegram.calls import edit_text, send_text

T = TypeVar("T")


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send `text` (HTML) to the chat the update came from."""
    chat = update.effective_chat
    if chat is not None:
        await send_text(update.get_bot(), chat.id, text, markup)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the text message whose button was pressed, or send a new message.

    A new message is sent for a typed command, and when the pressed message is a photo (its
    caption cannot become a text message).
    """
    query = update.callback_query
    message = query.message if query is not None else None
    if query is None or not isinstance(message, Message) or message.text is None:
        await reply(update, text, markup)
        return
    try:
        await edit_text(update.get_bot(), message.chat_id, message.message_id, text, markup)
    except BadRequest as error:
        # Pressing the button of what is already shown: nothing to change, nothing wrong.
        if "not modified" not in str(error).lower():
            raise


def typed_text(update: Update) -> str:
    """The text of the message the user sent ("" for a photo, a sticker…)."""
    message = update.effective_message
    return (message.text or "") if message is not None else ""


def user_first_name(update: Update) -> str | None:
    """The first name of the user who sent the update, as Telegram gives it (None if absent)."""
    return update.effective_user.first_name if update.effective_user else None


async def answer_stale_button(update: Update, t: Translator) -> None:
    """A button we cannot act on (an old message, or forged data): say so, change nothing."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            t.gettext("Ce bouton n’est plus valable. Tapez /start pour retrouver le menu."),
            show_alert=True,
        )


async def pressed(
    update: Update, t: Translator, parse: Callable[[str | None], T | None]
) -> tuple[CallbackQuery, T] | None:
    """The pressed button's query and its data, parsed; None when the data is not ours (the
    user is told the button is stale)."""
    query = update.callback_query
    parsed = parse(query.data) if query is not None else None
    if query is None or parsed is None:
        await answer_stale_button(update, t)
        return None
    return query, parsed
