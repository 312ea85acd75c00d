"""Catalogue search: what is stored to search on, and how a typed query becomes terms.

Both sides go through the same folding (bot/search/folding.py: no accents, lower case, hyphens
as spaces, c'h as ch, zh as z), so "crepes" finds "Crêpes", "fest noz" finds "Fest-noz", "ecole"
finds "l'École", "roazon" finds "Roazhon", and "kemper", "finistere" or "penn ar bed" find a
project in Quimper. Changing the folding, or what is stored, means re-indexing stored projects
(a migration).
"""

from __future__ import annotations

from bot.search.folding import fold
from bot.search.places import departement_names, place_names

__all__ = ["MAX_QUERY_LENGTH", "MAX_TERMS", "fold", "project_search_fields", "search_terms"]

MAX_QUERY_LENGTH = 64
MAX_TERMS = 6


# Words that frame a request rather than say what is looked for, in French and in Breton:
# "bonjour, je cherche un fest-noz", "demat, klask a ran ur raktres e Kemper". Every term of a
# search must match, so they would hide what was asked for; they are dropped when other words
# remain ("la" alone, or "projet" alone, is still searched).
_FILLER = frozenset(
    fold(
        "bonjour bonsoir salut coucou hello merci svp stp je cherche cherchons recherche trouver "
        "voudrais veux voir des les une un le la du de au aux pour sur en et ou il ya y a t "
        "quelque chose projet projets "
        "demat salud trugarez mar plij klask klaskan kavout a ran me ur an ar al da ha hag evit "
        "war raktres raktresou"
    ).split()
)


def search_terms(query: str) -> list[str]:
    """The words of a query worth searching for (single letters, duplicates and, when other
    words remain, the words that only frame a request dropped)."""
    terms: list[str] = []
    for word in fold(query[:MAX_QUERY_LENGTH]).split():
        if len(word) >= 2 and word not in terms:
            terms.append(word)
    meaningful = [term for term in terms if term not in _FILLER]
    return (meaningful or terms)[:MAX_TERMS]


def project_search_fields(
    title: str,
    summary: str,
    commune: str | None,
    departement: str | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[str, str]:
    """(search_title, search_text) of a project, padded with spaces so whole words can match.

    The text holds the commune's and the département's names in French and in Breton, so that
    "kemper", "Finistère" or "Penn-ar-Bed" find a project in Quimper. `extra`: the title and
    summary in the project's other language, searched like its own (the title last, so that
    a word of either title ranks first).
    """
    places = (*place_names(commune, departement), *departement_names(departement))
    everything = fold(" ".join((title, *places, summary, *extra)))
    titles = fold(" ".join((title, *extra[:1])))
    return f" {titles} ", f" {everything} "
