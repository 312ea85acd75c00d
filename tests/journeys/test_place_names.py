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
from tests.bot_database import db_add
from tests.dialogue import MODERATOR_ID, WAIT, answer_to, buttons, press_label, shown
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey

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
