"""Share links: who opened a project through whose link (owners see it per link)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import PUBLIC_STATUSES
from bot.storage.models import Project, ReferralVisit


class SharingService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record_visit(self, project_id: int, referrer_id: int, visitor_id: int) -> bool:
        """Count a visit through a share link, once per visitor; False when not counted."""
        if referrer_id == visitor_id:
            return False
        try:
            async with self._sessions.begin() as session:
                project = await session.get(Project, project_id)
                if project is None or project.status not in PUBLIC_STATUSES:
                    return False
                session.add(
                    ReferralVisit(
                        project_id=project_id, referrer_id=referrer_id, visitor_id=visitor_id
                    )
                )
        except IntegrityError:
            return False  # already counted (the unique constraint keeps one per visitor)
        return True
