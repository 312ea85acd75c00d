"""Queries on projects. Repositories never commit: the calling service owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import Project, ProjectStatus


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_live(self, now: datetime) -> int:
        statement = select(func.count(Project.id)).where(
            Project.status == ProjectStatus.LIVE, Project.ends_at > now
        )
        return int(await self.session.scalar(statement) or 0)
