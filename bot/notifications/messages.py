"""The texts of notifications, written in the recipient's language when they are sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import WizardAction
from bot.domain import Anomaly, Decision, Delivery
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.notifications.kinds import Kind
from bot.notifications.payment_messages import PAYMENT_RENDERERS
from bot.telegram.deeplinks import project_payload, share_url, start_url
from bot.telegram.html_limits import CAPTION_LIMIT, TEXT_LIMIT, fit
from bot.views.alerts import launch_message
from bot.views.menus import see_project
from bot.views.moderation import anomaly_text
from bot.views.news import read_news_button
from bot.views.progress import progress_bar


def render(
    t: Translator, kind: str, payload: dict[str, Any], recipient: Recipient
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Text and buttons of one outbox row; a kind this version does not know raises KeyError.

    The text always fits its message: a news post under a photo is cut to a caption's length,
    with "Lire la suite"; any other text is at most a message's length (a safety net).
    """
    payload = in_reader_language(payload, t.locale)
    if Kind(kind) in (Kind.NEWS, Kind.TIER_MESSAGE):
        return _news_message(t, payload, recipient)
    text, keyboard = _render(t, kind, payload, recipient)
    return fit(text, TEXT_LIMIT).text, keyboard


def in_reader_language(payload: dict[str, Any], locale: str) -> dict[str, Any]:
    """The payload with the project's title in the recipient's language, where its owner gave
    one (`OutboxQueue.enqueue` puts it in `titles`, by language)."""
    translated = (payload.get("titles") or {}).get(locale)
    return payload | {"title": translated} if translated else payload


def _render(
    t: Translator, kind: str, payload: dict[str, Any], recipient: Recipient
) -> tuple[str, InlineKeyboardMarkup | None]:
    title = escape_html(str(payload.get("title", "")))
    if Kind(kind) is Kind.PLEDGE_THANKS:
        return _thanks(t, title, payload, recipient)
    if Kind(kind) is Kind.MODERATION:
        return _moderation(t, title, payload, recipient)
    if Kind(kind) is Kind.LAUNCH_ALERT:
        return launch_message(t, title, payload, recipient.project_id)
    if Kind(kind) is Kind.MODERATOR_ANOMALY:
        text = anomaly_text(t, _anomaly(payload, recipient.project_id))
    elif Kind(kind) in PAYMENT_RENDERERS:
        return PAYMENT_RENDERERS[Kind(kind)](t, title, payload, recipient.project_id)
    else:
        text = _RENDERERS[Kind(kind)](t, title, payload)
    if recipient.project_id is None:
        return text, None
    return text, InlineKeyboardMarkup([[see_project(t, recipient.project_id)]])


@dataclass(frozen=True)
class Recipient:
    user_id: int
    project_id: int | None
    bot_username: str


def _anomaly(payload: dict[str, Any], project_id: int | None) -> Anomaly:
    """A moderator's anomaly notification as `settle` queued it."""
    return Anomaly(
        pledge_id=int(payload["pledge_id"]),
        project_id=project_id or 0,
        title=str(payload.get("title", "")),
        expected_cents=int(payload["expected_cents"]),
        charged_cents=int(payload["charged_cents"]),
        currency=str(payload.get("currency") or "eur"),
        reason=str(payload.get("reason", "")),
    )


def _thanks(
    t: Translator, title: str, payload: dict[str, Any], recipient: Recipient
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Thanks with what they chose, and their own share link (visits count for the project)."""
    project_id = recipient.project_id or 0
    link = start_url(recipient.bot_username, project_payload(project_id, recipient.user_id))
    reward = escape_html(payload["reward"]) if payload.get("reward") else t.gettext("don libre")
    text = t.gettext(
        "💚 <b>Merci pour votre soutien !</b>\nVotre contribution de {amount} à « {title} » est "
        "bien enregistrée ({reward}). Vous suivez désormais le projet et recevrez ses "
        "nouvelles.\n\nPartagez-le autour de vous avec votre lien :\n{link}"
    ).format(amount=t.money(int(payload["amount_cents"])), title=title, reward=reward, link=link)
    invitation = t.gettext("Soutenez « {title} » sur Kengo !").format(title=payload["title"])
    share = InlineKeyboardButton(
        t.gettext("📤 Partager dans Telegram"), url=share_url(link, invitation)
    )
    return text, InlineKeyboardMarkup([[share], [see_project(t, project_id)]])


def _moderation(
    t: Translator, title: str, payload: dict[str, Any], recipient: Recipient
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The moderators' answer to an owner: live (with their share link), to change, or refused."""
    project_id = recipient.project_id or 0
    # Quoted as the moderator typed it, in their own language: the framing is the owner's.
    reason = f"<blockquote>{escape_html(str(payload.get('reason') or ''))}</blockquote>"
    if payload["decision"] == Decision.APPROVE:
        link = start_url(recipient.bot_username, project_payload(project_id, recipient.user_id))
        ends_at = datetime.fromisoformat(payload["ends_at"])
        text = t.gettext(
            "🎉 <b>« {title} » est en ligne !</b> L’équipe de Kengo a validé votre projet : la "
            "campagne court jusqu’au {date}.\n\nPartagez-le avec votre lien, qui compte les "
            "visites et les soutiens qu’il apporte :\n{link}"
        ).format(title=title, date=t.date(ends_at), link=link)
        invitation = t.gettext("Soutenez « {title} » sur Kengo !").format(title=payload["title"])
        share = InlineKeyboardButton(
            t.gettext("📤 Partager dans Telegram"), url=share_url(link, invitation)
        )
        return text, InlineKeyboardMarkup([[share], [see_project(t, project_id)]])
    if payload["decision"] == Decision.REQUEST_CHANGES:
        text = t.gettext(
            "✏️ L’équipe de Kengo demande des modifications sur « {title} ».\n\n"
            "Message de l’équipe de modération :\n{reason}\n\n"
            "Votre brouillon est rouvert : corrigez-le depuis l’aperçu, puis soumettez-le à "
            "nouveau."
        ).format(title=title, reason=reason)
        resume = InlineKeyboardButton(
            t.gettext("✏️ Reprendre mon projet"),
            callback_data=callbacks.wizard(WizardAction.OPEN, project_id),
        )
        return text, InlineKeyboardMarkup([[resume]])
    text = t.gettext(
        "L’équipe de Kengo n’a pas retenu « {title} ».\n\n"
        "Message de l’équipe de modération :\n{reason}\n\n"
        "Le projet reste visible de vous seul, dans /mes_projets."
    ).format(title=title, reason=reason)
    return text, None


def _owner_pledge(t: Translator, title: str, payload: dict[str, Any]) -> str:
    raised, goal = int(payload["raised_cents"]), int(payload["goal_cents"])
    return t.gettext(
        "🎉 Nouveau soutien pour « {title} » : {amount} — {percent} de l’objectif."
    ).format(
        title=title,
        amount=t.money(int(payload["amount_cents"])),
        percent=t.percent(int(raised * 100 / goal) / 100 if goal else 0),
    )


def _milestone(t: Translator, title: str, payload: dict[str, Any]) -> str:
    if payload.get("partner"):  # reached thanks to a partner's match
        return _milestone_matched(t, title, escape_html(str(payload["partner"])), payload)
    if int(payload["percent"]) >= 100:
        return t.gettext(
            "🏆 « {title} » a atteint son objectif ! Merci à tous ceux qui le soutiennent."
        ).format(title=title)
    return t.gettext("🚀 « {title} » a atteint la moitié de son objectif !").format(title=title)


def _milestone_matched(t: Translator, title: str, partner: str, payload: dict[str, Any]) -> str:
    if int(payload["percent"]) >= 100:
        return t.gettext(
            "🏆 « {title} » a atteint son objectif grâce à l’abondement de {partner} ! Merci à "
            "tous ceux qui le soutiennent."
        ).format(title=title, partner=partner)
    return t.gettext(
        "🚀 « {title} » a atteint la moitié de son objectif grâce à l’abondement de {partner} !"
    ).format(title=title, partner=partner)


def _outcome(t: Translator, title: str, payload: dict[str, Any]) -> str:
    progress = progress_bar(t, int(payload["raised_cents"]), int(payload["goal_cents"]))
    succeeded = payload["status"] == "succeeded"
    role = payload.get("role")
    if succeeded and role == "owner":
        text = t.gettext("✅ Votre campagne « {title} » est terminée et réussie : bravo !")
    elif succeeded:
        text = t.gettext(
            "✅ La campagne « {title} » est terminée et réussie. Merci d’y avoir cru !"
        )
    elif role == "owner":
        text = t.gettext(
            "La campagne « {title} » s’est terminée sans atteindre son objectif. Les "
            "contributeurs vont être remboursés."
        )
    elif role == "contributor":
        text = t.gettext(
            "La campagne « {title} » s’est terminée sans atteindre son objectif : votre "
            "contribution va vous être remboursée."
        )
    else:
        text = t.gettext("La campagne « {title} » s’est terminée sans atteindre son objectif.")
    return f"{text.format(title=title)}\n{progress}"


def _news_message(
    t: Translator, payload: dict[str, Any], recipient: Recipient
) -> tuple[str, InlineKeyboardMarkup | None]:
    reward = str(payload["reward"]) if "reward" in payload else None
    text = news_text(t, str(payload.get("title", "")), str(payload.get("text", "")), reward=reward)
    fitted = fit(text, CAPTION_LIMIT if payload.get("photo_file_id") else TEXT_LIMIT)
    rows = []
    if fitted.cut and payload.get("post_id"):  # rows queued by earlier versions have none
        rows.append([read_news_button(t, int(payload["post_id"]))])
    if recipient.project_id is not None:
        rows.append([see_project(t, recipient.project_id)])
    return fitted.text, InlineKeyboardMarkup(rows) if rows else None


def news_text(
    t: Translator, title: str, text: str, *, title_escaped: bool = False, reward: str | None = None
) -> str:
    """A news post as followers receive it (also the owner's preview); with `reward`, a message
    to the contributors of that reward."""
    title = title if title_escaped else escape_html(title)
    if reward is not None:
        heading = t.gettext(
            "✉️ <b>Message de « {title} » aux contributeurs de « {reward} »</b>"
        ).format(title=title, reward=escape_html(reward))
        return f"{heading}\n\n{escape_html(text)}"
    heading = t.gettext("📰 <b>Nouvelles de « {title} »</b>").format(title=title)
    return f"{heading}\n\n{escape_html(text)}"


def delivery_text(t: Translator, delivery: Delivery) -> str:
    """The owner's progress message while a news post is delivered, then its final count."""
    if not delivery.done:
        return t.ngettext(
            "📨 Envoi de votre actualité : {sent} / {total} abonné",
            "📨 Envoi de votre actualité : {sent} / {total} abonnés",
            delivery.total,
        ).format(sent=t.number(delivery.sent), total=t.number(delivery.total))
    return t.gettext(
        "✅ Actualité envoyée — reçue : {sent} · bot bloqué : {blocked} · non remise : {failed}"
    ).format(
        sent=t.number(delivery.sent),
        blocked=t.number(delivery.blocked),
        failed=t.number(delivery.failed),
    )


def _reminder(t: Translator, title: str, payload: dict[str, Any]) -> str:
    return t.gettext(
        "⏳ Plus que 48 h pour soutenir « {title} » ! Chaque contribution compte dans la "
        "dernière ligne droite."
    ).format(title=title)


def _refunded(t: Translator, title: str, payload: dict[str, Any]) -> str:
    return t.gettext(
        "💸 Votre contribution de {amount} à « {title} » vous a été remboursée. Le délai "
        "dépend de votre banque (souvent 5 à 10 jours)."
    ).format(amount=t.money(int(payload["amount_cents"])), title=title)


_RENDERERS = {
    Kind.OWNER_NEW_PLEDGE: _owner_pledge,
    Kind.MILESTONE: _milestone,
    Kind.CAMPAIGN_OUTCOME: _outcome,
    Kind.REFUNDED: _refunded,
    Kind.REMINDER: _reminder,
}
