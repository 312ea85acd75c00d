"""Typed messages: what they mean depends on what the user is doing (their input mode)."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update

from bot.context import KengoContext
from bot.conversation import inputs
from bot.submission.replies import paused_text
from bot.views.menus import main_menu
from handlers import browse, fallback, moderate, owner, pledge, propose
from handlers.common import reply


class Kind(enum.Enum):
    TEXT = "text"
    PHOTO = "photo"
    OTHER = "other"  # a file, a sticker, a voice message…


# Called with the update, the context and the decoded mode (of the type it is listed under).
Reaction = Callable[[Update, KengoContext, Any], Awaitable[None]]

# What each kind of message does in each mode; anything not listed gets the pointer to /aide.
ROUTES: dict[type[inputs.InputMode], dict[Kind, Reaction]] = {
    inputs.WizardAnswer: {
        Kind.TEXT: propose.typed,
        Kind.PHOTO: propose.typed,
        Kind.OTHER: propose.unexpected,
    },
    inputs.ModerationReason: {Kind.TEXT: moderate.typed_reason},
    inputs.NewsPost: {Kind.TEXT: owner.typed_news, Kind.PHOTO: owner.typed_news},
    inputs.Amount: {Kind.TEXT: pledge.typed_amount},
    inputs.Search: {Kind.TEXT: browse.typed_search},
}


async def _route(update: Update, context: KengoContext, kind: Kind) -> None:
    mode = inputs.decode((await context.profile(update)).input_mode)
    reaction = None if mode is None else ROUTES.get(type(mode), {}).get(kind)
    if reaction is None:
        await fallback.unknown_message(update, context)
    else:
        await reaction(update, context, mode)


async def free_text(update: Update, context: KengoContext) -> None:
    """A typed text: an answer, a reason, a news post, an amount or a search, by mode."""
    message = update.effective_message
    if message is None or not message.text:
        await fallback.unknown_message(update, context)
    else:
        await _route(update, context, Kind.TEXT)


async def photo(update: Update, context: KengoContext) -> None:
    """A photo: the picture of a draft or of a news post, otherwise a pointer to the help."""
    await _route(update, context, Kind.PHOTO)


async def other(update: Update, context: KengoContext) -> None:
    """Anything else (a file, a sticker…): the wizard says what it expects, others get help."""
    await _route(update, context, Kind.OTHER)


async def cancel_command(update: Update, context: KengoContext) -> None:
    """/annuler: stop what the user was typing for (an answer, an amount, a news post…)."""
    t = await context.translator(update)
    profile = await context.profile(update)
    if profile.input_mode is None:
        await reply(update, t.gettext("Il n'y a rien à annuler pour le moment."), main_menu(t))
        return
    await context.services.users.set_input_mode(profile.id, None)
    if isinstance(inputs.decode(profile.input_mode), inputs.WizardAnswer):
        await reply(update, paused_text(t), main_menu(t))
        return
    await reply(update, t.gettext("C'est annulé. Que souhaitez-vous faire ?"), main_menu(t))
