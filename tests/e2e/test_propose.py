"""Proposing a project and moderating it, through the real entry point and the emulator."""

from __future__ import annotations

import signal

import pytest
from sqlalchemy import func, select

from bot.domain import ProjectStatus
from bot.storage.models import ModerationDecision
from tests.e2e.conftest import MODERATOR_ID
from tests.e2e.harness import (
    WAIT,
    KengoProcess,
    answer_to,
    buttons,
    db_scalar,
    expect,
    latest_project,
    press,
    shown,
    text_of,
)
from tests.fakes.bot_api import BotApiEmulator

pytestmark = pytest.mark.e2e


async def test_a_full_submission_in_french_checks_every_answer_and_goes_live_once_approved(
    running: KengoProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(701, "Maïwenn", language_code="fr")
    moderator = emulator.user(MODERATOR_ID, "Soazig", language_code="fr")
    await answer_to(emulator, moderator, "/start")

    step = await expect(emulator, owner, "/proposer", "Étape 1/13")
    assert "<i>Exemple" in text_of(step)
    assert "Un peu court" in text_of(await expect(emulator, owner, "Breton !", "court"))
    breton = "Notre cercle celtique danse à Quimper depuis 1950, en costume de Cornouaille."
    await expect(emulator, owner, breton, "Étape 2/13")
    assert "Trop long" in text_of(await expect(emulator, owner, "Fest-noz " * 10, "long"))
    step = await expect(emulator, owner, "Un parquet pour   le cercle", "Étape 3/13")
    assert "boutons" in text_of(await expect(emulator, owner, "Culture", "boutons"))
    step = await expect(emulator, owner, press(step, "Culture"), "Étape 4/13")
    step = await expect(emulator, owner, press(step, "Finistère"), "Étape 5/13")
    refused = await expect(emulator, owner, "Gwened", "autre département")
    assert "Vannes se trouve dans un autre département (Morbihan)" in text_of(refused)
    await expect(emulator, owner, "kemper", "Étape 6/13")
    summary = "Un plancher de danse démontable pour les festoù-noz de Cornouaille."
    await expect(emulator, owner, summary, "Étape 7/13")
    part = await expect(emulator, owner, "Nous dansons sur du béton.", "Reçu : 26 caractères")
    refused = await expect(emulator, owner, press(part, "Terminé"), "Un peu court")
    assert "au moins 50 caractères (vous en êtes à 26)" in text_of(refused)
    await expect(emulator, owner, "Ce plancher protégera les genoux de nos danseurs.", "Reçu")
    step = await expect(emulator, owner, press(part, "Terminé"), "Étape 8/13")
    await expect(emulator, owner, "beaucoup", "pas compris ce montant")
    assert "entre 100 € et 200 000 €" in shown(await expect(emulator, owner, "50", "entre"))
    step = await expect(emulator, owner, "1.500 €", "Étape 9/13")
    await expect(emulator, owner, "3", "entre 7 et 90")
    step = await expect(emulator, owner, "45 jours", "Étape 10/13")
    step = await expect(emulator, owner, press(step, "Tout ou rien"), "Étape 11/13")
    step = await expect(emulator, owner, press(step, "Ajouter"), "Contrepartie n° 1 : son titre")
    await expect(emulator, owner, "Un bol à votre prénom", "le montant minimum")
    await expect(emulator, owner, "25", "ce que reçoit")
    step = await expect(emulator, owner, "Un bol en grès, tourné à Quimper.", "combien")
    step = await expect(emulator, owner, press(step, "Illimitée"), "mois de livraison")
    await expect(emulator, owner, "13/2027", "format MM/AAAA")
    step = await expect(emulator, owner, "06/2027", "Étape 11/13")
    assert "<b>Un bol à votre prénom</b> — dès 25 €" in shown(step)
    step = await expect(emulator, owner, press(step, "Terminé"), "Étape 12/13")
    await expect(emulator, owner, "voici la photo", "Envoyez une photo")
    mark = emulator.mark()
    await owner.send_photo("AgACAgQAAxkBAAIBY2parquet")
    header = await emulator.wait_for("sendMessage", lambda c: "Étape 13/13" in text_of(c),
                                     chat_id=701, since=mark, timeout=WAIT)  # fmt: skip
    assert breton in text_of(header)
    card = await emulator.wait_for("sendPhoto", chat_id=701, since=mark, timeout=WAIT)
    caption = shown(card)
    assert "<b>Un parquet pour le cercle</b>" in caption
    assert "📍 Quimper · Finistère · 🏷 Culture" in caption
    assert "<b>0 €</b> collectés sur 1 500 €" in caption
    assert "45 jours restants" in caption

    # Edit the title from the preview: back to step 2, then straight back to the preview.
    step = await expect(emulator, owner, press(card, "Titre"), "Étape 2/13")
    assert "Réponse actuelle : Un parquet pour le cercle" in text_of(step)
    card = await expect(emulator, owner, "Un plancher pour le cercle", "Un plancher", "sendPhoto")
    assert "Étape 13/13" in text_of(emulator.calls("sendMessage", chat_id=701)[-1])

    mark = emulator.mark()
    await expect(emulator, owner, press(card, "Soumettre"), "transmis à l'équipe de Kengo")
    panel = await emulator.wait_for("sendMessage", lambda c: "Projet à examiner" in text_of(c),
                                    chat_id=MODERATOR_ID, since=mark, timeout=WAIT)  # fmt: skip
    assert "Proposé par Maïwenn" in text_of(panel)
    assert breton in text_of(panel)
    running_db = database_url
    project = await latest_project(running_db, 701)
    assert project.status is ProjectStatus.IN_REVIEW
    assert (project.commune, project.goal_cents, project.duration_days) == ("Quimper", 150000, 45)

    mark = emulator.mark()
    await moderator.press(next(d for label, d in buttons(panel).items() if "Approuver" in label))
    answer = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert "approuvé par Soazig" in str(answer.params.get("text"))
    live = await emulator.wait_for("sendMessage", lambda c: "est en ligne" in text_of(c),
                                   chat_id=701, since=mark, timeout=WAIT)  # fmt: skip
    assert f"?start=p{project.id}-701" in text_of(live)
    project = await latest_project(running_db, 701)
    assert project.status is ProjectStatus.LIVE
    assert project.ends_at is not None
    assert 44 <= (project.ends_at - project.starts_at).days <= 45  # type: ignore[operator]

    visitor = emulator.user(702, "Yann", language_code="fr")
    assert "Un plancher pour le cercle" in text_of(await answer_to(emulator, visitor, "/projets"))
    # The moderator's second press finds it decided, and nothing changes.
    mark = emulator.mark()
    await moderator.press(f"md:a:{project.id}")
    again = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert "Déjà décidé" in str(again.params.get("text"))
    decisions = select(func.count()).select_from(ModerationDecision)
    assert await db_scalar(running_db, decisions) == 1


async def test_a_breton_owner_resumes_after_a_crash_then_moderators_ask_for_changes_and_refuse(
    kengo: KengoProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    await kengo.start()
    owner = emulator.user(711, "Erwan", language_code="br")
    moderator = emulator.user(MODERATOR_ID, "Soazig", language_code="fr")
    await answer_to(emulator, moderator, "/start")
    await expect(emulator, owner, "/proposer", "Pazenn 1/13")
    breton = "Ur c'hoarigan e brezhoneg evit bugale skolioù Diwan Naoned."
    await expect(emulator, owner, breton, "Pazenn 2/13")
    assert "Re verr" in text_of(await expect(emulator, owner, "Ab", "Re verr"))
    step = await expect(emulator, owner, "C'hoarigan Naoned", "Pazenn 3/13")
    step = await expect(emulator, owner, press(step, "Brezhoneg"), "Pazenn 4/13")
    assert "Liger-Atlantel" in buttons(step)
    step = await expect(emulator, owner, press(step, "Liger-Atlantel"), "Pazenn 5/13")
    await expect(emulator, owner, "Naoned", "Pazenn 6/13")

    # A crash (SIGKILL) and a restart in the middle: the next answer lands on step 6.
    assert await kengo.stop(signal.SIGKILL) == -signal.SIGKILL
    await kengo.start()
    summary = "C'hoariadennoù e brezhoneg evit ar vugale, bep Sadorn."
    await expect(emulator, owner, summary, "Pazenn 7/13")
    offer = await expect(emulator, owner, "/proposer", "paouezet er bazenn 7/13")
    step = await expect(emulator, owner, press(offer, "Kenderc'hel"), "Pazenn 7/13")
    description = "Prenañ a raimp pupedoù, ur c'hoarva ha levrioù evit an atalier."
    part = await expect(emulator, owner, description, "Resevet")
    step = await expect(emulator, owner, press(part, "Echu"), "Pazenn 8/13")
    await expect(emulator, owner, "200 001", "etre 100 € ha 200 000 €")
    step = await expect(emulator, owner, "2 000 €", "Pazenn 9/13")
    step = await expect(emulator, owner, press(step, "30"), "Pazenn 10/13")
    step = await expect(emulator, owner, press(step, "Mirout pep tra"), "Pazenn 11/13")
    step = await expect(emulator, owner, press(step, "Garedon ebet"), "Pazenn 12/13")
    card = await expect(emulator, owner, press(step, "Tremen"), "<b>C'hoarigan Naoned")
    assert "📍 Nantes · Liger-Atlantel · 🏷 Brezhoneg" in text_of(card)
    project = await latest_project(database_url, 711)
    assert (project.summary, project.breton_connection) == (summary, breton)

    mark = emulator.mark()
    await expect(emulator, owner, press(card, "Kinnig"), "Kaset eo bet")
    panel = await emulator.wait_for("sendMessage", lambda c: "Projet à examiner" in text_of(c),
                                    chat_id=MODERATOR_ID, since=mark, timeout=WAIT)  # fmt: skip
    await expect(emulator, moderator, press(panel, "Demander des modifications"), "Quelles modif")
    await expect(emulator, moderator, "Trop", "raison de 5 à 1 000")
    mark = emulator.mark()
    await expect(emulator, moderator, "Précisez le budget des livres.", "Modifications demandées")
    changes = await emulator.wait_for("sendMessage", lambda c: "kemmoù" in text_of(c),
                                      chat_id=711, since=mark, timeout=WAIT)  # fmt: skip
    assert "Précisez le budget des livres." in text_of(changes)
    card = await expect(emulator, owner, press(changes, "Kenderc'hel"), "<b>C'hoarigan Naoned")
    step = await expect(emulator, owner, press(card, "Pal"), "Pazenn 8/13")
    card = await expect(emulator, owner, "2 500", "2 500 €")
    mark = emulator.mark()
    await expect(emulator, owner, press(card, "Kinnig"), "Kaset eo bet")
    panel = await emulator.wait_for("sendMessage", lambda c: "Projet à examiner" in text_of(c),
                                    chat_id=MODERATOR_ID, since=mark, timeout=WAIT)  # fmt: skip
    await expect(emulator, moderator, press(panel, "Refuser"), "Pourquoi refusez-vous")
    mark = emulator.mark()
    await expect(emulator, moderator, "Hors de notre champ cette année.", "refusé par Soazig")
    refused = await emulator.wait_for("sendMessage", lambda c: "Nac'het eo bet" in text_of(c),
                                      chat_id=711, since=mark, timeout=WAIT)  # fmt: skip
    assert "Hors de notre champ cette année." in text_of(refused)
    project = await latest_project(database_url, 711)
    assert (project.status, project.goal_cents) == (ProjectStatus.REJECTED, 250000)
    # Visible to its owner only.
    stranger = emulator.user(712, "Yann", language_code="fr")
    opened = await answer_to(emulator, stranger, f"/start p{project.id}")
    assert "C'hoarigan Naoned" not in text_of(opened)
    assert "nac'het" in text_of(await answer_to(emulator, owner, "/mes_projets"))
    assert await kengo.stop() == 0, kengo.log


async def test_a_forged_approval_from_a_non_moderator_is_refused_and_logged(
    running: KengoProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(721, "Katell", language_code="fr")
    await expect(emulator, owner, "/proposer", "Étape 1/13")
    project = await latest_project(database_url, 721)
    mark = emulator.mark()
    await owner.press(f"md:a:{project.id}")
    answer = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert "réservée à l'équipe de modération" in str(answer.params.get("text"))
    assert "moderation refused: user 721 is not a moderator" in running.log
    assert (await latest_project(database_url, 721)).status is ProjectStatus.DRAFT
    listing = await answer_to(emulator, owner, "/moderation")
    assert "réservée à l'équipe de modération" in text_of(listing)


async def test_an_old_button_or_a_photo_out_of_place_brings_back_the_current_question(
    running: KengoProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(731, "Gwenn", language_code="fr")
    await expect(emulator, owner, "/proposer", "Étape 1/13")
    await expect(emulator, owner, "Un atelier de broderie bigoudène à Pont-l'Abbé.", "Étape 2/13")
    category = await expect(emulator, owner, "Broderie bigoudène", "Étape 3/13")
    await expect(emulator, owner, press(category, "Patrimoine"), "Étape 4/13")
    mark = emulator.mark()
    await owner.press(next(d for label, d in buttons(category).items() if "Sport" in label))
    alert = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert "plus valable" in str(alert.params.get("text"))
    await emulator.wait_for("sendMessage", lambda c: "Étape 4/13" in text_of(c), chat_id=731,
                            since=mark, timeout=WAIT)  # fmt: skip
    mark = emulator.mark()
    await owner.send_photo()
    expects = await emulator.wait_for("sendMessage", chat_id=731, since=mark, timeout=WAIT)
    assert text_of(expects) == "Choisissez avec les boutons ci-dessous."  # then step 4 again
    project = await latest_project(database_url, 731)
    assert (project.category, project.wizard_step) == ("heritage", "departement")
