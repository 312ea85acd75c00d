"""Search folding: accents, case, hyphens and Breton place names meet on both sides; small
talk, and the département nearest to a shared location."""

from __future__ import annotations

import pytest

from bot.i18n.text import normalise
from bot.search.nearby import COORDINATES, distance_km, nearest_departement
from bot.search.places import commune_name, find_commune, place_names
from bot.search.small_talk import SmallTalk, small_talk
from bot.search.text import fold, project_search_fields, search_terms


def test_normalise_folds_accents_case_apostrophes_and_spaces() -> None:
    assert normalise("  Crêpes  à GUÉRANDE ") == "crepes a guerande"
    assert normalise("Cœur de Maïwenn, C’hoari") == "coeur de maiwenn, c'hoari"
    # Search folding goes further: Breton c'h is ch, zh is z, ñ is n, apostrophes separate.
    assert fold("C’hoari e Roazhon, Moñforzh, l'école") == "choari e roazon monforz l ecole"
    # c'h typed with a space where it cannot be two words; French words stay apart.
    assert fold("c hoari, Plouezoc h") == "choari plouezoch"
    assert fold("avec huile, à 20 h") == "avec huile a 20 h"


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("crepes", ["crepes"]),
        ("Crêpes", ["crepes"]),
        ("fest-noz", ["fest", "noz"]),
        ("C'HOARI", ["choari"]),
        ("c’hoari", ["choari"]),
        ("Breizh", ["breiz"]),
        ("l'école d'algues", ["ecole", "algues"]),
        ("50% _off_ a", ["50", "off"]),
        ("", []),
        ("x" * 500, ["x" * 64]),
        (
            "deux trois quatre cinq six sept huit",
            ["deux", "trois", "quatre", "cinq", "six", "sept"],
        ),
        # The words of a request are dropped when others remain; alone, they are searched.
        ("Bonjour, je cherche un fest-noz", ["fest", "noz"]),
        ("demat, klask a ran ur raktres e Kemper", ["kemper"]),
        ("La Baule", ["baule"]),
        ("projets", ["projets"]),
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
    assert place_names("Trifouillis-les-Oies") == ("Trifouillis-les-Oies",)
    assert place_names(None) == ()
    assert place_names("naoned") == ("Nantes", "Naoned")


@pytest.mark.parametrize(
    ("departement", "names"),
    [
        ("29", [" finistere ", " penn ar bed "]),
        ("22", [" cotes d armor ", " aodou an arvor "]),
        ("35", [" ille et vilaine ", " il ha gwilen "]),
        ("44", [" loire atlantique ", " liger atlantel "]),
        ("56", [" morbihan ", " mor bihan "]),
    ],
)
def test_project_fields_carry_the_departement_in_french_and_breton(
    departement: str, names: list[str]
) -> None:
    _, text = project_search_fields("Un atelier", "Réparer ensemble.", None, departement)
    for name in names:
        assert name in text
    for typed in names:  # what a search makes of the name, typed with its accents and hyphens
        assert all(f" {term}" in text for term in search_terms(typed))


def test_a_project_without_departement_has_no_departement_words() -> None:
    assert project_search_fields("Atelier", "Vélos.", None) == (" atelier ", " atelier velos ")


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        ("Bonjour", SmallTalk.GREETING),
        ("bonjour !", SmallTalk.GREETING),
        ("BONSOIR", SmallTalk.GREETING),
        ("Salut à tous", SmallTalk.GREETING),
        ("coucou 👋", SmallTalk.GREETING),
        ("Demat", SmallTalk.GREETING),
        ("demat d’an holl !", SmallTalk.GREETING),
        ("Degemer mat", SmallTalk.GREETING),
        ("salud", SmallTalk.GREETING),
        ("Bonjour Kengo", SmallTalk.GREETING),
        ("aide", SmallTalk.HELP),
        ("Aide ?", SmallTalk.HELP),
        ("HELP", SmallTalk.HELP),
        ("À l'aide !", SmallTalk.HELP),
        ("skoazell", SmallTalk.HELP),
        ("Skoazell mar plij", SmallTalk.HELP),
        ("menu", SmallTalk.MENU),
        ("Menu principal.", SmallTalk.MENU),
        ("meuz", SmallTalk.MENU),
        ("Meuz pennañ", SmallTalk.MENU),
        # Words that are not only small talk are a search.
        ("fest-noz", None),
        ("aide aux devoirs", None),
        ("menuiserie", None),
        ("bonjour je cherche un fest-noz", None),
        ("👋", None),
        ("", None),
    ],
)
def test_small_talk_is_recognised_in_both_languages(typed: str, meaning: SmallTalk | None) -> None:
    assert small_talk(typed) is meaning


@pytest.mark.parametrize(
    ("where", "point", "departement"),
    [
        ("Brest", (48.39, -4.49), "29"),
        ("Pointe du Raz", (48.04, -4.74), "29"),
        ("Lannion", (48.73, -3.46), "22"),
        ("Vannes", (47.66, -2.76), "56"),
        ("Rennes", (48.11, -1.68), "35"),
        ("Nantes", (47.22, -1.55), "44"),
        ("Belle-Île", (47.35, -3.16), "56"),
    ],
)
def test_a_point_in_brittany_is_in_its_departement(
    where: str, point: tuple[float, float], departement: str
) -> None:
    nearest = nearest_departement(*point)
    assert nearest.departement == departement, where
    assert not nearest.far


def test_a_point_far_from_brittany_gets_the_nearest_departement_and_says_so() -> None:
    paris = nearest_departement(48.86, 2.35)
    assert paris.far
    assert paris.departement == "35"
    assert 250 < paris.km < 350


def test_every_located_town_is_a_commune_of_the_gazetteer() -> None:
    assert all(getattr(find_commune(name), "name", None) == name for name in COORDINATES)
    assert distance_km(COORDINATES["Brest"], COORDINATES["Quimper"]) == pytest.approx(57, abs=5)


def test_a_stored_commune_is_named_in_the_readers_language() -> None:
    assert commune_name("Nantes", "br") == "Naoned"
    assert commune_name("Nantes", "fr") == "Nantes"
    assert commune_name("Pont-l'Abbé", "br") == "Pont-'n-Abad"
    # Unknown to the gazetteer: as stored in both languages, never a guessed Breton name.
    assert commune_name("Trégastel-Bourg", "br") == "Trégastel-Bourg"
    assert commune_name("Trégastel-Bourg", "fr") == "Trégastel-Bourg"
    assert commune_name(None, "br") == ""
