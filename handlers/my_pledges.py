"""The pledges once made: /mes_soutiens (also from the menu), the return from Stripe's payment
page (`/start paid-<pledge>` or `cancel-<pledge>`), and the contributor's answer after their
reward sold out before the payment landed; /mes_donnees (also from /mes_soutiens): what is
stored about the contributor, and its erasure after the campaign."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import MyDataAction
from bot.telegram.deeplinks import parse_return, payment_return_url
from bot.views import my_data as data_views
from bot.views import my_pledges as views
from bot.views.menus import project_way_on
from handlers.common import answer_stale_button, pressed, reply, show


async def my_pledges(update: Update, context: KengoContext) -> None:
    """/mes_soutiens: the user's pledges with their status and a link to each project, and an
    alert on the next project of each owner they paid (the latest few)."""
    t = await context.translator(update)
    profile = await context.profile(update)
    lines = await context.services.pledges.my_pledges(profile.id)
    owners = await context.services.alerts.owners_backed(profile.id)
    keyboard = views.my_pledges_keyboard(t, lines, owners)
    await show(update, views.my_pledges_text(t, lines), keyboard)


async def returned_from_payment(update: Update, context: KengoContext, payload: str) -> bool:
    """The payment page sent the user back (`paid-<id>` / `cancel-<id>`); False if not that."""
    parsed = parse_return(payload)
    if parsed is None:
        return False
    outcome, pledge_id = parsed
    t = await context.translator(update)
    profile = await context.profile(update)
    pledges = context.services.pledges
    if outcome == "cancel":
        return_url = payment_return_url(context.bot.username)
        line = await pledges.cancel(profile.id, pledge_id, return_url)
    else:
        line = await pledges.pledge(profile.id, pledge_id)
    if line is None:
        return False
    text = views.returned_text(t, outcome, line)
    await reply(update, text, project_way_on(t, line.project_id))
    return True


async def sold_out_button(update: Update, context: KengoContext) -> None:
    """The contributor's answer after their reward sold out: keep as a gift, or a refund."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_sold_out)
    if button is None:
        return
    query, (choice, pledge_id) = button
    line = await context.services.pledges.after_sold_out(query.from_user.id, pledge_id, choice)
    if line is None:
        await answer_stale_button(update, t)
        return
    await query.answer()
    await show(update, views.sold_out_answer_text(t, line), views.sold_out_answer_keyboard(t, line))


async def my_data(update: Update, context: KengoContext) -> None:
    """/mes_donnees: what is stored about the user, and the way to erase it."""
    t = await context.translator(update)
    profile = await context.profile(update)
    data = await context.services.backers.my_data(profile.id)
    if data is not None:
        await show(update, data_views.my_data_text(t, data), data_views.my_data_keyboard(t, data))


async def my_data_button(update: Update, context: KengoContext) -> None:
    """Show the stored data, ask before erasing it, or erase it."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_my_data)
    if button is None:
        return
    query, action = button
    await query.answer()
    service = context.services.backers
    if action is MyDataAction.ERASE:
        erased = await service.erase(query.from_user.id)
        await show(update, data_views.erased_text(t, erased), data_views.erased_keyboard(t))
        return
    data = await service.my_data(query.from_user.id)
    if data is None:
        return
    if action is MyDataAction.ASK and any(p.erasable for p in data.pledges):
        await show(update, data_views.confirm_text(t, data), data_views.confirm_keyboard(t))
    else:
        await show(update, data_views.my_data_text(t, data), data_views.my_data_keyboard(t, data))
