"""The one place that registers handlers, with their order and groups."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.context import RUNTIME_KEY
from bot.conversation.callbacks import Namespace, display_pattern, pattern
from handlers import (
    alerts,
    backers,
    browse,
    community,
    errors,
    fallback,
    follow,
    inline,
    matching,
    membership,
    moderate,
    my_pledges,
    owner,
    pledge,
    project,
    propose,
    settings,
    start,
    supporters,
    typed,
)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Attach every journey's handlers; the first matching handler of group 0 wins."""
    private = filters.ChatType.PRIVATE
    handlers = [
        CommandHandler("start", start.start, filters=private),
        CommandHandler(["aide", "help"], start.help_command, filters=private),
        CommandHandler(["langue", "yezh"], settings.language_command, filters=private),
        CommandHandler(["settings", "reglages"], settings.settings_command, filters=private),
        CommandHandler("suivis", follow.followed, filters=private),
        CommandHandler("mes_projets", owner.my_projects, filters=private),
        CommandHandler("projets", browse.catalogue_command, filters=private),
        CommandHandler("mes_soutiens", my_pledges.my_pledges, filters=private),
        CommandHandler("mes_donnees", my_pledges.my_data, filters=private),
        CommandHandler("proposer", propose.propose, filters=private),
        CommandHandler("moderation", moderate.moderation_command),
        CommandHandler("annuler", typed.cancel_command, filters=private),
        # Groups: only /start (a connection's token) and /help addressed to the bot.
        CommandHandler("start", community.group_start, filters=filters.ChatType.GROUPS),
        CommandHandler(["aide", "help"], community.group_help, filters=filters.ChatType.GROUPS),
        MessageHandler(filters.StatusUpdate.MIGRATE, community.migrated),
        CallbackQueryHandler(start.menu_button, pattern=pattern(Namespace.MENU)),
        CallbackQueryHandler(settings.language_button, pattern=pattern(Namespace.LANGUAGE)),
        CallbackQueryHandler(browse.list_page, pattern=pattern(Namespace.LIST)),
        CallbackQueryHandler(browse.list_filter, pattern=pattern(Namespace.LIST_FILTER)),
        CallbackQueryHandler(browse.near_me, pattern=pattern(Namespace.NEAR_ME)),
        CallbackQueryHandler(browse.choose_home, pattern=pattern(Namespace.HOME)),
        CallbackQueryHandler(project.open_card, pattern=pattern(Namespace.PROJECT)),
        CallbackQueryHandler(project.card_button, pattern=pattern(Namespace.PROJECT_ACTION)),
        CallbackQueryHandler(project.read_news_post, pattern=pattern(Namespace.NEWS_POST)),
        # How a contributor appears: steps of the pledge namespace, so before its handler.
        CallbackQueryHandler(supporters.display_button, pattern=display_pattern()),
        CallbackQueryHandler(pledge.pledge_button, pattern=pattern(Namespace.PLEDGE)),
        CallbackQueryHandler(my_pledges.sold_out_button, pattern=pattern(Namespace.SOLD_OUT)),
        CallbackQueryHandler(follow.unfollow_button, pattern=pattern(Namespace.UNFOLLOW)),
        CallbackQueryHandler(settings.setting_button, pattern=pattern(Namespace.SETTING)),
        CallbackQueryHandler(owner.owner_button, pattern=pattern(Namespace.OWNER)),
        CallbackQueryHandler(backers.backers_button, pattern=pattern(Namespace.BACKERS)),
        CallbackQueryHandler(my_pledges.my_data_button, pattern=pattern(Namespace.MY_DATA)),
        CallbackQueryHandler(alerts.alert_button, pattern=pattern(Namespace.ALERT)),
        CallbackQueryHandler(propose.wizard_button, pattern=pattern(Namespace.SUBMIT)),
        CallbackQueryHandler(moderate.moderation_button, pattern=pattern(Namespace.MODERATE)),
        CallbackQueryHandler(matching.matches_button, pattern=pattern(Namespace.MATCH)),
        InlineQueryHandler(inline.inline_query),
        ChatMemberHandler(membership.private_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        # Last: whatever nothing above claimed.
        CallbackQueryHandler(fallback.unknown_button),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, typed.free_text),
        MessageHandler(private & filters.PHOTO, typed.photo),
        # A new message only: a live location is then edited again and again.
        MessageHandler(filters.UpdateType.MESSAGE & private & filters.LOCATION, typed.location),
        MessageHandler(private & ~filters.StatusUpdate.ALL, typed.other),
    ]
    metrics = application.bot_data[RUNTIME_KEY].metrics
    for handler in handlers:
        handler.callback = metrics.instrument(handler.callback)
    application.add_handlers(handlers)
    application.add_error_handler(errors.on_error)
