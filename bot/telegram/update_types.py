"""The update types the registered handlers receive: what getUpdates and setWebhook ask for.

Telegram sends only the types named in `allowed_updates`, and drops the others for good. The
list is read off the handlers themselves, so a new kind of handler brings its updates with it;
a handler class this module does not know stops the bot at start-up rather than going deaf.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from telegram import Update
from telegram.constants import UpdateType
from telegram.ext import (
    BaseHandler,
    BusinessConnectionHandler,
    BusinessMessagesDeletedHandler,
    CallbackQueryHandler,
    ChatBoostHandler,
    ChatJoinRequestHandler,
    ChatMemberHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    ConversationHandler,
    InlineQueryHandler,
    MessageHandler,
    MessageReactionHandler,
    PaidMediaPurchasedHandler,
    PollAnswerHandler,
    PollHandler,
    PreCheckoutQueryHandler,
    PrefixHandler,
    ShippingQueryHandler,
    TypeHandler,
)

Handler = BaseHandler[Any, Any, Any]

# Message handlers serve private chats and groups: a new message, and one edited (a handler
# wanting new messages only says so with filters.UpdateType.MESSAGE). The bot posts in no
# channel and serves no business account, so those message types are left out.
_MESSAGES = (UpdateType.MESSAGE, UpdateType.EDITED_MESSAGE)
_FIXED: dict[type[Handler], tuple[str, ...]] = {
    MessageHandler: _MESSAGES,
    CommandHandler: _MESSAGES,
    PrefixHandler: _MESSAGES,
    CallbackQueryHandler: (UpdateType.CALLBACK_QUERY,),
    InlineQueryHandler: (UpdateType.INLINE_QUERY,),
    ChosenInlineResultHandler: (UpdateType.CHOSEN_INLINE_RESULT,),
    ChatJoinRequestHandler: (UpdateType.CHAT_JOIN_REQUEST,),
    PreCheckoutQueryHandler: (UpdateType.PRE_CHECKOUT_QUERY,),
    ShippingQueryHandler: (UpdateType.SHIPPING_QUERY,),
    PollHandler: (UpdateType.POLL,),
    PollAnswerHandler: (UpdateType.POLL_ANSWER,),
    MessageReactionHandler: (UpdateType.MESSAGE_REACTION, UpdateType.MESSAGE_REACTION_COUNT),
    ChatBoostHandler: (UpdateType.CHAT_BOOST, UpdateType.REMOVED_CHAT_BOOST),
    BusinessConnectionHandler: (UpdateType.BUSINESS_CONNECTION,),
    BusinessMessagesDeletedHandler: (UpdateType.DELETED_BUSINESS_MESSAGES,),
    PaidMediaPurchasedHandler: (UpdateType.PURCHASED_PAID_MEDIA,),
}
ANY_MEMBER = ChatMemberHandler.ANY_CHAT_MEMBER
_CHAT_MEMBER: dict[int | None, tuple[str, ...]] = {
    ChatMemberHandler.MY_CHAT_MEMBER: (UpdateType.MY_CHAT_MEMBER,),
    ChatMemberHandler.CHAT_MEMBER: (UpdateType.CHAT_MEMBER,),
    ChatMemberHandler.ANY_CHAT_MEMBER: (UpdateType.MY_CHAT_MEMBER, UpdateType.CHAT_MEMBER),
}


def allowed_updates(handlers: Mapping[int, Sequence[Handler]]) -> list[str]:
    """The types `Application.handlers` (every group) can receive, in Update.ALL_TYPES' order."""
    wanted = set(_received_by(h for group in handlers.values() for h in group))
    return [str(kind) for kind in Update.ALL_TYPES if kind in wanted]


def _received_by(handlers: Iterable[Handler]) -> Iterable[str]:
    for handler in handlers:
        if isinstance(handler, ChatMemberHandler):
            yield from _CHAT_MEMBER.get(handler.chat_member_types, _CHAT_MEMBER[ANY_MEMBER])
        elif isinstance(handler, ConversationHandler):
            yield from _received_by(handler.entry_points)
            yield from _received_by(h for state in handler.states.values() for h in state)
            yield from _received_by(handler.fallbacks)
        elif isinstance(handler, TypeHandler):
            # Our own events (put on the update queue by the bot itself) need nothing from
            # Telegram; a TypeHandler of Update wants everything.
            if isinstance(handler.type, type) and issubclass(handler.type, Update):
                yield from Update.ALL_TYPES
        else:
            kinds = next((v for cls, v in _FIXED.items() if isinstance(handler, cls)), None)
            if kinds is None:
                raise TypeError(
                    f"{type(handler).__name__}: which updates it receives is unknown; "
                    "add it to bot/telegram/update_types.py"
                )
            yield from kinds
