"""Why a pledge cannot be made, in one sentence, and the ways on under it: the amount that
would do, another reward or a free gift, try again, back, cancel."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.callbacks import PledgeChoice
from bot.domain import Reason
from bot.i18n.translator import Translator
from bot.views.menus import project_way_on, see_project
from bot.views.pledge import (
    amount_button,
    back_button,
    cancel_button,
    choice_button,
    gift_button,
    rewards_button,
)


def refusal_text(t: Translator, reason: Reason, limit_cents: int | None = None) -> str:
    """`limit_cents`: the bound the amount broke, for the reasons that have one."""
    limit = t.money(limit_cents or 0)
    texts = {
        Reason.NOT_LIVE: t.gettext("Ce projet n’accepte plus de soutiens."),
        Reason.TOO_LOW: t.gettext("Le montant minimum est de {amount}.").format(amount=limit),
        Reason.TOO_HIGH: t.gettext("Le montant maximum est de {amount}.").format(amount=limit),
        Reason.BELOW_TIER: t.gettext("Cette contrepartie demande au moins {amount}.").format(
            amount=limit
        ),
        Reason.SOLD_OUT: t.gettext(
            "Cette contrepartie vient d’être épuisée. Choisissez-en une autre ou faites un don "
            "libre."
        ),
        Reason.UNKNOWN_TIER: t.gettext("Cette contrepartie n’existe plus."),
        Reason.NOT_CONFIGURED: t.gettext(
            "Le paiement en ligne n’est pas encore ouvert sur ce bot. Revenez bientôt !"
        ),
        Reason.CHECKOUT_OPEN: t.gettext(
            "Votre page de paiement est en cours de préparation. Rien n’a été débité : "
            "réessayez dans un instant."
        ),
        Reason.CANCELLED: t.gettext(
            "Vous avez annulé ce soutien : rien n’a été débité. Pour soutenir le projet, "
            "choisissez à nouveau une contrepartie ou un don libre."
        ),
    }
    return texts[Reason(reason)]


def refusal_keyboard(
    t: Translator, choice: PledgeChoice, reason: Reason, limit_cents: int | None
) -> InlineKeyboardMarkup:
    """The ways on after a refusal: the amount that would do, other choices, back."""
    project, tier = choice.project_id, choice.tier_id
    rows: list[list[InlineKeyboardButton]] = []
    if reason in (Reason.TOO_LOW, Reason.TOO_HIGH, Reason.BELOW_TIER) and limit_cents:
        rows.append([amount_button(t, project, tier, limit_cents)])
    if reason is Reason.BELOW_TIER:
        rows.append([gift_button(t, project)])
    if reason in (Reason.SOLD_OUT, Reason.UNKNOWN_TIER):
        rows += [[gift_button(t, project)], [rewards_button(t, project)]]
    elif reason is Reason.CHECKOUT_OPEN:
        rows.append([choice_button(t.gettext("🔁 Réessayer"), choice)])
    elif reason is Reason.CANCELLED:
        return InlineKeyboardMarkup([[rewards_button(t, project)], [see_project(t, project)]])
    elif reason in (Reason.NOT_LIVE, Reason.NOT_CONFIGURED):
        return project_way_on(t, project)
    rows += [[back_button(t, project, tier)], [cancel_button(t, project, tier)]]
    return InlineKeyboardMarkup(rows)


def unavailable_text(t: Translator) -> str:
    """Stripe failed or did not answer in time: the pledge was abandoned, nothing charged. Shown
    with the keyboard of `Reason.CHECKOUT_OPEN` (try again, back, cancel)."""
    return t.gettext(
        "Le paiement est momentanément indisponible. Rien n’a été débité : réessayez dans "
        "quelques minutes."
    )
