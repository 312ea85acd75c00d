"""Inline mode: `@<bot> words` in any chat lists live projects to post as a compact card."""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultCachedPhoto,
    InputTextMessageContent,
    Update,
)

from bot.context import KengoContext
from bot.domain import ProjectSummary
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.places import commune_name
from bot.telegram.deeplinks import project_payload, start_url
from bot.views import labels
from bot.views.progress import funded, progress_bar, raised_of_goal, time_left

# Results depend on the user's language: Telegram must not serve them to others from its cache.
CACHE_SECONDS = 60


async def inline_query(update: Update, context: KengoContext) -> None:
    """Answer with up to 50 matching live projects (those ending soonest for an empty query)."""
    query = update.inline_query
    if query is None:
        return
    locale = await context.services.users.locale_for(
        query.from_user.id, query.from_user.language_code
    )
    t = context.runtime.catalogs.translator(locale)
    projects = await context.services.catalogue.inline(query.query, locale)
    results = [_result(t, context.bot.username, p, query.from_user.id) for p in projects]
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)


def compact_card(t: Translator, project: ProjectSummary) -> str:
    commune = commune_name(project.commune, t.locale, project.departement)
    place = ", ".join(
        part for part in (commune, labels.departement(t, project.departement)) if part
    )
    lines = [f"<b>{escape_html(project.title)}</b>", f"📍 {escape_html(place)}"]
    lines.append(progress_bar(t, project.raised_cents, project.goal_cents))
    lines.append(
        raised_of_goal(t, project.raised_cents, project.goal_cents)
        + f" · ⏳ {time_left(t, project.ends_at)}"
    )
    return "\n".join(lines)


def _result(
    t: Translator, bot_username: str, project: ProjectSummary, sharer_id: int
) -> InlineQueryResultArticle | InlineQueryResultCachedPhoto:
    link = start_url(bot_username, project_payload(project.id, sharer_id))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext("Voir le projet"), url=link)]])
    text = compact_card(t, project)
    if project.photo_file_id:
        return InlineQueryResultCachedPhoto(
            id=str(project.id),
            photo_file_id=project.photo_file_id,
            title=project.title,
            caption=text,
            reply_markup=keyboard,
        )
    # A line of a list: the percentage, no bar (read aloud as ten symbols).
    progress = funded(t, project.raised_cents, project.goal_cents)
    commune = commune_name(project.commune, t.locale, project.departement)
    description = f"{progress} · {commune}" if commune else progress
    return InlineQueryResultArticle(
        id=str(project.id),
        title=project.title,
        description=description,
        input_message_content=InputTextMessageContent(text),
        reply_markup=keyboard,
    )
