"""The notification outbox: rows written with the event that causes them, sent by a worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import OutboxMessage, OutboxStatus
from bot.repositories.common import insert_ignoring_duplicates


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(self, rows: list[dict[str, Any]]) -> None:
        """Queue notifications; a row whose `dedupe_key` is already queued is skipped."""
        if rows:
            statement = insert_ignoring_duplicates(
                self.session, OutboxMessage, ["dedupe_key"], rows
            )
            await self.session.execute(statement)

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Take up to `limit` due messages for this worker until `now + lease`.

        PostgreSQL skips rows other workers hold (`SKIP LOCKED`); SQLite serialises writers, so
        the lease written here is what keeps two senders apart.
        """
        due = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        messages = (await self.session.scalars(due)).all()
        if messages:
            await self.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_([m.id for m in messages]))
                .values(locked_until=now + lease)
            )
        return messages
