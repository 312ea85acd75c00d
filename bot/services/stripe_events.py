"""Stripe webhook events: each event id is accepted once, whatever Stripe redelivers."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import StripeEvent


class StripeEventService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record(self, event_id: str, event_type: str) -> bool:
        """Store a received event; False when it was already received (a replay)."""
        try:
            async with self._sessions.begin() as session:
                if await session.get(StripeEvent, event_id) is not None:
                    return False
                session.add(StripeEvent(id=event_id, type=event_type[:64]))
        except IntegrityError:
            # Another worker stored the same event between our read and our insert.
            return False
        return True
