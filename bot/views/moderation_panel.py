"""A submission as moderators review it: the whole project, in as many messages as it takes.

The panel's text is built whole, then cut at paragraph boundaries into messages Telegram
accepts (4,096 characters each, tags not counted): every message stays valid HTML because a
cut never falls inside a paragraph's markup. Then the line that replaces the panel once the
submission is decided.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import (
    Decision,
    DeliveryMode,
    Departement,
    FieldChange,
    FundingModel,
    ProjectText,
    Review,
    RewardDetail,
    Verdict,
    utcnow,
)
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.places import commune_name
from bot.telegram.html_limits import CAPTION_LIMIT, TEXT_LIMIT, fit, visible_length
from bot.views import labels

CHANGE_SHOWN = 60  # characters of a changed text shown in the diff (the new one is in full above)


def panel_caption(t: Translator, review: Review) -> str:
    """The short caption under the project's photo: the full text follows it."""
    title = escape_html(review.card.summary.title)
    return fit(t.gettext("🆕 <b>Projet à examiner</b> : « {title} »").format(title=title),
               CAPTION_LIMIT).text  # fmt: skip


def panel_texts(t: Translator, review: Review, now: datetime | None = None) -> list[str]:
    """The whole submission, cut into messages; the decision buttons go under the last."""
    whole = "\n\n".join(_sections(t, review, now or utcnow()))
    # fit: a single word longer than a message (never seen) is cut rather than refused.
    return [fit(text, TEXT_LIMIT).text for text in split_paragraphs(whole, TEXT_LIMIT)]


def _sections(t: Translator, review: Review, now: datetime) -> list[str]:
    card, project = review.card, review.card.summary
    owner = escape_html(review.owner_name)
    if review.owner_username:
        owner += f" (@{escape_html(review.owner_username)})"
    head = [
        t.gettext("🆕 <b>Projet à examiner</b> : « {title} »").format(
            title=escape_html(project.title)
        ),
        t.gettext("Proposé par {owner}").format(owner=owner),
        t.gettext("Langue du porteur : {language}").format(
            language=language_name(t, review.owner_locale)
        ),
    ]
    if review.submitted_at:
        head.append(waiting_text(t, review.submitted_at, now))
    if review.resubmission is not None:
        head.append(t.gettext("🔁 Resoumis après une demande de modifications"))
    if review.claim is not None:
        head.append(claimed_text(t, review.claim.name))
    where = [
        escape_html(commune_name(project.commune, t.locale, project.departement)),
        labels.departement(t, project.departement),
    ]
    facts = [
        "📍 " + " · ".join(part for part in where if part),
        "🏷 " + labels.category(t, project.category),
        t.gettext("Objectif : {amount}").format(amount=t.money(project.goal_cents)),
        t.ngettext(
            "Campagne de {count} jour", "Campagne de {count} jours", review.duration_days
        ).format(count=t.number(review.duration_days)),
        funding_label(t, card.funding_model),
    ]
    sections = ["\n".join(head), "\n".join(facts)]
    sections.append(f"<b>{t.gettext('Résumé')}</b>\n{escape_html(card.summary_text.strip())}")
    if review.translation is not None:
        sections.append(translation_text(t, review.translation))
    description = escape_html(card.description.strip())
    sections.append(f"<b>{t.gettext('Description')}</b>\n{description}")
    rewards = [reward_text(t, reward) for reward in review.rewards]
    if not rewards:
        rewards = [t.gettext("Aucune contrepartie : des dons libres seulement.")]
    sections.append(f"<b>{t.gettext('Contreparties')}</b>\n" + "\n".join(rewards))
    breton = escape_html(review.breton_connection.strip())
    sections.append(f"<b>{t.gettext('Lien avec la Bretagne')}</b>\n{breton}")
    if review.resubmission is not None:
        sections.append(_resubmission(t, review.resubmission.reason,
                                      review.resubmission.changes))  # fmt: skip
    return sections


def translation_text(t: Translator, translation: ProjectText) -> str:
    """The title and summary the owner gave in the other language: readers of that language
    read them instead of the originals, so the moderators read both."""
    if translation.locale == "br":
        heading = t.gettext("Titre et résumé en breton")
    else:
        heading = t.gettext("Titre et résumé en français")
    title, summary = escape_html(translation.title), escape_html(translation.summary.strip())
    return f"<b>{heading}</b>\n<i>{title}</i>\n{summary}"


def _resubmission(t: Translator, reason: str, changes: tuple[FieldChange, ...]) -> str:
    lines = [t.gettext("<b>Modifications demandées la dernière fois</b>"), escape_html(reason)]
    lines += ["", t.gettext("<b>Changé depuis</b>")]
    if not changes:
        lines.append(t.gettext("Rien : le projet est resoumis tel quel."))
    for change in changes:
        lines.append(t.gettext("• {field} : {old} → {new}").format(
            field=field_label(t, change.field), old=change_value(t, change.field, change.old),
            new=change_value(t, change.field, change.new),
        ))  # fmt: skip
    return "\n".join(lines)


def reward_text(t: Translator, reward: RewardDetail) -> str:
    """A reward with everything the owner promises: price, quantity, delivery and month."""
    line = t.gettext("• <b>{title}</b> — dès {amount}").format(
        title=escape_html(reward.title), amount=t.money(reward.min_amount_cents)
    )
    if reward.quantity_limit is None:
        line += " · " + t.gettext("quantité illimitée")
    else:
        line += " · " + t.ngettext(
            "{count} exemplaire", "{count} exemplaires", reward.quantity_limit
        ).format(count=t.number(reward.quantity_limit))
    delivery = delivery_label(t, reward.delivery_mode)
    if reward.delivery_mode is DeliveryMode.SHIPPED and reward.shipping_countries:
        delivery += f" ({escape_html(reward.shipping_countries)})"
    line += "\n  " + delivery
    if reward.estimated_delivery:
        line += " · " + t.gettext("livraison prévue en {month}").format(
            month=t.month(reward.estimated_delivery)
        )
    if reward.description.strip():
        line += "\n  " + escape_html(reward.description.strip())
    return line


def delivery_label(t: Translator, mode: DeliveryMode) -> str:
    if mode is DeliveryMode.SHIPPED:
        return t.gettext("📦 envoyée par la poste")
    if mode is DeliveryMode.IN_PERSON:
        return t.gettext("🤝 remise en main propre")
    return t.gettext("💚 rien à livrer")


def funding_label(t: Translator, model: FundingModel | str | None) -> str:
    if model == FundingModel.KEEP_IT_ALL:
        return t.gettext("Garder tout")
    return t.gettext("Tout ou rien")


def language_name(t: Translator, locale: str) -> str:
    if locale == "br":
        return t.gettext("breton")
    return t.gettext("français")


def field_label(t: Translator, name: str) -> str:
    names = {
        "title": t.gettext("Titre"), "summary": t.gettext("Résumé"),
        "description": t.gettext("Description"), "commune": t.gettext("Commune"),
        "departement": t.gettext("Département"), "goal_cents": t.gettext("Objectif"),
        "duration_days": t.gettext("Durée"), "funding_model": t.gettext("Mode de financement"),
        "rewards": t.gettext("Contreparties"), "photo": t.gettext("Photo"),
        "breton_connection": t.gettext("Lien avec la Bretagne"),
        "translation_title": t.gettext("Titre dans l’autre langue"),
        "translation_summary": t.gettext("Résumé dans l’autre langue"),
    }  # fmt: skip
    return names.get(name, escape_html(name))


def change_value(t: Translator, name: str, value: object) -> str:
    """A snapshotted value as the diff shows it, long texts shortened."""
    if value is None or value == "" or value == []:
        return t.gettext("(vide)")
    if name == "goal_cents" and isinstance(value, int):
        return t.money(value)
    if name == "duration_days" and isinstance(value, int):
        return t.ngettext("{count} jour", "{count} jours", value).format(count=t.number(value))
    if name == "funding_model":
        return funding_label(t, str(value))
    if name == "departement":
        return labels.departement(t, Departement(str(value)))
    if name == "commune":
        value = commune_name(str(value), t.locale)
    if name == "photo":
        return t.gettext("une photo")
    if name == "rewards" and isinstance(value, list):
        text = "; ".join(
            f"{r.get('title', '')} ({t.money(int(r.get('min_amount_cents', 0)))})" for r in value
        )
        return f"« {escape_html(labels.shorten(text, CHANGE_SHOWN))} »"
    return f"« {escape_html(labels.shorten(str(value), CHANGE_SHOWN))} »"


def waiting_text(t: Translator, since: datetime, now: datetime) -> str:
    """How long a submission has waited: "depuis 3 jours"."""
    hours = int((now - since).total_seconds() // 3600)
    if hours < 1:
        return t.gettext("⏳ depuis moins d’une heure")
    if hours < 24:
        return t.ngettext("⏳ depuis {count} heure", "⏳ depuis {count} heures", hours).format(
            count=t.number(hours)
        )
    days = hours // 24
    return t.ngettext("⏳ depuis {count} jour", "⏳ depuis {count} jours", days).format(
        count=t.number(days)
    )


def claimed_text(t: Translator, name: str) -> str:
    return t.gettext("👤 pris par {name}").format(name=escape_html(name))


def decided_text(t: Translator, verdict: Verdict) -> str:
    """What replaces a panel once decided: who decided what, and when (Brittany's time)."""
    name = escape_html(verdict.moderator_name or "?")
    when = verdict.decided_at or utcnow()
    fields = {"name": name, "date": t.date(when), "time": t.time(when)}
    if verdict.decision is Decision.APPROVE:
        text = t.gettext("✅ Approuvé par {name} le {date} à {time}")
    elif verdict.decision is Decision.REQUEST_CHANGES:
        text = t.gettext("✏️ Modifications demandées par {name} le {date} à {time}")
    else:
        text = t.gettext("⛔ Refusé par {name} le {date} à {time}")
    return text.format(**fields)


def closed_panel_text(t: Translator, verdict: Verdict) -> str:
    return f"<b>{escape_html(verdict.title)}</b>\n{decided_text(t, verdict)}"


def split_paragraphs(markup: str, limit: int) -> list[str]:
    """`markup` in messages of at most `limit` visible characters, cut between paragraphs,
    else between lines, else between words; no cut falls inside a tag or an entity."""
    chunks: list[str] = []
    for piece in _pieces(markup, limit):
        if chunks and visible_length(chunks[-1]) + 2 + visible_length(piece) <= limit:
            chunks[-1] += "\n\n" + piece
        else:
            chunks.append(piece)
    return chunks or [markup]


def _pieces(markup: str, limit: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in markup.split("\n\n"):
        if visible_length(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        # A paragraph too long for one message: its lines, then its words, one after another.
        # Only user text (escaped, without tags) is long enough for this.
        current = ""
        for word in paragraph.replace("\n", "\n ").split(" "):
            glue = " " if current and not current.endswith("\n") else ""
            joined = current + glue + word
            if current and visible_length(joined) > limit:
                pieces.append(current.rstrip())
                current = word
            else:
                current = joined
        if current.strip():
            pieces.append(current.rstrip())
    return pieces
