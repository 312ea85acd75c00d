"""Proposing a project and moderating it, through the emulator."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.domain import ProjectStatus
from bot.storage.models import ModerationDecision
from tests.bot_database import db_scalar, latest_project
from tests.dialogue import MODERATOR_ID, WAIT, answer_to, buttons, expect, press, shown, text_of
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def test_a_full_submission_in_french_checks_every_answer_and_goes_live_once_approved(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
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
    refused = await expect(emulator, owner, "Musique", "Choisissez avec les boutons")
    assert "Patrimoine" in buttons(refused)  # no such category: the list again, under it
    # Typing what a button says works as well as pressing it.
    step = await expect(emulator, owner, "culture", "Étape 4/13")
    commune = await expect(emulator, owner, "Finistere", "Étape 5/13")
    refused = await expect(emulator, owner, "Gwened", "autre département")
    assert "Vannes se trouve dans un autre département (Morbihan)" in text_of(refused)
    assert "Vannes, Morbihan" in " ".join(buttons(refused))  # switching is one tap away
    await expect(emulator, owner, "kemper", "Étape 6/13")
    answered = emulator.calls("editMessageText", chat_id=701)[-1]
    assert answered.params["message_id"] == commune.result["message_id"]
    assert shown(answered) == "Étape 5/13 : Commune — ✅ Kemper"  # echoed as typed
    assert not buttons(answered)
    summary = "Un plancher de danse démontable pour les festoù-noz de Cornouaille."
    offer = await expect(emulator, owner, summary, "le résumé en breton")
    assert list(buttons(offer)) == ["✍️ Ajouter en breton", "⏭ Passer"]
    await expect(emulator, owner, "passer", "Étape 7/13")  # the optional step, passed
    part = await expect(emulator, owner, "Nous dansons sur du béton.", "Reçu : 26 caractères")
    refused = await expect(emulator, owner, press(part, "Terminé"), "Un peu court")
    assert "au moins 50 caractères (vous en êtes à 26)" in text_of(refused)
    await expect(emulator, owner, "Ce plancher protégera les genoux de nos danseurs.", "Reçu")
    step = await expect(emulator, owner, "terminé", "Étape 8/13")
    await expect(emulator, owner, "beaucoup", "pas compris ce montant")
    assert "entre 100 € et 200 000 €" in shown(await expect(emulator, owner, "50", "entre"))
    step = await expect(emulator, owner, "1.500 €", "Étape 9/13")
    await expect(emulator, owner, "3", "entre 7 et 90")
    step = await expect(emulator, owner, "45 jours", "Étape 10/13")
    step = await expect(emulator, owner, "tout ou rien", "Étape 11/13")
    step = await expect(emulator, owner, "Ajouter", "Contrepartie n° 1 : son titre")
    await expect(emulator, owner, "Un bol à votre prénom", "le montant minimum")
    await expect(emulator, owner, "25", "ce que reçoit")
    step = await expect(emulator, owner, "Un bol en grès, tourné à Quimper.", "sera-t-elle remise")
    step = await expect(emulator, owner, press(step, "Envoyée par la poste"), "vers quels pays")
    assert "🇫🇷 France seulement ⭐" in buttons(step)
    await expect(emulator, owner, "l'Atlantide", "pas reconnu ces pays")
    step = await expect(emulator, owner, "France, Belgique", "combien")
    step = await expect(emulator, owner, "illimité", "mois de livraison")
    await expect(emulator, owner, "13/2027", "pas compris ce mois")
    await expect(emulator, owner, "juin 2020", "déjà passé")
    step = await expect(emulator, owner, "Juin 2027.", "Étape 11/13")
    assert "<b>Un bol à votre prénom</b> — dès 25 € · 📦 envoi postal (France, Belgique)" in shown(
        step
    )
    step = await expect(emulator, owner, press(step, "Terminé"), "Étape 12/13")
    await expect(emulator, owner, "voici la photo", "Envoyez une photo")
    mark = emulator.mark()
    await owner.send_photo("AgACAgQAAxkBAAIBY2parquet")
    card = await emulator.wait_for("sendPhoto", chat_id=701, since=mark, timeout=WAIT)
    caption = shown(card)  # the preview is this one message: where the owner is, and the card
    assert "Étape 13/13" in caption
    assert "<b>Un parquet pour le cercle</b>" in caption
    assert "📍 Quimper · Finistère · 🏷 Culture" in caption
    assert "<b>0 €</b> collectés sur 1 500 €" in caption
    assert "45 jours restants" in caption
    assert [c for c in emulator.calls("sendMessage", chat_id=701)[-3:] if "13/13" in shown(c)] == []

    # Edit the title from the preview: step 2 asked, then the preview edited where it is.
    step = await expect(emulator, owner, press(card, "Titre"), "Étape 2/13")
    assert "Réponse actuelle : Un parquet pour le cercle" in text_of(step)
    mark = emulator.mark()
    await owner.send("Un plancher pour le cercle")
    edited = await emulator.wait_for("editMessageMedia", chat_id=701, since=mark, timeout=WAIT)
    assert "<b>Un plancher pour le cercle</b>" in edited.params["media"]["caption"]
    assert not emulator.calls("sendPhoto", chat_id=701)[1:]  # still the one preview
    assert edited.params["message_id"] == card.result["message_id"]
    answered = await emulator.wait_for("editMessageText", chat_id=701, since=mark, timeout=WAIT)
    assert answered.params["message_id"] == step.result["message_id"]
    assert shown(answered) == (
        "Étape 2/13 : Titre — ✅ « Un plancher pour le cercle »\n👁 L'aperçu ci-dessus est à jour."
    )

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
    assert "approuvé par Soazig" in text_of(answer)
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


async def test_a_forged_approval_from_a_non_moderator_is_refused_and_logged(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(721, "Katell", language_code="fr")
    await expect(emulator, owner, "/proposer", "Étape 1/13")
    project = await latest_project(database_url, 721)
    mark = emulator.mark()
    await owner.press(f"md:a:{project.id}")
    answer = await emulator.wait_for("answerCallbackQuery", since=mark, timeout=WAIT)
    assert "réservée à l'équipe de modération" in text_of(answer)
    assert "moderation refused: user 721 is not a moderator" in running.log
    assert (await latest_project(database_url, 721)).status is ProjectStatus.DRAFT
    listing = await answer_to(emulator, owner, "/moderation")
    assert "réservée à l'équipe de modération" in text_of(listing)


async def test_an_old_button_or_a_photo_out_of_place_brings_back_the_current_question(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
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
