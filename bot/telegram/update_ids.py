"""Webhook updates seen once: Telegram redelivers an update whose answer it did not get.

The update id is recorded when the update is accepted, before it is queued; a copy arriving
later (at this process or at another worker) finds it and is acknowledged without being handled.
Ids are kept two days: Telegram gives up on an update after 24 hours.

Ids are written in batches: while one INSERT runs, the ids of the POSTs arriving meanwhile wait
and go together in the next one (Telegram keeps up to 40 POSTs in flight). Alone, an id is
written at once; under a burst, one statement serves many updates instead of one each.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import delete

from bot.domain import utcnow
from bot.storage.engine import Sessions
from bot.storage.models import TelegramUpdate
from bot.storage.sql import affected_rows, insert_ignoring_duplicates, table_of

KEEP = timedelta(days=2)


class WebhookUpdates:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._waiting: dict[int, asyncio.Future[bool]] = {}  # id -> first time?
        self._queued: list[int] = []
        self._writer: asyncio.Task[None] | None = None

    async def first_time(self, update_id: int) -> bool:
        """Record the id; False when it was already there (a redelivery)."""
        earlier = self._waiting.get(update_id)
        if earlier is not None:
            # The same id is already on its way in: this copy is the redelivery, unless that
            # write fails (then this one fails too, and Telegram sends it again).
            await asyncio.shield(earlier)
            return False
        recorded = asyncio.get_running_loop().create_future()
        self._waiting[update_id] = recorded
        self._queued.append(update_id)
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
                for update_id in batch:
                    self._waiting.pop(update_id).set_exception(error)
            else:
                for update_id in batch:
                    self._waiting.pop(update_id).set_result(update_id in fresh)
            finally:
                # Cancelled at shutdown mid-write: the POSTs waiting on this batch end too.
                for update_id in batch:
                    if (pending := self._waiting.pop(update_id, None)) is not None:
                        pending.cancel()

    async def _insert(self, update_ids: list[int]) -> set[int]:
        """Insert the ids; those that were not there yet."""
        now = utcnow()
        rows = [{"update_id": update_id, "received_at": now} for update_id in update_ids]
        # One statement (a multi-row INSERT ... RETURNING): no transaction needed around it.
        async with self._sessions.autocommit() as connection:
            statement = insert_ignoring_duplicates(connection, TelegramUpdate, "update_id")
            returning = statement.returning(table_of(TelegramUpdate).c.update_id)
            return set((await connection.scalars(returning, rows)).all())

    async def forget_old(self) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(TelegramUpdate).where(TelegramUpdate.received_at < utcnow() - KEEP)
            )
            return affected_rows(result)
