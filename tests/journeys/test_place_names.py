"""Communes are shown in the reader's language: the Breton name to a Breton reader when the
gazetteer knows the commune, the name as stored otherwise."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.conversation import callbacks
from bot.conversation.callbacks import WizardAction
from bot.domain import Category, Departement, FundingModel, ProjectStatus, utcnow
from bot.storage.models import Project
from tests.bot_database import db_add, latest_project
from tests.dialogue import (
    MODERATOR_ID,
    WAIT,
    answer_to,
    buttons,
    expect,
    plain,
    press,
    press_label,
    shown,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess
from tests.journeys.test_wizard_conversation import by_value, to_commune

pytestmark = pytest.mark.journey


@pytest.fixture
def backend() -> str:
    """SQLite only: names shown and typed do not depend on the engine; the search on both
    engines is compared in tests/integration/test_search_gazetteer.py and test_search_engines.py."""
    return "sqlite"


BRETON_MODERATOR = 900_003


async def _projects(database_url: str, owner_id: int, **fields: Any) -> int:
    """A project of a user the bot knows, live unless said otherwise, added while it runs."""
    now = utcnow()
    values: dict[str, Any] = {
        "owner_id": owner_id, "status": ProjectStatus.LIVE, "title": "Un projet breton",
        "summary": "Un résumé assez long pour être crédible.",
        "description": "Une description du projet.", "breton_connection": "Porté en Bretagne.",
        "category": Category.CULTURE, "departement": Departement.FINISTERE, "commune": "Brest",
        "goal_cents": 500_000, "funding_model": FundingModel.ALL_OR_NOTHING,
        "duration_days": 30, "starts_at": now - timedelta(days=5),
        "ends_at": now + timedelta(days=25),
    }  # fmt: skip
    values.update(fields)
    [added] = await db_add(database_url, Project(**values))
    return added


@pytest.mark.parametrize(
    ("language", "line", "place"),
    [("fr", "Nantes (Loire-Atlantique)", "📍 Nantes · Loire-Atlantique"),
     ("br", "Naoned (Liger-Atlantel)", "📍 Naoned · Liger-Atlantel")],
)  # fmt: skip
async def test_the_catalogue_and_the_card_name_the_commune_in_the_readers_language(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, line: str, place: str,
) -> None:  # fmt: skip
    reader = emulator.user(761, "Lena", language_code=language)
    await answer_to(emulator, reader, "/start")
    await _projects(database_url, 761, title="Lanternes du port", commune="Nantes",
                    departement=Departement.LOIRE_ATLANTIQUE)  # fmt: skip
    listing = await answer_to(emulator, reader, "/projets")
    assert f"1. <b>Lanternes du port</b> — {line}" in shown(listing)
    card = await press_label(emulator, reader, listing, "1. Lanternes")
    assert place in shown(card)
    # A search by the other language's name finds it all the same.
    found = await answer_to(emulator, reader, "naoned" if language == "fr" else "nantes")
    assert line in shown(found)


@pytest.mark.parametrize("language", ["fr", "br"])
async def test_a_commune_unknown_to_the_gazetteer_is_shown_as_stored(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str, language: str
) -> None:
    reader = emulator.user(762, "Loeiz", language_code=language)
    await answer_to(emulator, reader, "/start")
    await _projects(database_url, 762, title="Four à pain", commune="Trégastel-Bourg",
                    departement=Departement.COTES_DARMOR)  # fmt: skip
    listing = await answer_to(emulator, reader, "/projets")
    assert "— Trégastel-Bourg (" in shown(listing)
    card = await press_label(emulator, reader, listing, "1. Four")
    assert "📍 Trégastel-Bourg · " in shown(card)


@pytest.mark.kengo_settings(moderator_ids=frozenset({MODERATOR_ID, BRETON_MODERATOR}))
async def test_the_moderation_panel_names_the_commune_in_the_moderators_language(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    soazig = emulator.user(MODERATOR_ID, "Soazig", language_code="fr")
    erwan = emulator.user(BRETON_MODERATOR, "Erwan", language_code="br")
    owner = emulator.user(763, "Maïwenn", language_code="fr")
    for user in (soazig, erwan, owner):
        await answer_to(emulator, user, "/start")
    project_id = await _projects(database_url, 763, status=ProjectStatus.DRAFT,
                                 commune="Quimper", starts_at=None, ends_at=None,
                                 wizard_step="preview")  # fmt: skip
    mark = emulator.mark()
    await owner.press(callbacks.wizard(WizardAction.SEND, project_id))
    for chat_id, place in [(MODERATOR_ID, "📍 Quimper · Finistère"),
                           (BRETON_MODERATOR, "📍 Kemper · Penn-ar-Bed")]:  # fmt: skip
        panel = await emulator.wait_for(
            "sendMessage", lambda c: any("✅" in b or "🙋" in b for b in buttons(c)),
            chat_id=chat_id, since=mark, timeout=WAIT,
        )  # fmt: skip
        texts = [shown(c) for c in emulator.calls(chat_id=chat_id)[-5:]]
        assert any(place in text for text in texts), (place, texts, panel)


# Projects in communes all over the gazetteer: (title, commune, département).
SPREAD = [
    ("Lanternes du port", "Nantes", Departement.LOIRE_ATLANTIQUE),
    ("Bagad de la ville close", "Quimper", Departement.FINISTERE),
    ("Chorale du golfe", "Vannes", Departement.MORBIHAN),
    ("Viaduc en musique", "Morlaix", Departement.FINISTERE),
    ("Enclos paroissial", "Pleyben", Departement.FINISTERE),
    ("Foire aux chevaux", "Carhaix-Plouguer", Departement.FINISTERE),
    ("Criée ouverte", "Plouezoc'h", Departement.FINISTERE),
    ("Jardin des haras", "Lamballe-Armor", Departement.COTES_DARMOR),
]


@pytest.mark.parametrize(
    ("language", "searches"),
    [("br", [("Naoned", "Lanternes du port — Naoned (Liger-Atlantel)"),
             ("Kemper", "Bagad de la ville close — Kemper (Penn-ar-Bed)"),
             ("Gwened", "Chorale du golfe — Gwened (Mor-Bihan)"),
             ("Montroulez", "Viaduc en musique — Montroulez (Penn-ar-Bed)"),
             ("Pleiben", "Enclos paroissial — Pleiben (Penn-ar-Bed)"),
             ("Penn-ar-Bed", "Enclos paroissial — Pleiben (Penn-ar-Bed)"),
             ("karaez", "Foire aux chevaux — Karaez-Plougêr (Penn-ar-Bed)"),
             ("Plouezoch", "Criée ouverte — Plouezoc'h (Penn-ar-Bed)"),
             ("Lambal", "Jardin des haras — Lamballe-Armor (Aodoù-an-Arvor)")]),
     ("fr", [("Kemper", "Bagad de la ville close — Quimper (Finistère)"),
             ("Pleiben", "Enclos paroissial — Pleyben (Finistère)"),
             ("Finistère", "Viaduc en musique — Morlaix (Finistère)"),
             ("Lamballe", "Jardin des haras — Lamballe-Armor (Côtes-d'Armor)"),
             ("Morieux", "Jardin des haras — Lamballe-Armor (Côtes-d'Armor)")])],
)  # fmt: skip
async def test_a_search_by_any_name_of_a_commune_finds_its_projects_named_for_the_reader(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, searches: list[tuple[str, str]],
) -> None:  # fmt: skip
    reader = emulator.user(764, "Nolwenn", language_code=language)
    await answer_to(emulator, reader, "/start")
    for title, commune, departement in SPREAD:
        await _projects(database_url, 764, title=title, commune=commune, departement=departement)
    await answer_to(emulator, reader, "/projets")
    for query, line in searches:
        found = await answer_to(emulator, reader, query)
        assert line in shown(found).replace("<b>", "").replace("</b>", ""), (query, shown(found))


@pytest.mark.parametrize(
    ("language", "typed", "marked"),
    [("fr", "pleyben", "Étape 5/13 : Commune — ✅ Pleyben"),
     ("br", "pleiben", "Pazenn 5/13 : Kumun — ✅ Pleiben")],
)  # fmt: skip
async def test_the_wizard_knows_every_commune_and_stores_its_french_name(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, typed: str, marked: str,
) -> None:  # fmt: skip
    """Pleyben was missing from the old short list: now known, echoed as the gazetteer spells
    it in the language typed, stored by its official French name."""
    owner = emulator.user(765, "Riwal", language_code=language)
    await to_commune(emulator, owner)
    await expect(emulator, owner, typed, "6/13")
    edits = emulator.calls("editMessageText", chat_id=765)
    assert any(shown(c) == marked for c in edits), [shown(c) for c in edits[-3:]]
    project = await latest_project(database_url, 765)
    assert (project.commune, project.departement) == ("Pleyben", Departement.FINISTERE)


@pytest.mark.parametrize(
    ("language", "refused", "switch"),
    [("fr", "Pludual se trouve dans un autre département (Côtes-d'Armor)",
      "Pludual, Côtes-d'Armor"),
     ("br", "Plua a zo en un departamant all (Aodoù-an-Arvor)", "Plua, Aodoù-an-Arvor")],
)  # fmt: skip
async def test_a_commune_of_another_departement_is_recognised_with_its_departement(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, refused: str, switch: str,
) -> None:  # fmt: skip
    owner = emulator.user(766, "Annaig", language_code=language)
    await to_commune(emulator, owner)  # in Finistère
    refusal = await expect(emulator, owner, "Pludual", refused)
    await expect(emulator, owner, press(refusal, switch), "6/13")
    project = await latest_project(database_url, 766)
    assert (project.commune, project.departement) == ("Pludual", Departement.COTES_DARMOR)

    other = emulator.user(767, "Herve", language_code=language)
    await to_commune(emulator, other, "44")
    await expect(emulator, other, "saint herblain", "6/13")
    project = await latest_project(database_url, 767)
    assert (project.commune, project.departement) == (
        "Saint-Herblain",
        Departement.LOIRE_ATLANTIQUE,
    )


@pytest.mark.parametrize(
    ("language", "unknown", "suggested", "switch"),
    [("fr", "Je ne connais pas", "📍 Pludual, Côtes-d'Armor", "Pludual, Côtes-d'Armor"),
     ("br", "N'anavezan ket", "📍 Plua, Aodoù-an-Arvor", "Plua, Aodoù-an-Arvor")],
)  # fmt: skip
async def test_a_misspelt_commune_gets_suggestions_even_in_another_departement(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, unknown: str, suggested: str, switch: str,
) -> None:  # fmt: skip
    owner = emulator.user(768, "Maela", language_code=language)
    await to_commune(emulator, owner)  # in Finistère
    offer = await expect(emulator, owner, "Pludal", unknown)
    assert suggested in [plain(label) for label in buttons(offer)]
    # A forged commune number is no commune: answered as a stale button, the draft untouched.
    forged = by_value(offer, "keep").removesuffix(":keep") + ":c75056"
    mark = emulator.mark()
    await owner.press(forged.removeprefix("press:"))
    await emulator.wait_for("answerCallbackQuery", chat_id=None, since=mark, timeout=WAIT)
    assert (await latest_project(database_url, 768)).commune is None
    # The suggestion lies in another département: choosing it offers to switch.
    elsewhere = "autre département" if language == "fr" else "departamant all"
    refusal = await expect(emulator, owner, press(offer, suggested), elsewhere)
    assert switch in plain(" ".join(buttons(refusal)))
    await expect(emulator, owner, press(refusal, switch), "6/13")
    project = await latest_project(database_url, 768)
    assert (project.commune, project.departement) == ("Pludual", Departement.COTES_DARMOR)


@pytest.mark.parametrize(
    ("language", "marked"),
    [("fr", "Étape 5/13 : Commune — ✅ Lamballe-Armor"),
     ("br", "Pazenn 5/13 : Kumun — ✅ Lamballe-Armor")],
)  # fmt: skip
async def test_a_former_commune_is_stored_as_its_commune_nouvelle(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, marked: str,
) -> None:  # fmt: skip
    owner = emulator.user(769, "Goulven", language_code=language)
    await to_commune(emulator, owner, "22")
    await expect(emulator, owner, "Lamballe", "6/13")
    edits = emulator.calls("editMessageText", chat_id=769)
    assert any(shown(c) == marked for c in edits), [shown(c) for c in edits[-3:]]
    assert (await latest_project(database_url, 769)).commune == "Lamballe-Armor"
