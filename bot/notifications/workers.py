"""The outbox worker of a running bot: a sender with a Bot API client of its own, which sends
only while this process leads.

Telegram's limits are per bot, so one sender runs in a whole deployment and `OUTBOX_RATE` is
the bot's rate. Every worker competes for the leadership (`bot.storage.leadership`) every
`LEADER_POLL` seconds; the leader checks as often that it still holds it. A new leader frees
the rows its predecessor left leased (that predecessor leads no more: it died or stepped
down), so they are sent at once rather than when their leases lapse. A leader that stops
finishes its sends and writes their outcomes before it steps down: nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n.translator import Catalogs
from bot.monitoring.metrics import Metrics
from bot.notifications.chats import ProjectCards
from bot.notifications.sender import OutboxSender, OutboxTimings, default_concurrency
from bot.storage.engine import SENDER_LOCK
from bot.storage.leadership import Leadership, leadership
from bot.telegram.client import make_bot

log = logging.getLogger(__name__)

# Seconds between a standby's tries to lead, and between the leader's checks that it still
# does: a dead leader is replaced within about this long.
LEADER_POLL = 1.0


def timings_from(settings: Settings) -> OutboxTimings:
    return OutboxTimings(
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        poll=settings.outbox_poll_seconds,
        progress_every=settings.news_progress_seconds,
        chat_progress_every=settings.chat_progress_seconds,
    )


class OutboxWorker:
    def __init__(
        self,
        settings: Settings,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        catalogs: Catalogs,
        metrics: Metrics,
        cards: ProjectCards,
        *,
        leader_poll: float = LEADER_POLL,
    ) -> None:
        concurrency = default_concurrency(settings.outbox_rate)
        # Without the replies' rate limiter: the sender paces itself (and would otherwise be
        # capped at 30 messages/s). One connection per send in flight, one for progress edits.
        self._bot = make_bot(settings, rate_limited=False, pool_size=concurrency + 1)
        sender = OutboxSender(
            sessions, self._bot, catalogs, settings.outbox_rate, concurrency, metrics,
            cards=cards, timings=timings_from(settings), paid_broadcast=settings.paid_broadcast,
        )  # fmt: skip
        self._leader = LeadingSender(sender, leadership(engine, SENDER_LOCK), leader_poll)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def is_leader(self) -> bool:
        """True while this process is the deployment's notification sender."""
        return self._leader.is_leader

    async def start(self) -> None:
        await self._bot.initialize()
        self._task = asyncio.create_task(self._leader.run(self._stop), name="outbox")

    async def stop(self) -> None:
        """Let the sender finish what it holds (sends in flight, unwritten outcomes), then
        step down."""
        self._stop.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self._bot.shutdown()


class LeadingSender:
    """Runs `sender` while `leadership` is held, and competes for it otherwise."""

    def __init__(self, sender: OutboxSender, leadership: Leadership, poll: float) -> None:
        self._sender = sender
        self._leadership = leadership
        self._poll = poll
        self.is_leader = False

    async def run(self, stop: asyncio.Event) -> None:
        """Lead when possible until `stop` is set."""
        while not stop.is_set():
            try:
                if await self._leadership.try_acquire():
                    await self._lead(stop)
            except Exception:  # the database is down: compete again later
                log.exception("notification sender: leadership failed")
            await _wait(stop, self._poll)

    async def _lead(self, stop: asyncio.Event) -> None:
        self.is_leader = True
        log.info("this worker now sends the notifications")
        step_down = asyncio.Event()
        try:
            freed = await self._sender.reclaim_leases()
            if freed:
                log.info("%d notifications claimed by the previous sender are sent now", freed)
            sending = asyncio.create_task(self._sender.run(step_down), name="outbox-sender")
            try:
                while not stop.is_set() and not sending.done():
                    await _wait(stop, self._poll)
                    if not stop.is_set() and not await self._leadership.still_held():
                        log.warning("the notification sender's leadership was lost: stopping")
                        break
            finally:  # also when cancelled: the sender finishes its sends and outcomes
                step_down.set()
                await sending
        finally:
            self.is_leader = False
            await self._leadership.release()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
