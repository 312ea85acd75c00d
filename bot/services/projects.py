"""The catalogue of projects, as contributors see it."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.queries import ProjectQueries
from bot.domain import utcnow

# Every /start shows how many campaigns are open; counted again at most this often, so that a
# wave of newcomers does not count them once each. A new campaign shows up this much later.
LIVE_COUNT_TTL_S = 10.0


class ProjectService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._live_count: tuple[float, int] | None = None  # (counted at, count)

    async def count_live(self) -> int:
        """How many campaigns are open right now (as of at most `LIVE_COUNT_TTL_S` ago)."""
        now = self._clock()
        if self._live_count is not None and now - self._live_count[0] < LIVE_COUNT_TTL_S:
            return self._live_count[1]
        async with self._sessions() as session:
            count = await ProjectQueries(session).count_live(utcnow())
        self._live_count = (now, count)
        return count
