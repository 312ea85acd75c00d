"""One notification sender at a time per database: the leader sends, a standby takes over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.catalogue.service import CatalogueService
from bot.domain import utcnow
from bot.i18n.translator import Catalogs
from bot.monitoring.metrics import Metrics
from bot.notifications.kinds import Kind, row
from bot.notifications.queue import OutboxQueue
from bot.notifications.sender import OutboxSender, OutboxTimings
from bot.notifications.workers import LeadingSender
from bot.storage.engine import SENDER_LOCK
from bot.storage.leadership import leadership
from bot.telegram.intake import KengoBot
from tests.dialogue import WAIT
from tests.factories import add_user
from tests.fakes.bot_api import BotApiEmulator

Sessions = async_sessionmaker[AsyncSession]
POLL = 0.05  # seconds between leadership tries and checks


def thanks(user_id: int, key: str) -> dict[str, object]:
    return row(user_id, Kind.PLEDGE_THANKS, f"{key}:{user_id}", None, title="Bagad",
               amount_cents=2000)  # fmt: skip


def sender(sessions: Sessions, bot: KengoBot, metrics: Metrics) -> OutboxSender:
    timings = OutboxTimings(poll=POLL)
    return OutboxSender(
        sessions, bot, Catalogs.load(), rate=200, metrics=metrics,
        cards=CatalogueService(sessions), timings=timings,
    )  # fmt: skip


def sent_by(metrics: Metrics) -> float:
    """Messages this sender recorded as sent (counted once their outcomes are written)."""
    return metrics.registry.get_sample_value("kengo_outbox_messages_total", {"status": "sent"}) or 0


async def recorded(metrics: list[Metrics], total: int) -> tuple[float, ...]:
    """What each sender recorded as sent, once `total` outcomes are written in all."""
    for _ in range(int(WAIT / POLL)):
        if sum(sent_by(m) for m in metrics) >= total:
            break
        await asyncio.sleep(POLL)
    return tuple(sent_by(m) for m in metrics)


async def test_only_the_leader_sends_and_a_standby_takes_over_its_claims_at_once(
    engine: AsyncEngine, sessions: Sessions, emulator: BotApiEmulator, outbox_bot: KengoBot
) -> None:
    users = [await add_user(sessions) for _ in range(8)]
    for user in users:
        emulator.user(user.id, user.first_name)
    metrics = [Metrics(), Metrics()]
    workers = [
        LeadingSender(sender(sessions, outbox_bot, measured), leadership(engine, SENDER_LOCK), POLL)
        for measured in metrics
    ]
    stops = [asyncio.Event(), asyncio.Event()]
    running = [asyncio.create_task(w.run(stop)) for w, stop in zip(workers, stops, strict=True)]
    try:
        async with sessions.begin() as session:
            await OutboxQueue(session).enqueue([thanks(u.id, "first") for u in users[:4]])
        for user in users[:4]:
            await emulator.wait_for("sendMessage", chat_id=user.id, timeout=WAIT)
        assert sorted(w.is_leader for w in workers) == [False, True]
        leader = 0 if workers[0].is_leader else 1
        standby = 1 - leader
        assert await recorded([metrics[leader], metrics[standby]], 4) == (4, 0)

        # Rows the leader holds when it goes: leased for a minute, as a sender that died
        # mid-delivery leaves them.
        async with sessions.begin() as session:
            queue = OutboxQueue(session)
            await queue.enqueue([thanks(u.id, "second") for u in users[4:]])
            assert len(await queue.claim(utcnow(), 10, timedelta(minutes=1))) == 4
        stops[leader].set()
        await running[leader]
        assert not workers[leader].is_leader
        # The standby leads and sends them now, not when their leases lapse.
        for user in users[4:]:
            await emulator.wait_for("sendMessage", chat_id=user.id, timeout=WAIT)
        assert workers[standby].is_leader
        assert await recorded([metrics[leader], metrics[standby]], 8) == (4, 4)
        await asyncio.sleep(10 * POLL)  # room for a duplicate, if one were coming
        assert [len(emulator.calls("sendMessage", chat_id=u.id)) for u in users] == [1] * 8
    finally:
        for stop in stops:
            stop.set()
        await asyncio.gather(*running)
