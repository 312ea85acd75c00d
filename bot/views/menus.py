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
}
# Each language is offered under its own name, whatever the current language: a Breton speaker
# reading French must still recognise "Brezhoneg". These are names, not translatable texts.
LANGUAGE_NAMES = {"fr": "Français", "br": "Brezhoneg"}


def main_menu(t: Translator) -> InlineKeyboardMarkup:
    def button(item: MenuItem) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            t.gettext(MENU_LABELS[item]), callback_data=callbacks.menu(item)
        )

    return InlineKeyboardMarkup(
        [
            [button(MenuItem.DISCOVER)],
            [button(MenuItem.PROPOSE)],
            [button(MenuItem.PLEDGES), button(MenuItem.FOLLOWS)],
            [button(MenuItem.LANGUAGE)],
        ]
    )


def see_project(t: Translator, project_id: int) -> InlineKeyboardButton:
    """The way back to a project's card, from a message about it."""
    return InlineKeyboardButton(
        t.gettext("Voir le projet"), callback_data=callbacks.project(project_id, None)
    )


def language_choice(current: str | None = None) -> InlineKeyboardMarkup:
    row = [
        InlineKeyboardButton(
            f"✓ {name}" if locale == current else name, callback_data=callbacks.language(locale)
        )
        for locale, name in LANGUAGE_NAMES.items()
    ]
    return InlineKeyboardMarkup([row])
