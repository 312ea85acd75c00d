"""Proposing a project: the guided, resumable submission wizard (drawn in submit.mmd)."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import WizardAction
from bot.conversation.inputs import WizardAnswer
from bot.i18n.translator import Translator
from bot.submission.answers import Incomplete, NotEditable, TooManyDrafts, WrongInput
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
    preview_header,
    preview_keyboard,
    prompt,
    prompt_keyboard,
    resume_keyboard,
    resume_text,
)
from bot.submission.wizard import Draft
from bot.views.card import full_description, render_card
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
    await reply(update, f"{intro_text(t)}\n\n{text}", keyboard)


async def ask(update: Update, t: Translator, draft: Draft) -> None:
    """Ask the question of the step the draft is at (the preview: header, then the card)."""
    if draft.position.step is not Step.PREVIEW:
        await reply(update, *prompt(t, draft))
        return
    await reply(update, preview_header(t, draft))
    photo = draft.card.summary.photo_file_id
    card = render_card(t, draft.card, as_caption=photo is not None)
    if card.truncated:  # the owner rereads all of it, and sees what the card leaves out
        await reply(update, full_description(t, draft.card))
    if photo and update.effective_chat is not None:
        await update.effective_chat.send_photo(
            photo, caption=card.text, reply_markup=preview_keyboard(t, draft)
        )
    else:
        await reply(update, card.text, preview_keyboard(t, draft))


async def wizard_button(update: Update, context: KengoContext) -> None:
    """A button of the wizard: a step's answer, or continue / edit / save / submit."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_wizard)
    if button is None:
        return
    query, (action, project_id, value) = button
    owner_id = query.from_user.id
    wizard = context.services.wizard
    try:
        if action == WizardAction.NEW:
            await query.answer()
            await _start(update, context, t)
            return
        if action == WizardAction.SAVE:
            await wizard.save(owner_id, project_id)
            await query.answer()
            await reply(update, saved_text(t))
            return
        if action == WizardAction.SEND:
            draft = await wizard.submit(owner_id, project_id)
            await query.answer()
            await reply(update, submitted_text(t, draft.card.summary.title))
            await moderate.announce(context, project_id)
            return
        if action == WizardAction.OPEN:
            draft = await wizard.open(owner_id, project_id)
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
        await reply(update, refusal_text(t, refusal))
        return
    except Incomplete:  # the draft now stands at the first step left unanswered
        await query.answer()
        await ask(update, t, await wizard.open(owner_id, project_id))
        return
    await query.answer()
    await ask(update, t, draft)


async def _ask_again(update: Update, context: KengoContext, t: Translator, project_id: int) -> None:
    """After a button of an earlier step: the question the draft is waiting for, if any."""
    profile = await context.profile(update)
    try:
        draft = await context.services.wizard.open(profile.id, project_id)
    except NotEditable:  # not (or no longer) this user's draft: the alert said enough
        return
    await ask(update, t, draft)


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
            draft = await wizard.answer(profile.id, project_id, message.text or "")
    except Refusal as refusal:
        await reply(update, refusal_text(t, refusal))
        return
    except WrongInput as wrong:
        await reply(update, wrong_input_text(t, wrong.step))
        await ask(update, t, await wizard.open(profile.id, project_id))
        return
    except NotEditable:  # submitted or decided meanwhile (another device, a moderator)
        await context.services.users.set_input_mode(profile.id, None)
        await reply(update, t.gettext("Ce brouillon n'est plus modifiable. Tapez /mes_projets."))
        return
    if draft.position.step is Step.DESCRIPTION and draft.position.appending:
        await reply(
            update,
            description_received_text(t, draft.description_length),
            prompt_keyboard(t, draft),
        )
        return
    await ask(update, t, draft)


async def unexpected(update: Update, context: KengoContext, mode: WizardAnswer) -> None:
    """Neither a text nor a photo (a file, a sticker…): say what the step expects, ask again."""
    t = await context.translator(update)
    profile = await context.profile(update)
    try:
        draft = await context.services.wizard.open(profile.id, mode.project_id)
    except NotEditable:
        await context.services.users.set_input_mode(profile.id, None)
        return
    await reply(update, wrong_input_text(t, draft.position.step))
    await ask(update, t, draft)
