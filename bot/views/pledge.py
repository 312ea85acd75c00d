"""The pledging screens: choose a reward or a gift, an amount, confirm, pay, cancel.

Why a pledge cannot be made is in `pledge_refusals.py`; the pledges once made (/mes_soutiens, the
return from the payment page) in `my_pledges.py`.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import CardAction, PledgeChoice, PledgeStep
from bot.domain import (
    DeliveryMode,
    FundingModel,
    PledgeLine,
    PledgeOptions,
    PledgeStatus,
    SupporterChoice,
    TierView,
)
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.telegram.html_limits import TEXT_LIMIT, fit, visible_length
from bot.views import labels, supporters
from bot.views.card import delivery_label, tier_line
from bot.views.my_pledges import pay_label, sold_out_answer_text

ANONYMOUS = SupporterChoice()
GIFT_PRESETS_CENTS = (500, 1000, 2000, 5000)
EXTRA_PRESETS_CENTS = (0, 500, 1000, 2000)


def choice_button(text: str, choice: PledgeChoice) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.pledge(choice))


def cancel_button(
    t: Translator, project_id: int, tier_id: int | None = None
) -> InlineKeyboardButton:
    return choice_button(
        t.gettext("✖ Annuler"), PledgeChoice(PledgeStep.CANCEL, project_id, tier_id)
    )


def _change(t: Translator, project_id: int, tier_id: int | None) -> InlineKeyboardButton:
    choice = PledgeChoice(PledgeStep.CHANGE, project_id, tier_id)
    return choice_button(t.gettext("✏️ Changer le montant"), choice)


def back_button(t: Translator, project_id: int, tier_id: int | None) -> InlineKeyboardButton:
    """Back to the amounts of this reward (or of a free gift)."""
    return choice_button(
        t.gettext("↩ Retour"), PledgeChoice(PledgeStep.CHANGE, project_id, tier_id)
    )


def gift_button(t: Translator, project_id: int) -> InlineKeyboardButton:
    return choice_button(t.gettext("💝 Don libre"), PledgeChoice(PledgeStep.GIFT, project_id))


def rewards_button(t: Translator, project_id: int) -> InlineKeyboardButton:
    data = callbacks.project_action(CardAction.PLEDGE, project_id, None)
    return InlineKeyboardButton(t.gettext("🎁 Les contreparties"), callback_data=data)


def amount_button(
    t: Translator, project_id: int, tier_id: int | None, cents: int
) -> InlineKeyboardButton:
    choice = PledgeChoice(PledgeStep.AMOUNT, project_id, tier_id, cents)
    return choice_button(t.money(cents), choice)


def options_text(t: Translator, options: PledgeOptions) -> str:
    lines = [t.gettext("💶 <b>Soutenir « {title} »</b>").format(title=escape_html(options.title))]
    if options.tiers:
        lines += ["", t.gettext("Choisissez une contrepartie, ou faites un don libre :")]
        tiers = [tier for _, tier in options.tiers]
        whole = "\n".join(lines + [_tier_line(t, tier) for tier in tiers])
        if visible_length(whole) <= TEXT_LIMIT:
            return whole
        # Ten rewards with long descriptions do not fit: each description is shortened
        # evenly; choosing a reward shows its description whole (`amounts_text`).
        share = (TEXT_LIMIT - visible_length("\n".join(lines))) // len(tiers)
        lines += [fit(_tier_line(t, tier), share - 1).text for tier in tiers]
    else:
        lines += ["", t.gettext("Ce projet n’a pas de contrepartie : chaque don compte !")]
    return "\n".join(lines)


def _tier_line(t: Translator, tier: TierView) -> str:
    line = tier_line(t, tier)
    if tier.estimated_delivery:
        line += " · " + t.gettext("livraison prévue : {date}").format(
            date=t.month(tier.estimated_delivery)
        )
    if tier.description:
        line += f"\n  <i>{escape_html(tier.description)}</i>"
    return line


def options_keyboard(t: Translator, options: PledgeOptions) -> InlineKeyboardMarkup:
    rows = [
        [choice_button(labels.button_label(tier.title, before="🎁 ",
                                     after=f" ({t.money(tier.min_amount_cents)})"),
                 PledgeChoice(PledgeStep.TIER, options.project_id, tier_id))]
        for tier_id, tier in options.tiers
    ]  # fmt: skip
    rows.append([gift_button(t, options.project_id)])
    rows.append([cancel_button(t, options.project_id)])
    return InlineKeyboardMarkup(rows)


def amounts_text(t: Translator, tier: TierView | None) -> str:
    if tier is None:
        return t.gettext("Quel montant souhaitez-vous donner ? Choisissez ou tapez un montant.")
    text = t.gettext("« {title} » : {amount} minimum. Voulez-vous ajouter un petit plus ?").format(
        title=escape_html(tier.title), amount=t.money(tier.min_amount_cents)
    )
    # The list of rewards may have shortened this description: here it is whole.
    return f"{text}\n\n<i>{escape_html(tier.description)}</i>" if tier.description else text


def amounts_keyboard(
    t: Translator, project_id: int, tier_id: int | None, tier: TierView | None
) -> InlineKeyboardMarkup:
    if tier is None:
        amounts = [(t.money(cents), cents) for cents in GIFT_PRESETS_CENTS]
    else:
        base = tier.min_amount_cents
        amounts = [(t.money(base), base)] + [
            (f"{t.money(base + extra)} (+{t.money(extra)})", base + extra)
            for extra in EXTRA_PRESETS_CENTS[1:]
        ]
    rows = [
        [choice_button(label, PledgeChoice(PledgeStep.AMOUNT, project_id, tier_id, cents))]
        for label, cents in amounts
    ]
    other = PledgeChoice(PledgeStep.OTHER, project_id, tier_id)
    rows.append([choice_button(t.gettext("✏️ Autre montant"), other)])
    rows.append([cancel_button(t, project_id, tier_id)])
    return InlineKeyboardMarkup(rows)


def typing_keyboard(t: Translator, project_id: int, tier_id: int | None) -> InlineKeyboardMarkup:
    """Under a message that waits for a typed amount: back to the buttons, or stop."""
    return InlineKeyboardMarkup(
        [[back_button(t, project_id, tier_id)], [cancel_button(t, project_id, tier_id)]]
    )


def amount_prompt_text(t: Translator) -> str:
    """After "Autre montant": the typed amount that is awaited."""
    return t.gettext("Tapez le montant de votre soutien en euros, par exemple 15 ou 12,50.")


def unreadable_amount_text(t: Translator) -> str:
    return t.gettext("Je n’ai pas compris ce montant. Tapez par exemple 15 ou 12,50.")


def ambiguous_text(t: Translator, typed: str, readings: tuple[int, ...]) -> str:
    """A typed amount that reads two ways ("2,500"), or one way it was likely not meant as."""
    if len(readings) == 2:
        return t.gettext("« {typed} » : voulez-vous dire {first} ou {second} ?").format(
            typed=escape_html(typed), first=t.money(readings[0]), second=t.money(readings[1])
        )
    return t.gettext(
        "« {typed} » : voulez-vous dire {amount} ? Pour des centimes, tapez deux chiffres après "
        "la virgule, par exemple 12,50."
    ).format(typed=escape_html(typed), amount=t.money(readings[0]))


def ambiguous_keyboard(
    t: Translator, project_id: int, tier_id: int | None, readings: tuple[int, ...]
) -> InlineKeyboardMarkup:
    row = [amount_button(t, project_id, tier_id, cents) for cents in readings]
    return InlineKeyboardMarkup([row, [back_button(t, project_id, tier_id)]])


def confirmation_text(
    t: Translator, title: str, tier: TierView | None, amount_cents: int, model: FundingModel,
    shown: SupporterChoice = ANONYMOUS,
) -> str:  # fmt: skip
    reward = escape_html(tier.title) if tier else t.gettext("don libre, sans contrepartie")
    if tier is not None:
        reward += " · " + delivery_label(t, tier.delivery_mode, tier.shipping_countries)
    lines = [
        t.gettext("<b>Récapitulatif</b>"),
        t.gettext("Projet : {title}").format(title=escape_html(title)),
        t.gettext("Contrepartie : {reward}").format(reward=reward),
        t.gettext("Montant : <b>{amount}</b>").format(amount=t.money(amount_cents)),
        supporters.recap_line(t, shown),
        "",
    ]
    if model is FundingModel.ALL_OR_NOTHING:
        lines.append(t.gettext(
            "Tout ou rien : si le projet n’atteint pas son objectif, vous êtes remboursé "
            "intégralement."
        ))  # fmt: skip
    else:
        lines.append(t.gettext("Le projet reçoit votre don même s’il n’atteint pas son objectif."))
    lines.append(t.gettext("Le paiement se fait sur la page sécurisée de Stripe."))
    if tier is not None and tier.delivery_mode is DeliveryMode.SHIPPED:
        # Said before paying: the address is asked by Stripe, not by the bot.
        lines.append(t.gettext("Stripe vous demandera l’adresse où envoyer la contrepartie."))
    return "\n".join(lines)


def confirmation_keyboard(
    t: Translator, project_id: int, tier_id: int | None, amount_cents: int
) -> InlineKeyboardMarkup:
    confirm = PledgeChoice(PledgeStep.CONFIRM, project_id, tier_id, amount_cents)
    return InlineKeyboardMarkup([
        [choice_button(t.gettext("✅ Continuer vers le paiement"), confirm)],
        [supporters.change_button(t, confirm)],
        [_change(t, project_id, tier_id)],
        [cancel_button(t, project_id, tier_id)],
    ])  # fmt: skip


def payment_text(t: Translator, amount_cents: int, minutes: int) -> str:
    return t.ngettext(
        "Votre soutien de {amount} est prêt. Payez-le sur la page sécurisée de Stripe : le lien "
        "reste valable {count} minute.",
        "Votre soutien de {amount} est prêt. Payez-le sur la page sécurisée de Stripe : le lien "
        "reste valable {count} minutes.",
        minutes,
    ).format(amount=t.money(amount_cents), count=t.number(minutes))


def payment_keyboard(
    t: Translator, url: str, amount_cents: int, project_id: int, tier_id: int | None
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(pay_label(t, amount_cents), url=url)],
        [_change(t, project_id, tier_id)],
        [cancel_button(t, project_id, tier_id)],
    ])  # fmt: skip


def cancelled_text(t: Translator, line: PledgeLine | None) -> str:
    """After `/annuler` or "Annuler": what was cancelled (`line`, None when nothing was open),
    or where the pledge stands when it was paid in the meantime."""
    if line is None:
        return t.gettext("Soutien annulé : rien n’a été débité.")
    if line.status is PledgeStatus.CANCELLED:
        return t.gettext(
            "Votre soutien de {amount} à « {title} » est annulé : rien n’a été débité."
        ).format(amount=t.money(line.amount_cents), title=escape_html(line.title))
    return sold_out_answer_text(t, line)


def cancel_failed_text(t: Translator) -> str:
    """Stripe could not say the payment page is closed: it stays open until it expires."""
    return t.gettext(
        "Je n’ai pas pu fermer votre page de paiement : réessayez d’annuler dans un "
        "instant. Sans paiement, elle expire d’elle-même."
    )
