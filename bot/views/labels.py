"""Names of categories, départements and sort orders, translated where they are shown."""

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
    Departement.COTES_DARMOR: N_("Côtes-d'Armor"),
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
