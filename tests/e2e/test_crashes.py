"""Crashes of the real process (`kill -9`): nothing the bot was doing is lost or done twice.

Each test kills `kengo-bot run` with SIGKILL, so no clean-up code runs, then starts it again.
"""

from __future__ import annotations

import asyncio
import signal

import pytest
from sqlalchemy import func, insert, select, update

from bot.domain import OutboxStatus, ProjectStatus
from bot.notifications.sender import crash_bound, default_concurrency
from bot.storage.models import Follow, OutboxMessage, Project
from tests.bot_database import db_execute, db_scalar, latest_project, project_id
from tests.dialogue import (
    MODERATOR_ID,
    WAIT,
    answer_to,
    buttons,
    expect,
    press,
    press_label,
    text_of,
    write_news,
)
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator

pytestmark = pytest.mark.e2e
# Short, so that the rows a crashed sender had claimed come back soon.
LEASE_SECONDS = 2


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
    offer = await expect(emulator, owner, summary, "e galleg ivez")
    await expect(emulator, owner, press(offer, "Tremen"), "Pazenn 7/13")
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
    assert "📍 Naoned · Liger-Atlantel · 🏷 Brezhoneg" in text_of(card)  # Nantes stored
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
    # The preview is edited in place: no new card in the chat.
    card = await expect(emulator, owner, "2 500", "dastumet war 2 500 €", "editMessageText")
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


@pytest.mark.usefixtures("demo_data")
async def test_429_and_a_crash_mid_delivery_lose_and_duplicate_nothing(
    kengo: KengoProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    kengo.env["OUTBOX_RATE"] = "20"  # slow enough to be caught mid-delivery
    kengo.env["OUTBOX_LEASE_SECONDS"] = str(LEASE_SECONDS)
    await kengo.start()
    repair = await project_id(database_url, "repair-cafe-saint-brieuc")
    owner = emulator.user(721, "Katell")
    await answer_to(emulator, owner, "/aide")
    fans = [emulator.user(730 + n, f"Fan {n}") for n in range(40)]
    await db_execute(database_url, update(Project).where(Project.id == repair).values(owner_id=721))
    await asyncio.gather(*(answer_to(emulator, fan, "/aide") for fan in fans))
    await db_execute(
        database_url, insert(Follow).values([{"user_id": f.id, "project_id": repair} for f in fans])
    )
    for fan in fans[:3]:  # Telegram slows the sender down: three 429s during the delivery
        emulator.fail_next("sendMessage", error_code=429, retry_after=1, chat_id=fan.id)
    preview = await write_news(emulator, owner, "Repair", "Nouvelle pour tout le monde")
    await press_label(emulator, owner, preview, "Envoyer", method="editMessageText")

    def delivered() -> list[int]:
        news = [c for c in emulator.calls("sendMessage") if "Nouvelle pour tout" in text_of(c)]
        return [c.params["chat_id"] for c in news if c.params["chat_id"] != 721]

    while len(delivered()) < 12:
        await emulator.wait_for("sendMessage", since=emulator.mark(), timeout=WAIT)
    assert await kengo.stop(signal.SIGKILL) != 0  # a crash, not a clean stop
    await kengo.start()
    pending = select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING)  # fmt: skip
    # The rows the crashed sender had claimed come back when their lease lapses. Polled: the
    # last outcomes are written a little after the last sends.
    for _ in range(int((LEASE_SECONDS + WAIT) / 0.2)):
        if await db_scalar(database_url, pending) == 0:
            break
        await asyncio.sleep(0.2)
    await kengo.stop()
    counts = {fan.id: delivered().count(fan.id) for fan in fans}
    assert min(counts.values()) == 1  # nobody lost
    duplicates = sum(n - 1 for n in counts.values())
    # At most the sends in flight at the crash and the outcomes not yet written.
    assert duplicates <= crash_bound(default_concurrency(20))
    limited = [c for c in emulator.calls("sendMessage", include_failed=True) if c.error_code == 429]
    assert len(limited) == 3  # the 429s were met, and those messages were sent later
