"""Typed text: what it means depends on what the user is doing (stored as their input mode)."""

from __future__ import annotations

from telegram import Update

from bot.app import KengoContext
from bot.services.catalogue import SEARCH_MODE
from handlers import browse, fallback, pledge


async def free_text(update: Update, context: KengoContext) -> None:
    """Route a typed text: an amount being asked for, a search while browsing, else help."""
    message = update.effective_message
    profile = await context.profile(update)
    mode = profile.input_mode or ""
    if message is None or not message.text:
        await fallback.unknown_message(update, context)
    elif mode.startswith(f"{pledge.AMOUNT_MODE}:"):
        await pledge.typed_amount(update, context, mode, message.text)
    elif mode == SEARCH_MODE:
        await browse.search(update, context, message.text)
    else:
        await fallback.unknown_message(update, context)
