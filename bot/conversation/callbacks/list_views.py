"""A list of the catalogue as one part of button data, so that a card's "back" and the filter
buttons return to the very page the user came from.

`<category>.<département>.<sort>.<page>.<query hash>`, `-` for what is not chosen: short codes
keep a list view far below Telegram's 64 bytes with room for the namespace and an id.
"""

from __future__ import annotations

import re

from bot.domain import MAX_PAGE, Category, Departement, ListView, Order

# One letter per sort order in callback data.
_SORT_CODES = {
    Order.ENDING_SOON: "e",
    Order.NEWEST: "n",
    Order.ALMOST_FUNDED: "f",
    Order.MOST_BACKED: "b",
}
_SORTS_BY_CODE = {code: sort for sort, code in _SORT_CODES.items()}

# Two letters per category keep list views far below Telegram's 64 bytes.
_CATEGORY_CODES = {
    Category.CULTURE: "cu",
    Category.INNOVATION: "in",
    Category.SOLIDARITY: "so",
    Category.HERITAGE: "he",
    Category.ENVIRONMENT: "en",
    Category.SPORT: "sp",
    Category.BRETON_LANGUAGE: "bz",
}
_CATEGORIES_BY_CODE = {code: category for category, code in _CATEGORY_CODES.items()}


def encode_view(view: ListView) -> str:
    category = _CATEGORY_CODES[view.category] if view.category else "-"
    departement = view.departement.value if view.departement else "-"
    sort = _SORT_CODES[view.sort]
    return f"{category}.{departement}.{sort}.{view.page}.{view.query_hash or '-'}"


def decode_view(text: str) -> ListView | None:
    parts = text.split(".")
    if len(parts) != 5:
        return None
    category, departement, sort, page, query_hash = parts
    try:
        return ListView(
            category=None if category == "-" else _CATEGORIES_BY_CODE[category],
            departement=None if departement == "-" else Departement(departement),
            sort=_SORTS_BY_CODE[sort],
            page=_page(page),
            query_hash=None if query_hash == "-" else _hash(query_hash),
        )
    except (KeyError, ValueError):
        return None


def _page(text: str) -> int:
    if not text.isdigit() or int(text) > MAX_PAGE:
        raise ValueError(text)
    return int(text)


def _hash(text: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{6}", text):
        raise ValueError(text)
    return text
