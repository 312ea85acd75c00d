"""The outbox sender against the Bot API emulator: languages, blocked users, 429s, crashes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import CatalogueService
from bot.domain import OutboxStatus, Visitor, utcnow
from bot.i18n.translator import Catalogs
from bot.notifications import outcomes as outbox_outcomes
from bot.notifications import sender as outbox
from bot.notifications.kinds import Kind, row
from bot.notifications.queue import OutboxQueue
from bot.notifications.sender import OutboxSender, OutboxTimings
from bot.storage.models import OutboxMessage, User
from bot.telegram.intake import KengoBot
from bot.users.service import UserService
from tests.dialogue import text_of
from tests.factories import add_user
from tests.fakes.bot_api import BotApiEmulator

Sessions = async_sessionmaker[AsyncSession]


async def queue(sessions: Sessions, *rows: dict[str, object]) -> None:
    async with sessions.begin() as session:
        await OutboxQueue(session).enqueue(list(rows))  # type: ignore[arg-type]


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
    assert "Merci pour votre soutien" in text_of(french[0])
    assert "Trugarez deoc'h evit ho skoazell" in text_of(breton[0])
    assert french[0].params["parse_mode"] == "HTML"
    assert french[0].params["link_preview_options"] == {"is_disabled": True}
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
        claimed = await OutboxQueue(session).claim(utcnow(), 10, lapsed)
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


async def sent_count(emulator: BotApiEmulator) -> int:
    """Successful sendMessage calls, once no new one has come for a while."""
    previous = -1
    for _ in range(50):
        await asyncio.sleep(0.3)
        if previous == (previous := len(emulator.calls("sendMessage"))):
            break
    return previous


async def test_a_crash_before_outcomes_are_written_resends_at_most_the_bound(
    sessions: Sessions,
    emulator: BotApiEmulator,
    sender: OutboxSender,
    outbox_bot: KengoBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = [await add_user(sessions) for _ in range(12)]
    for user in users:
        emulator.user(user.id, user.first_name)
    await queue(sessions, *(thanks(user.id) for user in users))

    async def unreachable(*_: object) -> None:
        raise ConnectionError("database unreachable")

    # Outcomes cannot be written: sending stops once the unwritten ones reach the cap.
    monkeypatch.setattr(OutboxQueue, "record", unreachable)
    crashing = OutboxSender(
        sessions, outbox_bot, Catalogs.load(), rate=200, concurrency=2,
        cards=CatalogueService(sessions), timings=OutboxTimings(write_retry=0.05),
        max_unrecorded=3,
    )  # fmt: skip
    running = asyncio.create_task(crashing.run(asyncio.Event()))
    sent_before_crash = await sent_count(emulator)
    assert 0 < sent_before_crash <= 2 + 3  # in flight + unwritten
    running.cancel()  # the crash: nothing was recorded
    with pytest.raises(asyncio.CancelledError):
        await running
    assert set((await statuses(sessions)).values()) == {OutboxStatus.PENDING}

    monkeypatch.undo()
    async with sessions.begin() as session:  # the leases lapse
        await session.execute(update(OutboxMessage).values(locked_until=None))
    while await sender.deliver_due():
        pass
    per_user = [len(emulator.calls("sendMessage", chat_id=user.id)) for user in users]
    assert min(per_user) == 1  # nobody lost
    assert sum(per_user) - len(users) <= 2 + 3  # duplicates within the bound
    assert set((await statuses(sessions)).values()) == {OutboxStatus.SENT}


async def test_a_graceful_stop_writes_every_outcome(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender
) -> None:
    users = [await add_user(sessions) for _ in range(20)]
    for user in users:
        emulator.user(user.id, user.first_name)
    await emulator.user(users[0].id, users[0].first_name).block()
    await queue(sessions, *(thanks(user.id) for user in users))
    stop = asyncio.Event()
    running = asyncio.create_task(sender.run(stop))
    for user in users[1:]:
        await emulator.wait_for("sendMessage", chat_id=user.id)
    stop.set()  # outcomes of the last sends are still in memory
    await running
    assert set((await statuses(sessions)).values()) == {OutboxStatus.SENT, OutboxStatus.BLOCKED}
    async with sessions() as session:
        assert (await session.get(User, users[0].id)).blocked  # type: ignore[union-attr]
    for user in users[1:]:
        assert len(emulator.calls("sendMessage", chat_id=user.id)) == 1


async def test_a_row_whose_lease_runs_out_during_a_429_pause_is_left_for_later(
    sessions: Sessions,
    emulator: BotApiEmulator,
    outbox_bot: KengoBot,
) -> None:
    users = [await add_user(sessions) for _ in range(2)]
    for user in users:
        emulator.user(user.id, user.first_name)
    await queue(sessions, *(thanks(user.id) for user in users))
    emulator.fail_next("sendMessage", error_code=429, retry_after=1)
    lease = OutboxTimings(lease=timedelta(seconds=0.6))  # may send for 0.4 s
    one_by_one = OutboxSender(
        sessions, outbox_bot, Catalogs.load(), rate=200, concurrency=1,
        cards=CatalogueService(sessions), timings=lease,
    )  # fmt: skip
    assert await one_by_one.deliver_due() == 2
    # The second row waited for the pause past its sending window: not sent, still leased.
    assert emulator.calls("sendMessage") == []
    assert set((await statuses(sessions)).values()) == {OutboxStatus.PENDING}
    await asyncio.sleep(0.6)
    while set((await statuses(sessions)).values()) != {OutboxStatus.SENT}:
        await one_by_one.deliver_due()
        await asyncio.sleep(0.1)
    for user in users:
        assert len(emulator.calls("sendMessage", chat_id=user.id)) == 1


def test_concurrency_follows_the_rate() -> None:
    assert outbox.default_concurrency(25) == outbox.MIN_CONCURRENCY
    assert outbox.default_concurrency(1000) == 50  # 1,000/s at 50 ms per call
    assert outbox.default_concurrency(10_000) == outbox.MAX_CONCURRENCY
    assert outbox.crash_bound(50) == 50 + outbox_outcomes.MAX_UNRECORDED


async def test_a_user_who_writes_again_receives_again_from_the_same_sender(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender
) -> None:
    gwen = await add_user(sessions)
    fake = emulator.user(gwen.id, "Gwen")
    await fake.block()
    await queue(sessions, thanks(gwen.id, "while-blocked"))
    await sender.deliver_due()
    assert (await statuses(sessions))[gwen.id] is OutboxStatus.BLOCKED
    await fake.unblock()
    # She writes to the bot again: the update marks her as reachable (the database's flag).
    await UserService(sessions, "fr").greet(Visitor(gwen.id, "Gwen"))
    await queue(sessions, thanks(gwen.id, "after-coming-back"))
    await asyncio.sleep(outbox.PER_CHAT_GAP)  # the 403 was a message to her chat too
    await sender.deliver_due()
    assert len(emulator.calls("sendMessage", chat_id=gwen.id)) == 1


async def test_paid_broadcasts_are_sent_as_such_and_free_ones_are_not(
    sessions: Sessions, emulator: BotApiEmulator, sender: OutboxSender, outbox_bot: KengoBot
) -> None:
    free, paid = await add_user(sessions), await add_user(sessions)
    for user in (free, paid):
        emulator.user(user.id, user.first_name)
    await queue(sessions, thanks(free.id))
    assert await sender.deliver_due() == 1
    await queue(sessions, thanks(paid.id))
    paying = OutboxSender(
        sessions, outbox_bot, Catalogs.load(), rate=100,
        cards=CatalogueService(sessions), paid_broadcast=True,
    )  # fmt: skip
    assert await paying.deliver_due() == 1
    [sent_free] = emulator.calls("sendMessage", chat_id=free.id)
    [sent_paid] = emulator.calls("sendMessage", chat_id=paid.id)
    assert "allow_paid_broadcast" not in sent_free.params
    assert sent_paid.params["allow_paid_broadcast"] is True
