"""Notifications through the real entry point: reminders, blocked users, 429s and a crash."""

from __future__ import annotations

import asyncio
import signal
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from bot.domain import OutboxStatus, utcnow
from bot.notifications.sender import LEASE, crash_bound, default_concurrency
from bot.storage.models import Follow, OutboxMessage, Project, User
from tests.e2e.harness import (
    WAIT,
    KengoProcess,
    answer_to,
    buttons,
    db_execute,
    db_scalar,
    follow_through_link,
    press_label,
    project_id,
    text_of,
    write_news,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn

pytestmark = pytest.mark.e2e


async def test_last_48_hours_reminder_goes_only_to_followers_who_have_not_pledged(
    demo_bot: KengoProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
    database_url: str,
) -> None:  # fmt: skip
    pressoir = await project_id(database_url, "pressoir-mobile-fougeres")
    waiting, backing = (
        emulator.user(701, "Tanguy"),
        emulator.user(702, "Nolwenn", language_code="br"),
    )
    for user in (waiting, backing):
        await follow_through_link(emulator, user, pressoir)
    card = await answer_to(emulator, backing, f"/start p{pressoir}")
    options = await press_label(emulator, backing, card, "Skoazellañ", method="sendMessage")
    amounts = await press_label(emulator, backing, options, "Donezon dieub")
    confirmation = await press_label(emulator, backing, amounts, "10\u00a0€")
    payment = await press_label(emulator, backing, confirmation, "✅")
    url = next(u for label, u in buttons(payment).items() if label.startswith("💳"))
    await stripe_stand_in.pay(
        next(s["id"] for s in stripe_stand_in.sessions.values() if s["url"] == url)
    )
    mark = emulator.mark()
    soon = utcnow() + timedelta(hours=30)
    await db_execute(
        database_url, update(Project).where(Project.id == pressoir).values(ends_at=soon)
    )
    reminder = await emulator.wait_for("sendMessage", lambda c: "Plus que 48 h" in text_of(c),
                                       since=mark, timeout=WAIT)  # fmt: skip
    assert reminder.params["chat_id"] == 701
    assert "pressoir" in text_of(reminder).lower()
    reminders = await db_scalar(database_url, select(func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.kind == "reminder"))  # fmt: skip
    sent_to_702 = [c for c in emulator.calls("sendMessage", chat_id=702) if "48" in text_of(c)]
    assert sent_to_702 == []
    assert reminders >= 1


async def test_a_blocked_user_is_skipped_and_comes_back_after_start(
    demo_bot: KengoProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    repair = await project_id(database_url, "repair-cafe-saint-brieuc")
    owner, fan = emulator.user(711, "Katell"), emulator.user(712, "Loïc")
    await answer_to(emulator, owner, "/aide")
    await db_execute(database_url, update(Project).where(Project.id == repair).values(owner_id=711))
    await follow_through_link(emulator, fan, repair)
    await fan.block()

    async def post(text: str) -> None:
        preview = await write_news(emulator, owner, "Repair", text)
        await press_label(emulator, owner, preview, "Envoyer", method="editMessageText")

    mark = emulator.mark()
    await post("Première nouvelle")
    await emulator.wait_for("editMessageText", lambda c: "bot bloqué : 1" in text_of(c),
                            chat_id=711, since=mark, timeout=WAIT)  # fmt: skip
    assert [c for c in emulator.calls("sendMessage", chat_id=712) if "Première" in text_of(c)] == []
    await fan.unblock()
    await answer_to(emulator, fan, "/start")
    assert await db_scalar(database_url, select(User.blocked).where(User.id == 712)) is False
    mark = emulator.mark()
    await post("Deuxième nouvelle")
    await emulator.wait_for("sendMessage", lambda c: "Deuxième" in text_of(c), chat_id=712,
                            since=mark, timeout=WAIT)  # fmt: skip


async def test_429_and_a_crash_mid_delivery_lose_and_duplicate_nothing(
    kengo: KengoProcess, emulator: BotApiEmulator, database_url: str
) -> None:
    code, output = await kengo.run_command("demo-data")
    assert code == 0, output
    kengo.env["OUTBOX_RATE"] = "20"  # slow enough to be caught mid-delivery
    await kengo.start()
    repair = await project_id(database_url, "repair-cafe-saint-brieuc")
    owner = emulator.user(721, "Katell")
    await answer_to(emulator, owner, "/aide")
    fans = [emulator.user(730 + n, f"Fan {n}") for n in range(40)]
    await db_execute(database_url, update(Project).where(Project.id == repair).values(owner_id=721))
    for fan in fans:
        await answer_to(emulator, fan, "/aide")
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
    for _ in range(int((LEASE.total_seconds() + WAIT) / 0.2)):
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
