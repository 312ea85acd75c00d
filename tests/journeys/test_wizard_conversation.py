"""The submission wizard as a conversation: short, edited in place, never a dead end; in
French and in Breton."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import DeliveryMode, Departement
from bot.storage.engine import create_engine
from bot.storage.models import RewardTier
from tests.bot_database import db_scalar, latest_project
from tests.dialogue import WAIT, buttons, expect, press, shown, text_of
from tests.fakes.bot_api import ApiCall, BotApiEmulator, FakeUser
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


@pytest.fixture
def backend() -> str:
    """SQLite only: what is said and offered here does not depend on the database engine (the
    journeys of test_pledge, test_propose and test_discover, and the search compared query by
    query in tests/integration/test_search_engines.py, cover PostgreSQL)."""
    return "sqlite"


BRETON = "Notre cercle celtique danse à Quimper depuis 1950, en costume de Cornouaille."
SUMMARY = "Un plancher de danse démontable pour les festoù-noz de Cornouaille."
DESCRIPTION = "Nous dansons sur du béton depuis des années : ce plancher protégera nos genoux."


def by_value(call: ApiCall, value: str) -> str:
    """`press:<data>` for the button of `call` whose data ends with `:<value>`."""
    return "press:" + next(d for d in buttons(call).values() if d.endswith(f":{value}"))


def labels_of(call: ApiCall) -> list[str]:
    """The labels of a message's buttons, spelt with plain spaces."""
    return [label.replace("\u202f", " ") for label in buttons(call)]


async def preview_remembered(database_url: str, owner_id: int, message_id: int) -> bool:
    """Whether the draft comes to name `message_id` as its live preview (the bot records it
    just after sending it: this waits for that, up to WAIT)."""
    deadline = time.monotonic() + WAIT
    while (await latest_project(database_url, owner_id)).wizard_preview_message_id != message_id:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def rewards(database_url: str, owner_id: int) -> list[RewardTier]:
    """The rewards of the owner's newest project, in their order."""
    project = await latest_project(database_url, owner_id)
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session:
            found = await session.scalars(
                select(RewardTier).where(RewardTier.project_id == project.id)
                .order_by(RewardTier.position)
            )  # fmt: skip
            return list(found.all())
    finally:
        await engine.dispose()


def new_messages(emulator: BotApiEmulator, user: FakeUser) -> int:
    """How many messages the user has received so far (an edit is not a new message)."""
    return sum(
        1 for c in emulator.calls(chat_id=user.chat_id) if c.method in ("sendMessage", "sendPhoto")
    )


async def to_commune(emulator: BotApiEmulator, owner: FakeUser, departement: str = "29") -> ApiCall:
    """Steps 1 to 4; returns the commune's question."""
    await expect(emulator, owner, "/proposer", "1/13")
    await expect(emulator, owner, BRETON, "2/13")
    step = await expect(emulator, owner, "Un parquet pour le cercle", "3/13")
    step = await expect(emulator, owner, by_value(step, "culture"), "4/13")
    return await expect(emulator, owner, by_value(step, departement), "5/13")


async def to_tiers(emulator: BotApiEmulator, owner: FakeUser) -> ApiCall:
    """Steps 1 to 10 in the Finistère, at Quimper; returns the rewards' menu."""
    await to_commune(emulator, owner)
    await expect(emulator, owner, "Quimper", "6/13")
    offer = await expect(emulator, owner, SUMMARY, "6/13")  # the other language, optional
    await expect(emulator, owner, by_value(offer, "skip"), "7/13")
    mark = emulator.mark()
    await owner.send(DESCRIPTION)
    part = await emulator.wait_for("sendMessage", lambda c: bool(buttons(c)), chat_id=owner.chat_id,
                                   since=mark, timeout=WAIT)  # fmt: skip
    await expect(emulator, owner, by_value(part, "done"), "8/13")
    await expect(emulator, owner, "1500", "9/13")
    step = await expect(emulator, owner, "45", "10/13")
    return await expect(emulator, owner, by_value(step, "all_or_nothing"), "11/13")


async def to_photo(emulator: BotApiEmulator, owner: FakeUser) -> ApiCall:
    step = await to_tiers(emulator, owner)
    return await expect(emulator, owner, by_value(step, "none"), "12/13")


async def test_a_whole_run_then_two_edits_send_a_message_per_question_and_one_preview(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(741, "Nolwenn", language_code="fr")
    photo_step = await to_photo(emulator, owner)
    # Twelve questions (the rewards' menu is one), the offer of the other language, the
    # description's count, nothing else.
    assert new_messages(emulator, owner) == 14
    questions = [c for c in emulator.calls("editMessageText", chat_id=741) if "✅" in shown(c)]
    assert [shown(c).split(" — ")[0] for c in questions[:3]] == [
        "Étape 1/13 : Lien avec la Bretagne",
        "Étape 2/13 : Titre",
        "Étape 3/13 : Catégorie",
    ]
    assert shown(questions[1]) == "Étape 2/13 : Titre — ✅ « Un parquet pour le cercle »"
    assert all(not buttons(c) for c in questions)

    preview = await expect(emulator, owner, by_value(photo_step, "skip"), "13/13")
    assert "<b>Un parquet pour le cercle</b>" in shown(preview)
    assert BRETON in shown(preview)  # what the moderators will read, in the same message
    assert new_messages(emulator, owner) == 15

    for field, answer in (("title", "Un plancher pour le cercle"), ("goal", "2 000")):
        before = new_messages(emulator, owner)
        await expect(emulator, owner, by_value(preview, field), "/13")
        mark = emulator.mark()
        await owner.send(answer)
        edited = await emulator.wait_for(
            "editMessageText", lambda c: c.params["message_id"] == preview.result["message_id"],
            chat_id=741, since=mark, timeout=WAIT,
        )  # fmt: skip
        await emulator.wait_for("editMessageText", lambda c: "✅" in shown(c), chat_id=741,
                                since=mark, timeout=WAIT)  # fmt: skip
        assert new_messages(emulator, owner) == before + 1  # the question; the preview is edited
    assert "<b>Un plancher pour le cercle</b>" in shown(edited)
    assert "2 000 €" in shown(edited)

    # A stray message at the preview: one short answer with a way on, not the preview again.
    before = new_messages(emulator, owner)
    stray = await expect(emulator, owner, "c'est bon ?", "boutons sous l'aperçu")
    assert new_messages(emulator, owner) == before + 1
    fresh = await expect(emulator, owner, press(stray, "Revoir"), "13/13")
    assert fresh.result["message_id"] != preview.result["message_id"]  # at the bottom again
    assert await preview_remembered(database_url, 741, fresh.result["message_id"])


async def test_in_breton_a_misspelt_commune_is_suggested_and_an_unknown_one_can_be_kept(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(742, "Youenn", language_code="br")
    question = await to_commune(emulator, owner)
    assert "Pazenn 5/13" in shown(question)
    offer = await expect(emulator, owner, "Quimpr", "N'anavezan ket")
    assert "« Quimpr »" in shown(offer)
    assert "Mirout « Quimpr »" in labels_of(offer)
    assert "📍 Kemper" in labels_of(offer)  # the suggestion in the owner's language
    await expect(emulator, owner, press(offer, "Kemper"), "Pazenn 6/13")
    marked = emulator.calls("editMessageText", chat_id=742)
    assert any(shown(c) == "Pazenn 5/13 : Kumun — ✅ Kemper" for c in marked), marked[-3:]
    assert (await latest_project(database_url, 742)).commune == "Quimper"

    other = emulator.user(743, "Enora", language_code="br")
    await to_commune(emulator, other)
    offer = await expect(emulator, other, "Trifouillis-les-Oies", "N'anavezan ket")
    assert labels_of(offer) == ["Mirout « Trifouillis-les-Oies »"]  # nothing close to it
    await expect(emulator, other, press(offer, "Mirout"), "Pazenn 6/13")
    assert (await latest_project(database_url, 743)).commune == "Trifouillis-les-Oies"


async def test_a_commune_of_another_departement_offers_to_switch_to_it(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    owner = emulator.user(744, "Gaël", language_code="fr")
    await to_commune(emulator, owner)
    refused = await expect(emulator, owner, "vannes", "autre département")
    assert "Passez le projet dans ce département" in shown(refused)
    retype = await expect(emulator, owner, press(refused, "Taper une autre"), "Étape 5/13")
    assert "Tapez le nom de la commune" in shown(retype)
    refused = await expect(emulator, owner, "Gwened", "autre département")
    await expect(emulator, owner, press(refused, "Vannes, Morbihan"), "Étape 6/13")
    project = await latest_project(database_url, 744)
    assert (project.commune, project.departement) == ("Vannes", Departement.MORBIHAN)
    assert not buttons(emulator.calls("editMessageReplyMarkup", chat_id=744)[-1])

    breton = emulator.user(745, "Tugdual", language_code="br")
    await to_commune(emulator, breton)
    refused = await expect(emulator, breton, "Naoned", "departamant all")
    assert "Naoned a zo en un departamant all (Liger-Atlantel)" in shown(refused)
    assert "Naoned, Liger-Atlantel" in " ".join(buttons(refused))
    await expect(emulator, breton, press(refused, "Naoned"), "Pazenn 6/13")
    assert (await latest_project(database_url, 745)).departement == Departement.LOIRE_ATLANTIQUE


def refused_since(emulator: BotApiEmulator, mark: int, user: FakeUser) -> list[ApiCall]:
    """The calls into the user's chat that Telegram refused since `mark`."""
    calls = emulator.calls(include_failed=True)[mark:]
    return [c for c in calls if not c.ok and c.params.get("chat_id") == user.chat_id]


@pytest.mark.parametrize(
    ("language", "received", "done"),
    [("fr", "Reçu : {} caractères en tout", "✅ Terminé"),
     ("br", "Resevet : {} arouezenn en holl", "✅ Echu")],
)  # fmt: skip
async def test_each_part_of_the_description_is_counted_and_only_the_last_count_has_done(
    running: KengoInProcess, emulator: BotApiEmulator, language: str, received: str, done: str
) -> None:
    owner = emulator.user(749, "Katell", language_code=language)
    await to_commune(emulator, owner)
    await expect(emulator, owner, "Quimper", "6/13")
    offer = await expect(emulator, owner, SUMMARY, "6/13")
    question = await expect(emulator, owner, by_value(offer, "skip"), "7/13")
    assert not buttons(question)
    mark = emulator.mark()
    first = await expect(emulator, owner, "-5", received.format(2))  # a part, however short
    assert labels_of(first) == [done]
    # The question has no button to take away: Telegram refuses an edit that changes nothing.
    assert refused_since(emulator, mark, owner) == []
    mark = emulator.mark()
    total = 2 + 2 + len(DESCRIPTION)  # the parts, a blank line between them
    second = await expect(emulator, owner, DESCRIPTION, received.format(total))
    assert labels_of(second) == [done]
    removed = emulator.calls("editMessageReplyMarkup", chat_id=owner.chat_id)
    assert [c.params["message_id"] for c in removed] == [first.result["message_id"]]
    assert not buttons(removed[-1])  # one "Terminé" in the chat: the last count's
    assert refused_since(emulator, mark, owner) == []


@pytest.mark.parametrize(
    ("language", "up_to_date", "thanks", "mine", "discover"),
    [("fr", "L'aperçu ci-dessus est à jour", "Merci ! « Un parquet pour le cercle » est transmis",
      "📂 Mes projets", "🔎 Découvrir les projets"),
     ("br", "Hizivaet eo ar rakwel a-us", "Trugarez ! Kaset eo bet « Un parquet pour le cercle »",
      "📂 Ma raktresoù", "🔎 Dizoleiñ ar raktresoù")],
)  # fmt: skip
async def test_the_same_answer_leaves_the_preview_a_removed_photo_replaces_it_then_submit(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, up_to_date: str, thanks: str, mine: str, discover: str,
) -> None:  # fmt: skip
    owner = emulator.user(750, "Malo", language_code=language)
    await to_photo(emulator, owner)
    mark = emulator.mark()
    await owner.send_photo("AgACAgQAAxkBAAIBY2parquet")
    preview = await emulator.wait_for("sendPhoto", chat_id=750, since=mark, timeout=WAIT)

    # The same answer again: the preview already shows it, and the owner is told so.
    await expect(emulator, owner, by_value(preview, "breton"), "1/13")
    mark = emulator.mark()
    await expect(emulator, owner, BRETON, up_to_date, method="editMessageText")
    assert refused_since(emulator, mark, owner) == []
    assert emulator.calls("editMessageMedia", chat_id=750) == []

    # The photo removed: a photo cannot become a text, so a new preview replaces the old one.
    question = await expect(emulator, owner, by_value(preview, "photo"), "12/13")
    mark = emulator.mark()
    fresh = await expect(emulator, owner, by_value(question, "remove"), "13/13")
    assert refused_since(emulator, mark, owner) == []
    deleted = emulator.calls("deleteMessage", chat_id=750)
    assert [c.params["message_id"] for c in deleted] == [preview.result["message_id"]]

    # Submitted: thanked, with the way to the owner's projects, the catalogue and the menu.
    send = next(d for d in buttons(fresh).values() if ":send:" in d)
    done = await expect(emulator, owner, f"press:{send}", thanks)
    assert labels_of(done)[:2] == [mine, discover]
    assert await preview_remembered(database_url, 750, fresh.result["message_id"])
    assert (await latest_project(database_url, 750)).photo_file_id is None


@pytest.mark.parametrize(
    ("language", "month", "asked", "handed", "unlimited", "past", "menu"),
    [("fr", "juin 27", "comment cette contrepartie sera-t-elle remise ?",
      "🤝 Remise en main propre ⭐", "♾ Illimité", "déjà passé", "Étape 11/13"),
     ("br", "Mezheven 2027", "penaos e vo roet d'ar roer ?", "🤝 Roet dorn ouzh dorn ⭐",
      "♾ Hep bevenn", "Tremenet eo ar miz-se", "Pazenn 11/13")],
)  # fmt: skip
async def test_delivery_months_are_read_as_written_and_past_ones_explained(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, month: str, asked: str, handed: str, unlimited: str, past: str, menu: str,
) -> None:  # fmt: skip
    owner = emulator.user(746, "Anna", language_code=language)
    step = await to_tiers(emulator, owner)
    await expect(emulator, owner, by_value(step, "add"), "1")
    await expect(emulator, owner, "Un bol à votre prénom", "25")
    await expect(emulator, owner, "25", "1")
    mode = await expect(emulator, owner, "Un bol en grès, tourné à Quimper.", asked)
    assert handed in labels_of(mode)
    quantity = await expect(emulator, owner, by_value(mode, "in_person"), unlimited[2:])
    assert unlimited in labels_of(quantity)
    await expect(emulator, owner, by_value(quantity, "unlimited"), "2027")
    refused = await expect(emulator, owner, "06/2020", past)
    assert "2020" not in shown(refused)
    await expect(emulator, owner, "mezheven 27" if language == "fr" else "juin 2027", menu)
    project = await latest_project(database_url, 746)
    assert project.wizard_step == "tiers"


@pytest.mark.parametrize(
    ("language", "complete", "step"),
    [("fr", "complet, prêt à être soumis", "Étape 13/13"),
     ("br", "klok, prest da vezañ kinniget", "Pazenn 13/13")],
)  # fmt: skip
async def test_a_complete_draft_resumes_at_its_preview(
    running: KengoInProcess, emulator: BotApiEmulator, language: str, complete: str, step: str
) -> None:
    owner = emulator.user(747, "Erwan", language_code=language)
    await to_photo(emulator, owner)  # complete; the photo is optional
    offer = await expect(emulator, owner, "/proposer", complete)
    preview = await expect(emulator, owner, by_value(offer, "-"), step)
    labels = " ".join(buttons(preview))
    assert "📨" in labels
    assert "✏️" in labels


@pytest.mark.parametrize(
    ("language", "current", "place", "answered"),
    [("fr", "Réponse actuelle : Quimper", "📍 Quimper · Finistère", "Étape 5/13 : Commune"),
     ("br", "Respont a-vremañ : Kemper", "📍 Kemper · Penn-ar-Bed", "Pazenn 5/13 : Kumun")],
)  # fmt: skip
async def test_a_commune_typed_in_breton_is_echoed_as_typed_and_shown_in_the_owners_language(
    running: KengoInProcess,
    emulator: BotApiEmulator,
    database_url: str,
    language: str,
    current: str,
    place: str,
    answered: str,
) -> None:
    owner = emulator.user(749, "Katell", language_code=language)
    photo = await to_photo(emulator, owner)  # the commune typed "Quimper"
    preview = await expect(emulator, owner, by_value(photo, "skip"), "13/13")
    assert place in shown(preview)
    question = await expect(emulator, owner, by_value(preview, "commune"), "5/13")
    assert current in shown(question)  # Quimper is stored: a Breton owner reads Kemper
    mark = emulator.mark()
    await owner.send("Kemper")
    echoed = await emulator.wait_for("editMessageText", lambda c: "✅" in shown(c), chat_id=749,
                                     since=mark, timeout=WAIT)  # fmt: skip
    assert shown(echoed).startswith(f"{answered} — ✅ Kemper")
    assert (await latest_project(database_url, 749)).commune == "Quimper"


async def test_the_preview_is_still_edited_after_a_restart_and_replaced_when_too_old(
    kengo: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    await kengo.start()
    owner = emulator.user(748, "Morgane", language_code="fr")
    photo = await to_photo(emulator, owner)
    preview = await expect(emulator, owner, by_value(photo, "skip"), "13/13")
    await kengo.stop()
    await kengo.start()
    await expect(emulator, owner, by_value(preview, "title"), "Étape 2/13")
    mark = emulator.mark()
    await owner.send("Un plancher tout neuf")
    edited = await emulator.wait_for("editMessageText", lambda c: "plancher tout" in shown(c),
                                     chat_id=748, since=mark, timeout=WAIT)  # fmt: skip
    assert edited.params["message_id"] == preview.result["message_id"]

    await expect(emulator, owner, by_value(preview, "summary"), "Étape 6/13")
    emulator.fail_next("editMessageText", error_code=400, chat_id=748,
                       description="Bad Request: message can't be edited")  # fmt: skip
    fresh = await expect(emulator, owner, "Un plancher de danse pour tous les festoù-noz.", "13/13")
    assert fresh.result["message_id"] != preview.result["message_id"]
    assert await preview_remembered(database_url, 748, fresh.result["message_id"])
    assert text_of(fresh).count("Étape 13/13") == 1
    assert await kengo.stop() == 0


@pytest.mark.parametrize(
    ("language", "typed", "nothing"),
    [("fr", ("Culture !", "Penn-ar-Bed", "echu", "TOUT OU RIEN", "ajouter", "kaset dre ar post",
             "France et Belgique", "hep bevenn", "Terminé.", "passer"),
      "Choisissez avec les boutons"),
     ("br", ("sevenadur", "Finistere", "terminé", "pep tra pe netra", "Garedon nevez",
             "Envoyée par la poste", "Frañs ha Belgia", "illimité", "✅ Echu", "Tremen"),
      "Dibabit gant an afelloù")],
)  # fmt: skip
async def test_typing_what_a_button_says_in_either_language_acts_as_the_button(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, typed: tuple[str, ...], nothing: str,
) -> None:  # fmt: skip
    category, departement, done, model, add, shipped, countries, unlimited, no_more, skip = typed
    owner = emulator.user(751, "Riwal", language_code=language)
    await expect(emulator, owner, "/proposer", "1/13")
    await expect(emulator, owner, BRETON, "2/13")
    await expect(emulator, owner, "Un parquet pour le cercle", "3/13")
    refused = await expect(emulator, owner, "Rock", nothing)  # no button says that
    assert len(buttons(refused)) == 7  # the categories, to go on
    await expect(emulator, owner, category, "4/13")
    await expect(emulator, owner, departement, "5/13")
    await expect(emulator, owner, "Quimper", "6/13")
    await expect(emulator, owner, SUMMARY, "6/13")
    await expect(emulator, owner, skip, "7/13")  # "Passer" the other language, typed
    await expect(emulator, owner, DESCRIPTION, f" {len(DESCRIPTION)} ")
    await expect(emulator, owner, done, "8/13")
    await expect(emulator, owner, "1500", "9/13")
    await expect(emulator, owner, "45", "10/13")
    await expect(emulator, owner, model, "11/13")
    await expect(emulator, owner, add, "1")
    await expect(emulator, owner, "Un bol à votre prénom", "25")
    await expect(emulator, owner, "25", "1")
    mode = await expect(emulator, owner, "Un bol en grès, tourné à Quimper.", "1")
    assert len(buttons(mode)) == 3
    await expect(emulator, owner, "par pigeon", nothing)  # no button says that
    await expect(emulator, owner, shipped, "1")
    await expect(emulator, owner, "Bretagne", "FR, BE")  # not a country: what would be
    await expect(emulator, owner, countries, "1")
    await expect(emulator, owner, unlimited, "2027")
    await expect(emulator, owner, "06/2027", "11/13")
    await expect(emulator, owner, no_more, "12/13")
    await expect(emulator, owner, skip, "13/13")
    project = await latest_project(database_url, 751)
    stored = (project.category, project.departement, project.funding_model)
    assert stored == ("culture", Departement.FINISTERE, "all_or_nothing")
    assert project.description == DESCRIPTION
    unlimited_tiers = select(func.count()).where(
        RewardTier.project_id == project.id, RewardTier.quantity_limit.is_(None)
    )
    assert await db_scalar(database_url, unlimited_tiers) == 1
    shipped_to = select(RewardTier.shipping_countries).where(
        RewardTier.project_id == project.id, RewardTier.delivery_mode == DeliveryMode.SHIPPED
    )
    assert await db_scalar(database_url, shipped_to) == "FR,BE"
    assert (project.wizard_step, project.photo_file_id) == ("preview", None)


@pytest.mark.parametrize(
    ("language", "keep", "current", "up_to_date"),
    [("fr", "↩ Garder la réponse actuelle", "Réponse actuelle : Culture",
      "L'aperçu ci-dessus est à jour"),
     ("br", "↩ Mirout ar respont a-vremañ", "Respont a-vremañ : Sevenadur",
      "Hizivaet eo ar rakwel a-us")],
)  # fmt: skip
async def test_a_field_opened_from_the_preview_can_be_left_as_it_is(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, keep: str, current: str, up_to_date: str,
) -> None:  # fmt: skip
    owner = emulator.user(752, "Soizic", language_code=language)
    photo = await to_photo(emulator, owner)
    preview = await expect(emulator, owner, by_value(photo, "skip"), "13/13")
    before = await latest_project(database_url, 752)

    # Pressed: the question is marked with the answer kept, the preview is left alone.
    question = await expect(emulator, owner, by_value(preview, "title"), "2/13")
    assert keep in labels_of(question)
    sent, mark = new_messages(emulator, owner), emulator.mark()
    kept = await expect(emulator, owner, press(question, keep[2:]), up_to_date,
                        method="editMessageText")  # fmt: skip
    assert kept.params["message_id"] == question.result["message_id"]
    assert "« Un parquet pour le cercle »" in shown(kept)
    assert not buttons(kept)
    # Typed, on a question answered with buttons: the same.
    question = await expect(emulator, owner, by_value(preview, "category"), "3/13")
    assert current in shown(question)
    await expect(emulator, owner, keep[2:].lower(), up_to_date, method="editMessageText")
    assert new_messages(emulator, owner) == sent + 1  # the second question, nothing else
    preview_id = preview.result["message_id"]
    touched = [c for c in emulator.calls(chat_id=752)[mark:] if c.method != "answerCallbackQuery"]
    assert [c for c in touched if c.params.get("message_id") == preview_id] == []
    assert refused_since(emulator, mark, owner) == []
    after = await latest_project(database_url, 752)
    assert (after.title, after.category, after.wizard_step) == (before.title, "culture", "preview")

    # A new département that does not hold the commune: no keeping the commune then.
    question = await expect(emulator, owner, by_value(preview, "departement"), "4/13")
    assert keep in labels_of(question)
    commune = await expect(emulator, owner, by_value(question, "56"), "5/13")
    assert keep not in labels_of(commune)


@pytest.mark.parametrize(
    ("language", "keep", "current"),
    [("fr", "↩ Garder la réponse actuelle", "Réponse actuelle"),
     ("br", "↩ Mirout ar respont a-vremañ", "Respont a-vremañ")],
)  # fmt: skip
async def test_a_saved_reward_is_rewritten_question_by_question_keeping_what_holds(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str,
    language: str, keep: str, current: str,
) -> None:  # fmt: skip
    owner = emulator.user(749, "Anna", language_code=language)
    step = await to_tiers(emulator, owner)
    await expect(emulator, owner, by_value(step, "add"), "1")
    await expect(emulator, owner, "Un bol à votre prénom", "25")
    await expect(emulator, owner, "25", "1")
    mode = await expect(emulator, owner, "Un bol en grès, tourné à Quimper.", "11/13")
    quantity = await expect(emulator, owner, by_value(mode, "in_person"), "11/13")
    await expect(emulator, owner, by_value(quantity, "unlimited"), "2027")
    menu = await expect(emulator, owner, "juin 2027" if language == "fr" else "mezheven 2027",
                        "Un bol à votre prénom")  # fmt: skip
    saved = await rewards(database_url, 749)
    assert "✏️ Un bol à votre prénom" in labels_of(menu)

    # Rewritten: each question shows the answer it has and may keep it.
    title = await expect(emulator, owner, press(menu, "✏️"), current)
    assert "« Un bol à votre prénom »" in shown(title)
    assert keep in labels_of(title)
    amount = await expect(emulator, owner, "Un bol gravé à votre prénom", current)
    assert "25 €" in shown(amount)
    description = await expect(emulator, owner, press(amount, keep[2:]), current)
    mode = await expect(emulator, owner, press(description, keep[2:]), current)
    countries = await expect(emulator, owner, by_value(mode, "shipped"), "11/13")
    assert keep not in labels_of(countries)  # shipped anew: where to is asked, nothing kept
    quantity = await expect(emulator, owner, by_value(countries, "fr"), current)
    delivery = await expect(emulator, owner, press(quantity, keep[2:]), current)
    assert "2027" in shown(delivery)
    menu = await expect(emulator, owner, press(delivery, keep[2:]), "Un bol gravé")
    assert "Un bol à votre prénom" not in shown(menu)

    [tier] = await rewards(database_url, 749)
    assert tier.id == saved[0].id  # the same reward, in its place: nothing added
    assert (tier.title, tier.min_amount_cents, tier.delivery_mode.value) == (
        "Un bol gravé à votre prénom",
        2500,
        "shipped",
    )
    assert tier.description == "Un bol en grès, tourné à Quimper."
    assert (tier.quantity_limit, tier.estimated_delivery.month) == (None, 6)
