"""The catalogue of projects, as contributors see it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import utcnow
from bot.repositories.projects import ProjectRepository


class ProjectService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def count_live(self) -> int:
        """How many campaigns are open right now."""
        async with self._sessions() as session:
            return await ProjectRepository(session).count_live(utcnow())
