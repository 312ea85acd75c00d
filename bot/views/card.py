"""A project's card: what it is, how far it got, its rewards, and what one can do with it."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import CardAction
from bot.domain import DeliveryMode, FundingModel, ListView, ProjectCard, ProjectStatus, TierView
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.countries import FRANCE
from bot.search.countries import names as country_names
from bot.search.places import commune_name
from bot.telegram.html_limits import CAPTION_LIMIT, TEXT_LIMIT, fit, visible_length
from bot.views import labels, matching
from bot.views.progress import contributors, progress_bar, raised_of_goal, time_left

MIN_EXCERPT = 80  # visible characters of description worth showing before "Lire la suite"


@dataclass(frozen=True)
class RenderedCard:
    text: str
    truncated: bool  # part of the card is left for "Lire la suite"


def render_card(t: Translator, card: ProjectCard, *, as_caption: bool) -> RenderedCard:
    """The card's text, with as much of the description as the message allows.

    A caption can be too short even for the head (a long summary, many rewards): the head is
    then cut too, and "Lire la suite" on a photo card sends the card as a text.
    """
    head = "\n".join(_head(t, card))
    limit = CAPTION_LIMIT if as_caption else TEXT_LIMIT
    description = escape_html(card.description.strip())
    whole = fit(f"{head}\n\n{description}" if description else head, limit)
    if not whole.cut:
        return RenderedCard(whole.text, truncated=False)
    if limit - visible_length(head) - 2 < MIN_EXCERPT:
        # Not worth a stub of a sentence: all of the description goes behind the button.
        return RenderedCard(fit(head, limit).text, truncated=True)
    return RenderedCard(whole.text, truncated=True)


def full_description(t: Translator, card: ProjectCard) -> str:
    """What "Lire la suite" shows under a text card: the title and the whole description."""
    title = escape_html(card.summary.title)
    return fit(f"<b>{title}</b>\n\n{escape_html(card.description.strip())}", TEXT_LIMIT).text


def _head(t: Translator, card: ProjectCard) -> list[str]:
    project = card.summary
    lines = [f"<b>{escape_html(project.title)}</b>"]
    where = [
        escape_html(commune_name(project.commune, t.locale, project.departement)),
        labels.departement(t, project.departement),
    ]
    place = " · ".join(part for part in where if part)
    category = labels.category(t, project.category)
    tags = [f"📍 {place}" if place else "", f"🏷 {category}" if category else ""]
    if project.in_breton:  # a Breton version exists (the one shown to a Breton reader)
        tags.append(t.gettext("en breton"))
    lines.append(" · ".join(tag for tag in tags if tag))
    lines += ["", escape_html(card.summary_text), ""]
    lines.append(progress_bar(t, project.raised_cents, project.goal_cents))
    lines.append(raised_of_goal(t, project.raised_cents, project.goal_cents))
    lines += matching.card_lines(t, card)  # a partner's match: its share, rule, call to action
    people = f"👥 {supporters_line(t, card.supporters, project.contributors_count)}"
    if project.status is ProjectStatus.LIVE:
        lines.append(f"{people} · ⏳ {time_left(t, project.ends_at)}")
        lines.append(_funding_model(t, card.funding_model))
    else:
        lines += [people, _outcome(t, project.status)]
    if card.tiers:
        lines += ["", t.gettext("🎁 <b>Contreparties</b>")]
        lines += [tier_line(t, tier) for tier in card.tiers]
    return lines


def supporters_line(t: Translator, names: tuple[str, ...], count: int) -> str:
    """The contributors: the latest who chose to be shown by name, then how many others
    ("Mona, Youenn et 38 autres contributeurs"); only the count when nobody is named."""
    if not names:
        return contributors(t, count)
    shown = [escape_html(name) for name in names]
    others = count - len(names)
    if others <= 0:
        return t.ngettext("Contributeur : {names}", "Contributeurs : {names}", len(names)).format(
            names=t.join(shown)
        )
    rest = t.ngettext("{count} autre contributeur", "{count} autres contributeurs", others).format(
        count=t.number(others)
    )
    return t.join([*shown, rest])


def _funding_model(t: Translator, model: FundingModel) -> str:
    if model is FundingModel.ALL_OR_NOTHING:
        return t.gettext(
            "Tout ou rien : si l’objectif n’est pas atteint, chaque contribution est remboursée."
        )
    return t.gettext(
        "Garder tout : le projet reçoit tout ce qui est collecté, objectif atteint ou non."
    )


def _outcome(t: Translator, status: ProjectStatus) -> str:
    if status is ProjectStatus.SUCCEEDED:
        return t.gettext("✅ Campagne réussie : merci à tous les contributeurs !")
    if status is ProjectStatus.FAILED:
        return t.gettext(
            "Campagne terminée sans atteindre son objectif : les contributions ont été remboursées."
        )
    return t.gettext("Ce projet n’est pas encore en campagne.")


def tier_line(t: Translator, tier: TierView) -> str:
    """A reward: title, minimum amount, and units left or "épuisé"."""
    line = t.gettext("• <b>{title}</b> — dès {amount}").format(
        title=escape_html(tier.title), amount=t.money(tier.min_amount_cents)
    )
    if tier.remaining == 0:
        line += " · " + t.gettext("épuisé")
    elif tier.remaining is not None:
        line += " · " + t.ngettext("{count} restant", "{count} restants", tier.remaining).format(
            count=t.number(tier.remaining)
        )
    return f"{line} · {delivery_label(t, tier.delivery_mode, tier.shipping_countries)}"


def delivery_label(t: Translator, mode: DeliveryMode, countries: tuple[str, ...]) -> str:
    """How a reward reaches its contributor: "📦 envoi postal (France)", "🤝 en main propre"."""
    if mode is DeliveryMode.SHIPPED:
        return t.gettext("📦 envoi postal ({countries})").format(
            countries=escape_html(country_names(countries or FRANCE, t.locale))
        )
    if mode is DeliveryMode.NOTHING:
        return t.gettext("✨ rien à livrer")
    return t.gettext("🤝 en main propre")


def card_keyboard(
    t: Translator, card: ProjectCard, view: ListView | None, *, truncated: bool
) -> InlineKeyboardMarkup:
    project_id = card.summary.id

    def button(text: str, action: CardAction) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text, callback_data=callbacks.project_action(action, project_id, view)
        )

    rows: list[list[InlineKeyboardButton]] = []
    if card.summary.status is ProjectStatus.LIVE:
        rows.append([button(t.gettext("💶 Soutenir"), CardAction.PLEDGE)])
    follow = t.gettext("✓ Suivi · Ne plus suivre") if card.following else t.gettext("⭐ Suivre")
    rows.append(
        [button(follow, CardAction.FOLLOW), button(t.gettext("📤 Partager"), CardAction.SHARE)]
    )
    news = t.gettext("📰 Actualités")
    if card.news_count:
        news = f"{news} ({t.number(card.news_count)})"
    row = [button(news, CardAction.NEWS)]
    if truncated:
        row.append(button(t.gettext("📖 Lire la suite"), CardAction.READ_MORE))
    rows.append(row)
    back = t.gettext("↩ Retour à la liste") if view else t.gettext("🔎 Tous les projets")
    rows.append([button(back, CardAction.BACK)])
    return InlineKeyboardMarkup(rows)
