"""Bilingual projects: the owner gives the title and summary in the other language too (an
optional step of the wizard), and each reader reads the version in their language."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.storage.models import Project, ProjectTranslation
from tests.bot_database import db_execute, db_scalar, latest_project, project_id
from tests.dialogue import (
    WAIT,
    answer_to,
    answer_to_press,
    buttons,
    expect,
    follow_through_link,
    my_projects,
    press,
    press_label,
    shown,
    write_news,
)
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


@pytest.fixture
def backend() -> str:
    """SQLite only: which version a reader is shown does not depend on the engine; the
    translations' storage and search run on both in tests/integration (demo data, search)."""
    return "sqlite"


DIWAN = "diwan-gwened-troisieme-classe"
DIWAN_FR = "Skol Diwan Gwened : une troisième classe pour la rentrée"
DIWAN_BR = "Skol Diwan Gwened : ur c'hlas nevez evit an distro-skol"
SUMMARY = "Un plancher de danse démontable pour les festoù-noz de Cornouaille."
TITLE_BR = "Ur plañchod dañs evit ar c'helc'h"
SUMMARY_BR = "Ur plañchod dañs a c'haller dispenn evit festoù-noz Kernev."


def labels(call: ApiCall) -> list[str]:
    return [label.replace("\u202f", " ") for label in buttons(call)]


async def to_summary(emulator: BotApiEmulator, owner: FakeUser, step: str) -> ApiCall:
    """Steps 1 to 6 in the Finistère, at Quimper; returns the offer of the other language."""
    await expect(emulator, owner, "/proposer", f"{step} 1/13")
    breton = "Notre cercle celtique danse à Quimper depuis 1950, en costume de Cornouaille."
    await expect(emulator, owner, breton, f"{step} 2/13")
    await expect(emulator, owner, "Un parquet pour le cercle", f"{step} 3/13")
    await expect(emulator, owner, "culture", f"{step} 4/13")
    await expect(emulator, owner, "29", f"{step} 5/13")
    await expect(emulator, owner, "Quimper", f"{step} 6/13")
    return await expect(emulator, owner, SUMMARY, f"{step} 6/13")


async def to_preview(emulator: BotApiEmulator, owner: FakeUser) -> ApiCall:
    """From the description (step 7) to the preview, in French."""
    part = await expect(emulator, owner, "Nous dansons sur du béton : ce plancher protégera "
                        "nos genoux, et ceux de nos invités.", "Reçu")  # fmt: skip
    await expect(emulator, owner, press(part, "Terminé"), "Étape 8/13")
    await expect(emulator, owner, "1500", "Étape 9/13")
    await expect(emulator, owner, "45", "Étape 10/13")
    await expect(emulator, owner, "tout ou rien", "Étape 11/13")
    step = await expect(emulator, owner, "pas de contrepartie", "Étape 12/13")
    return await expect(emulator, owner, press(step, "Passer"), "Étape 13/13")


async def test_a_french_owner_adds_the_breton_version_then_edits_and_removes_it(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(761, "Maïwenn", language_code="fr")
    offer = await to_summary(emulator, owner, "Étape")
    assert "titre et le résumé en breton ?" in shown(offer)
    assert labels(offer) == ["✍️ Ajouter en breton", "⏭ Passer"]

    question = await expect(emulator, owner, press(offer, "Ajouter"), "Le titre en breton")
    assert "(3 à 80 caractères)" in shown(question)
    refused = await expect(emulator, owner, "Ab", "Un peu court")
    assert "au moins 3 caractères (vous en êtes à 2)" in shown(refused)
    refused = await expect(emulator, owner, "Plañchod " * 10, "Trop long")
    assert "80 caractères au plus (vous en êtes à 89)" in shown(refused)
    await expect(emulator, owner, TITLE_BR, "Le résumé en breton")
    answered = emulator.calls("editMessageText", chat_id=761)[-1]
    assert f"✅ « {TITLE_BR} »" in shown(answered)  # the question, marked with its answer
    await expect(emulator, owner, "Re verr", "Un peu court")
    await expect(emulator, owner, SUMMARY_BR, "Étape 7/13")
    preview = await to_preview(emulator, owner)
    assert f"<b>En breton :</b>\n<b>{TITLE_BR}</b>\n{SUMMARY_BR}" in shown(preview)
    assert "<b>Un parquet pour le cercle</b>" in shown(preview)  # the card stays in French
    assert "🏷 Culture · en breton" in shown(preview)  # the mark the catalogue will show
    stored = await db_scalar(
        database_url,
        select(ProjectTranslation.locale, ProjectTranslation.title)
        .join(Project).where(Project.owner_id == 761),
    )  # fmt: skip
    assert stored == "br"

    # From the preview: rewrite it, or remove it.
    question = await expect(emulator, owner, press(preview, "En breton"), "Étape 6/13")
    assert f"Réponse actuelle : {TITLE_BR}" in shown(question)
    assert labels(question) == [
        "✏️ Modifier le texte en breton",
        "🗑 Retirer le texte en breton",
        "↩ Garder la réponse actuelle",
    ]
    await expect(emulator, owner, press(question, "Modifier"), "Le titre en breton")
    await expect(emulator, owner, "Plañchod ar c'helc'h", "Le résumé en breton")
    mark = emulator.mark()
    await owner.send(SUMMARY_BR)
    edited = await emulator.wait_for(
        "editMessageText", lambda c: c.params["message_id"] == preview.result["message_id"],
        chat_id=761, since=mark, timeout=WAIT,
    )  # fmt: skip
    assert "Plañchod ar c'helc'h" in shown(edited)

    question = await expect(emulator, owner, press(preview, "En breton"), "Étape 6/13")
    mark = emulator.mark()
    await owner.press(press(question, "Retirer").removeprefix("press:"))
    edited = await emulator.wait_for(
        "editMessageText", lambda c: c.params["message_id"] == preview.result["message_id"],
        chat_id=761, since=mark, timeout=WAIT,
    )  # fmt: skip
    assert "En breton :" not in shown(edited)
    assert "en breton" not in shown(edited)  # no Breton version, no mark
    project = await latest_project(database_url, 761)
    count = select(ProjectTranslation.project_id).where(ProjectTranslation.project_id == project.id)
    assert await db_scalar(database_url, count) is None
    assert project.search_title.strip() == "un parquet pour le cercle"  # its words unindexed

    # Removed, it can be added again; "Passer" is not offered where "Garder" says the same.
    question = await expect(emulator, owner, press(preview, "En breton"), "Étape 6/13")
    assert labels(question) == ["✍️ Ajouter en breton", "↩ Garder la réponse actuelle"]
    await expect(emulator, owner, press(question, "Ajouter"), "Le titre en breton")
    await expect(emulator, owner, TITLE_BR, "Le résumé en breton")
    # Submitting with the translation half written asks for the rest, then the preview again.
    await expect(emulator, owner, press(preview, "Soumettre"), "Le résumé en breton")
    mark = emulator.mark()
    await owner.send(SUMMARY_BR)
    edited = await emulator.wait_for(
        "editMessageText", lambda c: c.params["message_id"] == preview.result["message_id"],
        chat_id=761, since=mark, timeout=WAIT,
    )  # fmt: skip
    assert f"<b>{TITLE_BR}</b>\n{SUMMARY_BR}" in shown(edited)
    assert (await latest_project(database_url, 761)).wizard_step == "preview"


async def test_a_breton_owner_is_offered_french_and_resumes_where_they_stopped(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(762, "Erwan", language_code="br")
    offer = await to_summary(emulator, owner, "Pazenn")
    assert "e galleg ivez ?" in shown(offer)
    assert labels(offer) == ["✍️ Skrivañ e galleg", "⏭ Tremen"]
    # Typed rather than pressed: the button's first word is enough.
    await expect(emulator, owner, "skrivañ", "An titl e galleg")
    await expect(emulator, owner, "Un plancher pour le cercle", "Ar verradenn e galleg")
    # Stopped there, and back: the same question, the title kept.
    await answer_to(emulator, owner, "/annuler")
    resume = await expect(emulator, owner, "/proposer", "paouezet er bazenn 6/13")
    await expect(emulator, owner, press(resume, "Kenderc'hel"), "Ar verradenn e galleg")
    await expect(emulator, owner, "Ce plancher protégera les genoux des danseurs.", "Pazenn 7/13")
    project = await latest_project(database_url, 762)
    translation = select(ProjectTranslation.locale, ProjectTranslation.title).where(
        ProjectTranslation.project_id == project.id
    )
    assert await db_scalar(database_url, translation) == "fr"
    assert " un plancher pour le cercle" in project.search_title


async def test_passing_the_offer_stores_nothing(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(763, "Katell", language_code="fr")
    offer = await to_summary(emulator, owner, "Étape")
    await expect(emulator, owner, "Bonjour", "Choisissez avec les boutons")  # buttons again
    await expect(emulator, owner, press(offer, "Passer"), "Étape 7/13")
    answered = [c for c in emulator.calls("editMessageText", chat_id=763) if "✅" in shown(c)]
    assert shown(answered[-1]) == "Étape 6/13 : Résumé — ✅ sans texte en breton"
    project = await latest_project(database_url, 763)
    translation = select(ProjectTranslation.project_id).where(
        ProjectTranslation.project_id == project.id
    )
    assert await db_scalar(database_url, translation) is None


@pytest.mark.parametrize(
    ("language", "title", "other", "mark"),
    [("br", DIWAN_BR, DIWAN_FR, "e brezhoneg"), ("fr", DIWAN_FR, DIWAN_BR, "en breton")],
)
async def test_each_reader_reads_the_version_in_their_language(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, title: str, other: str, mark: str,
) -> None:  # fmt: skip
    reader = emulator.user(771, "Anna", language_code=language)
    await answer_to(emulator, reader, "/langue")
    await answer_to_press(emulator, reader, f"lang:{language}")
    diwan = await project_id(database_url, DIWAN)

    # A word found only in the Breton summary finds the project, for either reader.
    await answer_to(emulator, reader, "/projets")
    found = await answer_to(emulator, reader, "skoliad")
    assert title in shown(found)
    assert other not in shown(found)
    card = await answer_to(emulator, reader, f"/start p{diwan}")
    assert f"<b>{title}</b>" in shown(card)
    assert f" · {mark}" in shown(card).split("\n")[1]  # on the line of the place and category
    # The summary too: the Breton one says "skoliad" (pupils).
    assert "38" in shown(card)
    assert ("skoliad" in shown(card)) == (language == "br")

    mark_at = emulator.mark()
    await reader.inline("skoliad")
    answer = await emulator.wait_for("answerInlineQuery", since=mark_at, timeout=WAIT)
    results = answer.params["results"]
    assert [result["title"] for result in results] == [title]

    # The projects a reader follows, and the pledge screen, in the same language.
    follow = next(data for label, data in buttons(card).items() if "⭐" in label)
    await answer_to_press(emulator, reader, follow, method="answerCallbackQuery")
    followed = await answer_to(emulator, reader, "/suivis")
    assert title[:20] in shown(followed)
    support = await press_label(emulator, reader, card, "💶", method="sendMessage")
    assert title in shown(support)


async def test_followers_get_the_news_titled_in_their_language(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    diwan = await project_id(database_url, DIWAN)
    owner = emulator.user(781, "Erwan", language_code="fr")
    await answer_to(emulator, owner, "/aide")
    await db_execute(database_url, update(Project).where(Project.id == diwan).values(owner_id=781))
    breton = emulator.user(782, "Aziliz", language_code="br")
    french = emulator.user(783, "Loïc", language_code="fr")
    for follower in (breton, french):
        await follow_through_link(emulator, follower, diwan)
    board = await my_projects(emulator, owner)
    assert DIWAN_FR in shown(board)  # the owner reads their own language
    preview = await write_news(emulator, owner, "Skol Diwan", "La classe est prête !")
    mark = emulator.mark()
    await press_label(emulator, owner, preview, "Envoyer", method="editMessageText")
    for follower, title in ((breton, DIWAN_BR), (french, DIWAN_FR)):
        news = await emulator.wait_for(
            "sendMessage", lambda c: "La classe est prête" in shown(c),
            chat_id=follower.chat_id, since=mark, timeout=WAIT,
        )  # fmt: skip
        assert f"« {title} »" in shown(news)
