"""Telegram is asked for the update types the handlers take, read off the handlers."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bot.telegram.update_types import allowed_updates


async def _noop(update: object, context: object) -> None:
    return None


def test_each_handler_brings_its_update_types_and_no_other() -> None:
    handlers: dict[int, list[Any]] = {
        0: [MessageHandler(filters.TEXT, _noop), CallbackQueryHandler(_noop)],
        1: [ChatMemberHandler(_noop, ChatMemberHandler.ANY_CHAT_MEMBER)],
    }
    assert allowed_updates(handlers) == [
        "message", "edited_message", "callback_query", "my_chat_member", "chat_member",
    ]  # fmt: skip
    handlers[0].append(PreCheckoutQueryHandler(_noop))  # e.g. payments inside Telegram
    assert "pre_checkout_query" in allowed_updates(handlers)


def test_a_handler_of_unknown_updates_stops_the_start_instead_of_going_deaf() -> None:
    class Custom(BaseHandler[Any, Any, Any]):
        def check_update(self, update: object) -> bool:
            return True

    with pytest.raises(TypeError, match="Custom"):
        allowed_updates({0: [Custom(_noop)]})
