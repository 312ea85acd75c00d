"""Following projects: a follower gets the project's news (delivered by the outbox)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import read_as, summary_of
from bot.catalogue.texts import in_breton, title_for_reader
from bot.domain import PUBLIC_STATUSES, ProjectSummary
from bot.matching.queries import matched_of
from bot.storage.models import Follow, Project, User

MAX_LISTED = 30


class FollowService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def toggle(self, user_id: int, project_id: int) -> bool | None:
        """Follow or unfollow; True when now following, None when the project is not public."""
        async with self._sessions.begin() as session:
            project = await session.get(Project, project_id)
            if project is None or project.status not in PUBLIC_STATUSES:
                return None
            follow = await session.get(Follow, (user_id, project_id))
            if follow is None:
                session.add(Follow(user_id=user_id, project_id=project_id))
                delta = 1
            else:
                await session.delete(follow)
                delta = -1
            # An UPDATE relative to the stored value: concurrent toggles of others never collide.
            await session.execute(
                update(Project)
                .where(Project.id == project_id)
                .values(followers_count=Project.followers_count + delta)
            )
            return delta > 0

    async def followed(self, user_id: int) -> list[ProjectSummary]:
        """The projects a user follows, those still in campaign first, ending soonest first,
        titled in the user's language."""
        statement = (
            select(Project, title_for_reader(User.locale), in_breton(), matched_of(Project.id))
            .join(Follow, Follow.project_id == Project.id)
            .join(User, User.id == Follow.user_id)
            .where(Follow.user_id == user_id, Project.status.in_(PUBLIC_STATUSES))
            .order_by(Project.closed_at.is_not(None), Project.ends_at, Project.id)
            .limit(MAX_LISTED)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        # Their progress counts a partner's match, as everywhere.
        return [
            read_as(summary_of(p, int(matched)), title, breton)
            for p, title, breton, matched in rows
        ]

    async def unfollow(self, user_id: int, project_id: int) -> bool:
        """Stop following; False when the user was not following it."""
        async with self._sessions.begin() as session:
            follow = await session.get(Follow, (user_id, project_id))
            if follow is None:
                return False
            await session.delete(follow)
            await session.execute(
                update(Project)
                .where(Project.id == project_id)
                .values(followers_count=Project.followers_count - 1)
            )
            return True
