"""Discover projects: /projets, the catalogue pages, filters, "near me" and free-text search."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.catalogue.service import StaleList
from bot.context import KengoContext
from bot.conversation import callbacks, inputs
from bot.domain import CataloguePage, Departement, ListView
from bot.views.catalogue import (
    catalogue_keyboard,
    catalogue_text,
    filter_keyboard,
    filter_text,
    home_forgotten_text,
    home_keyboard,
    home_question,
    located_text,
    your_home_text,
)
from handlers.common import pressed, reply, show


async def show_page(
    update: Update,
    context: KengoContext,
    page: CataloguePage,
    *,
    new: bool,
    note: str = "",
    near_me: bool = False,
) -> None:
    t = await context.translator(update)
    user_id = update.effective_user.id if update.effective_user else 0
    alert = await context.services.alerts.offered(user_id, page.view, page.query)
    text = catalogue_text(t, page, note=note)
    keyboard = catalogue_keyboard(t, page, near_me=near_me, alert=alert)
    if new:
        await reply(update, text, keyboard)
    else:
        await show(update, text, keyboard)


async def open_catalogue(
    update: Update,
    context: KengoContext,
    view: ListView,
    *,
    new: bool,
    note: str = "",
    near_me: bool = False,
) -> None:
    """Show a page of the catalogue; a stale search falls back to the whole catalogue.

    `note` goes above the list; `near_me`: the list is the user's own département's.
    """
    profile = await context.profile(update)
    t = await context.translator(update)
    catalogue = context.services.catalogue
    mode = inputs.decode(profile.input_mode)
    try:
        page = await catalogue.browse(profile.id, view, input_mode=mode, locale=t.locale)
    except StaleList:
        if update.callback_query is not None:
            await update.callback_query.answer(
                t.gettext("Cette liste a changé depuis : voici la liste à jour.")
            )
        page = await catalogue.browse(
            profile.id, ListView(sort=view.sort), input_mode=mode, locale=t.locale
        )
    await show_page(update, context, page, new=new, note=note, near_me=near_me)


async def catalogue_command(update: Update, context: KengoContext) -> None:
    """/projets [words]: the catalogue, or a search when words follow."""
    if context.args:
        await search(update, context, " ".join(context.args), ListView())
    else:
        await open_catalogue(update, context, ListView(), new=True)


async def list_page(update: Update, context: KengoContext) -> None:
    """A page, filter or sort chosen with the list's buttons."""
    button = await pressed(update, await context.translator(update), callbacks.parse_list_page)
    if button is None:
        return
    query, view = button
    await open_catalogue(update, context, view, new=False)
    await query.answer()


async def list_filter(update: Update, context: KengoContext) -> None:
    """Show the choices of one filter (category, département, sort)."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_list_filter)
    if button is None:
        return
    query, (kind, view) = button
    await query.answer()
    await show(update, filter_text(t, kind), filter_keyboard(t, kind, view))


async def near_me(update: Update, context: KengoContext) -> None:
    """Projects of the user's own département: asked once and remembered, shown with it, and
    changed or forgotten from the choice it leads to."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_near_me)
    if button is None:
        return
    query, (choose, view) = button
    home = await context.services.catalogue.home_of(query.from_user.id)
    if home is None or choose:
        await query.answer()
        await show(update, home_question(t, home), home_keyboard(t, view, home))
        return
    await _open_home(update, context, view, home, your_home_text(t, home))
    await query.answer()


async def choose_home(update: Update, context: KengoContext) -> None:
    """Remember the user's département, then show its projects; or forget it."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_home)
    if button is None:
        return
    query, (departement, view) = button
    await context.services.catalogue.set_home(query.from_user.id, departement)
    if departement is None:
        everywhere = replace(view, departement=None, page=0)
        await open_catalogue(update, context, everywhere, new=False, note=home_forgotten_text(t))
    else:
        await _open_home(update, context, view, departement, your_home_text(t, departement))
    await query.answer()


async def shared_location(
    update: Update, context: KengoContext, mode: inputs.Search | None
) -> None:
    """A location shared in the chat: its nearest département becomes the user's own, and its
    projects are shown (within the filters and sort of the list being browsed)."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    profile = await context.profile(update)
    located = await context.services.catalogue.set_home_near(
        profile.id, message.location.latitude, message.location.longitude
    )
    t = await context.translator(update)
    home = Departement(located.departement)
    view = (mode or inputs.Search()).view
    note = located_text(t, home, far=located.far)
    await _open_home(update, context, view, home, note, new=True)


async def _open_home(
    update: Update,
    context: KengoContext,
    view: ListView,
    home: Departement,
    note: str,
    *,
    new: bool = False,
) -> None:
    here = replace(view, departement=home, page=0)
    await open_catalogue(update, context, here, new=new, note=note, near_me=True)


async def search(update: Update, context: KengoContext, text: str, view: ListView) -> None:
    """Search the catalogue for a typed text, within the filters and sort of `view`, and show
    the results as a new list."""
    profile = await context.profile(update)
    t = await context.translator(update)
    page = await context.services.catalogue.search(profile.id, text, view, t.locale)
    await show_page(update, context, page, new=True)
