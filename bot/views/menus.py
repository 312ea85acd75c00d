"""Inline keyboards, rendered in the user's language; callback data comes from bot.callbacks."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation import callbacks
from bot.conversation.callbacks import MenuItem
from bot.i18n.translator import N_, Translator

MENU_LABELS: dict[MenuItem, str] = {
    MenuItem.DISCOVER: N_("🔎 Découvrir les projets"),
    MenuItem.PROPOSE: N_("💡 Proposer un projet"),
    MenuItem.PLEDGES: N_("💶 Mes soutiens"),
    MenuItem.FOLLOWS: N_("⭐ Mes suivis"),
    MenuItem.LANGUAGE: N_("🌐 Langue"),
    MenuItem.SETTINGS: N_("⚙️ Réglages"),
    MenuItem.HOME: N_("🏠 Menu"),
}
# Each language is offered under its own name, whatever the current language: a Breton speaker
# reading French must still recognise "Brezhoneg". These are names, not translatable texts.
LANGUAGE_NAMES = {"fr": "Français", "br": "Brezhoneg"}


def menu_button(t: Translator, item: MenuItem = MenuItem.HOME) -> InlineKeyboardButton:
    """The button that opens `item` of the main menu (by default the main menu itself)."""
    return InlineKeyboardButton(t.gettext(MENU_LABELS[item]), callback_data=callbacks.menu(item))


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [menu_button(t, MenuItem.DISCOVER)],
            [menu_button(t, MenuItem.PROPOSE)],
            [menu_button(t, MenuItem.PLEDGES), menu_button(t, MenuItem.FOLLOWS)],
            [menu_button(t, MenuItem.LANGUAGE), menu_button(t, MenuItem.SETTINGS)],
        ]
    )


def way_on(
    t: Translator, *rows: list[InlineKeyboardButton], to: MenuItem | None = None
) -> InlineKeyboardMarkup:
    """The keyboard under the last message of a journey: its own `rows`, then a last row with
    the main menu (and `to`, another item of it, first)."""
    last = [menu_button(t)] if to is None else [menu_button(t, to), menu_button(t)]
    return InlineKeyboardMarkup([*rows, last])


def see_project(t: Translator, project_id: int) -> InlineKeyboardButton:
    """The way back to a project's card, from a message about it."""
    return InlineKeyboardButton(
        t.gettext("Voir le projet"), callback_data=callbacks.project(project_id, None)
    )


def project_rows(t: Translator, project_id: int | None) -> list[list[InlineKeyboardButton]]:
    """The row back to the project a message is about, when it names one."""
    return [] if project_id is None else [[see_project(t, project_id)]]


def project_way_on(t: Translator, project_id: int | None) -> InlineKeyboardMarkup:
    """Under a message that ends a pledge: the project, the catalogue, the menu."""
    return way_on(t, *project_rows(t, project_id), to=MenuItem.DISCOVER)


def language_choice(current: str | None = None) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(
            f"✓ {name}" if locale == current else name, callback_data=callbacks.language(locale)
        )
        for locale, name in LANGUAGE_NAMES.items()
    ]
    return InlineKeyboardMarkup([row])
