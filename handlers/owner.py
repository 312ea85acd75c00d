"""The owner's journey: /mes_projets, each project's figures, and posting news to followers."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import OwnerAction
from bot.conversation.inputs import NewsPost
from bot.domain import Publication
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.notifications.messages import delivery_text, news_text
from bot.services.news import NewsRefused
from bot.telegram.html_limits import CAPTION_LIMIT, TEXT_LIMIT, fit
from bot.views.backers import back_to_backers
from bot.views.owner import (
    after_news_keyboard,
    dashboard_keyboard,
    dashboard_text,
    news_preview_keyboard,
    projects_keyboard,
    projects_text,
)
from handlers import community
from handlers.common import answer_stale_button, pressed, reply, show


async def my_projects(update: Update, context: KengoContext) -> None:
    """/mes_projets: the owner's projects with their status."""
    t = await context.translator(update)
    profile = await context.profile(update)
    projects = await context.services.owner.projects(profile.id)
    await show(update, projects_text(t, projects), projects_keyboard(t, projects))


async def owner_button(update: Update, context: KengoContext) -> None:
    """A project's figures, writing, sending or dropping a news post."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_owner)
    if button is None:
        return
    query, (action, target) = button
    # These may find the button stale, and a query is answered only once.
    if action is OwnerAction.PROJECT:
        await _dashboard(update, context, t, query, target)
        return
    if action is OwnerAction.WRITE_NEWS:
        await _ask_news(update, context, t, query, target)
        return
    if action is OwnerAction.SEND_NEWS:
        await _send_news(update, context, t, query, target)
        return
    if action is OwnerAction.CHATS or action in community.CHAT_ACTIONS:
        shown = (
            await community.show_chats(update, context, target)
            if action is OwnerAction.CHATS
            else await community.change_chat(update, context, action, target)
        )
        if shown:
            await query.answer()
        else:
            await answer_stale_button(update, t)
        return
    await query.answer()
    if action is OwnerAction.LIST:
        await my_projects(update, context)
    else:
        await show(
            update, t.gettext("Actualité abandonnée : rien n’a été envoyé."), after_news_keyboard(t)
        )


async def _dashboard(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery, project_id: int
) -> None:
    profile = await context.profile(update)
    board = await context.services.owner.dashboard(profile.id, project_id)
    if board is None:
        await answer_stale_button(update, t)
        return
    await query.answer()
    await show(update, dashboard_text(t, board), dashboard_keyboard(t, board))


async def _ask_news(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery, project_id: int
) -> None:
    try:
        mode = NewsPost(project_id)
    except ValueError:  # an id larger than any project of ours: forged data
        await answer_stale_button(update, t)
        return
    await query.answer()
    await context.services.users.set_input_mode(query.from_user.id, mode)
    await reply(update, t.gettext(
        "Écrivez votre actualité (un texte, ou une photo avec sa légende). Vous la relirez "
        "avant qu’elle parte."
    ))  # fmt: skip


async def typed_news(update: Update, context: KengoContext, mode: NewsPost) -> None:
    """The news text (or photo with caption) the owner just sent: store it and show a preview."""
    t = await context.translator(update)
    message = update.effective_message
    profile = await context.profile(update)
    if message is None:
        return
    photo = message.photo[-1].file_id if message.photo else None
    text = message.caption if photo else message.text
    news = context.services.news
    try:
        draft = await news.draft(profile.id, mode.project_id, text or "", photo, mode.tier_id)
    except NewsRefused:
        if mode.tier_id is not None:
            refusal = t.gettext("Écrivez quelques mots : un message ne peut pas être vide.")
        else:
            refusal = t.gettext("Écrivez quelques mots : une actualité ne peut pas être vide.")
        await reply(update, refusal)
        return
    await context.services.users.set_input_mode(profile.id, None)
    preview = await news.preview(profile.id, draft.post_id)
    if preview is None:
        return
    if preview.reward is not None:
        await reply(update, t.gettext("Aperçu de votre message :"))
    else:
        await reply(update, t.gettext("Aperçu de votre actualité :"))
    # Exactly as followers will receive it: a caption holds less than a text.
    photo_file_id = preview.photo_file_id
    limit = CAPTION_LIMIT if photo_file_id else TEXT_LIMIT
    content = fit(news_text(t, preview.title, preview.text, reward=preview.reward), limit)
    keyboard = news_preview_keyboard(t, draft.post_id, draft.recipients, cut=content.cut,
                                     to_reward=preview.reward is not None)  # fmt: skip
    if photo_file_id and update.effective_chat is not None:
        await update.effective_chat.send_photo(
            photo_file_id, caption=content.text, reply_markup=keyboard
        )
    else:
        await reply(update, content.text, keyboard)


async def _send_news(
    update: Update, context: KengoContext, t: Translator, query: CallbackQuery, post_id: int
) -> None:
    profile = await context.profile(update)
    news = context.services.news
    try:
        publication = await news.publish(profile.id, post_id)
    except NewsRefused:
        await answer_stale_button(update, t)
        return
    await query.answer()
    message = query.message
    if isinstance(message, Message):
        await message.edit_reply_markup(None)
    chat = update.effective_chat
    if chat is None:
        return
    if publication.tier_id is not None:  # a few contributors: no progress to follow
        await chat.send_message(
            _sent_to_reward(t, publication),
            reply_markup=back_to_backers(t, publication.project_id, publication.tier_id),
        )
        return
    delivery = await news.delivery(publication.post_id)
    if delivery is None:
        return
    # The outbox sender edits this message as the post reaches followers.
    progress = await chat.send_message(
        delivery_text(t, delivery), reply_markup=after_news_keyboard(t)
    )
    await news.attach_progress(post_id, chat.id, progress.message_id)


def _sent_to_reward(t: Translator, publication: Publication) -> str:
    return t.ngettext(
        "✅ Message envoyé : {count} contributeur de « {reward} » va le recevoir.",
        "✅ Message envoyé : {count} contributeurs de « {reward} » vont le recevoir.",
        publication.recipients,
    ).format(count=t.number(publication.recipients), reward=escape_html(publication.reward or ""))
