"""The webhook inbox: each update is handled once, and none acknowledged to Telegram is lost.

Telegram redelivers an update whose answer it did not get, maybe to another worker: the id is
recorded when the update is accepted, and a copy arriving later finds it and is acknowledged
without being handled. Telegram never resends an update it got a 200 for, so the row also keeps
the update's JSON until its handlers have run, leased to the worker handling it. The worker
renews its leases while it works; when it dies (`kill -9`, a lost machine) its leases lapse and
any worker takes its updates over (`bot/telegram/takeover.py`). An update in flight at the crash
may so be handled twice; one whose handlers had finished is not: it was marked at once.

Ids are kept two days (Telegram gives up on an update after 24 hours), without their JSON.

Rows are written in batches: while one statement runs, the ids of the updates arriving (or
finishing) meanwhile wait and go together in the next one (Telegram keeps up to 40 POSTs in
flight). Alone, an id is written at once; under a burst, one statement serves many updates.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import BindParameter, bindparam, delete, or_, select, update

from bot.domain import utcnow
from bot.storage.engine import Sessions
from bot.storage.models import TelegramUpdate
from bot.storage.sql import affected_rows, insert_ignoring_duplicates, table_of

log = logging.getLogger(__name__)

KEEP = timedelta(days=2)
DEFAULT_LEASE = timedelta(seconds=30)
# An update taken over this many times killed every worker that tried it: given up.
MAX_TAKEOVERS = 3
# Ids per statement: well below SQLite's and asyncpg's limits on bound parameters.
CHUNK = 500
TAKEOVER_BATCH = 200

_TABLE = table_of(TelegramUpdate)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_MARK_HANDLED = (
    update(_TABLE)
    .where(_TABLE.c.update_id.in_(_IDS))
    .values(handled_at=bindparam("now"), payload=None, locked_until=None)
)
_RENEW = (
    update(_TABLE)
    .where(_TABLE.c.update_id.in_(_IDS), _TABLE.c.handled_at.is_(None))
    .values(locked_until=bindparam("until"))
)
_RELEASE = (
    update(_TABLE)
    .where(_TABLE.c.update_id.in_(_IDS), _TABLE.c.handled_at.is_(None))
    .values(locked_until=None)
)


@dataclass(frozen=True)
class LeftUpdate:
    """An update a worker accepted and did not finish, now this worker's to handle."""

    update_id: int
    payload: str


class WebhookUpdates:
    def __init__(self, sessions: Sessions, lease: timedelta = DEFAULT_LEASE) -> None:
        self._sessions = sessions
        self.lease = lease
        self._waiting: dict[int, asyncio.Future[bool]] = {}  # id -> first time?
        self._queued: list[tuple[int, str]] = []
        self._writer: asyncio.Task[None] | None = None
        # Ids this worker holds a lease on: accepted or taken over, not yet marked handled.
        self._held: set[int] = set()
        self._finished: list[int] = []  # handled, the mark not yet written
        self._unmarked: list[int] = []  # the mark failed: written again with the next renewal
        self._marker: asyncio.Task[None] | None = None

    @property
    def held(self) -> int:
        return len(self._held)

    async def accept(self, update_id: int, payload: str) -> bool:
        """Record the update, leased to this worker; False when it was there (a redelivery)."""
        earlier = self._waiting.get(update_id)
        if earlier is not None:
            # The same id is already on its way in: this copy is the redelivery, unless that
            # write fails (then this one fails too, and Telegram sends it again).
            await asyncio.shield(earlier)
            return False
        recorded = asyncio.get_running_loop().create_future()
        self._waiting[update_id] = recorded
        self._queued.append((update_id, payload))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued())
        # Shielded: a POST whose client went away must not cancel its batch's answer.
        return await asyncio.shield(recorded)

    async def _write_queued(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            try:
                fresh = await self._insert(batch)
            except Exception as error:
                for update_id, _ in batch:
                    self._waiting.pop(update_id).set_exception(error)
            else:
                self._held.update(fresh)
                for update_id, _ in batch:
                    self._waiting.pop(update_id).set_result(update_id in fresh)
            finally:
                # Cancelled at shutdown mid-write: the POSTs waiting on this batch end too.
                for update_id, _ in batch:
                    if (pending := self._waiting.pop(update_id, None)) is not None:
                        pending.cancel()

    async def _insert(self, batch: list[tuple[int, str]]) -> set[int]:
        """Insert the updates; the ids that were not there yet."""
        now = utcnow()
        until = now + self.lease
        rows = [
            {"update_id": update_id, "received_at": now, "payload": payload,
             "locked_until": until, "takeovers": 0}
            for update_id, payload in batch
        ]  # fmt: skip
        # One statement (a multi-row INSERT ... RETURNING): no transaction needed around it.
        async with self._sessions.autocommit() as connection:
            statement = insert_ignoring_duplicates(connection, TelegramUpdate, "update_id")
            returning = statement.returning(_TABLE.c.update_id)
            return set((await connection.scalars(returning, rows)).all())

    def finished(self, update_id: int) -> None:
        """The update's handlers have run: mark it handled (soon, with others finishing)."""
        if update_id not in self._held:
            return  # not an update of this inbox (polling mode, a Stripe event), or marked
        self._finished.append(update_id)
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._write_finished())

    async def _write_finished(self) -> None:
        while self._finished:
            batch, self._finished = self._finished, []
            try:
                await self._mark_handled(batch)
            except Exception:
                # Still leased to this worker: the mark is tried again with the next renewal.
                log.exception("could not mark %d webhook updates handled", len(batch))
                self._unmarked.extend(batch)
            else:
                self._held.difference_update(batch)

    async def _mark_handled(self, update_ids: list[int]) -> None:
        now = utcnow()
        async with self._sessions.autocommit() as connection:
            for chunk in _chunks(update_ids):
                await connection.execute(_MARK_HANDLED, {"ids": chunk, "now": now})

    async def renew_leases(self) -> None:
        """Keep this worker's updates its own, and write the marks that failed before."""
        if self._unmarked:
            self._finished.extend(self._unmarked)
            self._unmarked = []
            await self._write_finished()
        if self._held:
            until = utcnow() + self.lease
            async with self._sessions.autocommit() as connection:
                for chunk in _chunks(self._held):
                    await connection.execute(_RENEW, {"ids": chunk, "until": until})

    async def take_over(self) -> list[LeftUpdate]:
        """Lease to this worker the unhandled updates whose lease lapsed, oldest first.

        PostgreSQL skips rows another worker is taking at the same moment (`SKIP LOCKED`);
        SQLite serialises writing transactions, so the lease written here keeps them apart.
        """
        now = utcnow()
        lapsed = (
            select(_TABLE.c.update_id, _TABLE.c.payload, _TABLE.c.takeovers)
            .where(
                _TABLE.c.handled_at.is_(None),
                or_(_TABLE.c.locked_until.is_(None), _TABLE.c.locked_until < now),
            )
            .order_by(_TABLE.c.update_id)
            .limit(TAKEOVER_BATCH)
            .with_for_update(skip_locked=True)
        )
        async with self._sessions.begin() as session:
            rows = (await session.execute(lapsed)).all()
            if not rows:
                return []
            await session.execute(
                update(_TABLE)
                .where(_TABLE.c.update_id.in_([row.update_id for row in rows]))
                .values(locked_until=now + self.lease, takeovers=_TABLE.c.takeovers + 1)
            )
        taken, given_up = [], []
        for row in rows:
            if row.update_id in self._held:
                continue  # this worker's own, its renewal late: still on its way
            if row.takeovers >= MAX_TAKEOVERS or row.payload is None:
                given_up.append(row.update_id)
            else:
                taken.append(LeftUpdate(row.update_id, row.payload))
        self._held.update(row.update_id for row in rows)
        if given_up:
            log.error("gave up on webhook updates %s: every worker handling them died", given_up)
            self._finished.extend(given_up)
            await self._write_finished()
        return taken

    async def write_marks(self) -> None:
        """Wait until the updates finished so far are marked handled (or the write failed)."""
        if self._marker is not None:
            await self._marker
        await self._write_finished()

    async def release(self) -> None:
        """At a clean stop: write the last marks, and hand what is left to the other workers."""
        await self.write_marks()
        left = sorted(self._held)
        if not left:
            return
        try:
            async with self._sessions.autocommit() as connection:
                for chunk in _chunks(left):
                    await connection.execute(_RELEASE, {"ids": chunk})
        except Exception:
            # Not lost: the leases lapse, and the updates are taken over a little later.
            log.exception("could not hand %d webhook updates over", len(left))
            return
        log.info("left %d webhook updates to the other workers", len(left))
        self._held.clear()

    async def forget_old(self) -> int:
        """Forget handled updates older than two days."""
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(TelegramUpdate).where(
                    TelegramUpdate.received_at < utcnow() - KEEP,
                    TelegramUpdate.handled_at.is_not(None),
                )
            )
            return affected_rows(result)


def _chunks(update_ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(update_ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]
