"""The wizard's rules: what each step accepts, and where an answer leads."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import Category, DeliveryMode, Departement, FundingModel
from bot.i18n.translator import SUPPORTED_LOCALES, Catalogs
from bot.search.places import commune_by_number
from bot.storage.models import Project, RewardTier
from bot.submission.answers import NotEditable, store_choice, store_text
from bot.submission.months import parse_month
from bot.submission.rules import (
    KEEP_CURRENT,
    Position,
    Problem,
    Refusal,
    Step,
    check_text,
    join_description,
    number_of,
    parse_commune,
    parse_duration,
    parse_goal,
    parse_quantity,
    parse_shipping_countries,
)
from bot.submission.views import typed_choice
from bot.submission.wizard import Draft, _draft


@pytest.mark.parametrize(
    "typed", ["1500", "1 500", "1500 €", "1.500", "1\u202f500\u00a0€", "1500,00"]
)
def test_goals_people_type_are_fifteen_hundred_euros(typed: str) -> None:
    assert parse_goal(typed) == 150_000


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("beaucoup", Problem.NOT_AN_AMOUNT), ("99", Problem.GOAL_RANGE),
     ("200 001", Problem.GOAL_RANGE), ("-500", Problem.NOT_AN_AMOUNT)],
)  # fmt: skip
def test_goals_outside_the_rules_are_explained(typed: str, problem: Problem) -> None:
    with pytest.raises(Refusal) as refused:
        parse_goal(typed)
    assert refused.value.problem is problem


def test_communes_are_named_officially_and_must_be_in_the_chosen_departement() -> None:
    assert parse_commune("  kemper ", Departement.FINISTERE) == "Quimper"
    assert parse_commune("naoned", None) == "Nantes"
    with pytest.raises(Refusal) as elsewhere:
        parse_commune("Gwened", Departement.FINISTERE)
    assert elsewhere.value.value("departement") is Departement.MORBIHAN
    switch_to = commune_by_number(elsewhere.value.value("number"))  # for "switch to it"
    assert switch_to is not None
    assert switch_to.name == "Vannes"


def test_an_unknown_commune_gets_the_closest_known_names_and_may_be_kept_as_typed() -> None:
    with pytest.raises(Refusal) as typo:
        parse_commune("Quimpr", Departement.FINISTERE)
    assert typo.value.problem is Problem.UNKNOWN_COMMUNE
    assert typo.value.value("suggestions")[0][1] == "Quimper"
    for number, name in typo.value.value("suggestions"):
        assert getattr(commune_by_number(number), "name", None) == name
    with pytest.raises(Refusal) as unknown:
        parse_commune("trifouillis-les-Oies", None)
    assert (unknown.value.value("typed"), unknown.value.value("suggestions")) == (
        "Trifouillis-les-Oies",
        (),
    )
    # A hamlet is no commune: kept as typed when the owner insists, tidied.
    kept = parse_commune("trégastel-bourg", Departement.COTES_DARMOR, insist=True)
    assert kept == "Trégastel-bourg"
    # A commune the old short list lacked is simply known now.
    assert parse_commune("plouguerneau", Departement.FINISTERE) == "Plouguerneau"
    for nonsense in ["29200", "<b>", "x" * 81]:
        with pytest.raises(Refusal):
            parse_commune(nonsense, None)


def test_texts_are_trimmed_and_measured_after_trimming() -> None:
    assert check_text(Step.TITLE, "  Un   parquet\npour le cercle ") == "Un parquet pour le cercle"
    with pytest.raises(Refusal) as short:
        check_text(Step.TITLE, "   ab \n ")
    assert (short.value.problem, short.value.value("count")) == (Problem.TOO_SHORT, 2)
    with pytest.raises(Refusal):
        check_text(Step.BRETON, "x" * 1001)


def test_a_description_grows_by_parts_and_never_past_its_limit() -> None:
    first = join_description("ancienne", "Première partie.", appending=False)
    assert first == "Première partie."
    both = join_description(first, "Seconde partie.", appending=True)
    assert both == "Première partie.\n\nSeconde partie."
    with pytest.raises(Refusal) as too_long:
        join_description("x" * 2990, "y" * 20, appending=True)
    assert too_long.value.value("count") == 3012


def test_durations_quantities_and_months() -> None:
    assert parse_duration("45 jours") == 45
    assert parse_duration("60 deiz") == 60
    for wrong in ["3", "91", "30 ou 45", "bientôt"]:
        with pytest.raises(Refusal):
            parse_duration(wrong)
    assert parse_quantity("1 000") == 1000
    with pytest.raises(Refusal):
        parse_quantity("0")
    today = date(2026, 11, 26)
    assert parse_month("06/2027", today) == date(2027, 6, 1)
    assert parse_month("2027-6", today) == date(2027, 6, 1)
    assert parse_month("11/2026", today) == date(2026, 11, 1)  # this month is fine
    wrongs = [("13/2027", Problem.NOT_A_MONTH), ("juin", Problem.NOT_A_MONTH),
              ("10/2026", Problem.MONTH_PAST), ("juin 2025", Problem.MONTH_PAST),
              ("06/0000", Problem.MONTH_RANGE), ("01/2040", Problem.MONTH_RANGE),
              ("brumaire 2027", Problem.NOT_A_MONTH)]  # fmt: skip
    for wrong, problem in wrongs:
        with pytest.raises(Refusal) as refused:
            parse_month(wrong, today)
        assert refused.value.problem is problem


@pytest.mark.parametrize(
    "typed",
    ["juin 2027", "06/2027", "6/2027", "juin 27", "06/27", "2027-06", "Juin 2027.",
     "JUIN  2027", "Mezheven 2027", "mezheven 27", "Mezh. 2027"],
)  # fmt: skip
def test_a_delivery_month_is_understood_as_people_write_it_in_french_or_breton(typed: str) -> None:
    assert parse_month(typed, date(2026, 11, 26)) == date(2027, 6, 1)


def test_month_names_are_babels_with_the_breton_apostrophe_as_typed() -> None:
    today = date(2026, 11, 26)
    for typed in ["C'hwevrer 2027", "c’hwevrer 27", "Cʼhwevrer 2027", "février 2027", "fevr. 27"]:
        assert parse_month(typed, today) == date(2027, 2, 1)
    assert parse_month("Du 2027", today) == date(2027, 11, 1)  # Breton for November
    assert parse_month("Kerzu 2026", today) == date(2026, 12, 1)


def test_positions_survive_the_database_and_lead_where_the_owner_expects() -> None:
    for position in [Position(Step.TITLE), Position(Step.DESCRIPTION, appending=True),
                     Position(Step.TIER_AMOUNT, editing=True)]:  # fmt: skip
        assert Position.decode(position.encode()) == position
    assert Position.decode("nonsense") is None
    assert Position(Step.TITLE).after_answer() == Position(Step.CATEGORY)
    assert Position(Step.TITLE, editing=True).after_answer() == Position(Step.PREVIEW)
    assert Position(Step.TIER_DELIVERY).after_answer() == Position(Step.TIERS)
    assert Position(Step.TIER_TITLE, editing=True).after_answer() == Position(
        Step.TIER_AMOUNT, editing=True
    )
    assert [number_of(s) for s in (Step.BRETON, Step.TIER_QUANTITY, Step.PREVIEW)] == [1, 11, 13]


def complete_draft(position: Position, **changes: object) -> Project:
    """A draft with every answer given, standing at `position`."""
    project = Project(
        id=1, owner_id=1, wizard_step=position.encode(), reward_tiers=[],
        breton_connection="Un cercle celtique de Quimper depuis 1950.", title="Un parquet",
        category=Category.CULTURE, departement=Departement.FINISTERE, commune="Quimper",
        summary="Un plancher de danse pour les festoù-noz.", description="Du béton. " * 6,
        goal_cents=150_000, duration_days=45, funding_model=FundingModel.ALL_OR_NOTHING,
    )  # fmt: skip
    for name, value in changes.items():
        setattr(project, name, value)
    return project


def draft_at(position: Position, **changes: object) -> Draft:
    return _draft(complete_draft(position, **changes))


def typed_as(draft: Draft, text: str) -> str | None:
    catalogs = Catalogs.load()
    return typed_choice([catalogs.translator(locale) for locale in SUPPORTED_LOCALES], draft, text)


@pytest.mark.parametrize(
    ("position", "typed", "value"),
    [(Position(Step.CATEGORY), "culture", "culture"),
     (Position(Step.CATEGORY), "Sevenadur !", "culture"),
     (Position(Step.CATEGORY), "langue", "breton_language"),  # the first words of one label
     (Position(Step.CATEGORY), "rock", None),
     (Position(Step.CATEGORY), "🎉", None),
     (Position(Step.DEPARTEMENT), "Cotes d'armor", "22"),
     (Position(Step.DEPARTEMENT), "Aodoù-an-Arvor", "22"),
     (Position(Step.DEPARTEMENT), "29", "29"),
     (Position(Step.DEPARTEMENT), "ille", "35"),
     (Position(Step.MODEL), "tout", "all_or_nothing"),
     (Position(Step.MODEL), "mirout pep tra", "keep_it_all"),
     (Position(Step.TIERS), "pas de contrepartie", "none"),
     (Position(Step.TIERS), "Ajouter", "add"),
     (Position(Step.TIERS), "terminé", None),  # no reward yet: "Terminé" is not offered
     (Position(Step.DESCRIPTION, appending=True), "ECHU", "done"),
     (Position(Step.DESCRIPTION), "terminé", None),  # the first part of a description
     (Position(Step.TIER_MODE), "Envoyée par la poste", "shipped"),
     (Position(Step.TIER_MODE), "kaset dre ar post", "shipped"),
     (Position(Step.TIER_MODE), "remise", "in_person"),  # the first words of one label
     (Position(Step.TIER_MODE), "netra da gas", "none"),
     (Position(Step.TIER_COUNTRIES), "Union européenne", "eu"),
     (Position(Step.TIER_COUNTRIES), "Frañs hepken", "fr"),
     (Position(Step.TIER_COUNTRIES), "France", None),  # a country typed: read as a list
     (Position(Step.TIER_QUANTITY), "hep bevenn", "unlimited"),
     (Position(Step.TIER_QUANTITY), "hep", None),  # a quantity is typed: whole labels only
     (Position(Step.PHOTO), "tremen", "skip"),
     (Position(Step.TITLE, editing=True), "garder la reponse actuelle", KEEP_CURRENT),
     (Position(Step.TITLE, editing=True), "garder", None),
     (Position(Step.TITLE, editing=True), "current", None),
     (Position(Step.TITLE), "garder la réponse actuelle", None),
     (Position(Step.PREVIEW), "soumettre", None)],
)  # fmt: skip
def test_a_typed_label_in_either_language_names_its_button(
    position: Position, typed: str, value: str | None
) -> None:
    assert typed_as(draft_at(position), typed) == value


def test_a_reward_is_never_deleted_by_typing_its_title() -> None:
    bowl = RewardTier(id=7, position=0, title="Un bol", description="Un bol en grès.",
                      min_amount_cents=2_500, estimated_delivery=date(2027, 6, 1))  # fmt: skip
    draft = draft_at(Position(Step.TIERS), reward_tiers=[bowl])
    assert typed_as(draft, "🗑 Un bol") is None
    assert typed_as(draft, "Terminé") == "done"


def test_the_current_answer_is_kept_only_while_it_still_holds() -> None:
    editing = Position(Step.COMMUNE, editing=True)
    assert store_choice(complete_draft(editing), editing, KEEP_CURRENT) == Position(Step.PREVIEW)
    elsewhere = complete_draft(editing, departement=Departement.MORBIHAN)  # Quimper is not there
    assert not draft_at(editing, departement=Departement.MORBIHAN).keeps_current
    with pytest.raises(NotEditable):
        store_choice(elsewhere, editing, KEEP_CURRENT)
    for position in (Position(Step.COMMUNE), Position(Step.DESCRIPTION, True, appending=True),
                     Position(Step.TIERS, editing=True)):  # fmt: skip
        assert not draft_at(position).keeps_current
        with pytest.raises(NotEditable):
            store_choice(complete_draft(position), position, KEEP_CURRENT)


@pytest.mark.parametrize(
    ("typed", "codes"),
    [("FR", ("FR",)), ("fr, be ; ch", ("FR", "BE", "CH")),
     ("France et Belgique", ("FR", "BE")), ("Frañs ha Suis", ("FR", "CH")),
     ("Allemagne / Espagne", ("DE", "ES")), ("UE", ("EU",)), ("Unaniezh Europa", ("EU",)),
     ("France, France", ("FR",))],
)  # fmt: skip
def test_shipping_countries_are_read_as_codes_or_names_in_either_language(
    typed: str, codes: tuple[str, ...]
) -> None:
    assert parse_shipping_countries(typed) == codes


@pytest.mark.parametrize("typed", ["", "Bretagne", "FR, Atlantide", "XX"])
def test_what_is_not_a_list_of_countries_is_refused(typed: str) -> None:
    with pytest.raises(Refusal) as refused:
        parse_shipping_countries(typed)
    assert refused.value.problem is Problem.NOT_COUNTRIES


BOWL = {"title": "Un bol", "min_amount_cents": 2_500, "description": "Un bol en grès."}


def test_only_a_shipped_reward_is_asked_its_countries_and_keeps_them() -> None:
    project = complete_draft(Position(Step.TIER_MODE), wizard_tier=BOWL)
    shipped = store_choice(project, Position(Step.TIER_MODE), "shipped")
    assert shipped == Position(Step.TIER_COUNTRIES)
    store_text(project, shipped, "France, Belgique", 1_000_000)
    assert project.wizard_tier["shipping_countries"] == "FR,BE"
    # Changing one's mind at the same question drops the countries.
    handed = store_choice(project, Position(Step.TIER_MODE), "in_person")
    assert handed == Position(Step.TIER_QUANTITY)
    assert "shipping_countries" not in project.wizard_tier
    assert store_choice(project, Position(Step.TIER_MODE), "shipped") == shipped
    assert store_choice(project, shipped, "eu") == Position(Step.TIER_QUANTITY)
    store_choice(project, Position(Step.TIER_QUANTITY), "unlimited")
    store_text(project, Position(Step.TIER_DELIVERY), "06/2031", 1_000_000)
    tier = project.reward_tiers[-1]
    assert (tier.delivery_mode, tier.shipping_countries) == (DeliveryMode.SHIPPED, "EU")
    with pytest.raises(NotEditable):
        store_choice(project, Position(Step.TIER_MODE), "by_pigeon")


def test_a_reward_begun_before_the_question_is_handed_over() -> None:
    project = complete_draft(Position(Step.TIER_DELIVERY), wizard_tier=BOWL)
    store_text(project, Position(Step.TIER_DELIVERY), "06/2031", 1_000_000)
    tier = project.reward_tiers[-1]
    assert (tier.delivery_mode, tier.shipping_countries) == (DeliveryMode.IN_PERSON, None)


def test_a_reward_left_half_rewritten_is_not_continued_by_a_new_one() -> None:
    bowl = RewardTier(id=7, position=0, title="Un bol", description="Un bol en grès.",
                      min_amount_cents=2500, estimated_delivery=date(2027, 6, 1))  # fmt: skip
    project = complete_draft(Position(Step.TIERS), reward_tiers=[bowl])
    assert store_choice(project, Position(Step.TIERS), "edit7") == Position(Step.TIER_TITLE)
    assert (project.wizard_tier or {})["replaces"] == 7  # what the bowl holds, to keep or change
    store_text(project, Position(Step.TIER_TITLE), "Un bol gravé", 1_000_000)
    # Left there; later "➕ Ajouter une contrepartie": a new reward, the bowl untouched.
    assert store_choice(project, Position(Step.TIERS), "add") == Position(Step.TIER_TITLE)
    store_text(project, Position(Step.TIER_TITLE), "Une tasse", 1_000_000)
    assert "replaces" not in (project.wizard_tier or {})
    assert bowl.title == "Un bol"
    with pytest.raises(NotEditable):  # a reward of another draft, or a forged number
        store_choice(project, Position(Step.TIERS), "edit8")
