"""Pledge from a card: reward or gift, amount (buttons or typed), confirmation, Stripe Checkout.

The choices travel in the buttons' callback data; only a typed amount needs state, kept in the
database as the user's input mode (`Amount`, stored as `amount:<project>:<tier>`).
"""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import PledgeChoice, PledgeStep
from bot.conversation.inputs import Amount
from bot.domain import PledgeStatus, Reason, TierView
from bot.i18n.amounts import parse_euros
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.payments.gateway import PaymentUnavailable
from bot.payments.pledges import PledgeRefused
from bot.telegram.deeplinks import RETURN_TEMPLATE, parse_return, start_url
from bot.views import pledge as views
from handlers.common import answer_stale_button, pressed, reply, show, typed_text


async def offer(update: Update, context: KengoContext, project_id: int) -> None:
    """The first screen, from a card's "Soutenir": rewards still available and a free gift."""
    t = await context.translator(update)
    options = await context.services.pledges.options(project_id)
    if options is None:
        await reply(update, t.gettext("Ce projet n'accepte plus de soutiens."))
        return
    await reply(update, views.options_text(t, options), views.options_keyboard(t, options))


async def pledge_button(update: Update, context: KengoContext) -> None:
    """Every button of the pledging screens."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_pledge)
    if button is None:
        return
    query, choice = button
    # These two may find the button stale, and a query is answered only once.
    if choice.step in (PledgeStep.TIER, PledgeStep.GIFT):
        await _amounts(update, context, t, query, choice)
        return
    if choice.step is PledgeStep.OTHER:
        await _ask_amount(update, context, t, query, choice)
        return
    await query.answer()
    if choice.step is PledgeStep.CANCEL:
        await context.services.users.set_input_mode(query.from_user.id, None)
        await show(update, t.gettext("Soutien annulé : rien n'a été débité."))
    elif choice.step is PledgeStep.AMOUNT:
        await _confirm(update, context, t, choice, new=False)
    else:
        await _checkout(update, context, t, choice)


async def _amounts(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery,
    choice: PledgeChoice,
) -> None:  # fmt: skip
    tier = await _tier(context, choice)
    if choice.tier_id is not None and tier is None:  # the reward was removed since
        await answer_stale_button(update, t)
        return
    await query.answer()
    text = views.amounts_text(t, tier)
    await show(update, text, views.amounts_keyboard(t, choice.project_id, choice.tier_id, tier))


async def _ask_amount(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery,
    choice: PledgeChoice,
) -> None:  # fmt: skip
    try:
        mode = Amount(choice.project_id, choice.tier_id)
    except ValueError:  # ids larger than any project or reward of ours: forged data
        await answer_stale_button(update, t)
        return
    await query.answer()
    await context.services.users.set_input_mode(query.from_user.id, mode)
    prompt = t.gettext("Tapez le montant de votre soutien en euros, par exemple 15 ou 12,50.")
    await show(update, prompt)


async def typed_amount(update: Update, context: KengoContext, mode: Amount) -> None:
    """An amount typed after "Autre montant"."""
    t = await context.translator(update)
    cents = parse_euros(typed_text(update))
    if cents is None:
        retry = t.gettext("Je n'ai pas compris ce montant. Tapez par exemple 15 ou 12,50.")
        await reply(update, retry)
        return
    profile = await context.profile(update)
    await context.services.users.set_input_mode(profile.id, None)
    choice = PledgeChoice(PledgeStep.AMOUNT, mode.project_id, mode.tier_id, cents)
    await _confirm(update, context, t, choice, new=True)


async def _tier(context: KengoContext, choice: PledgeChoice) -> TierView | None:
    if choice.tier_id is None:
        return None
    return await context.services.pledges.tier(choice.project_id, choice.tier_id)


async def _confirm(
    update: Update, context: KengoContext, t: Translator, choice: PledgeChoice, *, new: bool
) -> None:
    pledges = context.services.pledges
    try:
        await pledges.check(choice.project_id, choice.tier_id, choice.amount_cents)
    except PledgeRefused as refusal:
        await reply(update, refusal_text(t, refusal))
        return
    options = await pledges.options(choice.project_id)
    tier = await _tier(context, choice)
    if options is None:
        await reply(update, refusal_text(t, PledgeRefused(Reason.NOT_LIVE)))
        return
    text = views.confirmation_text(
        t, options.title, tier, choice.amount_cents, options.funding_model
    )
    keyboard = views.confirmation_keyboard(
        t, choice.project_id, choice.tier_id, choice.amount_cents
    )
    if new:
        await reply(update, text, keyboard)
    else:
        await show(update, text, keyboard)


async def _checkout(
    update: Update, context: KengoContext, t: Translator, choice: PledgeChoice
) -> None:
    profile = await context.profile(update)
    return_url = start_url(context.bot.username, RETURN_TEMPLATE)
    try:
        link = await context.services.pledges.start_checkout(
            profile.id, choice.project_id, choice.tier_id, choice.amount_cents, return_url
        )
    except PledgeRefused as refusal:
        await show(update, refusal_text(t, refusal))
        return
    except PaymentUnavailable:
        await show(update, t.gettext(
            "Le paiement est momentanément indisponible. Rien n'a été débité : réessayez dans "
            "quelques minutes."
        ))  # fmt: skip
        return
    minutes = context.runtime.settings.checkout_minutes
    await show(
        update,
        views.payment_text(t, link.amount_cents, minutes),
        views.payment_keyboard(t, link.url, link.amount_cents),
    )


def refusal_text(t: Translator, refusal: PledgeRefused) -> str:
    limit = t.money(refusal.limit_cents or 0)
    texts = {
        Reason.NOT_LIVE: t.gettext("Ce projet n'accepte plus de soutiens."),
        Reason.TOO_LOW: t.gettext("Le montant minimum est de {amount}.").format(amount=limit),
        Reason.TOO_HIGH: t.gettext("Le montant maximum est de {amount}.").format(amount=limit),
        Reason.BELOW_TIER: t.gettext("Cette contrepartie demande au moins {amount}.").format(
            amount=limit
        ),
        Reason.SOLD_OUT: t.gettext(
            "Cette contrepartie vient d'être épuisée. Choisissez-en une autre ou faites un don "
            "libre."
        ),
        Reason.UNKNOWN_TIER: t.gettext("Cette contrepartie n'existe plus."),
        Reason.NOT_CONFIGURED: t.gettext(
            "Le paiement en ligne n'est pas encore ouvert sur ce bot. Revenez bientôt !"
        ),
        Reason.CHECKOUT_OPEN: t.gettext(
            "Votre page de paiement est en cours de préparation. Rien n'a été débité : "
            "réessayez dans un instant."
        ),
    }
    return texts[Reason(refusal.reason)]


async def my_pledges(update: Update, context: KengoContext) -> None:
    """/mes_soutiens: the user's pledges with their status and a link to each project."""
    t = await context.translator(update)
    profile = await context.profile(update)
    lines = await context.services.pledges.my_pledges(profile.id)
    await show(update, views.my_pledges_text(t, lines), views.my_pledges_keyboard(t, lines))


async def returned_from_payment(update: Update, context: KengoContext, payload: str) -> bool:
    """The payment page sent the user back (`paid-<id>` / `cancel-<id>`); False if not that."""
    parsed = parse_return(payload)
    if parsed is None:
        return False
    outcome, pledge_id = parsed
    t = await context.translator(update)
    profile = await context.profile(update)
    pledges = context.services.pledges
    line = await (pledges.cancel if outcome == "cancel" else pledges.pledge)(profile.id, pledge_id)
    if line is None:
        return False
    if outcome == "cancel" and line.status in (PledgeStatus.PENDING, PledgeStatus.EXPIRED):
        text = t.gettext(
            "Paiement annulé : rien n'a été débité. Vous pouvez soutenir le projet quand vous "
            "voulez."
        )
    elif line.status is PledgeStatus.PAID:
        text = t.gettext("Votre soutien de {amount} à « {title} » est confirmé. Merci !").format(
            amount=t.money(line.amount_cents), title=escape_html(line.title)
        )
    else:
        text = t.gettext(
            "Merci ! Votre paiement est en cours de confirmation : vous recevrez un message dès "
            "qu'il sera validé."
        )
    await reply(update, text)
    return True


async def sold_out_button(update: Update, context: KengoContext) -> None:
    """The contributor's answer after their reward sold out: keep as a gift, or a refund."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_sold_out)
    if button is None:
        return
    query, (choice, pledge_id) = button
    line = await context.services.pledges.after_sold_out(query.from_user.id, pledge_id, choice)
    if line is None:
        await answer_stale_button(update, t)
        return
    await query.answer()
    await show(update, views.sold_out_answer_text(t, line), views.sold_out_answer_keyboard(t, line))
