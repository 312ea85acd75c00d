"""Moderation: submissions reach the moderators, who approve, ask for changes or refuse.

Only the ids of `MODERATOR_IDS` may decide, wherever they press (their private chat or the
`MODERATION_CHAT_ID` group); anyone else's press is refused and logged. A reason is typed in
the moderator's private chat (input mode `ModerationReason`: `reason:<c|r>:<project id>`).
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import ModerationAction
from bot.conversation.inputs import ModerationReason
from bot.domain import Decision, ProjectStatus, Review
from bot.i18n.translator import Translator
from bot.services.moderation import REASON_LIMITS, UnknownProject
from bot.views.card import full_description, render_card
from bot.views.menus import main_menu
from bot.views.moderation import (
    after_decision_keyboard,
    decision_keyboard,
    queue_keyboard,
    queue_text,
    reason_prompt,
    reason_refused_text,
    review_text,
    verdict_text,
)
from handlers.common import answer_stale_button, pressed, reply, typed_text

log = logging.getLogger(__name__)

_REASONED = {ModerationAction.CHANGES: Decision.REQUEST_CHANGES,
             ModerationAction.REFUSE: Decision.REJECT}  # fmt: skip


def _reserved(t: Translator) -> str:
    return t.gettext("Cette commande est réservée à l’équipe de modération.")


def _is_private(update: Update) -> bool:
    """A private chat has the main menu; the moderation group has not."""
    return update.effective_chat is None or update.effective_chat.type == ChatType.PRIVATE


async def moderation_command(update: Update, context: KengoContext) -> None:
    """/moderation: the projects waiting for a decision, oldest first, then the pledges in
    anomaly, most recent first."""
    t = await context.translator(update)
    if not context.runtime.is_moderator((await context.profile(update)).id):
        await reply(update, _reserved(t), main_menu(t))
        return
    await _show_queue(update, context, t)


async def _show_queue(update: Update, context: KengoContext, t: Translator) -> None:
    reviews, total = await context.services.moderation.queue()
    anomalies, anomaly_total = await context.services.moderation.anomalies()
    text = queue_text(t, reviews, total, anomalies, anomaly_total)
    await reply(update, text, queue_keyboard(t, reviews, private=_is_private(update)))


async def announce(context: KengoContext, project_id: int) -> None:
    """Show a new submission to every moderator and to the moderation group."""
    runtime = context.runtime
    review = await runtime.services.moderation.review(project_id)
    if review is None:
        return
    chats = set(runtime.settings.moderator_ids)
    if runtime.settings.moderation_chat_id is not None:
        chats.add(runtime.settings.moderation_chat_id)
    for chat_id in sorted(chats):
        locale = await runtime.services.users.locale_of(chat_id)
        try:
            await _send_review(context, runtime.catalogs.translator(locale), chat_id, review)
        except TelegramError as error:  # one unreachable moderator must not stop the others
            log.warning("submission %s not shown in chat %s: %s", project_id, chat_id, error)


async def _send_review(context: KengoContext, t: Translator, chat_id: int, review: Review) -> None:
    """The card as contributors will see it, then the panel with the decision buttons."""
    photo = review.card.summary.photo_file_id
    card = render_card(t, review.card, as_caption=photo is not None)
    if photo:
        await context.bot.send_photo(chat_id, photo, caption=card.text)
    else:
        await context.bot.send_message(chat_id, card.text)
    if card.truncated:  # moderators decide on all of it: the rest comes before the panel
        await context.bot.send_message(chat_id, full_description(t, review.card))
    await context.bot.send_message(
        chat_id,
        review_text(t, review),
        reply_markup=decision_keyboard(t, review.project_id),
    )


async def moderation_button(update: Update, context: KengoContext) -> None:
    """View, approve, or start asking for changes / refusing (the reason is typed next)."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_moderation)
    if button is None:
        return
    query, (action, project_id) = button
    moderator_id = query.from_user.id
    if not context.runtime.is_moderator(moderator_id):
        log.warning("moderation refused: user %s is not a moderator (%s)", moderator_id,
                    query.data, extra={"update_id": update.update_id})  # fmt: skip
        await query.answer(_reserved(t), show_alert=True)
        return
    if action is ModerationAction.QUEUE:
        await query.answer()
        await _show_queue(update, context, t)
        return
    moderation = context.services.moderation
    review = await moderation.review(project_id)
    if review is None:
        await answer_stale_button(update, t)
        return
    if action is ModerationAction.VIEW:
        await query.answer()
        chat_id = query.message.chat.id if query.message else moderator_id
        await _send_review(context, t, chat_id, review)
    elif action is ModerationAction.APPROVE:
        verdict = await moderation.decide(moderator_id, project_id, Decision.APPROVE)
        await query.answer(verdict_text(t, verdict), show_alert=not verdict.decided)
        await _close_panel(
            query.message,
            verdict_text(t, verdict),
            after_decision_keyboard(t, private=_is_private(update)),
        )
    else:
        await _ask_reason(query, context, t, _REASONED[action], review)


async def _ask_reason(
    query: CallbackQuery, context: KengoContext, t: Translator, decision: Decision,
    review: Review,
) -> None:  # fmt: skip
    moderator_id = query.from_user.id
    if review.status is not ProjectStatus.IN_REVIEW:
        verdict = await context.services.moderation.outcome(review.project_id)
        await query.answer(verdict_text(t, verdict), show_alert=True)
        return
    mode = ModerationReason(decision, review.project_id)
    try:
        # Asked in the private chat, whether the button was pressed there or in the group.
        await context.bot.send_message(
            moderator_id, reason_prompt(t, decision, review.card.summary.title)
        )
    except Forbidden:
        await query.answer(
            t.gettext("Écrivez-moi d’abord en privé (/start), puis appuyez à nouveau."),
            show_alert=True,
        )
        return
    await context.services.users.set_input_mode(moderator_id, mode)
    await query.answer()


async def typed_reason(update: Update, context: KengoContext, mode: ModerationReason) -> None:
    """The reason a moderator typed: the decision is taken now (unless someone was first)."""
    t = await context.translator(update)
    profile = await context.profile(update)
    reason = typed_text(update).strip()
    low, high = REASON_LIMITS
    if not context.runtime.is_moderator(profile.id):
        await context.services.users.set_input_mode(profile.id, None)
        await reply(update, _reserved(t), main_menu(t))
        return
    if not low <= len(reason) <= high:
        await reply(update, reason_refused_text(t, low, high))
        return
    await context.services.users.set_input_mode(profile.id, None)
    try:
        verdict = await context.services.moderation.decide(
            profile.id, mode.project_id, mode.decision, reason
        )
    except UnknownProject:
        await reply(
            update, t.gettext("Ce projet n’existe plus."), after_decision_keyboard(t, private=True)
        )
        return
    await reply(update, verdict_text(t, verdict), after_decision_keyboard(t, private=True))


async def _close_panel(message: object, text: str, markup: InlineKeyboardMarkup) -> None:
    """Replace the decision buttons of the pressed panel with what was decided, and the way on
    to the other waiting projects."""
    if isinstance(message, Message) and message.text is not None:
        try:
            await message.edit_text(f"{message.text_html}\n\n{text}", reply_markup=markup)
        except TelegramError as error:
            log.debug("moderation panel not edited: %s", error)
