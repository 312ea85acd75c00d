"""Communes of historic Brittany with their Breton names, so "kemper" finds Quimper.

Breton names follow the forms in use on bilingual road signs (the Breton language office's
place-name database). The list covers the towns people most often type; a commune missing from
it is still accepted as typed, it just has no Breton alias.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.i18n.text import normalise

# INSEE numbers, the values of `bot.domain.Departement` (kept as strings: the models index
# projects for search with this module).
_22, _29, _35, _44, _56 = "22", "29", "35", "44", "56"


@dataclass(frozen=True)
class Commune:
    name: str  # the official French name
    breton: str
    departement: str  # INSEE number


COMMUNES: tuple[Commune, ...] = (
    # Côtes-d'Armor
    Commune("Saint-Brieuc", "Sant-Brieg", _22),
    Commune("Lannion", "Lannuon", _22),
    Commune("Guingamp", "Gwengamp", _22),
    Commune("Dinan", "Dinan", _22),
    Commune("Lamballe-Armor", "Lambal-Arvor", _22),
    Commune("Loudéac", "Loudieg", _22),
    Commune("Paimpol", "Pempoull", _22),
    Commune("Perros-Guirec", "Perroz-Gireg", _22),
    Commune("Tréguier", "Landreger", _22),
    Commune("Lanvellec", "Lanvelleg", _22),
    Commune("Plérin", "Plerin", _22),
    Commune("Rostrenen", "Rostrenenn", _22),
    # Finistère
    Commune("Quimper", "Kemper", _29),
    Commune("Brest", "Brest", _29),
    Commune("Morlaix", "Montroulez", _29),
    Commune("Landerneau", "Landerne", _29),
    Commune("Douarnenez", "Douarnenez", _29),
    Commune("Concarneau", "Konk-Kerne", _29),
    Commune("Quimperlé", "Kemperle", _29),
    Commune("Carhaix-Plouguer", "Karaez-Plougêr", _29),
    Commune("Châteaulin", "Kastellin", _29),
    Commune("Landivisiau", "Landivizio", _29),
    Commune("Saint-Pol-de-Léon", "Kastell-Paol", _29),
    Commune("Crozon", "Kraozon", _29),
    Commune("Pont-l'Abbé", "Pont-'n-Abad", _29),
    Commune("Ouessant", "Eusa", _29),
    Commune("Lanildut", "Lannildud", _29),
    Commune("Plougastel-Daoulas", "Plougastell-Daoulaz", _29),
    Commune("Guipavas", "Gwipavaz", _29),
    Commune("Le Relecq-Kerhuon", "Ar Releg-Kerhuon", _29),
    # Ille-et-Vilaine
    Commune("Rennes", "Roazhon", _35),
    Commune("Saint-Malo", "Sant-Maloù", _35),
    Commune("Fougères", "Felger", _35),
    Commune("Vitré", "Gwitreg", _35),
    Commune("Redon", "Redon", _35),
    Commune("Dinard", "Dinarzh", _35),
    Commune("Cesson-Sévigné", "Saozon-Sevigneg", _35),
    Commune("Bruz", "Bruz", _35),
    Commune("Montfort-sur-Meu", "Moñforzh-Gwaz", _35),
    Commune("Cancale", "Kankaven", _35),
    # Loire-Atlantique
    Commune("Nantes", "Naoned", _44),
    Commune("Saint-Nazaire", "Sant-Nazer", _44),
    Commune("Guérande", "Gwenrann", _44),
    Commune("Clisson", "Klison", _44),
    Commune("Rezé", "Reudied", _44),
    Commune("Châteaubriant", "Kastell-Briant", _44),
    Commune("Ancenis", "Ankiniz", _44),
    Commune("Pornic", "Pornizh", _44),
    Commune("La Baule-Escoublac", "Ar Baol-Skoubleg", _44),
    Commune("Le Croisic", "Ar Groazig", _44),
    # Morbihan
    Commune("Vannes", "Gwened", _56),
    Commune("Lorient", "An Oriant", _56),
    Commune("Pontivy", "Pondi", _56),
    Commune("Auray", "An Alre", _56),
    Commune("Ploërmel", "Ploermael", _56),
    Commune("Hennebont", "Henbont", _56),
    Commune("Lanester", "Lannarstêr", _56),
    Commune("Quiberon", "Kiberen", _56),
    Commune("Baud", "Baod", _56),
    Commune("Guidel", "Gwidel", _56),
    Commune("Groix", "Groe", _56),
    Commune("Carnac", "Karnag", _56),
)

_BY_KEY = {normalise(n): c for c in COMMUNES for n in (c.name, c.breton)}


def find_commune(typed: str) -> Commune | None:
    """The commune someone typed, in French or in Breton, whatever the accents and case."""
    return _BY_KEY.get(normalise(typed.replace("’", "'")))


def commune_name(commune: str | None, locale: str) -> str:
    """A stored commune as a reader of `locale` sees it: its Breton name in Breton when the list
    knows the commune, otherwise the name as stored (a Breton name is never guessed)."""
    if not commune:
        return ""
    known = find_commune(commune) if locale == "br" else None
    return known.breton if known else commune


def place_names(commune: str | None) -> tuple[str, ...]:
    """Every name a commune goes by (French, and Breton when known), for searching."""
    if not commune:
        return ()
    known = find_commune(commune)
    return (known.name, known.breton) if known else (commune,)


def suggest_communes(typed: str, limit: int = 3) -> tuple[Commune, ...]:
    """The known communes whose French or Breton name is closest to `typed` ("Quimpr" ->
    Quimper), best first: for a name the list does not hold, most often a typo."""
    keys = difflib.get_close_matches(
        normalise(typed.replace("’", "'")), list(_BY_KEY), n=limit * 2, cutoff=0.6
    )
    found: list[Commune] = []
    for key in keys:  # the French and the Breton name of one commune may both come close
        if _BY_KEY[key] not in found:
            found.append(_BY_KEY[key])
    return tuple(found[:limit])


def commune_number(commune: Commune) -> int:
    """The commune's place in `COMMUNES`, short enough for a button's data."""
    return COMMUNES.index(commune)


# The départements' names in French and in Breton (as the catalogue shows them), so that a
# search for "Finistère" or "Penn-ar-Bed" finds the projects located there.
DEPARTEMENT_NAMES: dict[str, tuple[str, str]] = {
    _22: ("Côtes-d'Armor", "Aodoù-an-Arvor"),
    _29: ("Finistère", "Penn-ar-Bed"),
    _35: ("Ille-et-Vilaine", "Il-ha-Gwilen"),
    _44: ("Loire-Atlantique", "Liger-Atlantel"),
    _56: ("Morbihan", "Mor-Bihan"),
}


def departement_names(departement: str | None) -> tuple[str, ...]:
    """Both names of a département (INSEE number), for searching; none when it is unknown."""
    return DEPARTEMENT_NAMES.get(departement or "", ())
