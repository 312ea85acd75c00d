"""Moderators see the whole project, take a submission in hand, and every panel says what
was decided; the owner reads the moderators' message framed in their own language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.conversation import callbacks
from bot.conversation.callbacks import ModerationAction, WizardAction
from bot.domain import DeliveryMode, ProjectStatus
from bot.storage.engine import WRITES, create_engine
from bot.storage.models import Project, User
from tests.bot_database import db_execute, latest_project
from tests.dialogue import MODERATOR_ID, WAIT, answer_to, buttons, shown
from tests.factories import add_project
from tests.fakes.bot_api import ApiCall, BotApiEmulator
from tests.fakes.bot_api_users import FakeUser
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey

SECOND_MODERATOR = 900_002
PHOTO = "AgACAgQAAxkBAAIBY2fest"
# A description longer than a caption and than one message: moderators must read all of it.
PARAGRAPH = "Notre cercle celtique danse à Quimper depuis 1950, en costume de Cornouaille. " * 6
DESCRIPTION = "\n\n".join(f"{number}. {PARAGRAPH.strip()}" for number in range(1, 10))
LAST_WORDS = "Le plancher sera inauguré au fest-noz de la Saint-Corentin."
TIERS = [
    {"title": "Un bol à votre prénom", "description": "Un bol en grès, tourné à Quimper.",
     "min_amount_cents": 2500, "quantity_limit": 40, "estimated_delivery": date(2027, 6, 1),
     "delivery_mode": DeliveryMode.SHIPPED, "shipping_countries": "FR,BE"},
    {"title": "Une soirée au cercle", "description": "", "min_amount_cents": 6000,
     "quantity_limit": None, "estimated_delivery": date(2027, 9, 1),
     "delivery_mode": DeliveryMode.IN_PERSON, "shipping_countries": None},
]  # fmt: skip


async def _draft(database_url: str, owner_id: int, **fields: Any) -> int:
    """A complete draft at its preview, as the wizard leaves it, owned by a known user."""
    engine = create_engine(database_url)
    try:
        # The write lock up front, as the bot's writes take it: a deferred transaction that
        # reads before it writes fails at once ("database is locked") when the running bot
        # wrote meanwhile (SQLite).
        writer = engine.execution_options(**{WRITES: True})
        sessions = async_sessionmaker(writer, expire_on_commit=False)
        async with sessions() as session:
            owner = await session.get(User, owner_id)
        assert owner is not None
        project = await add_project(
            sessions, owner, TIERS, status=ProjectStatus.DRAFT, title="Un parquet pour le cercle",
            description=f"{DESCRIPTION}\n\n{LAST_WORDS}", photo_file_id=PHOTO,
            goal_cents=150_000, duration_days=45, starts_at=None, ends_at=None,
            wizard_step="preview", **fields,
        )  # fmt: skip
        return project.id
    finally:
        await engine.dispose()


async def _submit(emulator: BotApiEmulator, owner: FakeUser, project_id: int) -> int:
    mark = emulator.mark()
    await owner.press(callbacks.wizard(WizardAction.SEND, project_id))
    await emulator.wait_for("sendMessage", _with_button("Approuver"), chat_id=MODERATOR_ID,
                            since=mark, timeout=WAIT)  # fmt: skip
    await emulator.wait_for("sendMessage", _with_button("🙋"), chat_id=SECOND_MODERATOR,
                            since=mark, timeout=WAIT)  # fmt: skip
    return mark


def _with_button(label: str) -> Callable[[ApiCall], bool]:
    return lambda call: any(label in text for text in buttons(call))


def _since(emulator: BotApiEmulator, mark: int) -> list[ApiCall]:
    return emulator._calls[mark:]  # the log in order, failed calls included, as `mark` counts


def _panel(emulator: BotApiEmulator, chat_id: int, since: int) -> list[ApiCall]:
    """The messages sent to `chat_id` since the mark: a panel, and what came with it."""
    sent = ("sendMessage", "sendPhoto")
    return [c for c in _since(emulator, since)
            if c.method in sent and c.params.get("chat_id") == chat_id]  # fmt: skip


def _panel_text(calls: list[ApiCall]) -> str:
    return "\n".join(shown(call) for call in calls)


async def _closed(emulator: BotApiEmulator, since: int) -> list[ApiCall]:
    """The edits closing the panels of both moderators' chats, once all have come."""
    for chat_id in (MODERATOR_ID, SECOND_MODERATOR):
        await emulator.wait_for("editMessageText", lambda c: "Soazig" in shown(c),
                                chat_id=chat_id, since=since, timeout=WAIT)  # fmt: skip
    edits = [c for c in _since(emulator, since)
             if c.method in ("editMessageText", "editMessageCaption")]  # fmt: skip
    return edits


@pytest.mark.kengo_settings(moderator_ids=frozenset({MODERATOR_ID, SECOND_MODERATOR}))
async def test_moderators_see_everything_take_it_in_hand_and_every_panel_tells_the_decision(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    soazig = emulator.user(MODERATOR_ID, "Soazig", language_code="fr")
    erwan = emulator.user(SECOND_MODERATOR, "Erwan", language_code="br")
    owner = emulator.user(701, "Maïwenn", language_code="fr")
    for user in (soazig, erwan, owner):
        await answer_to(emulator, user, "/start")
    emulator.register_file(PHOTO)
    project_id = await _draft(database_url, 701)

    mark = await _submit(emulator, owner, project_id)
    panel = _panel(emulator, MODERATOR_ID, mark)
    assert panel[0].method == "sendPhoto"
    assert len(panel) >= 3  # the photo, then the text in more than one message
    text = _panel_text(panel)
    assert LAST_WORDS in text
    assert text.count("Notre cercle celtique") == 54  # all of it
    assert "<b>Un bol à votre prénom</b> — dès 25 € · 40 exemplaires" in text
    assert "envoyée par la poste (FR,BE) · livraison prévue en juin 2027" in text
    assert "<b>Une soirée au cercle</b> — dès 60 € · quantité illimitée" in text
    assert "remise en main propre · livraison prévue en septembre 2027" in text
    assert "Porté en Bretagne." in text
    assert "Langue du porteur : français" in text
    assert all(not buttons(call) for call in panel[:-1])
    assert "✅ Approuver" in buttons(panel[-1])

    # Soazig takes it in hand; Erwan is told, and cannot decide in her place.
    claim = callbacks.moderation(ModerationAction.CLAIM, project_id)
    pressed = emulator.mark()
    await soazig.press(claim)
    answer = await emulator.wait_for("answerCallbackQuery", since=pressed, timeout=WAIT)
    assert "vous vous occupez de « Un parquet pour le cercle »" in shown(answer)
    # As promised, the others see it: every panel's last button now names her.
    marked = await emulator.wait_for("editMessageReplyMarkup", chat_id=SECOND_MODERATOR,
                                     since=pressed, timeout=WAIT)  # fmt: skip
    assert "👤 Soazig a bled gantañ" in buttons(marked)  # Erwan reads Breton
    assert "✅ Asantiñ" in buttons(marked)  # and it can still be decided from there
    for data in (claim, callbacks.moderation(ModerationAction.APPROVE, project_id)):
        pressed = emulator.mark()
        await erwan.press(data)
        told = await emulator.wait_for("answerCallbackQuery", since=pressed, timeout=WAIT)
        assert "Soazig" in str(told.params.get("text"))
    assert (await latest_project(database_url, 701)).status is ProjectStatus.IN_REVIEW
    queue = await answer_to(emulator, soazig, "/moderation")
    assert "depuis moins d'une heure" in shown(queue)
    assert "pris par Soazig" in shown(queue)

    # Changes requested: the reason typed goes to the owner, every panel says who and when.
    mark = emulator.mark()
    await soazig.press(callbacks.moderation(ModerationAction.CHANGES, project_id))
    await emulator.wait_for("sendMessage", chat_id=MODERATOR_ID, since=mark, timeout=WAIT)
    await soazig.send("Précisez le calendrier des travaux <avant> l'été.")
    told = await emulator.wait_for("sendMessage", lambda c: "modération" in shown(c),
                                   chat_id=701, since=mark, timeout=WAIT)  # fmt: skip
    # Quoted as typed, escaped (the owner sees "<avant>"), under the owner's framing.
    assert (
        "Message de l'équipe de modération :\n<blockquote>Précisez le calendrier des travaux "
        "&lt;avant&gt; l'été.</blockquote>"
    ) in shown(told)
    edits = await _closed(emulator, mark)
    _assert_closed(edits, "Modifications demandées par Soazig le ")

    # Resubmitted with a new title and goal: the request, and what changed.
    await db_execute(database_url, update(Project).where(Project.id == project_id).values(
        title="Un plancher pour le cercle", goal_cents=200_000))  # fmt: skip
    mark = await _submit(emulator, owner, project_id)
    text = _panel_text(_panel(emulator, MODERATOR_ID, mark))
    assert "🔁 Resoumis après une demande de modifications" in text
    assert "Précisez le calendrier des travaux &lt;avant&gt; l'été." in text
    assert "• Titre : « Un parquet pour le cercle » → « Un plancher pour le cercle »" in text
    assert "• Objectif : 1 500 € → 2 000 €" in text
    assert "Description :" not in text  # unchanged fields are not listed
    queue = await answer_to(emulator, erwan, "/moderation")
    assert "🔁" in shown(queue)

    mark = emulator.mark()
    await soazig.press(callbacks.moderation(ModerationAction.APPROVE, project_id))
    edits = await _closed(emulator, mark)
    _assert_closed(edits, "✅ Approuvé par Soazig le ")
    assert (await latest_project(database_url, 701)).status is ProjectStatus.LIVE


def _assert_closed(edits: list[ApiCall], wording: str) -> None:
    chats = {call.params["chat_id"] for call in edits}
    assert chats == {MODERATOR_ID, SECOND_MODERATOR}
    french = [call for call in edits if call.params["chat_id"] == MODERATOR_ID]
    assert french
    assert all(wording in shown(call) for call in french)
    for call in edits:
        raw = str(call.params.get("text") or call.params.get("caption"))
        assert "&lt;" not in raw
        assert "&amp;lt;" not in raw
        assert not any("Approuver" in label or "Je m" in label for label in buttons(call))


async def test_a_breton_owner_reads_the_refusal_framed_in_breton(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    soazig = emulator.user(MODERATOR_ID, "Soazig", language_code="fr")
    owner = emulator.user(711, "Gwenn", language_code="br")
    for user in (soazig, owner):
        await answer_to(emulator, user, "/start")
    emulator.register_file(PHOTO)
    project_id = await _draft(database_url, 711)
    mark = emulator.mark()
    await owner.press(callbacks.wizard(WizardAction.SEND, project_id))
    panel = await emulator.wait_for("sendMessage", _with_button("Refuser"), chat_id=MODERATOR_ID,
                                    since=mark, timeout=WAIT)  # fmt: skip
    assert "Langue du porteur : breton" in _panel_text(_panel(emulator, MODERATOR_ID, mark))
    mark = emulator.mark()
    await soazig.press(callbacks.moderation(ModerationAction.REFUSE, project_id))
    await emulator.wait_for("sendMessage", chat_id=MODERATOR_ID, since=mark, timeout=WAIT)
    await soazig.send("Ce projet relève d'une entreprise & non d'une association.")
    told = await emulator.wait_for("sendMessage", chat_id=711, since=mark, timeout=WAIT)
    assert (
        "Kemennadenn digant ar skipailh a wir ar raktresoù :\n<blockquote>Ce projet relève "
        "d'une entreprise &amp; non d'une association.</blockquote>"
    ) in shown(told)
    last = panel.result["message_id"]  # the message with the buttons
    closed = await emulator.wait_for("editMessageText", lambda c: c.params["message_id"] == last,
                                     chat_id=MODERATOR_ID, since=mark, timeout=WAIT)  # fmt: skip
    assert "⛔ Refusé par Soazig le " in shown(closed)
    assert "&lt;" not in str(closed.params["text"])
    assert "Refuser" not in buttons(closed)
