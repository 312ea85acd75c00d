"""Catalogue search: what is stored to search on, and how a typed query becomes terms.

Both sides go through the same folding (no accents, lower case, hyphens as spaces), so
"crepes" finds "Crêpes", "fest noz" finds "Fest-noz", "ecole" finds "l'École", and "kemper",
"finistere" or "penn ar bed" find a project in Quimper. Changing the folding, or what is
stored, means re-indexing stored projects (a migration).
"""

from __future__ import annotations

import re

from bot.i18n.text import normalise
from bot.search.places import departement_names, place_names

MAX_QUERY_LENGTH = 64
MAX_TERMS = 6
# Letters, digits and the apostrophe of Breton c'h; everything else separates words. LIKE's
# wildcards (% and _) are separators too, so a query can never widen itself.
_NOT_WORD = re.compile(r"[^a-z0-9']+")
# French elisions split words ("d'algues", "l'école"); Breton c'h is one letter and stays whole.
_ELISION = re.compile(r"(?<!c)'|'(?!h)")


def fold(text: str) -> str:
    return " ".join(_ELISION.sub(" ", _NOT_WORD.sub(" ", normalise(text))).split())


def search_terms(query: str) -> list[str]:
    """The words of a query worth searching for (single letters and duplicates dropped)."""
    terms: list[str] = []
    for word in fold(query[:MAX_QUERY_LENGTH]).split():
        word = word.strip("'")
        if len(word) >= 2 and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def project_search_fields(
    title: str, summary: str, commune: str | None, departement: str | None = None
) -> tuple[str, str]:
    """(search_title, search_text) of a project, padded with spaces so whole words can match.

    The text holds the commune's and the département's names in French and in Breton, so that
    "kemper", "Finistère" or "Penn-ar-Bed" find a project in Quimper.
    """
    places = (*place_names(commune), *departement_names(departement))
    everything = fold(" ".join((title, *places, summary)))
    return f" {fold(title)} ", f" {everything} "
