"""Notifications about a payment that did not go as planned: a reward sold out before the
payment landed, or a payment Stripe recorded differently from the pledge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.domain import SoldOutChoice
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.notifications.kinds import Kind
from bot.views.menus import project_rows

Rendered = tuple[str, InlineKeyboardMarkup | None]


def _sold_out(
    t: Translator, title: str, payload: dict[str, Any], project_id: int | None
) -> Rendered:
    pledge_id = int(payload["pledge_id"])
    text = t.gettext(
        "💚 Merci pour votre soutien de {amount} à « {title} » !\nMalheureusement, la "
        "contrepartie « {reward} » a été épuisée juste avant votre paiement. Voulez-vous garder "
        "votre soutien comme don libre, ou être remboursé ?"
    ).format(
        amount=t.money(int(payload["amount_cents"])),
        title=title,
        reward=escape_html(str(payload.get("reward", ""))),
    )
    gift = callbacks.sold_out(SoldOutChoice.KEEP_AS_GIFT, pledge_id)
    refund = callbacks.sold_out(SoldOutChoice.REFUND, pledge_id)
    rows = [
        [InlineKeyboardButton(t.gettext("💝 Garder comme don libre"), callback_data=gift)],
        [InlineKeyboardButton(t.gettext("💸 Être remboursé"), callback_data=refund)],
        *project_rows(t, project_id),
    ]
    return text, InlineKeyboardMarkup(rows)


def _anomaly(
    t: Translator, title: str, payload: dict[str, Any], project_id: int | None
) -> Rendered:
    text = t.gettext(
        "🔎 Nous vérifions votre paiement pour « {title} » : Stripe l’a enregistré d’une façon "
        "qui ne correspond pas à votre soutien de {amount}. Il n’est pas encore compté pour le "
        "projet. Un membre de l’équipe s’en occupe et vous recontactera ; vous n’avez rien à "
        "faire."
    ).format(title=title, amount=t.money(int(payload["amount_cents"])))
    rows = project_rows(t, project_id)
    return text, InlineKeyboardMarkup(rows) if rows else None


PAYMENT_RENDERERS: dict[Kind, Callable[[Translator, str, dict[str, Any], int | None], Rendered]] = {
    Kind.REWARD_SOLD_OUT: _sold_out,
    Kind.PLEDGE_ANOMALY: _anomaly,
}
