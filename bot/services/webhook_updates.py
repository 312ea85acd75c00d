"""Webhook updates seen once: Telegram redelivers an update whose answer it did not get.

The update id is recorded when the update is accepted, before it is queued; a copy arriving
later (at this process or at another worker) finds it and is acknowledged without being handled.
Ids are kept two days: Telegram gives up on an update after 24 hours.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import TelegramUpdate, utcnow
from bot.repositories.common import affected_rows, insert_ignoring_duplicates

KEEP = timedelta(days=2)


class WebhookUpdates:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def first_time(self, update_id: int) -> bool:
        """Record the id; False when it was already there (a redelivery)."""
        async with self._sessions.begin() as session:
            statement = insert_ignoring_duplicates(
                session, TelegramUpdate, ["update_id"],
                [{"update_id": update_id, "received_at": utcnow()}],
            )  # fmt: skip
            result = await session.execute(statement)
            return bool(affected_rows(result))

    async def forget_old(self) -> int:
        async with self._sessions.begin() as session:
            result = await session.execute(
                delete(TelegramUpdate).where(TelegramUpdate.received_at < utcnow() - KEEP)
            )
            return affected_rows(result)
