"""Names of categories, départements and sort orders, translated where they are shown; and
the one way to shorten a title that goes on a button."""

from __future__ import annotations

from bot.domain import Category, Departement, Order
from bot.i18n.translator import N_, Translator

CATEGORY_NAMES: dict[Category, str] = {
    Category.CULTURE: N_("Culture"),
    Category.INNOVATION: N_("Innovation"),
    Category.SOLIDARITY: N_("Solidarité"),
    Category.HERITAGE: N_("Patrimoine"),
    Category.ENVIRONMENT: N_("Environnement"),
    Category.SPORT: N_("Sport"),
    Category.BRETON_LANGUAGE: N_("Langue bretonne"),
}
DEPARTEMENT_NAMES: dict[Departement, str] = {
    Departement.FINISTERE: N_("Finistère"),
    Departement.COTES_DARMOR: N_("Côtes-d’Armor"),
    Departement.MORBIHAN: N_("Morbihan"),
    Departement.ILLE_ET_VILAINE: N_("Ille-et-Vilaine"),
    Departement.LOIRE_ATLANTIQUE: N_("Loire-Atlantique"),
}
SORT_NAMES: dict[Order, str] = {
    Order.ENDING_SOON: N_("Fin proche"),
    Order.NEWEST: N_("Nouveautés"),
    Order.ALMOST_FUNDED: N_("Presque financés"),
    Order.MOST_BACKED: N_("Les plus soutenus"),
}


def category(t: Translator, value: Category | None) -> str:
    return t.gettext(CATEGORY_NAMES[value]) if value else ""


def departement(t: Translator, value: Departement | None) -> str:
    return t.gettext(DEPARTEMENT_NAMES[value]) if value else ""


def sort(t: Translator, value: Order) -> str:
    return t.gettext(SORT_NAMES[value])


# Telegram draws a button one line high and cuts what overflows with no sign of it: a title on a
# button keeps at most this many characters (its number, emoji or price come on top).
TITLE_IN_BUTTON = 40
ELLIPSIS = "…"
# Characters that would dangle before the ellipsis ("Fest-noz, …", "Bagad : …").
_DANGLING = " \t,;:.!?-–—/(«\u00a0\u202f"


def shorten(text: str, limit: int = TITLE_IN_BUTTON) -> str:
    """`text` in at most `limit` characters: cut at the last word boundary that fits, with "…".

    A single word longer than half the room is cut inside it (still with "…"), so a long first
    word does not leave a lone ellipsis.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - len(ELLIPSIS) + 1]  # the character after the room tells a word's end
    boundary = room.rfind(" ")
    if room[-1] == " ":
        kept = room
    elif boundary >= limit // 2:
        kept = room[:boundary]
    else:
        kept = room[:-1]
    return kept[: limit - len(ELLIPSIS)].rstrip(_DANGLING) + ELLIPSIS


def button_label(
    title: str, *, before: str = "", after: str = "", limit: int = TITLE_IN_BUTTON
) -> str:
    """A button's text: `before` (a number, an emoji), the title shortened, then `after` (a
    price in parentheses…), which stays whole whatever the title's length."""
    return f"{before}{shorten(title, limit)}{after}"
