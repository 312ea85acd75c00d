"""The outbox sender against the Bot API emulator: languages, blocked users, 429s, crashes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import OutboxMessage, OutboxStatus, User, utcnow
from bot.notifications import Kind, row
from bot.outbox import OutboxSender
from bot.repositories.outbox import OutboxRepository
from tests.factories import add_user
from tests.fakes.bot_api import BotApiEmulator

Sessions = async_sessionmaker[AsyncSession]


async def queue(sessions: Sessions, *rows: dict[str, object]) -> None:
    async with sessions.begin() as session:
        await OutboxRepository(session).enqueue(list(rows))  # type: ignore[arg-type]


def thanks(user_id: int, key: str = "t") -> dict[str, object]:
    return row(
        user_id, Kind.PLEDGE_THANKS, f"{key}:{user_id}", None, title="Bagad", amount_cents=2000
    )


async def statuses(sessions: Sessions) -> dict[int, OutboxStatus]:
    async with sessions() as session:
        rows = await session.execute(select(OutboxMessage.user_id, OutboxMessage.status))
        return dict(rows.all())  # type: ignore[arg-type]


async def test_each_recipient_gets_it_once_in_their_language(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender
) -> None:
    anna = await add_user(sessions, locale="fr")
    erwan = await add_user(sessions, locale="br")
    for user in (anna, erwan):
        emulator.user(user.id, user.first_name)
    await queue(sessions, thanks(anna.id), thanks(erwan.id), thanks(anna.id))  # duplicate key
    assert await sender.deliver_due() == 2
    assert await sender.deliver_due() == 0
    french = emulator.calls("sendMessage", chat_id=anna.id)
    breton = emulator.calls("sendMessage", chat_id=erwan.id)
    assert len(french) == len(breton) == 1
    assert "Merci pour votre soutien" in french[0].params["text"]
    assert "Trugarez deoc'h evit ho skoazell" in breton[0].params["text"]
    assert set((await statuses(sessions)).values()) == {OutboxStatus.SENT}


async def test_a_user_who_blocked_the_bot_is_skipped_until_they_come_back(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender
) -> None:
    gwen = await add_user(sessions)
    fake = emulator.user(gwen.id, "Gwen")
    await fake.block()
    await queue(sessions, thanks(gwen.id, "first"))
    await sender.deliver_due()
    assert (await statuses(sessions))[gwen.id] is OutboxStatus.BLOCKED
    async with sessions() as session:
        assert (await session.get(User, gwen.id)).blocked  # type: ignore[union-attr]
    await queue(sessions, thanks(gwen.id, "second"))
    await sender.deliver_due()
    assert emulator.calls("sendMessage", chat_id=gwen.id) == []  # not even tried


async def test_429_pauses_everything_and_the_message_is_retried(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender
) -> None:
    users = [await add_user(sessions) for _ in range(3)]
    for user in users:
        emulator.user(user.id, user.first_name)
    emulator.fail_next("sendMessage", error_code=429, retry_after=1)
    await queue(sessions, *(thanks(user.id) for user in users))
    for _ in range(50):
        await sender.deliver_due()
        if set((await statuses(sessions)).values()) == {OutboxStatus.SENT}:
            break
        await asyncio.sleep(0.1)
    assert set((await statuses(sessions)).values()) == {OutboxStatus.SENT}
    calls = emulator.calls("sendMessage", include_failed=True)
    limited = next(call for call in calls if call.error_code == 429)
    retried = [c for c in calls if c.ok and c.params["chat_id"] == limited.params["chat_id"]]
    assert len(retried) == 1
    assert retried[0].at - limited.at >= 1.0  # sent again only after retry_after
    assert sum(len(emulator.calls("sendMessage", chat_id=u.id)) for u in users) == 3


async def test_a_lapsed_lease_is_delivered_by_the_next_pass(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender
) -> None:
    user = await add_user(sessions)
    emulator.user(user.id, user.first_name)
    await queue(sessions, thanks(user.id))
    async with sessions.begin() as session:
        # A sender that crashed after claiming the row: its lease is still on it.
        lapsed = timedelta(seconds=-1)
        claimed = await OutboxRepository(session).claim(utcnow(), 10, lapsed)
        assert len(claimed) == 1
    assert await sender.deliver_due() == 1
    assert (await statuses(sessions))[user.id] is OutboxStatus.SENT


async def test_one_failing_row_does_not_stop_the_others(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender
) -> None:
    users = [await add_user(sessions) for _ in range(3)]
    for user in users:
        emulator.user(user.id, user.first_name)
    # A bug met while handling one row (here a TypeError while writing its text).
    odd = row(users[0].id, Kind.PLEDGE_THANKS, "odd", None, title="Bagad", amount_cents=None)
    await queue(sessions, odd, thanks(users[1].id), thanks(users[2].id))
    assert await sender.deliver_due() == 3
    for user in users[1:]:
        assert len(emulator.calls("sendMessage", chat_id=user.id)) == 1
    assert (await statuses(sessions))[users[0].id] is OutboxStatus.PENDING  # retried later
