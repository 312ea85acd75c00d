"""Followed projects: /suivis and the "Mes suivis" button, with unfollow buttons."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.views.follows import followed_keyboard, followed_text
from handlers.common import pressed, show


async def followed(update: Update, context: KengoContext) -> None:
    """List the projects the user follows."""
    t = await context.translator(update)
    profile = await context.profile(update)
    projects = await context.services.follows.followed(profile.id)
    await show(update, followed_text(t, projects), followed_keyboard(t, projects))


async def unfollow_button(update: Update, context: KengoContext) -> None:
    """Stop following a project from the list, then show the list again."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_unfollow)
    if button is None:
        return
    query, project_id = button
    await context.services.follows.unfollow(query.from_user.id, project_id)
    await query.answer(t.gettext("Vous ne suivez plus ce projet."))
    await followed(update, context)
