"""Partner matches: moderators attach one to a live project step by step, withdraw it, and
export the partners' report (CSV). A match never moves money through Stripe.

Only the ids of `MODERATOR_IDS` may act, in their private chat (the steps ask for typing). The
typed answers arrive in input mode `MatchAnswer` (`match:<n/v/d>:<draft id>`): the partner's
name, then the threshold or the cap, then the end date.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import MatchAction, MatchButton
from bot.conversation.inputs import MatchAnswer, MatchStep
from bot.domain import MatchProblem
from bot.i18n.translator import Translator
from bot.services.matching import LIVE_PAGE, MatchRefused
from bot.views import match_moderation as views
from bot.views import matching_report as report
from bot.views.menus import main_menu
from handlers.common import pressed, reply, show, typed_text

log = logging.getLogger(__name__)

Step = Callable[[Update, KengoContext, Translator, MatchButton], Awaitable[None]]
# Refusals after which the draft or the match is no more: the moderator starts again.
_FINAL = (MatchProblem.GONE, MatchProblem.NOT_LIVE, MatchProblem.ALREADY_MATCHED)


async def matches_button(update: Update, context: KengoContext) -> None:
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_match)
    if button is None:
        return
    query, choice = button
    if not context.runtime.is_moderator(query.from_user.id):
        log.warning("partner match refused: user %s is not a moderator (%s)",
                    query.from_user.id, query.data)  # fmt: skip
        await query.answer(views.reserved_text(t), show_alert=True)
        return
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await query.answer(views.private_only_text(t), show_alert=True)
        return
    await query.answer()
    try:
        await _STEPS[choice.action](update, context, t, choice)
    except MatchRefused as refusal:
        await _refused(update, context, t, refusal, query.from_user.id)


async def _refused(
    update: Update, context: KengoContext, t: Translator, refusal: MatchRefused, user_id: int
) -> None:
    if refusal.problem in _FINAL:
        await context.services.users.set_input_mode(user_id, None)
    project_id = refusal.draft.project_id if refusal.draft else None
    text = views.refusal_text(t, refusal.problem, refusal.draft)
    if refusal.problem not in _FINAL and refusal.draft is not None:
        # A typed answer refused: the prompt still waits for one, or the draft can be dropped.
        await reply(update, text, views.drop_keyboard(t, refusal.draft))
    else:
        await reply(update, text, views.after_keyboard(t, project_id))


async def _list(update: Update, context: KengoContext, t: Translator, choice: MatchButton) -> None:
    matches = context.services.matches
    page = choice.target_id
    items, total = await matches.live_projects(page, t.locale)
    pages = max(1, math.ceil(total / LIVE_PAGE))
    if page >= pages:  # the list shrank since its buttons were sent: its last page
        page = pages - 1
        items, total = await matches.live_projects(page, t.locale)
    text = views.live_projects_text(t, items, total, page, pages)
    await show(update, text, views.live_projects_keyboard(t, items, page, pages))


async def _project(
    update: Update, context: KengoContext, t: Translator, choice: MatchButton
) -> None:
    found = await context.services.matches.project(choice.target_id, t.locale)
    if found is None:
        raise MatchRefused(MatchProblem.GONE)
    project, match = found
    await show(
        update, views.project_text(t, project, match), views.project_keyboard(t, project, match)
    )


async def _new(update: Update, context: KengoContext, t: Translator, choice: MatchButton) -> None:
    moderator_id = _user_id(update)
    draft = await context.services.matches.start(moderator_id, choice.target_id)
    await context.services.users.set_input_mode(
        moderator_id, MatchAnswer(MatchStep.NAME, draft.draft_id)
    )
    await show(update, views.name_prompt(t, draft), views.drop_keyboard(t, draft))


async def _rule(update: Update, context: KengoContext, t: Translator, choice: MatchButton) -> None:
    if choice.rule is None:  # parse_match gives a rule with this action
        return
    moderator_id = _user_id(update)
    draft = await context.services.matches.rule(moderator_id, choice.target_id, choice.rule)
    await context.services.users.set_input_mode(
        moderator_id, MatchAnswer(MatchStep.VALUE, draft.draft_id)
    )
    await show(update, views.value_prompt(t, draft), views.drop_keyboard(t, draft))


async def _campaign_end(
    update: Update, context: KengoContext, t: Translator, choice: MatchButton
) -> None:
    moderator_id = _user_id(update)
    draft = await context.services.matches.end(moderator_id, choice.target_id, None)
    await context.services.users.set_input_mode(moderator_id, None)
    await show(update, views.recap_text(t, draft), views.recap_keyboard(t, draft))


async def _confirm(
    update: Update, context: KengoContext, t: Translator, choice: MatchButton
) -> None:
    moderator_id = _user_id(update)
    draft = await context.services.matches.draft(moderator_id, choice.target_id)
    match = await context.services.matches.confirm(moderator_id, choice.target_id)
    await context.services.users.set_input_mode(moderator_id, None)
    text = views.confirmed_text(t, match, draft.title)
    await show(update, text, views.after_keyboard(t, match.project_id))


async def _drop(update: Update, context: KengoContext, t: Translator, choice: MatchButton) -> None:
    moderator_id = _user_id(update)
    await context.services.matches.drop(moderator_id, choice.target_id)
    await context.services.users.set_input_mode(moderator_id, None)
    await show(update, views.dropped_text(t), views.after_keyboard(t))


async def _withdraw(
    update: Update, context: KengoContext, t: Translator, choice: MatchButton
) -> None:
    project, match = await context.services.matches.match(choice.target_id)
    text = views.withdraw_prompt(t, match, project.title)
    await show(update, text, views.withdraw_keyboard(t, match))


async def _withdrawn(
    update: Update, context: KengoContext, t: Translator, choice: MatchButton
) -> None:
    match = await context.services.matches.withdraw(_user_id(update), choice.target_id)
    await show(update, views.withdrawn_text(t, match), views.after_keyboard(t, match.project_id))


async def _export(
    update: Update, context: KengoContext, t: Translator, choice: MatchButton
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    reports = await context.services.matches.reports()
    await chat.send_document(
        report.reports_csv(t, reports),
        filename=report.FILENAME,
        caption=report.reports_caption(t, len(reports)),
        reply_markup=views.after_keyboard(t),
    )


def _user_id(update: Update) -> int:
    user = update.effective_user
    if user is None:  # a button press always has its user
        raise MatchRefused(MatchProblem.GONE)
    return user.id


_STEPS: dict[MatchAction, Step] = {
    MatchAction.LIST: _list,
    MatchAction.PROJECT: _project,
    MatchAction.NEW: _new,
    MatchAction.RULE: _rule,
    MatchAction.CAMPAIGN_END: _campaign_end,
    MatchAction.CONFIRM: _confirm,
    MatchAction.DROP: _drop,
    MatchAction.WITHDRAW: _withdraw,
    MatchAction.WITHDRAW_CONFIRMED: _withdrawn,
    MatchAction.EXPORT: _export,
}


async def typed_answer(update: Update, context: KengoContext, mode: MatchAnswer) -> None:
    """The partner's name, the threshold or cap, or the end date a moderator typed."""
    t = await context.translator(update)
    profile = await context.profile(update)
    users, matches = context.services.users, context.services.matches
    if not context.runtime.is_moderator(profile.id):
        await users.set_input_mode(profile.id, None)
        await reply(update, views.reserved_text(t), main_menu(t))
        return
    text = typed_text(update)
    try:
        if mode.step is MatchStep.NAME:
            draft = await matches.name(profile.id, mode.draft_id, text)
            # Still in this mode: typing again corrects the name.
            await reply(update, views.rule_prompt(t, draft), views.rule_keyboard(t, draft))
        elif mode.step is MatchStep.VALUE:
            draft = await matches.value(profile.id, mode.draft_id, text)
            await users.set_input_mode(profile.id, MatchAnswer(MatchStep.END, draft.draft_id))
            await reply(update, views.end_prompt(t, draft), views.end_keyboard(t, draft))
        else:
            draft = await matches.end(profile.id, mode.draft_id, text)
            await users.set_input_mode(profile.id, None)
            await reply(update, views.recap_text(t, draft), views.recap_keyboard(t, draft))
    except MatchRefused as refusal:
        await _refused(update, context, t, refusal, profile.id)


async def forget_draft(context: KengoContext, moderator_id: int, draft_id: int) -> None:
    """/annuler while a match is being written: the draft goes (it may be gone already)."""
    with contextlib.suppress(MatchRefused):
        await context.services.matches.drop(moderator_id, draft_id)
