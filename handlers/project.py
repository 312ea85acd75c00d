"""A project's card and its buttons: follow, news, read more, share, back to the list."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import CardAction
from bot.domain import ListView, ProjectCard
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.notifications.messages import news_text
from bot.telegram.deeplinks import project_payload, share_url, start_url
from bot.telegram.html_limits import TEXT_LIMIT, fit
from bot.views.card import card_keyboard, full_description, render_card
from bot.views.menus import see_project
from bot.views.news import news_list
from handlers import browse, pledge
from handlers.common import answer_stale_button, pressed, reply, show


async def send_card(
    update: Update, context: KengoContext, card: ProjectCard, view: ListView | None
) -> None:
    """Show a card: a photo with its caption when there is one, else a text (edited in place)."""
    t = await context.translator(update)
    photo = card.summary.photo_file_id
    rendered = render_card(t, card, as_caption=photo is not None)
    keyboard = card_keyboard(t, card, view, truncated=rendered.truncated)
    chat = update.effective_chat
    if photo is not None and chat is not None:
        await chat.send_photo(photo, caption=rendered.text, reply_markup=keyboard)
    else:
        await show(update, rendered.text, keyboard)


async def open_card(update: Update, context: KengoContext) -> None:
    """A project chosen in a list."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_project)
    if button is None:
        return
    query, (project_id, view) = button
    card = await context.services.catalogue.card(project_id, query.from_user.id, t.locale)
    if card is None:
        await query.answer(t.gettext("Ce projet n’est plus disponible."), show_alert=True)
        return
    await query.answer()
    await send_card(update, context, card, view)


async def card_button(update: Update, context: KengoContext) -> None:
    """Follow, news, read more, share, support or back, from a card."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_project_action)
    if button is None:
        return
    query, (action, project_id, view) = button
    if action is CardAction.BACK:
        await _back_to_list(update, context, view)
        await query.answer()
        return
    card = await context.services.catalogue.card(project_id, query.from_user.id, t.locale)
    if card is None:
        await query.answer(t.gettext("Ce projet n’est plus disponible."), show_alert=True)
        return
    if action is CardAction.FOLLOW:
        await _toggle_follow(update, context, t, card, view)
        return
    await query.answer()
    if action is CardAction.NEWS:
        await _news(update, context, t, card, view)
    elif action is CardAction.READ_MORE:
        await _read_more(update, context, t, card, view)
    elif action is CardAction.SHARE:
        await _share(update, context, t, card, query.from_user.id)
    else:
        await pledge.offer(update, context, card.summary.id)


async def _back_to_list(update: Update, context: KengoContext, view: ListView | None) -> None:
    message = update.callback_query.message if update.callback_query else None
    if isinstance(message, Message) and message.photo:
        # A photo card cannot become the list: the list comes as a new message below it.
        await browse.open_catalogue(update, context, view or ListView(), new=True)
    else:
        await browse.open_catalogue(update, context, view or ListView(), new=False)


async def _toggle_follow(
    update: Update, context: KengoContext, t: Translator, card: ProjectCard, view: ListView | None
) -> None:
    query = update.callback_query
    if query is None:
        return
    following = await context.services.follows.toggle(query.from_user.id, card.summary.id)
    if following is None:
        await query.answer(t.gettext("Ce projet n’est plus disponible."), show_alert=True)
        return
    await query.answer(
        t.gettext("Vous suivez ce projet : vous recevrez ses nouvelles.")
        if following
        else t.gettext("Vous ne suivez plus ce projet.")
    )
    updated = await context.services.catalogue.card(card.summary.id, query.from_user.id, t.locale)
    if updated is not None:
        rendered = render_card(t, updated, as_caption=updated.summary.photo_file_id is not None)
        await query.edit_message_reply_markup(
            card_keyboard(t, updated, view, truncated=rendered.truncated)
        )


async def _news(
    update: Update, context: KengoContext, t: Translator, card: ProjectCard, view: ListView | None
) -> None:
    items = await context.services.catalogue.news(card.summary.id)
    await show(update, *news_list(t, card.summary.title, items, card.summary.id, view))


async def _read_more(
    update: Update, context: KengoContext, t: Translator, card: ProjectCard, view: ListView | None
) -> None:
    """Under a photo card, the card again as a text (room for all of it but a long
    description); under a text card, the whole description."""
    message = update.callback_query.message if update.callback_query else None
    if isinstance(message, Message) and message.photo:
        rendered = render_card(t, card, as_caption=False)
        keyboard = card_keyboard(t, card, view, truncated=rendered.truncated)
        await reply(update, rendered.text, keyboard)
    else:
        way_back = InlineKeyboardMarkup([[see_project(t, card.summary.id)]])
        await reply(update, full_description(t, card), way_back)


async def read_news_post(update: Update, context: KengoContext) -> None:
    """A news post in full, from "Lire la suite" under a post or a list cut to fit."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_news_post)
    if button is None:
        return
    query, post_id = button
    post = await context.services.news.read(query.from_user.id, post_id)
    if post is None:
        await answer_stale_button(update, t)
        return
    await query.answer()
    title, text, project_id = post
    body = fit(news_text(t, title, text), TEXT_LIMIT).text  # a post is shorter: a safety net
    await reply(update, body, InlineKeyboardMarkup([[see_project(t, project_id)]]))


async def _share(
    update: Update, context: KengoContext, t: Translator, card: ProjectCard, sharer_id: int
) -> None:
    link = start_url(context.bot.username, project_payload(card.summary.id, sharer_id))
    invitation = t.gettext("Soutenez « {title} » sur Kengo !").format(title=card.summary.title)
    text = t.gettext(
        "Voici votre lien de partage pour « {title} » :\n{link}\n\nLes visites et les soutiens "
        "qui passent par ce lien sont comptés pour le projet."
    ).format(title=escape_html(card.summary.title), link=link)
    button = InlineKeyboardButton(
        t.gettext("📤 Partager dans Telegram"), url=share_url(link, invitation)
    )
    await reply(update, text, InlineKeyboardMarkup([[button]]))
