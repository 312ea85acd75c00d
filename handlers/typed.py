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
from handlers import browse, fallback, matching, moderate, owner, pledge, propose, supporters
from handlers.common import reply


class Kind(enum.Enum):
    TEXT = "text"
    PHOTO = "photo"
    LOCATION = "location"
    OTHER = "other"  # a file, a sticker, a voice message…


# Called with the update, the context and the decoded mode (of the type it is listed under).
Reaction = Callable[[Update, KengoContext, Any], Awaitable[None]]

# What each kind of message does in each mode; anything not listed gets a reply saying what the
# bot understands, with the main menu.
ROUTES: dict[type[inputs.InputMode], dict[Kind, Reaction]] = {
    inputs.WizardAnswer: {
        Kind.TEXT: propose.typed,
        Kind.PHOTO: propose.typed,
        Kind.OTHER: propose.unexpected,
    },
    inputs.ModerationReason: {Kind.TEXT: moderate.typed_reason},
    inputs.MatchAnswer: {Kind.TEXT: matching.typed_answer},
    inputs.NewsPost: {Kind.TEXT: owner.typed_news, Kind.PHOTO: owner.typed_news},
    inputs.Amount: {Kind.TEXT: pledge.typed_amount},
    inputs.Nickname: {Kind.TEXT: supporters.typed_nickname},
    inputs.Search: {Kind.TEXT: fallback.typed_words, Kind.LOCATION: browse.shared_location},
}
# Outside any flow: words are small talk or a search, a location sets "près de chez moi".
NO_MODE: dict[Kind, Reaction] = {
    Kind.TEXT: fallback.typed_words,
    Kind.LOCATION: browse.shared_location,
}


async def _route(update: Update, context: KengoContext, kind: Kind) -> None:
    mode = inputs.decode((await context.profile(update)).input_mode)
    routes = NO_MODE if mode is None else ROUTES.get(type(mode), {})
    reaction = routes.get(kind)
    if reaction is None and kind is Kind.LOCATION:
        reaction = routes.get(Kind.OTHER)  # in a flow, a location is just another message
    if reaction is None:
        await fallback.unknown_message(update, context)
    else:
        await reaction(update, context, mode)


async def free_text(update: Update, context: KengoContext) -> None:
    """A typed text: an answer, a reason, a news post, an amount, by mode; outside a flow, small
    talk or a search."""
    message = update.effective_message
    if message is None or not message.text:
        await fallback.unknown_message(update, context)
    else:
        await _route(update, context, Kind.TEXT)


async def photo(update: Update, context: KengoContext) -> None:
    """A photo: the picture of a draft or of a news post; otherwise what the bot understands."""
    await _route(update, context, Kind.PHOTO)


async def location(update: Update, context: KengoContext) -> None:
    """A shared location: outside a flow, the nearest département becomes "près de chez moi"."""
    await _route(update, context, Kind.LOCATION)


async def other(update: Update, context: KengoContext) -> None:
    """Anything else (a file, a sticker…): the wizard says what it expects, others get help."""
    await _route(update, context, Kind.OTHER)


async def cancel_command(update: Update, context: KengoContext) -> None:
    """/annuler: stop what the user was typing for (an answer, an amount, a news post…); while
    pledging, the pledge in progress is cancelled too."""
    t = await context.translator(update)
    profile = await context.profile(update)
    mode = inputs.decode(profile.input_mode)
    if isinstance(mode, inputs.Amount):
        await pledge.cancel_in_progress(update, context, mode.project_id, mode.tier_id)
        return
    if isinstance(mode, inputs.Nickname):  # the pledge goes on: back to its recap
        await supporters.back_to_summary(update, context, mode)
        return
    if profile.input_mode is None:
        await reply(update, t.gettext("Il n’y a rien à annuler pour le moment."), main_menu(t))
        return
    await context.services.users.set_input_mode(profile.id, None)
    if isinstance(mode, inputs.MatchAnswer):  # a match half written is forgotten, as said
        await matching.forget_draft(context, profile.id, mode.draft_id)
    if isinstance(mode, inputs.WizardAnswer):
        await reply(update, paused_text(t), main_menu(t))
        return
    await reply(update, t.gettext("C’est annulé. Que souhaitez-vous faire ?"), main_menu(t))
