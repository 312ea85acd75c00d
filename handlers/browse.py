"""Discover projects: /projets, the catalogue pages, filters, "near me" and free-text search."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.catalogue.service import StaleList
from bot.context import KengoContext
from bot.conversation import callbacks
from bot.domain import CataloguePage, ListView
from bot.i18n.translator import Translator
from bot.views.catalogue import (
    catalogue_keyboard,
    catalogue_text,
    filter_keyboard,
    filter_text,
    home_keyboard,
)
from handlers.common import answer_stale_button, reply, show


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
    try:
        page = await catalogue.browse(profile.id, view, input_mode=profile.input_mode)
    except StaleList:
        if update.callback_query is not None:
            await update.callback_query.answer(
                t.gettext("Cette liste a changé depuis : voici la liste à jour.")
            )
        page = await catalogue.browse(
            profile.id, ListView(sort=view.sort), input_mode=profile.input_mode
        )
    await show_page(update, t, page, new=new)


async def catalogue_command(update: Update, context: KengoContext) -> None:
    """/projets [words]: the catalogue, or a search when words follow."""
    if context.args:
        await search(update, context, " ".join(context.args))
    else:
        await open_catalogue(update, context, ListView(), new=True)


async def list_page(update: Update, context: KengoContext) -> None:
    """A page, filter or sort chosen with the list's buttons."""
    query = update.callback_query
    view = callbacks.parse_list_page(query.data if query else None)
    if query is None or view is None:
        await answer_stale_button(update, await context.translator(update))
        return
    await open_catalogue(update, context, view, new=False)
    await query.answer()


async def list_filter(update: Update, context: KengoContext) -> None:
    """Show the choices of one filter (category, département, sort)."""
    query = update.callback_query
    t = await context.translator(update)
    parsed = callbacks.parse_list_filter(query.data if query else None)
    if query is None or parsed is None:
        await answer_stale_button(update, t)
        return
    kind, view = parsed
    await query.answer()
    await show(update, filter_text(t, kind), filter_keyboard(t, kind, view))


async def near_me(update: Update, context: KengoContext) -> None:
    """Projects of the user's own département, asked once and remembered."""
    query = update.callback_query
    t = await context.translator(update)
    view = callbacks.parse_near_me(query.data if query else None)
    if query is None or view is None:
        await answer_stale_button(update, t)
        return
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
    query = update.callback_query
    parsed = callbacks.parse_home(query.data if query else None)
    if query is None or parsed is None:
        await answer_stale_button(update, await context.translator(update))
        return
    departement, view = parsed
    await context.services.catalogue.set_home(query.from_user.id, departement)
    await open_catalogue(update, context, replace(view, departement=departement, page=0), new=False)
    await query.answer()


async def search(update: Update, context: KengoContext, text: str) -> None:
    """Search the catalogue for a typed text and show the results as a new list."""
    profile = await context.profile(update)
    page = await context.services.catalogue.search(profile.id, text, ListView())
    await show_page(update, await context.translator(update), page, new=True)
