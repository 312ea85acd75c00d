"""The gazetteer: every commune of the five départements, found by any of its names and spellings,
shown in the reader's language, suggested when misspelt (their speed: bench/gazetteer.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.domain import Departement
from bot.search.places import (
    DEPARTEMENT_NAMES,
    commune_by_number,
    commune_name,
    commune_number,
    communes,
    find_commune,
    name_as_typed,
    place_names,
    suggest_communes,
)
from bot.search.text import project_search_fields, search_terms


def test_every_commune_of_the_five_departements_with_its_insee_code() -> None:
    everything = communes()
    assert len(everything) == 1409
    counts = Counter(commune.departement for commune in everything)
    assert counts == {"22": 344, "29": 277, "35": 332, "44": 207, "56": 249}
    assert set(counts) == set(DEPARTEMENT_NAMES) == {d.value for d in Departement}
    codes = [commune.code for commune in everything]
    assert codes == sorted(set(codes))
    assert all(commune.code.startswith(commune.departement) for commune in everything)
    assert sum(bool(commune.breton) for commune in everything) == 1369


@pytest.mark.parametrize(
    ("typed", "code", "french", "breton"),
    [
        ("Naoned", "44109", "Nantes", "Naoned"),
        ("kemper", "29232", "Quimper", "Kemper"),
        ("GWENED", "56260", "Vannes", "Gwened"),
        ("Montroulez", "29151", "Morlaix", "Montroulez"),
        ("Pleiben", "29162", "Pleyben", "Pleiben"),
        ("Pleyben", "29162", "Pleyben", "Pleiben"),
        ("pludual", "22236", "Pludual", "Plua"),
        ("Saint Herblain", "44162", "Saint-Herblain", "Sant-Ervlan"),
        ("St-Herblain", "44162", "Saint-Herblain", "Sant-Ervlan"),
        # Breton spelling variants: c'h, c’h, ch and "c h" are one; zh is z; ñ is n.
        ("Roazon", "35238", "Rennes", "Roazhon"),
        ("Karaez Plouger", "29024", "Carhaix-Plouguer", "Karaez-Plougêr"),
        ("plougastell daoulaz", "29189", "Plougastel-Daoulas", "Plougastell-Daoulaz"),
        ("Monforz", "35188", "Montfort-sur-Meu", "Moñforzh"),
        ("Sant-Kristol-ar-Choad", "35260", "Saint-Christophe-des-Bois", "Sant-Kristol-ar-C'hoad"),
        # An article typed or not: "Le Guilvinec" is Guilvinec, "Gelveneg" Ar Gelveneg.
        ("Le Guilvinec", "29072", "Guilvinec", "Ar Gelveneg"),
        ("Gelveneg", "29072", "Guilvinec", "Ar Gelveneg"),
    ],
)
def test_a_commune_is_found_by_its_french_or_breton_name(
    typed: str, code: str, french: str, breton: str
) -> None:
    commune = find_commune(typed)
    assert commune is not None, typed
    assert (commune.code, commune.name, commune.breton) == (code, french, breton)


def test_c_h_is_one_letter_however_it_is_typed() -> None:
    forms = ["Plouezoc'h", "Plouezoc’h", "Plouezoch", "Plouezoc h", "PLOUEZOC'H"]
    found = {getattr(find_commune(form), "code", None) for form in forms}
    assert found == {"29186"}


def test_a_former_commune_finds_its_commune_nouvelle() -> None:
    for typed in ("Lamballe", "Lambal", "Morieux", "Mûr-de-Bretagne", "mur de bretagne"):
        commune = find_commune(typed)
        assert commune is not None, typed
        assert commune.name in ("Lamballe-Armor", "Guerlédan"), typed
    lamballe = find_commune("Lamballe")
    assert lamballe is not None
    assert lamballe.name == "Lamballe-Armor"
    assert lamballe.breton == ""  # KerOfis names the former commune, not the new one
    assert {"Lamballe", "Lambal", "Morieux"} <= set(place_names("Lamballe-Armor"))


def test_shared_names_are_told_apart_by_departement() -> None:
    in_cotes = find_commune("Le Faouët", "22")
    in_morbihan = find_commune("Le Faouët", "56")
    assert in_cotes is not None
    assert in_morbihan is not None
    assert (in_cotes.code, in_morbihan.code) == ("22057", "56057")
    assert commune_name("Le Faouët", "br", "22") == "Ar Faved"
    assert commune_name("Le Faouët", "br", "56") == "Ar Faoued"


def test_the_reader_sees_the_name_in_their_language_never_a_guessed_one() -> None:
    assert commune_name("Quimper", "br") == "Kemper"
    assert commune_name("Quimper", "fr") == "Quimper"
    assert commune_name("Saint-Herblain", "br") == "Sant-Ervlan"
    assert commune_name("Lamballe-Armor", "br") == "Lamballe-Armor"  # none attested
    assert commune_name("Lamballe", "br") == "Lamballe"  # stored by a former name: kept
    assert commune_name("Trégastel-Bourg", "br") == "Trégastel-Bourg"


def test_the_wizard_echoes_the_name_as_typed_and_stores_the_french_one() -> None:
    quimper = find_commune("kemper")
    assert quimper is not None
    assert name_as_typed("kemper", quimper, "fr") == "Kemper"
    assert name_as_typed("quimper", quimper, "br") == "Quimper"
    lamballe = find_commune("lambal")
    assert lamballe is not None
    assert name_as_typed("lambal", lamballe, "br") == "Lamballe-Armor"


def test_a_commune_number_is_its_insee_code_and_nothing_else_is_one() -> None:
    vannes = find_commune("Vannes")
    assert vannes is not None
    assert commune_number(vannes) == 56260
    assert commune_by_number(56260) == vannes
    for number in (0, -1, 56999, 75056, 10**9):
        assert commune_by_number(number) is None


def test_search_text_holds_every_name_folded_like_a_query() -> None:
    _, text = project_search_fields("Un atelier", "Réparer.", "Carhaix-Plouguer", "29")
    for typed in ("Karaez", "karaez plouger", "Carhaix", "Penn-ar-Bed", "Plougêr"):
        assert all(f" {term}" in text for term in search_terms(typed)), typed
    _, text = project_search_fields("Un atelier", "Réparer.", "Plougastel-Daoulas", "29")
    assert all(f" {term}" in text for term in search_terms("Plougastell Daoulaz"))
    _, text = project_search_fields("Un atelier", "Réparer.", "Plouezoc'h", "29")
    for typed in ("Plouezoc'h", "plouezoch", "Plouezoc’h", "Plouezoc h"):
        assert all(f" {term}" in text for term in search_terms(typed)), typed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Quimpr", "Quimper"), ("Kimper", "Quimper"), ("Plouguernau", "Plouguerneau"),
     ("Saint-Brieu", "Saint-Brieuc"), ("Landernau", "Landerneau")],
)  # fmt: skip
def test_a_typo_gets_the_closest_communes(typed: str, expected: str) -> None:
    assert suggest_communes(typed)[0].name == expected
