"""Proposing a project: the guided, resumable submission wizard (drawn in propose.mmd).

The chat stays short: each question is a new message, edited once answered to show the answer
recorded; the preview is one message, edited in place after every change (its id is kept with
the draft, so this survives a restart); a refusal is one message with buttons to go on. The
texts are `bot.submission.views` and `messages`; the calls that send and edit them, `chat`.
"""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import WizardAction
from bot.conversation.inputs import WizardAnswer
from bot.i18n.translator import SUPPORTED_LOCALES, Translator
from bot.submission import chat
from bot.submission.answers import Incomplete, NotEditable, TooManyDrafts, WrongInput
from bot.submission.messages import (
    answered_text,
    continue_keyboard,
    out_of_place_keyboard,
    preview,
    refusal_keyboard,
    submitted_keyboard,
)
from bot.submission.replies import (
    description_received_text,
    refusal_text,
    saved_text,
    submitted_text,
    too_many_drafts_text,
    wrong_input_text,
)
from bot.submission.rules import Refusal, Step
from bot.submission.views import (
    intro_text,
    prompt,
    prompt_keyboard,
    resume_keyboard,
    resume_text,
    typed_choice,
)
from bot.submission.wizard import Draft
from handlers import moderate
from handlers.common import answer_stale_button, pressed, reply, show


async def propose(update: Update, context: KengoContext) -> None:
    """/proposer and the menu's button: continue the latest draft, or start one."""
    t = await context.translator(update)
    profile = await context.profile(update)
    draft = await context.services.wizard.latest_draft(profile.id)
    if draft is not None:
        await show(update, resume_text(t, draft), resume_keyboard(t, draft))
        return
    await _start(update, context, t)


async def _start(update: Update, context: KengoContext, t: Translator) -> None:
    profile = await context.profile(update)
    try:
        draft = await context.services.wizard.start(profile.id)
    except TooManyDrafts:
        await reply(update, too_many_drafts_text(t))
        return
    text, keyboard = prompt(t, draft)
    sent = await chat.send(update, f"{intro_text(t)}\n\n{text}", keyboard)
    await context.services.wizard.remember(profile.id, draft.project_id, prompt=sent)


async def _show(
    update: Update,
    context: KengoContext,
    t: Translator,
    draft: Draft,
    *,
    fresh: bool = False,
    typed: str | None = None,
) -> None:
    """Ask the step the draft is at (a new message), or bring the preview up to date.

    The question answered just before, if any, is marked with the answer recorded (`typed`:
    the text that answered it). `fresh`: the preview is sent anew at the bottom of the chat
    (the owner comes back to the draft).
    """
    owner, wizard = draft_owner(update), context.services.wizard
    if draft.position.step is Step.PREVIEW:
        rendered = preview(t, draft)
        edited = not fresh and await chat.edit_preview(update, draft, rendered)
        await _mark_answered(update, t, draft, refreshed=edited, typed=typed)
        sent = None if edited else await chat.send_preview(update, rendered)
        await wizard.remember(owner, draft.project_id, preview=sent, answered=True,
                              preview_shown=edited or sent is not None)  # fmt: skip
        return
    again = draft.answered is draft.position.step  # a reward deleted, a commune to retype
    if again and draft.position.step is Step.TIERS:
        await chat.edit(update, draft.prompt_message_id, *prompt(t, draft))
        return
    if not again:
        await _mark_answered(update, t, draft, typed=typed)
    sent = await chat.send(update, *prompt(t, draft))
    await wizard.remember(owner, draft.project_id, prompt=sent)


async def _mark_answered(
    update: Update,
    t: Translator,
    draft: Draft,
    *,
    refreshed: bool = False,
    typed: str | None = None,
) -> None:
    if draft.answered is not None and draft.prompt_message_id is not None:
        text = answered_text(t, draft.answered, draft, refreshed=refreshed, typed=typed)
        await chat.edit(update, draft.prompt_message_id, text, None)


async def wizard_button(update: Update, context: KengoContext) -> None:
    """A button of the wizard: a step's answer, or continue / edit / save / submit."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_wizard)
    if button is None:
        return
    query, (action, project_id, value) = button
    owner_id = query.from_user.id
    wizard = context.services.wizard
    fresh = False
    try:
        if action == WizardAction.NEW:
            await query.answer()
            await _start(update, context, t)
            return
        if action == WizardAction.SAVE:
            draft = await wizard.save(owner_id, project_id)
            await query.answer()
            await reply(update, saved_text(t), continue_keyboard(t, draft))
            return
        if action == WizardAction.SEND:
            draft = await wizard.submit(owner_id, project_id)
            await query.answer()
            await reply(update, submitted_text(t, draft.card.summary.title), submitted_keyboard(t))
            await moderate.announce(context, project_id)
            return
        if action == WizardAction.OPEN:
            draft, fresh = await wizard.open(owner_id, project_id, resume=True), True
        elif action == WizardAction.EDIT:
            draft = await wizard.edit(owner_id, project_id, Step(value))
        else:
            draft = await wizard.choose(owner_id, project_id, Step(action), value)
    except (NotEditable, ValueError):  # an old button, or data no button of ours carries
        await answer_stale_button(update, t)
        await _ask_again(update, context, t, project_id)
        return
    except Refusal as refusal:
        await query.answer()
        await _refuse(update, context, t, refusal, project_id)
        return
    except Incomplete:  # the draft now stands at the first step left unanswered
        await query.answer()
        await _show(update, context, t, await wizard.open(owner_id, project_id))
        return
    await query.answer()
    pressed_on = query.message.message_id if query.message is not None else None
    if draft.answered is not None and pressed_on not in (None, draft.prompt_message_id):
        # Pressed under a refusal: its buttons go, as the question's do.
        await chat.attempt(update, "editMessageReplyMarkup", message_id=pressed_on)
    await _show(update, context, t, draft, fresh=fresh)


async def _ask_again(update: Update, context: KengoContext, t: Translator, project_id: int) -> None:
    """After a button of an earlier step: the question the draft is waiting for, if any."""
    profile = await context.profile(update)
    try:
        draft = await context.services.wizard.open(profile.id, project_id)
    except NotEditable:  # not (or no longer) this user's draft: the alert said enough
        return
    await _show(update, context, t, draft)


async def _refuse(
    update: Update, context: KengoContext, t: Translator, refusal: Refusal, project_id: int
) -> None:
    """Why the answer does not fit, with the buttons to go on; the question stays open."""
    draft = await context.services.wizard.open(draft_owner(update), project_id)
    await reply(update, refusal_text(t, refusal), refusal_keyboard(t, refusal, draft))


async def typed(update: Update, context: KengoContext, mode: WizardAnswer) -> None:
    """A text or a photo sent while the wizard waits for an answer."""
    t = await context.translator(update)
    message = update.effective_message
    profile = await context.profile(update)
    project_id = mode.project_id
    wizard = context.services.wizard
    if message is None:
        return
    try:
        if message.photo:
            draft = await wizard.photo(profile.id, project_id, message.photo[-1].file_id)
        else:
            text, catalogs = message.text or "", context.runtime.catalogs
            both = [catalogs.translator(locale) for locale in SUPPORTED_LOCALES]
            draft = await wizard.answer(
                profile.id, project_id, text, lambda at: typed_choice(both, at, text)
            )
    except Refusal as refusal:
        await _refuse(update, context, t, refusal, project_id)
        return
    except WrongInput as wrong:
        draft = await wizard.open(profile.id, project_id)
        await reply(update, wrong_input_text(t, wrong.step), out_of_place_keyboard(t, draft))
        return
    except NotEditable:  # submitted or decided meanwhile (another device, a moderator)
        await context.services.users.set_input_mode(profile.id, None)
        await reply(update, t.gettext("Ce brouillon n’est plus modifiable. Tapez /mes_projets."))
        return
    if draft.position.step is Step.DESCRIPTION and draft.position.appending:
        await _description_received(update, context, t, draft)
        return
    await _show(update, context, t, draft, typed=None if message.photo else message.text)


async def _description_received(
    update: Update, context: KengoContext, t: Translator, draft: Draft
) -> None:
    """A part of the description: counted in a new message whose "Terminé" replaces the
    previous count's. The question before the first part has a button only when asked from
    the preview ("Garder la réponse actuelle", no longer true): else it is left alone
    (Telegram refuses an edit that changes nothing)."""
    if (draft.further_part or draft.position.editing) and draft.prompt_message_id is not None:
        await chat.attempt(update, "editMessageReplyMarkup", message_id=draft.prompt_message_id)
    text = description_received_text(t, draft.description_length)
    sent = await chat.send(update, text, prompt_keyboard(t, draft))
    await context.services.wizard.remember(draft_owner(update), draft.project_id, prompt=sent)


async def unexpected(update: Update, context: KengoContext, mode: WizardAnswer) -> None:
    """Neither a text nor a photo (a file, a sticker…): say what the step expects, with its
    buttons."""
    t = await context.translator(update)
    profile = await context.profile(update)
    try:
        draft = await context.services.wizard.open(profile.id, mode.project_id)
    except NotEditable:
        await context.services.users.set_input_mode(profile.id, None)
        return
    step = draft.position.step
    await reply(update, wrong_input_text(t, step), out_of_place_keyboard(t, draft))


def draft_owner(update: Update) -> int:
    user = update.effective_user
    return user.id if user is not None else 0
