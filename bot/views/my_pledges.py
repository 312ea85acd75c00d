"""The pledges once made: /mes_soutiens, the message on coming back from the payment page, and
the answer after a reward sold out (keep it as a gift, or be refunded)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem
from bot.domain import AlertTarget, PledgeLine, PledgeStatus
from bot.i18n.text import escape_html
from bot.i18n.translator import N_, Translator
from bot.telegram.html_limits import TEXT_LIMIT, fit
from bot.views import labels
from bot.views.alerts import owner_button
from bot.views.menus import menu_button, project_way_on, way_on
from bot.views.my_data import my_data_button

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
# Coming back from the payment page this way, the pledge was not paid.
UNPAID = (PledgeStatus.PENDING, PledgeStatus.EXPIRED, PledgeStatus.CANCELLED)


def status_name(t: Translator, line: PledgeLine) -> str:
    if line.status is PledgeStatus.FAILED and not line.reached_stripe:
        return t.gettext(STATUS_NAMES[PledgeStatus.DRAFT])  # Stripe never had it to refuse
    return t.gettext(STATUS_NAMES[line.status])


def pay_label(t: Translator, amount_cents: int) -> str:
    """The button to a payment page, on the payment screen as in the list."""
    return t.gettext("💳 Payer {amount}").format(amount=t.money(amount_cents))


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


def my_pledges_keyboard(
    t: Translator,
    lines: list[PledgeLine],
    owners: Sequence[tuple[AlertTarget, bool]] = (),
) -> InlineKeyboardMarkup:
    """Pay what is unpaid, open each project; `owners`: those the user paid, with whether
    their next project is watched."""
    if not lines:
        return project_way_on(t, None)
    rows: list[list[InlineKeyboardButton]] = []
    seen: set[int] = set()
    for line in lines:
        if line.checkout_url:
            label = labels.button_label(
                line.title, before=f"{pay_label(t, line.amount_cents)} — ", limit=30
            )
            rows.append([InlineKeyboardButton(label, url=line.checkout_url)])
        if line.project_id not in seen and len(seen) < 8:
            seen.add(line.project_id)
            data = callbacks.project(line.project_id, None)
            label = labels.button_label(line.title, before="🔎 ", limit=50)
            rows.append([InlineKeyboardButton(label, callback_data=data)])
    rows += [[owner_button(t, owner, watching=watching)] for owner, watching in owners]
    rows.append([my_data_button(t)])  # what the payments left stored, and its erasure
    return way_on(t, *rows)


def returned_text(t: Translator, outcome: str, line: PledgeLine) -> str:
    """Back from the payment page (`outcome` "paid" or "cancel"): where the pledge stands. A
    payment Stripe has not confirmed yet is announced as coming, never as done."""
    if outcome == "cancel" and line.status in UNPAID:
        return t.gettext(
            "Paiement annulé : rien n’a été débité. Vous pouvez soutenir le projet quand vous "
            "voulez."
        )
    if line.status is PledgeStatus.PAID:
        return t.gettext("Votre soutien de {amount} à « {title} » est confirmé. Merci !").format(
            amount=t.money(line.amount_cents), title=escape_html(line.title)
        )
    return t.gettext(
        "Merci ! Votre paiement est en cours de confirmation : vous recevrez un message dès "
        "qu’il sera validé."
    )


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
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(t.gettext("🔎 Voir le projet"), callback_data=project)],
        [menu_button(t, MenuItem.PLEDGES)],
    ])  # fmt: skip
