"""Notifications: the last-48-hours reminder, and a user who blocked the bot then came back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.domain import utcnow
from bot.storage.models import OutboxMessage, Project, User
from tests.bot_database import db_execute, db_scalar, project_id
from tests.dialogue import (
    WAIT,
    answer_to,
    buttons,
    follow_through_link,
    press_label,
    text_of,
    write_news,
)
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def test_last_48_hours_reminder_goes_only_to_followers_who_have_not_pledged(
    demo_bot: KengoInProcess, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn,
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
    confirmation = await press_label(emulator, backing, amounts, "10 €")
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
    demo_bot: KengoInProcess, emulator: BotApiEmulator, database_url: str
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
