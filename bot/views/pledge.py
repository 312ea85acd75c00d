"""The pledging screens: choose a reward or a gift, an amount, confirm, pay; and my pledges."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import CardAction, MenuItem, PledgeChoice, PledgeStep
from bot.domain import FundingModel, PledgeLine, PledgeOptions, PledgeStatus, Reason, TierView
from bot.i18n.text import escape_html
from bot.i18n.translator import N_, Translator
from bot.telegram.html_limits import TEXT_LIMIT, fit, visible_length
from bot.views import labels
from bot.views.card import tier_line
from bot.views.menus import see_project, way_on

GIFT_PRESETS_CENTS = (500, 1000, 2000, 5000)
EXTRA_PRESETS_CENTS = (0, 500, 1000, 2000)
STATUS_NAMES = {
    PledgeStatus.DRAFT: N_("non finalisé"),
    PledgeStatus.PENDING: N_("en attente de paiement"),
    PledgeStatus.PROCESSING: N_("paiement en cours"),
    PledgeStatus.PAID: N_("payé"),
    PledgeStatus.FAILED: N_("paiement refusé"),
    PledgeStatus.EXPIRED: N_("expiré"),
    PledgeStatus.REFUND_PENDING: N_("remboursement en cours"),
    PledgeStatus.REFUNDED: N_("remboursé"),
    PledgeStatus.ANOMALY: N_("paiement en vérification"),
    PledgeStatus.CANCELLED: N_("annulé"),
}


def status_name(t: Translator, line: PledgeLine) -> str:
    if line.status is PledgeStatus.FAILED and not line.reached_stripe:
        return t.gettext(STATUS_NAMES[PledgeStatus.DRAFT])  # Stripe never had it to refuse
    return t.gettext(STATUS_NAMES[line.status])


def _button(text: str, choice: PledgeChoice) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.pledge(choice))


def _cancel(t: Translator, project_id: int, tier_id: int | None = None) -> InlineKeyboardButton:
    return _button(t.gettext("✖ Annuler"), PledgeChoice(PledgeStep.CANCEL, project_id, tier_id))


def _change(t: Translator, project_id: int, tier_id: int | None) -> InlineKeyboardButton:
    choice = PledgeChoice(PledgeStep.CHANGE, project_id, tier_id)
    return _button(t.gettext("✏️ Changer le montant"), choice)


def _back(t: Translator, project_id: int, tier_id: int | None) -> InlineKeyboardButton:
    """Back to the amounts of this reward (or of a free gift)."""
    return _button(t.gettext("↩ Retour"), PledgeChoice(PledgeStep.CHANGE, project_id, tier_id))


def _gift(t: Translator, project_id: int) -> InlineKeyboardButton:
    return _button(t.gettext("💝 Don libre"), PledgeChoice(PledgeStep.GIFT, project_id))


def _rewards(t: Translator, project_id: int) -> InlineKeyboardButton:
    data = callbacks.project_action(CardAction.PLEDGE, project_id, None)
    return InlineKeyboardButton(t.gettext("🎁 Les contreparties"), callback_data=data)


def _amount(
    t: Translator, project_id: int, tier_id: int | None, cents: int
) -> InlineKeyboardButton:
    choice = PledgeChoice(PledgeStep.AMOUNT, project_id, tier_id, cents)
    return _button(t.money(cents), choice)


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
        [_button(labels.button_label(tier.title, before="🎁 ",
                                     after=f" ({t.money(tier.min_amount_cents)})"),
                 PledgeChoice(PledgeStep.TIER, options.project_id, tier_id))]
        for tier_id, tier in options.tiers
    ]  # fmt: skip
    rows.append([_gift(t, options.project_id)])
    rows.append([_cancel(t, options.project_id)])
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
        [_button(label, PledgeChoice(PledgeStep.AMOUNT, project_id, tier_id, cents))]
        for label, cents in amounts
    ]
    other = PledgeChoice(PledgeStep.OTHER, project_id, tier_id)
    rows.append([_button(t.gettext("✏️ Autre montant"), other)])
    rows.append([_cancel(t, project_id, tier_id)])
    return InlineKeyboardMarkup(rows)


def typing_keyboard(t: Translator, project_id: int, tier_id: int | None) -> InlineKeyboardMarkup:
    """Under a message that waits for a typed amount: back to the buttons, or stop."""
    return InlineKeyboardMarkup(
        [[_back(t, project_id, tier_id)], [_cancel(t, project_id, tier_id)]]
    )


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
    row = [_amount(t, project_id, tier_id, cents) for cents in readings]
    return InlineKeyboardMarkup([row, [_back(t, project_id, tier_id)]])


def confirmation_text(
    t: Translator, title: str, tier: TierView | None, amount_cents: int, model: FundingModel
) -> str:
    reward = escape_html(tier.title) if tier else t.gettext("don libre, sans contrepartie")
    lines = [
        t.gettext("<b>Récapitulatif</b>"),
        t.gettext("Projet : {title}").format(title=escape_html(title)),
        t.gettext("Contrepartie : {reward}").format(reward=reward),
        t.gettext("Montant : <b>{amount}</b>").format(amount=t.money(amount_cents)),
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
    return "\n".join(lines)


def confirmation_keyboard(
    t: Translator, project_id: int, tier_id: int | None, amount_cents: int
) -> InlineKeyboardMarkup:
    confirm = PledgeChoice(PledgeStep.CONFIRM, project_id, tier_id, amount_cents)
    return InlineKeyboardMarkup([
        [_button(t.gettext("✅ Continuer vers le paiement"), confirm)],
        [_change(t, project_id, tier_id)],
        [_cancel(t, project_id, tier_id)],
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
    label = t.gettext("💳 Payer {amount}").format(amount=t.money(amount_cents))
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(label, url=url)],
        [_change(t, project_id, tier_id)],
        [_cancel(t, project_id, tier_id)],
    ])  # fmt: skip


def refusal_keyboard(
    t: Translator, choice: PledgeChoice, reason: Reason, limit_cents: int | None
) -> InlineKeyboardMarkup:
    """The ways on after a refusal: the amount that would do, other choices, back."""
    project, tier = choice.project_id, choice.tier_id
    rows: list[list[InlineKeyboardButton]] = []
    if reason in (Reason.TOO_LOW, Reason.TOO_HIGH, Reason.BELOW_TIER) and limit_cents:
        rows.append([_amount(t, project, tier, limit_cents)])
    if reason is Reason.BELOW_TIER:
        rows.append([_gift(t, project)])
    if reason in (Reason.SOLD_OUT, Reason.UNKNOWN_TIER):
        rows += [[_gift(t, project)], [_rewards(t, project)]]
    elif reason is Reason.CHECKOUT_OPEN:
        rows.append([_button(t.gettext("🔁 Réessayer"), choice)])
    elif reason is Reason.CANCELLED:
        return InlineKeyboardMarkup([[_rewards(t, project)], [see_project(t, project)]])
    elif reason in (Reason.NOT_LIVE, Reason.NOT_CONFIGURED):
        return way_on_keyboard(t, project)
    rows += [[_back(t, project, tier)], [_cancel(t, project, tier)]]
    return InlineKeyboardMarkup(rows)


def way_on_keyboard(t: Translator, project_id: int | None) -> InlineKeyboardMarkup:
    """Under a message that ends a pledge: the project, the catalogue, the menu."""
    rows = [[see_project(t, project_id)]] if project_id is not None else []
    return way_on(t, *rows, to=MenuItem.DISCOVER)


def my_pledges_text(t: Translator, lines: list[PledgeLine]) -> str:
    if not lines:
        return t.gettext(
            "Vous n’avez encore soutenu aucun projet. Tapez /projets pour découvrir ceux qui "
            "sont en campagne !"
        )
    text = [t.gettext("💶 <b>Mes soutiens</b>")]
    for line in lines:
        reward = escape_html(line.tier_title) if line.tier_title else t.gettext("don libre")
        text.append(
            f"\n• <b>{escape_html(line.title)}</b> — {t.money(line.amount_cents)} · {reward}\n"
            f"  {t.date(line.created_at)} · {status_name(t, line)}"
        )
    return fit("\n".join(text), TEXT_LIMIT).text  # past ~30 pledges: the latest come first


def my_pledges_keyboard(t: Translator, lines: list[PledgeLine]) -> InlineKeyboardMarkup:
    if not lines:
        return way_on_keyboard(t, None)
    rows: list[list[InlineKeyboardButton]] = []
    seen: set[int] = set()
    for line in lines:
        if line.checkout_url:
            label = t.gettext("💳 Payer {amount}").format(amount=t.money(line.amount_cents))
            rows.append(
                [
                    InlineKeyboardButton(
                        labels.button_label(line.title, before=f"{label} — ", limit=30),
                        url=line.checkout_url,
                    )
                ]
            )
        if line.project_id not in seen and len(seen) < 8:
            seen.add(line.project_id)
            data = callbacks.project(line.project_id, None)
            label = labels.button_label(line.title, before="🔎 ", limit=50)
            rows.append([InlineKeyboardButton(label, callback_data=data)])
    return InlineKeyboardMarkup(rows)


def sold_out_answer_text(t: Translator, line: PledgeLine) -> str:
    """After "keep as a gift" or "refund me" (or a second tap: where the pledge stands)."""
    values = {"amount": t.money(line.amount_cents), "title": escape_html(line.title)}
    if line.status is PledgeStatus.REFUND_PENDING:
        return t.gettext(
            "C’est noté : votre soutien de {amount} à « {title} » va vous être remboursé. Vous "
            "recevrez un message dès que ce sera fait."
        ).format(**values)
    if line.status is PledgeStatus.PAID and line.tier_title is None:
        return t.gettext(
            "C’est noté : votre soutien de {amount} à « {title} » est gardé comme don libre. "
            "Merci !"
        ).format(**values)
    return t.gettext("Votre soutien de {amount} à « {title} » : {status}.").format(
        status=status_name(t, line), **values
    )


def sold_out_answer_keyboard(t: Translator, line: PledgeLine) -> InlineKeyboardMarkup:
    project = callbacks.project(line.project_id, None)
    mine = callbacks.menu(MenuItem.PLEDGES)
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(t.gettext("🔎 Voir le projet"), callback_data=project)],
        [InlineKeyboardButton(t.gettext("💶 Mes soutiens"), callback_data=mine)],
    ])  # fmt: skip
