"""The gazetteer: every current commune of the five départements of historic Brittany, with its
Breton name where one is attested, so that "kemper" finds Quimper and a Breton reader reads
"Naoned" where the catalogue stores Nantes.

The data is `communes.tsv` beside this module, built by scripts/build_gazetteer.py from INSEE's
Code officiel géographique and KerOfis, the Breton language office's place-name database
(docs/places.md: sources, licences, the joining rule). It is read once, on first use. A
commune the gazetteer does not hold (typed outside Brittany, or kept as typed) is shown as
stored: a Breton name is never guessed.
"""

from __future__ import annotations

import csv
import difflib
import functools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.search.folding import fold

DATA = Path(__file__).with_name("communes.tsv")
_LONGEST = 100  # characters looked at in a typed name: the longest commune name has 45

# INSEE numbers, the values of `bot.domain.Departement` (kept as strings: the models index
# projects for search with this module).
_22, _29, _35, _44, _56 = "22", "29", "35", "44", "56"


@dataclass(frozen=True)
class Commune:
    code: str  # INSEE code: stable, and short enough for a button's data
    name: str  # the official French name
    breton: str  # KerOfis's form; "" where none is attested
    departement: str  # INSEE number
    aliases: tuple[str, ...] = ()  # former communes merged into it, in French and Breton

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it goes by: French, Breton when attested, then its former communes'."""
        return tuple(name for name in (self.name, self.breton, *self.aliases) if name)


# A leading article, French or Breton, may be typed or not ("Guilvinec", "Oriant").
_ARTICLES = frozenset({"le", "la", "les", "l", "ar", "an", "al"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def place_key(name: str) -> str:
    """A name folded for looking it up: accents, case, punctuation, spaces, a leading article
    and the spelling variants of Breton aside ("C h" is c'h here), "St" for "Saint"."""
    words = fold(name).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return "".join(_ABBREVIATIONS.get(word, word) for word in words)


@dataclass(frozen=True)
class _Gazetteer:
    communes: tuple[Commune, ...]
    by_code: dict[str, Commune]
    # key -> the communes going by that name, official names before former communes'
    by_key: dict[str, tuple[Commune, ...]]
    # first letter of a key -> the keys, so that a suggestion compares a few hundred names
    keys_by_initial: dict[str, tuple[str, ...]]


@functools.cache
def _gazetteer() -> _Gazetteer:
    with DATA.open(encoding="utf-8", newline="") as data:
        rows = csv.DictReader(data, delimiter="\t", quoting=csv.QUOTE_NONE)
        communes = tuple(
            Commune(
                code=row["code"],
                name=row["name_fr"],
                breton=row["name_br"],
                departement=row["departement"],
                aliases=tuple(row["aliases"].split("|")) if row["aliases"] else (),
            )
            for row in rows
        )
    by_key: dict[str, list[Commune]] = defaultdict(list)
    # Official names first, so that a commune's own name comes before a former commune's.
    named = [(c, (c.name, c.breton)) for c in communes] + [(c, c.aliases) for c in communes]
    for commune, names in named:
        for key in {place_key(name) for name in names if name}:
            if commune not in by_key[key]:
                by_key[key].append(commune)
    initials: dict[str, list[str]] = defaultdict(list)
    for key in sorted(by_key):
        initials[key[:1]].append(key)
    return _Gazetteer(
        communes,
        {commune.code: commune for commune in communes},
        {key: tuple(found) for key, found in by_key.items()},
        {initial: tuple(keys) for initial, keys in initials.items()},
    )


def communes() -> tuple[Commune, ...]:
    """Every current commune of the five départements, by INSEE code."""
    return _gazetteer().communes


def find_commune(typed: str, departement: str | None = None) -> Commune | None:
    """The commune someone typed, in French, in Breton or by a former commune's name, whatever
    the accents, case and spelling variants. Where several communes share the name ("Le
    Faouët", in Côtes-d'Armor and in Morbihan), the one in `departement` when it is given,
    else a commune's own name before a former commune's, else the first by code."""
    found = _gazetteer().by_key.get(place_key(typed[:_LONGEST]), ())
    for commune in found:
        if commune.departement == departement:
            return commune
    return found[0] if found else None


def _named_officially(commune: Commune, stored: str) -> bool:
    key = place_key(stored)
    return key in (place_key(commune.name), place_key(commune.breton))


def commune_name(commune: str | None, locale: str, departement: str | None = None) -> str:
    """A stored commune as a reader of `locale` sees it: its Breton name in Breton where one is
    attested, otherwise the name as stored (a commune kept by a former commune's name keeps it)."""
    if not commune:
        return ""
    known = find_commune(commune, departement) if locale == "br" else None
    if known is None or not known.breton or not _named_officially(known, commune):
        return commune
    return known.breton


def name_as_typed(typed: str, commune: Commune, locale: str) -> str:
    """The commune by the name someone typed, spelt as the gazetteer spells it ("kemper" ->
    "Kemper"); by its name in `locale` when they typed a former commune's name."""
    key = place_key(typed)
    if commune.breton and key == place_key(commune.breton):
        return commune.breton
    if key == place_key(commune.name):
        return commune.name
    return commune_name(commune.name, locale, commune.departement)


def place_names(commune: str | None, departement: str | None = None) -> tuple[str, ...]:
    """Every name a stored commune goes by (French, Breton, former communes'), for searching;
    an unknown one goes by its name as stored."""
    if not commune:
        return ()
    known = find_commune(commune, departement)
    return known.names if known else (commune,)


def suggest_communes(typed: str, limit: int = 3) -> tuple[Commune, ...]:
    """The communes whose name is closest to `typed` ("Quimpr" -> Quimper), best first: for a
    name the gazetteer does not hold, most often a typo.

    Only names beginning with the same letter, or one that sounds alike (k, c, q; g, w, v), are
    compared: a typo rarely hits the first letter, and a few hundred names take a few
    milliseconds where all 3,000 would take ten times as long.
    """
    key = place_key(typed[:_LONGEST])
    if not key:
        return ()
    gazetteer = _gazetteer()
    candidates = [
        candidate
        for initial in _INITIALS.get(key[0], key[0])
        for candidate in gazetteer.keys_by_initial.get(initial, ())
    ]
    close = difflib.get_close_matches(key, candidates, n=limit * 3, cutoff=0.7)
    found: list[Commune] = []
    for match in close:  # the French and the Breton name of one commune may both come close
        for commune in gazetteer.by_key[match]:
            if commune not in found:
                found.append(commune)
    return tuple(found[:limit])


# First letters that stand for the same sound: "Kimper", "Quimper" and "Cemper" meet.
_INITIALS = {"c": "ckq", "k": "kcq", "q": "qkc", "g": "gw", "w": "wg", "v": "vw"}


def commune_number(commune: Commune) -> int:
    """The commune's INSEE code as a number, for a button's data: stable across releases."""
    return int(commune.code)


def commune_by_number(number: int) -> Commune | None:
    """The commune whose `commune_number` this is; None for a number of no commune."""
    return _gazetteer().by_code.get(f"{number:05d}") if 0 < number < 100_000 else None


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
