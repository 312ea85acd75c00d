"""Moderation: submissions reach the moderators, who approve, ask for changes or refuse.

Only the ids of `MODERATOR_IDS` may decide, wherever they press (their private chat or the
`MODERATION_CHAT_ID` group); anyone else's press is refused and logged. A reason is typed in
the moderator's private chat (input mode `ModerationReason`: `reason:<c|r>:<project id>`).
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import ModerationAction
from bot.conversation.inputs import ModerationReason
from bot.domain import Claim, Decision, PanelMessage, ProjectStatus, Review, Verdict, utcnow
from bot.i18n.translator import Translator
from bot.services.moderation import REASON_LIMITS, UnknownProject
from bot.services.moderation_submissions import CLAIM_EXPIRY
from bot.views.menus import main_menu
from bot.views.moderation import (
    after_decision_keyboard,
    claim_taken_text,
    decision_keyboard,
    held_text,
    queue_keyboard,
    queue_text,
    reason_prompt,
    reason_refused_text,
    take_over_keyboard,
    take_over_text,
    verdict_text,
)
from bot.views.moderation_panel import closed_panel_text, panel_caption, panel_texts
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
    review = await runtime.services.moderation.submitted(project_id)
    if review is None:
        return
    chats = set(runtime.settings.moderator_ids)
    if runtime.settings.moderation_chat_id is not None:
        chats.add(runtime.settings.moderation_chat_id)
    for chat_id in sorted(chats):
        t = await _translator_for(context, chat_id)
        try:
            await _send_review(context, t, chat_id, review)
        except TelegramError as error:  # one unreachable moderator must not stop the others
            log.warning("submission %s not shown in chat %s: %s", project_id, chat_id, error)


async def _translator_for(context: KengoContext, chat_id: int) -> Translator:
    locale = await context.runtime.services.users.locale_of(chat_id)
    return context.runtime.catalogs.translator(locale)


async def _send_review(context: KengoContext, t: Translator, chat_id: int, review: Review) -> None:
    """The photo with a short caption, then the whole submission in as many messages as it
    takes, the decision buttons under the last; each message is remembered, to be closed
    once the submission is decided."""
    sent: list[PanelMessage] = []
    photo = review.card.summary.photo_file_id
    try:
        if photo:
            message = await context.bot.send_photo(chat_id, photo, caption=panel_caption(t, review))
            sent.append(PanelMessage(chat_id, message.message_id, False, True))
        texts = panel_texts(t, review)
        for number, text in enumerate(texts, start=1):
            last = number == len(texts)
            claimed_by = review.claim.name if review.claim else None
            markup = decision_keyboard(t, review.project_id, claimed_by) if last else None
            message = await context.bot.send_message(chat_id, text, reply_markup=markup)
            sent.append(PanelMessage(chat_id, message.message_id, last, False))
    finally:  # what was shown is closed later, even if the rest could not be sent
        if sent:
            await context.services.moderation.remember_panel(review.project_id, sent)


async def _close_panels(context: KengoContext, verdict: Verdict, pressed: object) -> None:
    """After a decision: every message of the panel, in every chat, says who decided what and
    when, without the decision buttons (the queue button stays as a way on)."""
    panels = list(verdict.panels)
    if isinstance(pressed, Message) and not any(
        (p.chat_id, p.message_id) == (pressed.chat.id, pressed.message_id) for p in panels
    ):  # a panel shown before panels were remembered
        panels.append(PanelMessage(pressed.chat.id, pressed.message_id, True, False))
    for panel in panels:
        t = await _translator_for(context, panel.chat_id)
        text = closed_panel_text(t, verdict)
        markup = (
            after_decision_keyboard(t, private=panel.chat_id > 0) if panel.has_buttons else None
        )
        try:
            if panel.is_caption:
                await context.bot.edit_message_caption(
                    panel.chat_id, panel.message_id, caption=text, reply_markup=markup
                )
            else:
                await context.bot.edit_message_text(
                    text, panel.chat_id, panel.message_id, reply_markup=markup
                )
        except TelegramError as error:  # deleted, or too old to edit: the others still are
            log.info("moderation panel %s/%s not closed: %s", panel.chat_id,
                     panel.message_id, error)  # fmt: skip


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
    elif action in (ModerationAction.CLAIM, ModerationAction.TAKE_OVER):
        await _claim(update, context, t, action is ModerationAction.TAKE_OVER, review)
    elif (holder := _held_by_another(review, moderator_id)) is not None:
        await query.answer(held_text(t, holder), show_alert=True)
    elif action is ModerationAction.APPROVE:
        verdict = await moderation.decide(moderator_id, project_id, Decision.APPROVE)
        await query.answer(verdict_text(t, verdict), show_alert=not verdict.decided)
        if verdict.decided:
            await _close_panels(context, verdict, query.message)
    else:
        await _ask_reason(query, context, t, _REASONED[action], review)


def _held_by_another(review: Review, moderator_id: int) -> Claim | None:
    """The claim of another moderator, while it holds (a day): they are reviewing it."""
    claim = review.claim
    if claim is None or claim.moderator_id == moderator_id:
        return None
    return claim if utcnow() - claim.since < CLAIM_EXPIRY else None


async def _claim(
    update: Update, context: KengoContext, t: Translator, take_over: bool, review: Review
) -> None:
    query = update.callback_query
    if query is None:  # only a button press comes here
        return
    moderator_id = query.from_user.id
    outcome = await context.services.moderation.claim(
        moderator_id, review.project_id, take_over=take_over
    )
    if outcome is None:
        verdict = await context.services.moderation.outcome(review.project_id)
        await query.answer(verdict_text(t, verdict), show_alert=True)
        return
    claim, mine = outcome
    if mine:
        await query.answer(claim_taken_text(t, review.card.summary.title), show_alert=True)
        await _show_claim(context, review.project_id, claim)
        return
    await query.answer(held_text(t, claim), show_alert=True)
    if utcnow() - claim.since >= CLAIM_EXPIRY:  # an old claim: offer to take it over
        await context.bot.send_message(
            query.message.chat.id if query.message else moderator_id,
            take_over_text(t, claim, review.card.summary.title),
            reply_markup=take_over_keyboard(t, review.project_id, private=_is_private(update)),
        )


async def _show_claim(context: KengoContext, project_id: int, claim: Claim) -> None:
    """Every panel's buttons now say who took the submission in hand, as the claim promised
    ("the other moderators will see it")."""
    for panel in await context.services.moderation.open_panels(project_id):
        if not panel.has_buttons:
            continue
        t = await _translator_for(context, panel.chat_id)
        markup = decision_keyboard(t, project_id, claim.name)
        try:
            await context.bot.edit_message_reply_markup(panel.chat_id, panel.message_id,
                                                        reply_markup=markup)  # fmt: skip
        except TelegramError as error:  # unchanged (claimed again), deleted or too old
            log.info("moderation panel %s/%s not updated: %s", panel.chat_id,
                     panel.message_id, error)  # fmt: skip


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
    if verdict.decided:
        await _close_panels(context, verdict, None)
