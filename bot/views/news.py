"""A project's news as a list, and the "Lire la suite" way to a news post cut to fit."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.domain import ListView, NewsItem
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.telegram.html_limits import TEXT_LIMIT, fit, visible_length

# Room kept for the blank lines between posts and their ellipses when posts are shortened.
_SEPARATORS = 4


def read_news_button(t: Translator, post_id: int, label: str | None = None) -> InlineKeyboardButton:
    """The button to a news post's whole text, under a message that shows part of it."""
    return InlineKeyboardButton(
        label or t.gettext("📖 Lire la suite"), callback_data=callbacks.news_post(post_id)
    )


def news_list(
    t: Translator, title: str, items: list[NewsItem], project_id: int, view: ListView | None
) -> tuple[str, InlineKeyboardMarkup]:
    """The latest posts, whole when they fit in one message, else each shortened evenly with a
    "Lire la suite" button per post cut; then the way back to the project."""
    heading = t.gettext("📰 <b>Actualités de « {title} »</b>").format(title=escape_html(title))
    if not items:
        empty = t.gettext(
            "Pas encore d’actualité pour ce projet. Suivez-le pour être prévenu de la prochaine !"
        )
        return f"{heading}\n\n{empty}", _keyboard(t, [], project_id, view)
    blocks = [f"<i>{t.date(item.created_at)}</i>\n{escape_html(item.text)}" for item in items]
    whole = "\n\n".join([heading, *blocks])
    if visible_length(whole) <= TEXT_LIMIT:
        return whole, _keyboard(t, [], project_id, view)
    share = (TEXT_LIMIT - visible_length(heading)) // len(blocks) - _SEPARATORS
    parts, cut = [heading], []
    for item, block in zip(items, blocks, strict=True):
        fitted = fit(block, share)
        parts.append(fitted.text)
        if fitted.cut and item.post_id:
            cut.append(item)
    return "\n\n".join(parts), _keyboard(t, cut, project_id, view)


def _keyboard(
    t: Translator, cut: list[NewsItem], project_id: int, view: ListView | None
) -> InlineKeyboardMarkup:
    rows = [
        [read_news_button(t, item.post_id, t.gettext("📖 Lire la suite : {date}").format(
            date=t.date(item.created_at)))]
        for item in cut
    ]  # fmt: skip
    back = InlineKeyboardButton(
        t.gettext("↩ Retour au projet"), callback_data=callbacks.project(project_id, view)
    )
    return InlineKeyboardMarkup([*rows, [back]])
