"""Search folding: accents, case, hyphens and Breton place names meet on both sides."""

from __future__ import annotations

import pytest

from bot.i18n.text import normalise
from bot.search.places import find_commune, place_names
from bot.search.text import fold, project_search_fields, search_terms


def test_normalise_folds_accents_case_apostrophes_and_spaces() -> None:
    assert normalise("  Crêpes  à GUÉRANDE ") == "crepes a guerande"
    assert normalise("Cœur de Maïwenn, C’hoari") == "coeur de maiwenn, c'hoari"


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("crepes", ["crepes"]),
        ("Crêpes", ["crepes"]),
        ("fest-noz", ["fest", "noz"]),
        ("C'HOARI", ["c'hoari"]),
        ("l'école d'algues", ["ecole", "algues"]),
        ("50% _off_ a", ["50", "off"]),
        ("", []),
        ("x" * 500, ["x" * 64]),
        ("un deux trois quatre cinq six sept", ["un", "deux", "trois", "quatre", "cinq", "six"]),
    ],
)
def test_search_terms(query: str, terms: list[str]) -> None:
    assert search_terms(query) == terms


def test_project_fields_carry_breton_place_names() -> None:
    title, text = project_search_fields("Crêpes de Kerné", "Une crêperie solidaire.", "Quimper")
    assert title == " crepes de kerne "
    assert " kemper " in text
    assert " quimper " in text
    assert " solidaire " in text
    assert fold("Fest-Noz") == "fest noz"


@pytest.mark.parametrize("typed", ["kemper", "Kemper", "QUIMPER", "quimper "])
def test_communes_are_found_in_french_or_breton(typed: str) -> None:
    commune = find_commune(typed)
    assert commune is not None
    assert (commune.name, commune.departement) == ("Quimper", "29")


def test_unknown_communes_keep_their_name() -> None:
    assert place_names("Plouzévédé") == ("Plouzévédé",)
    assert place_names(None) == ()
    assert place_names("naoned") == ("Nantes", "Naoned")
