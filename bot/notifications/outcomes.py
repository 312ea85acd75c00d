"""What became of each outbox row, written in batches by one flusher.

One transaction per row cost four round trips (and on SQLite a turn at the single write lock)
per message; here the outcomes of up to `FLUSH_AT` rows are written by one `executemany` UPDATE
every `FLUSH_EVERY` seconds. A row sent but not yet written is a row a crash would send again,
so their number is capped: `add` waits while `max_unrecorded` outcomes are unwritten.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import OutboxStatus, utcnow
from bot.monitoring.metrics import Metrics
from bot.notifications.queue import OutboxQueue
from bot.storage.models import OutboxMessage

log = logging.getLogger(__name__)

FLUSH_EVERY = 0.05  # seconds
FLUSH_AT = 64  # outcomes waiting: write them now
MAX_UNRECORDED = 2 * FLUSH_AT  # one batch being written while the next one fills
MAX_ATTEMPTS = 5
MAX_BACKOFF = 300.0  # seconds


@dataclass(slots=True)
class Outcome:
    row_id: int
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    sent_at: datetime | None = None
    news_post_id: int | None = None
    blocked_user_id: int | None = None  # answered 403: this user has blocked the bot
    counted: bool = True  # a final outcome, counted in the metrics

    def values(self) -> dict[str, Any]:
        """The row's new columns; the lease ends with it."""
        return {
            "id": self.row_id, "status": self.status, "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at, "locked_until": None,
            "last_error": self.last_error and self.last_error[:255], "sent_at": self.sent_at,
        }  # fmt: skip


def finished(
    row: OutboxMessage, status: OutboxStatus, error: str | None = None, *, blocked: bool = False
) -> Outcome:
    """Sent, or given up for good (blocked, muted, failed)."""
    return Outcome(
        row.id, status, row.attempts + 1, row.next_attempt_at, error,
        utcnow() if status is OutboxStatus.SENT else None, row.news_post_id,
        row.user_id if blocked else None,
    )  # fmt: skip


def postponed(
    row: OutboxMessage, delay: float | None, *, count_attempt: bool, error: str | None = None
) -> Outcome:
    """Tried again after `delay` seconds (exponential backoff when None); failed after
    MAX_ATTEMPTS counted attempts."""
    attempts, status = row.attempts, OutboxStatus.PENDING
    if count_attempt:
        attempts += 1
        if attempts >= MAX_ATTEMPTS:
            status = OutboxStatus.FAILED
        delay = delay or min(2.0**attempts, MAX_BACKOFF)
    due = utcnow() + timedelta(seconds=delay or 1.0)
    return Outcome(
        row.id, status, attempts, due, error, None, row.news_post_id,
        counted=status is OutboxStatus.FAILED,
    )  # fmt: skip


def released(row: OutboxMessage) -> Outcome:
    """Not tried: free for the next claim at once (a graceful stop)."""
    return Outcome(
        row.id, row.status, row.attempts, row.next_attempt_at, row.last_error, counted=False
    )


class OutcomeWriter:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        write_lock: asyncio.Lock,
        metrics: Metrics | None = None,
        *,
        max_unrecorded: int = MAX_UNRECORDED,
        retry_pause: float,
    ) -> None:
        self._sessions = sessions
        self._write_lock = write_lock
        self._metrics = metrics
        self._max_unrecorded = max_unrecorded
        self._retry_pause = retry_pause  # seconds after a failed write
        self._pending: list[Outcome] = []
        self._writing = 0
        self._due = asyncio.Event()
        self._room = asyncio.Event()
        self._closing = False
        self._touched: set[int] = set()

    async def add(self, outcome: Outcome) -> None:
        """Queue an outcome; waits while `max_unrecorded` are unwritten (the crash bound)."""
        while len(self._pending) + self._writing >= self._max_unrecorded:
            self._due.set()
            self._room.clear()
            await self._room.wait()
        self._pending.append(outcome)
        if len(self._pending) >= FLUSH_AT:
            self._due.set()

    def take_touched_posts(self) -> set[int]:
        """News posts with rows written since the last call (their progress may have moved)."""
        touched, self._touched = self._touched, set()
        return touched

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[OutcomeWriter]:
        """Write in the background while the block runs, and everything left when it ends."""
        self._closing = False
        flusher = asyncio.create_task(self._flush_regularly(), name="outbox-outcomes")
        try:
            yield self
        finally:
            # Not cancelled: a write cut short would leave sent rows unrecorded.
            self._closing = True
            self._due.set()
            await flusher
            if not await self.flush():
                log.error("%d outbox outcomes not written: resent once leases lapse",
                          len(self._pending))  # fmt: skip

    async def _flush_regularly(self) -> None:
        while not self._closing:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), FLUSH_EVERY)
            self._due.clear()
            if not await self.flush() and not self._closing:
                await asyncio.sleep(self._retry_pause)

    async def flush(self) -> bool:
        """Write every queued outcome in one transaction; False (and kept) if that failed."""
        batch, self._pending = self._pending, []
        if not batch:
            return True
        self._writing = len(batch)
        try:
            async with self._write_lock, self._sessions.begin() as session:
                await OutboxQueue(session).record(
                    [outcome.values() for outcome in batch],
                    {o.blocked_user_id for o in batch if o.blocked_user_id is not None},
                )
        except Exception:
            log.exception("%d outbox outcomes could not be written; retrying", len(batch))
            self._pending[:0] = batch
            return False
        finally:
            self._writing = 0
            self._room.set()
        self._touched.update(o.news_post_id for o in batch if o.news_post_id is not None)
        if self._metrics is not None:
            for outcome in batch:
                if outcome.counted:
                    self._metrics.outbox_sent.labels(outcome.status.value).inc()
        return True
