"""Launch alerts: "🔔 Prévenez-moi…" under a catalogue list or /mes_soutiens, and the list of
one's alerts in /settings (remove one, turn pages)."""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import callbacks
from bot.conversation.callbacks import AlertAction, AlertButton
from bot.domain import AlertTarget, ListView
from bot.i18n.translator import Translator
from bot.services.alerts import MAX_ALERTS, AlertRefused, TooManyAlerts
from bot.views import alerts as views
from handlers import browse, my_pledges
from handlers.common import answer_stale_button, pressed, show


async def alert_button(update: Update, context: KengoContext) -> None:
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_alert)
    if button is None:
        return
    _, pressed_button = button
    if pressed_button.view is not None:
        await _list_alert(update, context, t, pressed_button, pressed_button.view)
    elif pressed_button.action in (AlertAction.WATCH_OWNER, AlertAction.UNWATCH_OWNER):
        await _owner_alert(update, context, t, pressed_button)
    else:
        await _alert_list(update, context, t, pressed_button)


async def _list_alert(
    update: Update, context: KengoContext, t: Translator, button: AlertButton, view: ListView
) -> None:
    """Watch (or stop watching) what a catalogue list stands for, then show the list again."""
    query = update.callback_query
    if query is None:
        return
    service = context.services.alerts
    try:
        target = await service.list_target(query.from_user.id, view)
        if button.action is AlertAction.WATCH_LIST:
            note = views.watching_text(t, await service.subscribe(query.from_user.id, target))
        else:
            note = views.stopped_text(t, await service.unsubscribe(query.from_user.id, target))
    except TooManyAlerts:
        await query.answer()
        await show(update, views.too_many_text(t, MAX_ALERTS), views.refused_keyboard(t, view))
        return
    except AlertRefused:
        await answer_stale_button(update, t)
        return
    # Said in a toast too: pressed twice, the list would not change and the edit says nothing.
    await query.answer(views.toggled_toast(t, watching=button.action is AlertAction.WATCH_LIST))
    await browse.open_catalogue(update, context, view, new=False, note=note)


async def _owner_alert(
    update: Update, context: KengoContext, t: Translator, button: AlertButton
) -> None:
    """Watch (or stop watching) an owner's next project, from /mes_soutiens."""
    query = update.callback_query
    if query is None:
        return
    service = context.services.alerts
    wanted = AlertTarget(owner_id=button.number)
    watch = button.action is AlertAction.WATCH_OWNER
    try:
        if watch:
            target = await service.subscribe(query.from_user.id, wanted)
        else:
            target = await service.unsubscribe(query.from_user.id, wanted)
    except TooManyAlerts:
        await query.answer()
        await show(update, views.too_many_text(t, MAX_ALERTS), views.refused_keyboard(t))
        return
    except AlertRefused:
        await answer_stale_button(update, t)
        return
    await query.answer(views.owner_answer(t, target, watching=watch))
    await my_pledges.my_pledges(update, context)


async def _alert_list(
    update: Update, context: KengoContext, t: Translator, button: AlertButton
) -> None:
    """A page of one's alerts; after "remove", the same page without it. Another user's alert
    (forged data) or one removed already is not found: the list as it stands is shown."""
    query = update.callback_query
    if query is None:
        return
    service = context.services.alerts
    note = ""
    if button.action is AlertAction.REMOVE:
        removed = await service.remove(query.from_user.id, button.number)
        note = views.removed_text(t) if removed else views.gone_text(t)
    await query.answer()
    page = await service.page(query.from_user.id, button.page)
    await show(update, views.alerts_text(t, page, note=note), views.alerts_keyboard(t, page))
