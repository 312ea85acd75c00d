"""How a contributor appears on the project's card, chosen from the pledge's recap: their first
name, a nickname, or anonymously.

The buttons are the pledging namespace's display steps (`pl:d`, `pl:dn`, `pl:dk`, `pl:da`),
routed here before the rest of the namespace reaches `pledge.py`. A nickname is typed (input
mode `Nickname`), and `/annuler` then only goes back to the recap. Every way out ends on the
recap of `pledge.py`, which this module uses; `pledge.py` never imports this one.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import PledgeChoice, PledgeStep
from bot.conversation.inputs import Nickname
from bot.domain import SupporterChoice, SupporterDisplay
from bot.i18n.translator import Translator
from bot.payments.pledges import PledgeRefused
from bot.payments.supporters import first_name as first_name_shown
from bot.payments.supporters import read_nickname
from bot.views import supporters as views
from handlers.common import answer_stale_button, pressed, reply, show, typed_text, user_first_name
from handlers.pledge import confirm, offer, refuse

# The choices of how to appear on the card that need no typing.
_SHOWN = {
    PledgeStep.SHOW_NAME: SupporterChoice(SupporterDisplay.NAME),  # the name is the user's own
    PledgeStep.SHOW_NOTHING: SupporterChoice(SupporterDisplay.ANONYMOUS),
}


async def display_button(update: Update, context: KengoContext) -> None:
    """The buttons of how to appear on the card (`callbacks.display_pattern`)."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_pledge)
    if button is None:
        return
    query, choice = button
    # This may find the button stale, and a query is answered only once.
    if choice.step is PledgeStep.SHOW_NICKNAME:
        await _ask_nickname(update, context, t, query, choice)
        return
    await query.answer()
    if choice.step in _SHOWN:
        await confirm(update, context, t, choice, new=False, shown=_SHOWN[choice.step])
    else:
        await _display_choices(update, context, t, choice)


async def _display_choices(
    update: Update, context: KengoContext, t: Translator, choice: PledgeChoice
) -> None:
    """How to appear on the card: the user's first name, a nickname, or anonymously."""
    profile = await context.profile(update)
    first_name = user_first_name(update)
    try:
        current = await context.services.pledges.draft(
            profile.id, choice.project_id, choice.tier_id, choice.amount_cents,
            first_name=first_name,
        )  # fmt: skip
    except PledgeRefused as refusal:
        await refuse(update, t, choice, refusal, new=False)
        return
    keyboard = views.choices_keyboard(t, choice, first_name_shown(first_name))
    await show(update, views.choices_text(t, current), keyboard)


async def _ask_nickname(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery,
    choice: PledgeChoice,
) -> None:  # fmt: skip
    mode = _nickname_mode(choice.project_id, choice.tier_id)
    if mode is None:
        await answer_stale_button(update, t)
        return
    await query.answer()
    await context.services.users.set_input_mode(query.from_user.id, mode)
    keyboard = views.nickname_keyboard(t, choice)
    await show(update, views.nickname_prompt_text(t), keyboard)


def _nickname_mode(project_id: int, tier_id: int | None) -> Nickname | None:
    try:
        return Nickname(project_id, tier_id)
    except ValueError:  # ids larger than any project or reward of ours: forged data
        return None


async def typed_nickname(update: Update, context: KengoContext, mode: Nickname) -> None:
    """The nickname typed to appear by on the card: back to the recap, or why it will not do."""
    t = await context.translator(update)
    choice = await _recap_of(update, context, mode)
    nickname = read_nickname(typed_text(update))
    if choice is not None and nickname is None:
        keyboard = views.nickname_keyboard(t, choice)
        await reply(update, views.nickname_refused_text(t), keyboard)
    elif choice is not None and nickname is not None:
        shown = SupporterChoice(SupporterDisplay.NICKNAME, nickname)
        await confirm(update, context, t, choice, new=True, shown=shown)


async def back_to_summary(update: Update, context: KengoContext, mode: Nickname) -> None:
    """/annuler while typing a nickname: the recap again, as it was."""
    choice = await _recap_of(update, context, mode)
    if choice is not None:
        await confirm(update, context, await context.translator(update), choice, new=True)


async def _recap_of(update: Update, context: KengoContext, mode: Nickname) -> PledgeChoice | None:
    """The recap a nickname is typed for; None, the project's rewards shown, when its pledge
    was paid or cancelled meanwhile."""
    profile = await context.profile(update)
    line = await context.services.pledges.open_pledge(profile.id, mode.project_id, mode.tier_id)
    if line is None:
        await context.services.users.set_input_mode(profile.id, None)
        await offer(update, context, mode.project_id)
        return None
    return PledgeChoice(PledgeStep.AMOUNT, mode.project_id, mode.tier_id, line.amount_cents)
