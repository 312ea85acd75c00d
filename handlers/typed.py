"""Typed text: what it means depends on what the user is doing (stored as their input mode)."""

from __future__ import annotations

from telegram import Update

from bot.catalogue.service import SEARCH_MODE
from bot.context import KengoContext
from bot.submission.replies import paused_text
from bot.submission.wizard import WIZARD_MODE
from bot.views.menus import main_menu
from handlers import browse, fallback, moderate, owner, pledge, propose
from handlers.common import reply


async def free_text(update: Update, context: KengoContext) -> None:
    """Route a typed text: an amount or a news post being asked for, a search while browsing."""
    message = update.effective_message
    profile = await context.profile(update)
    mode = profile.input_mode or ""
    if message is None or not message.text:
        await fallback.unknown_message(update, context)
    elif mode.startswith(f"{WIZARD_MODE}:"):
        await propose.typed(update, context, mode)
    elif mode.startswith(f"{moderate.REASON_MODE}:"):
        await moderate.typed_reason(update, context, mode, message.text)
    elif mode.startswith(f"{owner.NEWS_MODE}:"):
        await owner.typed_news(update, context, mode)
    elif mode.startswith(f"{pledge.AMOUNT_MODE}:"):
        await pledge.typed_amount(update, context, mode, message.text)
    elif mode == SEARCH_MODE:
        await browse.search(update, context, message.text)
    else:
        await fallback.unknown_message(update, context)


async def photo(update: Update, context: KengoContext) -> None:
    """A photo: the picture of a draft or of a news post, otherwise a pointer to the help."""
    mode = (await context.profile(update)).input_mode or ""
    if mode.startswith(f"{WIZARD_MODE}:"):
        await propose.typed(update, context, mode)
    elif mode.startswith(f"{owner.NEWS_MODE}:"):
        await owner.typed_news(update, context, mode)
    else:
        await fallback.unknown_message(update, context)


async def other(update: Update, context: KengoContext) -> None:
    """Anything else (a file, a sticker…): the wizard says what it expects, others get help."""
    mode = (await context.profile(update)).input_mode or ""
    if mode.startswith(f"{WIZARD_MODE}:"):
        await propose.unexpected(update, context, mode)
    else:
        await fallback.unknown_message(update, context)


async def cancel_command(update: Update, context: KengoContext) -> None:
    """/annuler: stop what the user was typing for (an answer, an amount, a news post…)."""
    t = await context.translator(update)
    profile = await context.profile(update)
    if profile.input_mode is None:
        await reply(update, t.gettext("Il n'y a rien à annuler pour le moment."), main_menu(t))
        return
    await context.services.users.set_input_mode(profile.id, None)
    if profile.input_mode.startswith(f"{WIZARD_MODE}:"):
        await reply(update, paused_text(t), main_menu(t))
        return
    await reply(update, t.gettext("C'est annulé. Que souhaitez-vous faire ?"), main_menu(t))
