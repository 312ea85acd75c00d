"""The moderators' screens: a submission with its decision buttons, the queue, the outcome,
and the pledges Stripe charged differently (anomalies)."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import ModerationAction
from bot.domain import Anomaly, Claim, Decision, Review, Verdict, utcnow
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.views import labels
from bot.views.match_moderation import entry_button
from bot.views.menus import way_on
from bot.views.moderation_panel import claimed_text, waiting_text


def decision_keyboard(
    t: Translator, project_id: int, claimed_by: str | None = None
) -> InlineKeyboardMarkup:
    """The decision buttons; the last says who took the submission in hand, once someone did
    (pressed, it says since when, as "🙋 Je m’en occupe" would)."""

    def button(label: str, action: ModerationAction) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=callbacks.moderation(action, project_id))

    claim = (
        t.gettext("👤 Pris en main par {name}").format(name=claimed_by)
        if claimed_by
        else t.gettext("🙋 Je m’en occupe")
    )
    return InlineKeyboardMarkup([
        [button(t.gettext("✅ Approuver"), ModerationAction.APPROVE)],
        [button(t.gettext("✏️ Demander des modifications"), ModerationAction.CHANGES)],
        [button(t.gettext("⛔ Refuser"), ModerationAction.REFUSE)],
        [button(labels.button_label(claim, limit=40), ModerationAction.CLAIM)],
    ])  # fmt: skip


def claim_taken_text(t: Translator, title: str) -> str:
    """To the moderator who took a submission in hand (an alert: no HTML)."""
    return t.gettext(
        "🙋 C’est noté : vous vous occupez de « {title} ». Les autres modérateurs le verront."
    ).format(title=title)


def held_text(t: Translator, claim: Claim) -> str:
    """To another moderator pressing a submission someone took in hand (an alert: no HTML)."""
    return t.gettext("👤 {name} s’en occupe depuis le {date} à {time}.").format(
        name=claim.name, date=t.date(claim.since), time=t.time(claim.since)
    )


def take_over_text(t: Translator, claim: Claim, title: str) -> str:
    return t.gettext(
        "👤 {name} a pris « {title} » il y a plus d’un jour, sans décider. Vous pouvez "
        "prendre la main."
    ).format(name=escape_html(claim.name), title=escape_html(title))


def take_over_keyboard(t: Translator, project_id: int, *, private: bool) -> InlineKeyboardMarkup:
    take = InlineKeyboardButton(
        t.gettext("🙋 Prendre la main"),
        callback_data=callbacks.moderation(ModerationAction.TAKE_OVER, project_id),
    )
    queue = InlineKeyboardButton(
        t.gettext("🗂 Projets à examiner"),
        callback_data=callbacks.moderation(ModerationAction.QUEUE, 0),
    )
    return way_on(t, [take], [queue]) if private else InlineKeyboardMarkup([[take], [queue]])


def queue_text(
    t: Translator,
    reviews: list[Review],
    total: int,
    anomalies: list[Anomaly] | None = None,
    anomaly_total: int = 0,
    now: datetime | None = None,
) -> str:
    """The projects waiting for a decision (how long each has waited, whether it comes back
    after changes, who took it in hand), then the pledges in anomaly (most recent first)."""
    text = _projects_text(t, reviews, total, now)
    if not anomaly_total or not anomalies:
        return text
    lines = [
        text,
        "",
        t.ngettext(
            "⚠️ <b>{count} paiement en anomalie</b>, non compté",
            "⚠️ <b>{count} paiements en anomalie</b>, non comptés",
            anomaly_total,
        ).format(count=t.number(anomaly_total)),
    ]
    lines += [
        t.gettext(
            "• soutien n° {pledge} à « {title} » : attendu {expected}, Stripe a encaissé "
            "{charged} ({reason})"
        ).format(**_anomaly_fields(t, anomaly))
        for anomaly in anomalies
    ]
    return "\n".join(lines)


def _projects_text(
    t: Translator, reviews: list[Review], total: int, now: datetime | None = None
) -> str:
    if not total:
        return t.gettext("🗂 Aucun projet n’attend de décision pour le moment.")
    lines = [
        t.ngettext(
            "🗂 <b>{count} projet attend une décision</b>",
            "🗂 <b>{count} projets attendent une décision</b>",
            total,
        ).format(count=t.number(total))
    ]
    now = now or utcnow()
    for number, review in enumerate(reviews, start=1):
        parts = [f"{number}. {escape_html(review.card.summary.title)}",
                 escape_html(review.owner_name)]  # fmt: skip
        if review.submitted_at:
            parts.append(waiting_text(t, review.submitted_at, now))
        line = " — ".join(parts)
        if review.resubmission is not None:
            line += " · " + t.gettext("🔁 resoumis")
        if review.claim is not None:
            line += " · " + claimed_text(t, review.claim.name)
        lines.append(line)
    return "\n".join(lines)


def queue_keyboard(
    t: Translator, reviews: list[Review], *, private: bool
) -> InlineKeyboardMarkup | None:
    """A button per waiting project; in a private chat, the main menu too (a group has none)."""
    view = ModerationAction.VIEW
    rows = [
        [InlineKeyboardButton(labels.button_label(s.card.summary.title, before=f"{n}. "),
                              callback_data=callbacks.moderation(view, s.project_id))]
        for n, s in enumerate(reviews, start=1)
    ]  # fmt: skip
    if private:  # partner matches are attached in a private chat, where typing is asked for
        return way_on(t, *rows, [entry_button(t)])
    return InlineKeyboardMarkup(rows) if rows else None  # Telegram refuses an empty keyboard


def after_decision_keyboard(t: Translator, *, private: bool) -> InlineKeyboardMarkup:
    """Under a decision taken: on to the other waiting projects (and the menu in private)."""
    queue = InlineKeyboardButton(
        t.gettext("🗂 Projets à examiner"),
        callback_data=callbacks.moderation(ModerationAction.QUEUE, 0),
    )
    return way_on(t, [queue]) if private else InlineKeyboardMarkup([[queue]])


def reason_prompt(t: Translator, decision: Decision, title: str) -> str:
    if decision is Decision.REQUEST_CHANGES:
        text = t.gettext(
            "✏️ Quelles modifications demandez-vous pour « {title} » ? Écrivez-les : elles "
            "seront transmises telles quelles au porteur du projet. /annuler pour renoncer."
        )
    else:
        text = t.gettext(
            "⛔ Pourquoi refusez-vous « {title} » ? Écrivez la raison : elle sera transmise "
            "telle quelle au porteur du projet. /annuler pour renoncer."
        )
    return text.format(title=escape_html(title))


def verdict_text(t: Translator, verdict: Verdict) -> str:
    """What became of the project, for the moderator who pressed (and on the decided panel)."""
    title, name = escape_html(verdict.title), escape_html(verdict.moderator_name or "?")
    if verdict.decision is None:
        return t.gettext("« {title} » n’attend pas de décision.").format(title=title)
    if verdict.decision is Decision.APPROVE:
        text = t.gettext("✅ « {title} » approuvé par {name} : en ligne jusqu’au {date}.").format(
            title=title, name=name, date=t.date(verdict.ends_at) if verdict.ends_at else "?"
        )
    elif verdict.decision is Decision.REQUEST_CHANGES:
        text = t.gettext("✏️ Modifications demandées par {name} pour « {title} ».").format(
            title=title, name=name
        )
    else:
        text = t.gettext("⛔ « {title} » refusé par {name}.").format(title=title, name=name)
    if verdict.decided:
        return text
    return t.gettext("Déjà décidé : {decision}").format(decision=text)


def reason_refused_text(t: Translator, low: int, high: int) -> str:
    return t.gettext("Écrivez une raison de {low} à {high} caractères.").format(
        low=t.number(low), high=t.number(high)
    )


def anomaly_text(t: Translator, anomaly: Anomaly) -> str:
    """The notification each moderator gets when a pledge is found in anomaly."""
    return t.gettext(
        "⚠️ <b>Paiement en anomalie</b> : le soutien n° {pledge} à « {title} » n’est pas "
        "compté pour le projet.\nAttendu : {expected}\nEncaissé par Stripe : {charged}\n"
        "Raison : {reason}\n\nVérifiez le paiement dans le tableau de bord Stripe, puis "
        "remboursez-le ou contactez le contributeur. /moderation liste les paiements en anomalie."
    ).format(**_anomaly_fields(t, anomaly))


def _anomaly_fields(t: Translator, anomaly: Anomaly) -> dict[str, str]:
    return {
        "pledge": str(anomaly.pledge_id),
        "title": escape_html(anomaly.title),
        "expected": t.money(anomaly.expected_cents),
        "charged": t.money_in(anomaly.charged_cents, anomaly.currency),
        "reason": _anomaly_reason(t, anomaly.reason),
    }


def _anomaly_reason(t: Translator, reason: str) -> str:
    if reason == "amount":
        return t.gettext("le montant encaissé diffère de celui du soutien")
    if reason == "currency":
        return t.gettext("la devise encaissée n’est pas l’euro")
    return escape_html(reason)
