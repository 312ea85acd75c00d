"""What the bot says to anything no journey claimed: free text, unknown commands, old buttons."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from handlers.common import answer_stale_button, reply


async def unknown_message(update: Update, context: KengoContext) -> None:
    """Point lost users (or very long or odd messages) to the help."""
    t = await context.translator(update)
    await reply(
        update, t.gettext("Je n'ai pas compris. Tapez /aide pour voir ce que je sais faire.")
    )


async def unknown_button(update: Update, context: KengoContext) -> None:
    """A callback no handler recognised: stale or forged."""
    await answer_stale_button(update, await context.translator(update))
