"""The one place that registers handlers, with their order and groups."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.callbacks import Namespace, pattern
from handlers import errors, fallback, membership, settings, start, upcoming


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attach every journey's handlers; the first matching handler of group 0 wins."""
    private = filters.ChatType.PRIVATE
    handlers = [
        CommandHandler("start", start.start, filters=private),
        CommandHandler(["aide", "help"], start.help_command, filters=private),
        CommandHandler(["langue", "yezh", "settings"], settings.language_command, filters=private),
        CommandHandler(list(upcoming.COMMAND_FEATURES), upcoming.upcoming_command, filters=private),
        CommandHandler("annuler", upcoming.cancel_command, filters=private),
        CallbackQueryHandler(start.menu_button, pattern=pattern(Namespace.MENU)),
        CallbackQueryHandler(settings.language_button, pattern=pattern(Namespace.LANGUAGE)),
        ChatMemberHandler(membership.private_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        # Last: whatever nothing above claimed.
        CallbackQueryHandler(fallback.unknown_button),
        MessageHandler(private & ~filters.StatusUpdate.ALL, fallback.unknown_message),
    ]
    application.add_handlers(handlers)
    application.add_error_handler(errors.on_error)
