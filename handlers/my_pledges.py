"""The pledges once made: /mes_soutiens (also from the menu), the return from Stripe's payment
page (`/start paid-<pledge>` or `cancel-<pledge>`), and the contributor's answer after their
reward sold out before the payment landed."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.telegram.deeplinks import parse_return, payment_return_url
from bot.views import my_pledges as views
from bot.views.menus import project_way_on
from handlers.common import answer_stale_button, pressed, reply, show


async def my_pledges(update: Update, context: KengoContext) -> None:
    """/mes_soutiens: the user's pledges with their status and a link to each project."""
    t = await context.translator(update)
    profile = await context.profile(update)
    lines = await context.services.pledges.my_pledges(profile.id)
    await show(update, views.my_pledges_text(t, lines), views.my_pledges_keyboard(t, lines))


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
