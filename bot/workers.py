"""Background work of a running bot: notification delivery, and closing campaigns on time."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import Runtime, make_bot
from bot.outbox import OutboxSender, default_concurrency

log = logging.getLogger(__name__)


class Workers:
    def __init__(self, runtime: Runtime, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._runtime = runtime
        self._sessions = sessions
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._concurrency = default_concurrency(runtime.settings.outbox_rate)
        # One connection per send in flight, and one for the owners' progress messages.
        self._bot = make_bot(runtime.settings, rate_limited=False, pool_size=self._concurrency + 1)

    async def start(self) -> None:
        await self._bot.initialize()
        runtime = self._runtime
        sender = OutboxSender(
            self._sessions, self._bot, runtime.catalogs, runtime.settings.outbox_rate,
            self._concurrency, runtime.metrics,
        )  # fmt: skip
        self._tasks = [
            asyncio.create_task(sender.run(self._stop), name="outbox"),
            asyncio.create_task(self._campaigns(), name="campaigns"),
        ]

    async def stop(self) -> None:
        """Let the workers finish what they hold (sends in flight, unwritten outcomes)."""
        self._stop.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._bot.shutdown()

    async def _campaigns(self) -> None:
        """Close overdue campaigns now (also after downtime), then at every interval."""
        interval = self._runtime.settings.campaign_check_seconds
        campaigns = self._runtime.services.campaigns
        while not self._stop.is_set():
            try:
                await campaigns.run_once()
                await self._runtime.services.webhook_updates.forget_old()
            except Exception:
                log.exception("campaign sweep failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), interval)
