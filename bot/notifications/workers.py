"""The outbox worker of a running bot: a sender with a Bot API client of its own."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n.translator import Catalogs
from bot.monitoring.metrics import Metrics
from bot.notifications.sender import OutboxSender, OutboxTimings, default_concurrency
from bot.telegram.client import make_bot


def timings_from(settings: Settings) -> OutboxTimings:
    return OutboxTimings(
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        poll=settings.outbox_poll_seconds,
        progress_every=settings.news_progress_seconds,
    )


class OutboxWorker:
    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        catalogs: Catalogs,
        metrics: Metrics,
    ) -> None:
        concurrency = default_concurrency(settings.outbox_rate)
        # Without the replies' rate limiter: the sender paces itself (and would otherwise be
        # capped at 30 messages/s). One connection per send in flight, one for progress edits.
        self._bot = make_bot(settings, rate_limited=False, pool_size=concurrency + 1)
        self._sender = OutboxSender(
            sessions, self._bot, catalogs, settings.outbox_rate, concurrency, metrics,
            timings=timings_from(settings),
        )  # fmt: skip
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._bot.initialize()
        self._task = asyncio.create_task(self._sender.run(self._stop), name="outbox")

    async def stop(self) -> None:
        """Let the sender finish what it holds (sends in flight, unwritten outcomes)."""
        self._stop.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        await self._bot.shutdown()
