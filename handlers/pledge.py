"""Pledge from a card: reward or gift, amount (buttons or typed), summary, Stripe Checkout,
and cancelling it. The pledges once made are `my_pledges.py`.

The choices travel in the buttons' callback data. The summary shown is remembered as the user's
open pledge for that reward (a draft, then the pledge whose payment page is open), found again
when they come back. While any of these screens is shown, a typed amount is read (input mode
`Amount`, stored as `amount:<project>:<tier>`), and `/annuler` cancels what is in progress.
The recap also says how the contributor will appear on the card; changing it is the journey of
`supporters.py`, which comes back to the recap through `confirm`.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import PledgeChoice, PledgeStep
from bot.conversation.inputs import Amount
from bot.domain import PledgeLine, Reason, SupporterChoice, TierView
from bot.i18n.amounts import read_euros
from bot.i18n.translator import Translator
from bot.payments.gateway import PaymentUnavailable
from bot.payments.pledges import PledgeRefused
from bot.telegram.deeplinks import payment_return_url
from bot.views import pledge as views
from bot.views.menus import project_way_on
from bot.views.pledge_refusals import refusal_keyboard, refusal_text, unavailable_text
from handlers.common import answer_stale_button, pressed, reply, show, typed_text, user_first_name


async def offer(update: Update, context: KengoContext, project_id: int) -> None:
    """The first screen, from a card's "Soutenir": rewards still available and a free gift."""
    t = await context.translator(update)
    options = await context.services.pledges.options(project_id, t.locale)
    if options is None:
        text = refusal_text(t, Reason.NOT_LIVE)  # the same as when a summary finds it closed
        await reply(update, text, project_way_on(t, project_id))
        return
    await reply(update, views.options_text(t, options), views.options_keyboard(t, options))


async def pledge_button(update: Update, context: KengoContext) -> None:
    """Every button of the pledging screens but those of how the contributor appears, which
    `supporters.display_button` gets first (`callbacks.display_pattern`)."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_pledge)
    if button is None:
        return
    query, choice = button
    # These may find the button stale, and a query is answered only once.
    if choice.step in (PledgeStep.TIER, PledgeStep.GIFT, PledgeStep.CHANGE):
        await _amounts(update, context, t, query, choice)
        return
    if choice.step is PledgeStep.OTHER:
        await _ask_amount(update, context, t, query, choice)
        return
    await query.answer()
    if choice.step is PledgeStep.CANCEL:
        await cancel_in_progress(update, context, choice.project_id, choice.tier_id)
    elif choice.step is PledgeStep.AMOUNT:
        await confirm(update, context, t, choice, new=False)
    else:
        await _checkout(update, context, t, choice)


async def _amounts(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery,
    choice: PledgeChoice,
) -> None:  # fmt: skip
    """A reward or a free gift: its open pledge when there is one, else the amounts."""
    tier = await _tier(context, choice)
    mode = _mode(choice)
    if mode is None or (choice.tier_id is not None and tier is None):  # removed since, forged
        await answer_stale_button(update, t)
        return
    await query.answer()
    await context.services.users.set_input_mode(query.from_user.id, mode)
    if choice.step is not PledgeStep.CHANGE:
        line = await context.services.pledges.open_pledge(
            query.from_user.id, choice.project_id, choice.tier_id
        )
        if line is not None:
            await _resume(update, context, t, choice, line)
            return
    text = views.amounts_text(t, tier)
    await show(update, text, views.amounts_keyboard(t, choice.project_id, choice.tier_id, tier))


async def _resume(
    update: Update, context: KengoContext, t: Translator, choice: PledgeChoice, line: PledgeLine
) -> None:
    """Back to the user's open pledge for this reward: its payment page, or its summary."""
    if line.checkout_url is not None:
        await _show_payment(update, context, t, choice, line.checkout_url, line.amount_cents)
        return
    resumed = PledgeChoice(PledgeStep.AMOUNT, choice.project_id, choice.tier_id, line.amount_cents)
    await confirm(update, context, t, resumed, new=False)


def _mode(choice: PledgeChoice) -> Amount | None:
    try:
        return Amount(choice.project_id, choice.tier_id)
    except ValueError:  # ids larger than any project or reward of ours: forged data
        return None


async def _ask_amount(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery,
    choice: PledgeChoice,
) -> None:  # fmt: skip
    mode = _mode(choice)
    if mode is None:
        await answer_stale_button(update, t)
        return
    await query.answer()
    await context.services.users.set_input_mode(query.from_user.id, mode)
    keyboard = views.typing_keyboard(t, choice.project_id, choice.tier_id)
    await show(update, views.amount_prompt_text(t), keyboard)


async def typed_amount(update: Update, context: KengoContext, mode: Amount) -> None:
    """An amount typed on any pledging screen; one that reads two ways is asked about."""
    t = await context.translator(update)
    typed = typed_text(update)
    euros = read_euros(typed)
    if euros is None:
        keyboard = views.typing_keyboard(t, mode.project_id, mode.tier_id)
        await reply(update, views.unreadable_amount_text(t), keyboard)
        return
    if euros.cents is None:
        text = views.ambiguous_text(t, typed.strip(), euros.readings)
        keyboard = views.ambiguous_keyboard(t, mode.project_id, mode.tier_id, euros.readings)
        await reply(update, text, keyboard)
        return
    choice = PledgeChoice(PledgeStep.AMOUNT, mode.project_id, mode.tier_id, euros.cents)
    await confirm(update, context, t, choice, new=True)


async def _tier(context: KengoContext, choice: PledgeChoice) -> TierView | None:
    if choice.tier_id is None:
        return None
    return await context.services.pledges.tier(choice.project_id, choice.tier_id)


async def confirm(
    update: Update, context: KengoContext, t: Translator, choice: PledgeChoice, *, new: bool,
    shown: SupporterChoice | None = None,
) -> None:  # fmt: skip
    """The summary of the chosen amount, remembered as the open pledge with how its contributor
    appears on the card (`shown` when just chosen); or why it cannot be."""
    pledges = context.services.pledges
    profile = await context.profile(update)
    mode = _mode(choice)
    if mode is not None:  # a typed amount changes it, from the summary as from the refusal
        await context.services.users.set_input_mode(profile.id, mode)
    options = await pledges.options(choice.project_id, profile.locale)
    try:
        if options is None:
            raise PledgeRefused(Reason.NOT_LIVE)
        shown = await pledges.draft(
            profile.id, choice.project_id, choice.tier_id, choice.amount_cents,
            first_name=user_first_name(update), choice=shown,
        )  # fmt: skip
    except PledgeRefused as refusal:
        await refuse(update, t, choice, refusal, new=new)
        return
    tier = await _tier(context, choice)
    text = views.confirmation_text(
        t, options.title, tier, choice.amount_cents, options.funding_model, shown
    )
    keyboard = views.confirmation_keyboard(
        t, choice.project_id, choice.tier_id, choice.amount_cents
    )
    await (reply if new else show)(update, text, keyboard)


async def refuse(
    update: Update, t: Translator, choice: PledgeChoice, refusal: PledgeRefused, *, new: bool
) -> None:
    """Why, in one sentence, with the ways on (the amount that would do, back, cancel)."""
    text = refusal_text(t, refusal.reason, refusal.limit_cents)
    keyboard = refusal_keyboard(t, choice, refusal.reason, refusal.limit_cents)
    await (reply if new else show)(update, text, keyboard)


async def _checkout(
    update: Update, context: KengoContext, t: Translator, choice: PledgeChoice
) -> None:
    profile = await context.profile(update)
    return_url = payment_return_url(context.bot.username)
    try:
        link = await context.services.pledges.start_checkout(
            profile.id, choice.project_id, choice.tier_id, choice.amount_cents, return_url
        )
    except PledgeRefused as refusal:
        await refuse(update, t, choice, refusal, new=False)
        return
    except PaymentUnavailable:
        keyboard = refusal_keyboard(t, choice, Reason.CHECKOUT_OPEN, None)
        await show(update, unavailable_text(t), keyboard)
        return
    await _show_payment(update, context, t, choice, link.url, link.amount_cents)


async def _show_payment(
    update: Update, context: KengoContext, t: Translator, choice: PledgeChoice, url: str,
    amount_cents: int,
) -> None:  # fmt: skip
    minutes = context.runtime.settings.checkout_minutes
    keyboard = views.payment_keyboard(t, url, amount_cents, choice.project_id, choice.tier_id)
    await show(update, views.payment_text(t, amount_cents, minutes), keyboard)


async def cancel_in_progress(
    update: Update, context: KengoContext, project_id: int, tier_id: int | None
) -> None:
    """/annuler or "Annuler" while pledging: the open pledge for this reward is cancelled (its
    payment page closed first), and the user is told what was."""
    t = await context.translator(update)
    profile = await context.profile(update)
    return_url = payment_return_url(context.bot.username)
    try:
        line = await context.services.pledges.cancel_open(
            profile.id, project_id, tier_id, return_url
        )
    except PaymentUnavailable:
        keyboard = views.typing_keyboard(t, project_id, tier_id)
        await show(update, views.cancel_failed_text(t), keyboard)
        return
    await context.services.users.set_input_mode(profile.id, None)
    await show(update, views.cancelled_text(t, line), project_way_on(t, project_id))
