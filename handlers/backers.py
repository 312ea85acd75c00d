"""The owner's backers: a page of paid pledges per reward, the CSV export, and writing to the
contributors of one reward (typed like a news post: handlers/owner.py takes it from there)."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import BackersAction, BackersButton
from bot.conversation.inputs import NewsPost
from bot.i18n.translator import Translator
from bot.views import backers as views
from handlers.common import pressed, reply, show


async def backers_button(update: Update, context: KengoContext) -> None:
    """Every press checks that the presser owns the project (buttons can be forged)."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_backers)
    if button is None:
        return
    query, choice = button
    service = context.services.backers
    page = await service.page(query.from_user.id, choice.project_id, choice.tier_id, choice.page)
    if page is None:
        await _refuse(update, t)
        return
    if choice.action is BackersAction.PAGE:
        await query.answer()
        await show(update, views.backers_text(t, page),
                   views.backers_keyboard(t, page, can_write=page.writable))  # fmt: skip
    elif choice.action is BackersAction.EXPORT:
        await _export(update, context, t, choice)
    elif not page.writable:
        await query.answer(
            t.gettext("Ce projet n’a plus de campagne à livrer : pas de message possible."),
            show_alert=True,
        )
    else:
        await query.answer()
        reward = next(x.title for x in page.tiers if x.tier_id == choice.tier_id)
        mode = NewsPost(choice.project_id, choice.tier_id)
        await context.services.users.set_input_mode(query.from_user.id, mode)
        await reply(update, views.write_prompt(t, reward))


async def _export(
    update: Update, context: KengoContext, t: Translator, choice: BackersButton
) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    export = await context.services.backers.export(query.from_user.id, choice.project_id)
    if export is None:
        await _refuse(update, t)
        return
    await query.answer()
    slug, backers = export
    await chat.send_document(
        views.backers_csv(t, backers),
        filename=views.csv_filename(slug),
        caption=views.csv_caption(t, len(backers)),
        reply_markup=views.back_to_backers(t, choice.project_id, choice.tier_id),
    )


async def _refuse(update: Update, t: Translator) -> None:
    """Someone else's project (or a reward that is not its own): nothing is shown."""
    if update.callback_query is not None:
        await update.callback_query.answer(
            t.gettext("Seul le porteur du projet voit la liste de ses contributeurs."),
            show_alert=True,
        )
