"""Project news: an owner's post goes to every follower and contributor, through the outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Delivery, PledgeStatus, ProjectStatus, Publication, utcnow
from bot.i18n.text import without_controls
from bot.notifications.kinds import Kind, for_each
from bot.notifications.queue import OutboxQueue
from bot.storage.models import Follow, NewsPost, Pledge, Project

MAX_NEWS_LENGTH = 3500  # leaves room for the title line within Telegram's 4096


class NewsRefused(Exception):
    """Only the owner of a live project may post news to its followers."""


class NewsService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def draft(
        self, author_id: int, project_id: int, text: str, photo_file_id: str | None = None
    ) -> Publication:
        """Keep a post for the owner to preview; nobody receives it until it is published."""
        text = without_controls(text).strip()[:MAX_NEWS_LENGTH]
        if not text:
            raise NewsRefused("empty")
        async with self._sessions.begin() as session:
            project = await _owned_live_project(session, author_id, project_id)
            post = NewsPost(project_id=project_id, author_id=author_id, text=text,
                            photo_file_id=photo_file_id)  # fmt: skip
            session.add(post)
            await session.flush()
            return Publication(post.id, len(await _audience(session, project)))

    async def preview(self, author_id: int, post_id: int) -> tuple[str, str, str | None] | None:
        """(project title, text, photo) of an unpublished post of this author."""
        async with self._sessions() as session:
            post = await session.get(NewsPost, post_id)
            if post is None or post.author_id != author_id or post.published_at is not None:
                return None
            project = await session.get(Project, post.project_id)
            return (project.title if project else "", post.text, post.photo_file_id)

    async def read(self, viewer_id: int, post_id: int) -> tuple[str, str, int] | None:
        """(project title, text, project id) of a published post, or of the viewer's own draft."""
        async with self._sessions() as session:
            post = await session.get(NewsPost, post_id)
            if post is None or (post.published_at is None and post.author_id != viewer_id):
                return None
            project = await session.get(Project, post.project_id)
            return (project.title, post.text, project.id) if project else None

    async def publish(self, author_id: int, post_id: int) -> Publication:
        """Send a previewed post to each follower and paying contributor, once each.

        Publishing twice (a double tap) is refused: the post is marked in the same transaction.
        """
        async with self._sessions.begin() as session:
            post = await session.get(NewsPost, post_id, with_for_update=True)
            if post is None or post.author_id != author_id or post.published_at is not None:
                raise NewsRefused("not a draft of this author")
            project = await _owned_live_project(session, author_id, post.project_id)
            text, photo_file_id, project_id = post.text, post.photo_file_id, project.id
            post.published_at = utcnow()
            audience = await _audience(session, project)
            post.recipients_count = len(audience)
            # The post's id lets a cut caption lead to the whole text ("Lire la suite").
            payload = {"title": project.title, "text": text, "photo_file_id": photo_file_id,
                       "post_id": post.id}  # fmt: skip
            rows = for_each(sorted(audience), Kind.NEWS, f"news:{post.id}", project_id, **payload)
            for row in rows:
                row["news_post_id"] = post.id
            await OutboxQueue(session).enqueue(rows)
            return Publication(post.id, len(audience))

    async def attach_progress(self, post_id: int, chat_id: int, message_id: int) -> None:
        """Remember the owner's message to edit as delivery goes."""
        async with self._sessions.begin() as session:
            post = await session.get(NewsPost, post_id)
            if post is not None:
                post.progress_chat_id, post.progress_message_id = chat_id, message_id

    async def delivery(self, post_id: int) -> Delivery | None:
        async with self._sessions() as session:
            return await OutboxQueue(session).news_delivery(post_id)


async def _owned_live_project(session: AsyncSession, author_id: int, project_id: int) -> Project:
    project = await session.get(Project, project_id)
    if project is None or project.owner_id != author_id:
        raise NewsRefused("not the owner")
    if project.status is not ProjectStatus.LIVE:
        raise NewsRefused("not live")
    return project


async def _audience(session: AsyncSession, project: Project) -> set[int]:
    followers = (await session.scalars(
        select(Follow.user_id).where(Follow.project_id == project.id)
    )).all()  # fmt: skip
    contributors = (await session.scalars(
        select(Pledge.user_id).where(Pledge.project_id == project.id,
                                     Pledge.status == PledgeStatus.PAID)
    )).all()  # fmt: skip
    return (set(followers) | set(contributors)) - {project.owner_id}
