"""Small helpers shared by the handlers: replying in the user's chat, stale buttons."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.app import KengoContext
from bot.i18n import Translator


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Send `text` (HTML) to the chat the update came from."""
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(text, reply_markup=markup)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message whose button was pressed, or send a new one for a typed command."""
    query = update.callback_query
    if query is not None and query.message is not None and query.message.is_accessible:
        await query.edit_message_text(text, reply_markup=markup)
    else:
        await reply(update, text, markup)


async def answer_stale_button(update: Update, t: Translator) -> None:
    """A button we cannot act on (an old message, or forged data): say so, change nothing."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            t.gettext("Ce bouton n'est plus valable. Tapez /start pour retrouver le menu."),
            show_alert=True,
        )


async def translator(update: Update, context: KengoContext) -> Translator:
    return await context.translator(update)
