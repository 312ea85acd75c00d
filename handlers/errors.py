"""The global error handler: log first, then tell the moderation chat, then apologise."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.context import KengoContext
from bot.i18n.text import escape_html

log = logging.getLogger(__name__)


async def on_error(update: object, context: KengoContext) -> None:
    """Handle any exception raised while processing an update (or while polling)."""
    error = context.error
    user_id = (
        update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    )
    if isinstance(error, Forbidden) and user_id is not None:
        # The user blocked the bot: not a bug, and there is nobody to apologise to.
        await context.services.users.mark_blocked(user_id, True)
        log.info("user %s has blocked the bot", user_id)
        return
    if update is None and isinstance(error, NetworkError):
        log.warning("network error while talking to Telegram: %s", error)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=error,
              extra={"update_id": update_id})  # fmt: skip
    suppressed = context.runtime.error_reports.admit(error)
    if suppressed is not None:
        await _tell_moderation_chat(context, update_id, error, suppressed)
    if isinstance(update, Update) and user_id is not None:
        await _apologise(update, context, user_id)


async def _tell_moderation_chat(
    context: KengoContext, update_id: int | None, error: BaseException | None, suppressed: int
) -> None:
    chat_id = context.runtime.settings.moderation_chat_id
    if chat_id is None:
        return
    t = context.runtime.catalogs.translator(None)
    # Only the exception's type: its message may carry personal or payment details.
    text = t.gettext("⚠️ Erreur du bot ({error}) pendant la mise à jour {update_id}.").format(
        error=escape_html(type(error).__name__),
        update_id=update_id if update_id is not None else "-",
    )
    if suppressed:
        text += "\n" + t.ngettext(
            "La même erreur s’est produite {count} autre fois depuis le dernier signalement.",
            "La même erreur s’est produite {count} autres fois depuis le dernier signalement.",
            suppressed,
        ).format(count=t.number(suppressed))
    try:
        await context.bot.send_message(chat_id, text)
    except TelegramError as send_error:
        log.warning("could not reach the moderation chat: %s", send_error)


async def _apologise(update: Update, context: KengoContext, user_id: int) -> None:
    try:
        locale = await context.services.users.locale_of(user_id)
    except Exception:
        locale = context.runtime.settings.default_locale
    t = context.runtime.catalogs.translator(locale)
    text = t.gettext(
        "Désolé, quelque chose s’est mal passé de notre côté. L’équipe est prévenue : "
        "réessayez dans un instant."
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        if update.effective_chat is not None:
            await update.effective_chat.send_message(text)
    except TelegramError as send_error:
        log.warning("could not apologise to user %s: %s", user_id, send_error)
