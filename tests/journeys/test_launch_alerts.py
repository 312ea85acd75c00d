"""Launch alerts: asked for under a catalogue list or /mes_soutiens, kept in /settings, and one
message per matching subscriber when moderation puts a project live."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.conversation import callbacks
from bot.conversation.callbacks import ModerationAction
from bot.domain import (
    Category,
    Departement,
    ListView,
    OutboxStatus,
    PledgeStatus,
    ProjectStatus,
    utcnow,
)
from bot.services.alerts import MAX_ALERTS
from bot.storage.engine import create_engine
from bot.storage.models import LaunchAlert, OutboxMessage, Pledge, Project
from tests.bot_database import db_add, db_scalar
from tests.dialogue import (
    MODERATOR_ID,
    WAIT,
    answer_to,
    answer_to_press,
    buttons,
    press_label,
    shown,
)
from tests.fakes.bot_api import ApiCall, BotApiEmulator
from tests.fakes.bot_api_users import FakeUser
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey

CULTURE_IN_FINISTERE = ListView(category=Category.CULTURE, departement=Departement.FINISTERE)
FINISTERE = ListView(departement=Departement.FINISTERE)


async def _project(database_url: str, owner_id: int, title: str, **fields: Any) -> int:
    """A project waiting for moderation (or, with `status`, already live)."""
    values: dict[str, Any] = {
        "owner_id": owner_id, "status": ProjectStatus.IN_REVIEW, "title": title,
        "summary": "Un résumé assez long pour être crédible.", "description": "Une description.",
        "breton_connection": "Porté en Bretagne.", "category": Category.CULTURE,
        "departement": Departement.FINISTERE, "commune": "Quimper", "goal_cents": 300_000,
        "duration_days": 30, "submitted_at": utcnow(),
    }  # fmt: skip
    values.update(fields)
    (project_id,) = await db_add(database_url, Project(**values))
    return project_id


async def _approve(emulator: BotApiEmulator, moderator: FakeUser, project_id: int) -> ApiCall:
    return await answer_to_press(
        emulator, moderator, callbacks.moderation(ModerationAction.APPROVE, project_id),
        method="answerCallbackQuery",
    )  # fmt: skip


async def _watch(emulator: BotApiEmulator, user: FakeUser, list_screen: ApiCall) -> ApiCall:
    """Press "🔔" under a list: the list again, with what is now watched above it."""
    return await press_label(emulator, user, list_screen, "🔔")


async def _launch_messages(database_url: str, project_id: int) -> dict[int, OutboxStatus]:
    """The launch alerts queued for a project: recipient -> where its message stands."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(
                select(OutboxMessage.user_id, OutboxMessage.status).where(
                    OutboxMessage.kind == "launch_alert", OutboxMessage.project_id == project_id
                )
            )).all()  # fmt: skip
    finally:
        await engine.dispose()
    return {user_id: OutboxStatus(status) for user_id, status in rows}


def _launches(emulator: BotApiEmulator, chat_id: int) -> list[ApiCall]:
    return [
        call for call in emulator.calls("sendMessage", chat_id=chat_id)
        if "Nouveau projet en ligne" in shown(call) or "Raktres nevez enlinenn" in shown(call)
    ]  # fmt: skip


async def test_matching_subscribers_get_one_message_each_and_only_once(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    moderator = emulator.user(MODERATOR_ID, "Soazig")
    anna = emulator.user(601, "Anna")  # Culture in Finistère, and Finistère: two alerts
    bleuenn = emulator.user(602, "Bleuenn", language_code="br")  # searched "Kemper"
    owner = emulator.user(603, "Yann")  # watches Finistère: never told of their own project
    muted = emulator.user(604, "Lena")  # watches Culture, but muted the news
    elsewhere = emulator.user(605, "Pierrick")  # watches Morbihan
    for user in (moderator, anna, bleuenn, owner, muted, elsewhere):
        await answer_to(emulator, user, "/start")

    listing = await answer_to_press(emulator, anna, callbacks.list_page(CULTURE_IN_FINISTERE))
    assert "🔔 Prévenez-moi des nouveaux projets ici" in buttons(listing)
    watched = await _watch(emulator, anna, listing)
    assert (
        "🔔 Vous serez prévenu·e dès qu'un nouveau projet sera en ligne ici : "
        "<b>Culture · Finistère</b>." in shown(watched)
    )
    assert "🔕 Ne plus me prévenir ici" in buttons(watched)
    assert "🔔 Prévenez-moi des nouveaux projets ici" not in buttons(watched)
    await _watch(
        emulator, anna, await answer_to_press(emulator, anna, callbacks.list_page(FINISTERE))
    )

    searched = await answer_to(emulator, bleuenn, "/projets Kemper")
    watched = await _watch(emulator, bleuenn, searched)
    assert (
        "🔔 Kelaouet e viot kerkent ha ma vo enlinenn ur raktres nevez amañ : <b>Kemper</b>."
        in shown(watched)
    )
    assert "🔕 Paouez da gelaouiñ ac'hanon amañ" in [
        t.replace("\u2019", "'") for t in buttons(watched)
    ]
    # Other words than a place: nothing to be told about.
    assert not any(
        "🔔" in label for label in buttons(await answer_to(emulator, anna, "/projets fest-noz"))
    )

    await _watch(
        emulator, owner, await answer_to_press(emulator, owner, callbacks.list_page(FINISTERE))
    )
    culture = ListView(category=Category.CULTURE)
    await _watch(
        emulator, muted, await answer_to_press(emulator, muted, callbacks.list_page(culture))
    )
    settings = await answer_to(emulator, muted, "/settings")
    await press_label(emulator, muted, settings, "Couper les nouvelles")
    morbihan = ListView(departement=Departement.MORBIHAN)
    await _watch(
        emulator,
        elsewhere,
        await answer_to_press(emulator, elsewhere, callbacks.list_page(morbihan)),
    )

    project_id = await _project(database_url, 603, "Un kan ha diskan à Quimper")
    await _approve(emulator, moderator, project_id)
    french = await emulator.wait_for("sendMessage", lambda c: "Nouveau projet" in shown(c),
                                     chat_id=601, timeout=WAIT)  # fmt: skip
    assert "🔔 <b>Nouveau projet en ligne : « Un kan ha diskan à Quimper »</b>" in shown(french)
    assert "Vous avez demandé à être prévenu·e : Culture · Finistère." in shown(french)
    assert set(buttons(french)) == {"Voir le projet", "🔔 Mes alertes de lancement"}
    breton = await emulator.wait_for("sendMessage", lambda c: "Raktres nevez" in shown(c),
                                     chat_id=602, timeout=WAIT)  # fmt: skip
    assert "Goulennet ho peus bezañ kelaouet : Kemper." in shown(breton)

    # A second press (a retried approval) queues nothing more.
    await _approve(emulator, moderator, project_id)
    statuses = await _launch_messages(database_url, project_id)
    for _ in range(100):  # outcomes are written in batches, after the sends
        if OutboxStatus.PENDING not in statuses.values():
            break
        await asyncio.sleep(0.1)
        statuses = await _launch_messages(database_url, project_id)
    assert statuses == {601: OutboxStatus.SENT, 602: OutboxStatus.SENT, 604: OutboxStatus.SKIPPED}
    assert len(_launches(emulator, 601)) == 1
    assert _launches(emulator, 603) == _launches(emulator, 604) == _launches(emulator, 605) == []

    # Stopping: the button turns back, and the next launch in Finistère, a sport project, no
    # longer reaches Anna (Culture in Finistère does not match it); Yann's Finistère does.
    listing = await answer_to_press(emulator, anna, callbacks.list_page(FINISTERE))
    stopped = await press_label(emulator, anna, listing, "Ne plus me prévenir ici")
    assert "🔕 Vous ne serez plus prévenu·e des nouveaux projets ici : <b>Finistère</b>." in shown(
        stopped
    )
    assert "🔔 Prévenez-moi des nouveaux projets ici" in buttons(stopped)
    # The old "🔕" pressed again (a double tap): the list cannot change, the toast still says it.
    again = await press_label(emulator, anna, listing, "Ne plus me prévenir ici",
                              method="answerCallbackQuery")  # fmt: skip
    assert again.params.get("text") == "🔕 Alerte retirée."
    sport = await _project(database_url, 605, "Gouren e Kemper", category=Category.SPORT)
    await _approve(emulator, moderator, sport)
    for chat_id in (602, 603):
        await emulator.wait_for("sendMessage", lambda c: "Gouren" in shown(c), chat_id=chat_id,
                                timeout=WAIT)  # fmt: skip
    assert set(await _launch_messages(database_url, sport)) == {602, 603}
    assert len(_launches(emulator, 601)) == 1


async def test_the_next_project_of_an_owner_one_backed(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    moderator = emulator.user(MODERATOR_ID, "Soazig")
    gwen = emulator.user(611, "Gwen")
    backer = emulator.user(612, "Tugdual", language_code="br")
    stranger = emulator.user(613, "Morgane")
    for user in (moderator, gwen, backer, stranger):
        await answer_to(emulator, user, "/start")
    first = await _project(database_url, 611, "Bagad Kemper", status=ProjectStatus.LIVE,
                           starts_at=utcnow())  # fmt: skip
    await db_add(database_url, Pledge(user_id=612, project_id=first, amount_cents=2_000,
                                      status=PledgeStatus.PAID, paid_at=utcnow()))  # fmt: skip

    pledges = await answer_to(emulator, backer, "/mes_soutiens")
    offer = "🔔 Kelaouit ac'hanon eus raktres nevez Gwen"
    assert offer in [label.replace("\u2019", "'") for label in buttons(pledges)]
    answer = await press_label(emulator, backer, pledges, offer, method="answerCallbackQuery")
    assert shown(answer) == "🔔 Kelaouet e viot eus raktres nevez Gwen."
    again = await emulator.wait_for("editMessageText", chat_id=612, timeout=WAIT)
    assert any("Paouez da gelaouiñ" in label for label in buttons(again))

    # Someone who never backed Gwen cannot set it by forging the button.
    forged = await answer_to_press(emulator, stranger, callbacks.watch_owner(611, on=True),
                                   method="answerCallbackQuery")  # fmt: skip
    assert "Ce bouton n'est plus valable" in shown(forged)
    assert await db_scalar(database_url, select(func.count()).select_from(LaunchAlert)
                           .where(LaunchAlert.user_id == 613)) == 0  # fmt: skip

    second = await _project(database_url, 611, "Fest-noz Gwen", category=Category.HERITAGE,
                            departement=Departement.MORBIHAN, commune="Vannes")  # fmt: skip
    await _approve(emulator, moderator, second)
    told = await emulator.wait_for("sendMessage", lambda c: "Fest-noz Gwen" in shown(c),
                                   chat_id=612, timeout=WAIT)  # fmt: skip
    assert "Goulennet ho peus bezañ kelaouet : raktres nevez Gwen." in shown(told)
    assert _launches(emulator, 611) == []


async def test_alerts_are_listed_and_removed_in_settings(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    nolwenn = emulator.user(621, "Nolwenn")
    other = emulator.user(622, "Per", language_code="br")
    for user in (nolwenn, other):
        await answer_to(emulator, user, "/start")

    settings = await answer_to(emulator, nolwenn, "/settings")
    empty = await press_label(emulator, nolwenn, settings, "Alertes de lancement (0)")
    assert "Vous n'avez aucune alerte" in shown(empty)
    assert "🔎 Découvrir les projets" in buttons(empty)

    for view in (CULTURE_IN_FINISTERE, FINISTERE):
        await _watch(
            emulator, nolwenn, await answer_to_press(emulator, nolwenn, callbacks.list_page(view))
        )
    await _watch(emulator, other, await answer_to(emulator, other, "/projets Penn-ar-Bed"))
    others = await db_scalar(database_url, select(LaunchAlert.id).where(LaunchAlert.user_id == 622))

    listed = await press_label(emulator, nolwenn, await answer_to(emulator, nolwenn, "/settings"),
                               "Alertes de lancement (2)")  # fmt: skip
    assert "1. Finistère\n2. Culture · Finistère" in shown(listed)
    removed = await press_label(emulator, nolwenn, listed, "Retirer l'alerte 1")
    assert "✅ Alerte retirée." in shown(removed)
    assert "1. Culture · Finistère" in shown(removed)
    assert "2. " not in shown(removed)

    # Another user's alert, by forged data: refused, that alert untouched, buttons kept.
    forged = await answer_to_press(emulator, nolwenn, callbacks.remove_alert(others, 0))
    assert "Cette alerte n'existe plus : voici vos alertes à jour." in shown(forged)
    assert "⚙️ Réglages" in buttons(forged)
    assert await db_scalar(database_url, select(LaunchAlert.id).where(LaunchAlert.id == others))
    # Unknown category or nonsense: the stale-button answer.
    answer = await answer_to_press(
        emulator, nolwenn, "al:s:zz.29.e.0.-", method="answerCallbackQuery"
    )
    assert "Ce bouton n'est plus valable" in shown(answer)

    breton = await answer_to(emulator, other, "/settings")
    listed = await press_label(emulator, other, breton, "Kelaouadennoù raktres nevez (1)")
    assert "1. Penn-ar-Bed" in shown(listed)


async def test_a_user_at_the_maximum_is_told_and_keeps_a_way_on(
    running: KengoInProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    collector = emulator.user(631, "Erwan")
    await answer_to(emulator, collector, "/start")
    communes = ["Brest", "Quimper", "Morlaix", "Douarnenez", "Concarneau", "Landerneau",
                "Rennes", "Vannes", "Lorient", "Nantes", "Lannion", "Guingamp", "Dinan",
                "Saint-Brieuc", "Paimpol", "Carhaix", "Pontivy", "Vitré", "Fougères",
                "Redon"]  # fmt: skip
    assert len(communes) == MAX_ALERTS
    await db_add(database_url, *(
        LaunchAlert(user_id=631, commune=name, target_key=f"place:-|-|{name}") for name in communes
    ))  # fmt: skip
    listing = await answer_to_press(emulator, collector, callbacks.list_page(FINISTERE))
    refused = await _watch(emulator, collector, listing)
    assert "Vous avez déjà le nombre maximum d'alertes de lancement (20)." in shown(refused)
    assert {"🔔 Mes alertes de lancement", "↩ Retour à la liste", "🏠 Menu"} <= set(
        label.replace("\u2019", "'") for label in buttons(refused)
    )
    assert await db_scalar(database_url, select(func.count()).select_from(LaunchAlert)
                           .where(LaunchAlert.user_id == 631)) == MAX_ALERTS  # fmt: skip
