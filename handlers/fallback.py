"""What the bot says to anything no journey claimed: free text, unknown commands, old buttons.

Outside any flow (and while browsing), typed words are small talk or a catalogue search; what
cannot be either gets a reply that says what the bot understands, with the main menu.
"""

from __future__ import annotations

from telegram import Update

from bot.context import KengoContext
from bot.conversation import inputs
from bot.domain import ListView
from bot.i18n.text import escape_html
from bot.i18n.translator import Translator
from bot.search.small_talk import SmallTalk, small_talk
from bot.search.text import MAX_QUERY_LENGTH, search_terms
from bot.views.catalogue import back_to_list, no_words_text
from bot.views.menus import main_menu
from handlers import browse, start
from handlers.common import answer_stale_button, reply, typed_text

# Longer than this, a message is not a search (a letter, a pasted text): say so rather than
# search for its first words.
NOT_A_SEARCH = 2 * MAX_QUERY_LENGTH


def _type_a_word(t: Translator) -> str:
    return t.gettext(
        "Tapez un mot pour chercher un projet (par exemple « fest-noz », « Brest » ou "
        "« Finistère »), ou choisissez ci-dessous :"
    )


def not_understood_text(t: Translator) -> str:
    return "\n\n".join((t.gettext("Je n’ai pas compris ce message."), _type_a_word(t)))


def too_long_text(t: Translator) -> str:
    return "\n\n".join((t.gettext("Ce message est trop long pour une recherche."), _type_a_word(t)))


def greeting_text(t: Translator, first_name: str, live: int) -> str:
    hello = t.gettext("<b>Bonjour {name} !</b> 👋").format(name=escape_html(first_name))
    return "\n\n".join((hello, start.live_count_text(t, live), _type_a_word(t)))


async def unknown_message(update: Update, context: KengoContext) -> None:
    """Anything the bot cannot act on here (a sticker, a file, a photo): say what it
    understands, with the main menu."""
    t = await context.translator(update)
    await reply(update, not_understood_text(t), main_menu(t))


async def typed_words(update: Update, context: KengoContext, mode: inputs.Search | None) -> None:
    """Words typed outside any flow or while browsing: a greeting, a call for help or for the
    menu, or else a search of the catalogue within the list's filters and sort."""
    text = typed_text(update)
    talk = small_talk(text)
    if talk is SmallTalk.HELP:
        await start.help_command(update, context)
        return
    t = await context.translator(update)
    if talk is not None:
        live = await context.services.projects.count_live()
        if talk is SmallTalk.GREETING:
            name = (await context.profile(update)).first_name
            await reply(update, greeting_text(t, name, live), main_menu(t))
        else:
            await reply(update, start.menu_text(t, live), main_menu(t))
    elif len(text) > NOT_A_SEARCH:
        await reply(update, too_long_text(t), main_menu(t))
    elif not search_terms(text):  # emoji, punctuation, single letters
        if mode is None:
            await reply(update, not_understood_text(t), main_menu(t))
        else:  # the list invited typing: say why this is no search, and lead back to it
            await reply(update, no_words_text(t, text), back_to_list(t, mode.view))
    else:
        await browse.search(update, context, text, mode.view if mode else ListView())


async def unknown_button(update: Update, context: KengoContext) -> None:
    """A callback no handler recognised: stale or forged."""
    await answer_stale_button(update, await context.translator(update))
