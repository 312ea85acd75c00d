"""Discover projects: /projets, the catalogue pages, filters, "near me" and free-text search."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.catalogue.service import StaleList
from bot.context import KengoContext
from bot.conversation import callbacks, inputs
from bot.domain import CataloguePage, ListView
from bot.i18n.translator import Translator
from bot.views.catalogue import (
    catalogue_keyboard,
    catalogue_text,
    filter_keyboard,
    filter_text,
    home_keyboard,
)
from handlers.common import pressed, reply, show, typed_text


async def show_page(update: Update, t: Translator, page: CataloguePage, *, new: bool) -> None:
    text, keyboard = catalogue_text(t, page), catalogue_keyboard(t, page)
    if new:
        await reply(update, text, keyboard)
    else:
        await show(update, text, keyboard)


async def open_catalogue(
    update: Update, context: KengoContext, view: ListView, *, new: bool
) -> None:
    """Show a page of the catalogue; a stale search falls back to the whole catalogue."""
    profile = await context.profile(update)
    t = await context.translator(update)
    catalogue = context.services.catalogue
    mode = inputs.decode(profile.input_mode)
    try:
        page = await catalogue.browse(profile.id, view, input_mode=mode)
    except StaleList:
        if update.callback_query is not None:
            await update.callback_query.answer(
                t.gettext("Cette liste a changé depuis : voici la liste à jour.")
            )
        page = await catalogue.browse(profile.id, ListView(sort=view.sort), input_mode=mode)
    await show_page(update, t, page, new=new)


async def catalogue_command(update: Update, context: KengoContext) -> None:
    """/projets [words]: the catalogue, or a search when words follow."""
    if context.args:
        await search(update, context, " ".join(context.args))
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
    """Projects of the user's own département, asked once and remembered."""
    t = await context.translator(update)
    button = await pressed(update, t, callbacks.parse_near_me)
    if button is None:
        return
    query, view = button
    home = await context.services.catalogue.home_of(query.from_user.id)
    if home is None:
        await query.answer()
        await show(
            update, t.gettext("Dans quel département habitez-vous ?"), home_keyboard(t, view)
        )
        return
    await open_catalogue(update, context, replace(view, departement=home, page=0), new=False)
    await query.answer()


async def choose_home(update: Update, context: KengoContext) -> None:
    """Remember the user's département, then show its projects."""
    button = await pressed(update, await context.translator(update), callbacks.parse_home)
    if button is None:
        return
    query, (departement, view) = button
    await context.services.catalogue.set_home(query.from_user.id, departement)
    await open_catalogue(update, context, replace(view, departement=departement, page=0), new=False)
    await query.answer()


async def search(update: Update, context: KengoContext, text: str) -> None:
    """Search the catalogue for a typed text and show the results as a new list."""
    profile = await context.profile(update)
    page = await context.services.catalogue.search(profile.id, text, ListView())
    await show_page(update, await context.translator(update), page, new=True)


async def typed_search(update: Update, context: KengoContext, _: inputs.Search) -> None:
    """Words typed while browsing: a search."""
    await search(update, context, typed_text(update))
