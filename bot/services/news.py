"""Project news: an owner's post goes to every follower and contributor, through the outbox.

The same machinery carries an owner's message to the contributors of one reward ("your pins
ship Monday"): a post that names its reward goes to that reward's paying contributors only, may
be sent after the campaign (rewards are delivered then), and never shows among the news.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Delivery, PledgeStatus, ProjectStatus, Publication, utcnow
from bot.i18n.text import without_controls
from bot.notifications.chat_queue import queue_for_chats
from bot.notifications.kinds import Kind, for_each
from bot.notifications.queue import OutboxQueue
from bot.storage.models import Follow, NewsPost, Pledge, Project, RewardTier, User

MAX_NEWS_LENGTH = 3500  # leaves room for the title line within Telegram's 4096


class NewsRefused(Exception):
    """Only the owner of a live project may post news to its followers (or, live or over,
    write to the contributors of one of its rewards)."""


@dataclass(frozen=True)
class Preview:
    title: str  # the project's
    text: str
    photo_file_id: str | None
    reward: str | None  # a message to this reward's contributors; None: news


class NewsService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def draft(
        self,
        author_id: int,
        project_id: int,
        text: str,
        photo_file_id: str | None = None,
        tier_id: int | None = None,
    ) -> Publication:
        """Keep a post for the owner to preview; nobody receives it until it is published.
        With `tier_id`, a message to the contributors of that reward of the project."""
        text = without_controls(text).strip()[:MAX_NEWS_LENGTH]
        if not text:
            raise NewsRefused("empty")
        async with self._sessions.begin() as session:
            project = await _owned_project(session, author_id, project_id, tier_id)
            post = NewsPost(project_id=project_id, author_id=author_id, text=text,
                            photo_file_id=photo_file_id, reward_tier_id=tier_id)  # fmt: skip
            session.add(post)
            await session.flush()
            return Publication(post.id, len(await _audience(session, project, tier_id)))

    async def preview(self, author_id: int, post_id: int) -> Preview | None:
        """An unpublished post of this author, as its recipients will read it."""
        async with self._sessions() as session:
            post = await session.get(NewsPost, post_id)
            if post is None or post.author_id != author_id or post.published_at is not None:
                return None
            project = await session.get(Project, post.project_id)
            tier = (
                await session.get(RewardTier, post.reward_tier_id) if post.reward_tier_id else None
            )
            return Preview(project.title if project else "", post.text, post.photo_file_id,
                           tier.title if tier else None)  # fmt: skip

    async def read(self, viewer_id: int, post_id: int) -> tuple[str, str, int] | None:
        """(project title, text, project id) of a published post, or of the viewer's own draft."""
        async with self._sessions() as session:
            post = await session.get(NewsPost, post_id)
            if post is None or (post.published_at is None and post.author_id != viewer_id):
                return None
            if post.reward_tier_id is not None and post.author_id != viewer_id:
                # Only its reward's contributors received it: nobody else reads it by its id.
                audience = await _tier_contributors(session, post.reward_tier_id)
                if viewer_id not in audience:
                    return None
            project = await session.get(Project, post.project_id)
            return (project.title, post.text, project.id) if project else None

    async def publish(self, author_id: int, post_id: int) -> Publication:
        """Send a previewed post to each follower and paying contributor, once each (a message
        to a reward's contributors: to each of them).

        Publishing twice (a double tap) is refused: the post is marked in the same transaction.
        """
        async with self._sessions.begin() as session:
            post = await session.get(NewsPost, post_id, with_for_update=True)
            if post is None or post.author_id != author_id or post.published_at is not None:
                raise NewsRefused("not a draft of this author")
            tier_id = post.reward_tier_id
            project = await _owned_project(session, author_id, post.project_id, tier_id)
            text, photo_file_id, project_id = post.text, post.photo_file_id, project.id
            post.published_at = utcnow()
            audience = await _audience(session, project, tier_id)
            post.recipients_count = len(audience)
            # The post's id lets a cut caption lead to the whole text ("Lire la suite").
            payload = {"title": project.title, "text": text, "photo_file_id": photo_file_id,
                       "post_id": post.id}  # fmt: skip
            kind, key, reward = Kind.NEWS, f"news:{post.id}", None
            if tier_id is not None:
                tier = await session.get(RewardTier, tier_id)
                reward = payload["reward"] = tier.title if tier else ""
                kind, key = Kind.TIER_MESSAGE, f"tier:{post.id}"
            rows = for_each(sorted(audience), kind, key, project_id, **payload)
            for row in rows:
                row["news_post_id"] = post.id
            await OutboxQueue(session).enqueue(rows)
            if tier_id is None:  # cross-posted to the connected chats that take news
                await queue_for_chats(session, project_id, kind, key, payload, news=True)
            return Publication(post.id, len(audience), project_id, tier_id, reward)

    async def attach_progress(self, post_id: int, chat_id: int, message_id: int) -> None:
        """Remember the owner's message to edit as delivery goes."""
        async with self._sessions.begin() as session:
            post = await session.get(NewsPost, post_id)
            if post is not None:
                post.progress_chat_id, post.progress_message_id = chat_id, message_id

    async def delivery(self, post_id: int) -> Delivery | None:
        async with self._sessions() as session:
            return await OutboxQueue(session).news_delivery(post_id)


# A reward is delivered during or after its campaign: its contributors may be written to then.
TIER_MESSAGE_STATUSES = (ProjectStatus.LIVE, ProjectStatus.SUCCEEDED)


async def _owned_project(
    session: AsyncSession, author_id: int, project_id: int, tier_id: int | None
) -> Project:
    project = await session.get(Project, project_id)
    if project is None or project.owner_id != author_id:
        raise NewsRefused("not the owner")
    if tier_id is None and project.status is not ProjectStatus.LIVE:
        raise NewsRefused("not live")
    if tier_id is not None:
        tier = await session.get(RewardTier, tier_id)
        if tier is None or tier.project_id != project_id:
            raise NewsRefused("not a reward of this project")
        if project.status not in TIER_MESSAGE_STATUSES:
            raise NewsRefused("no campaign to deliver")
    return project


async def _tier_contributors(session: AsyncSession, tier_id: int) -> set[int]:
    """The paying contributors of one reward who have not blocked the bot."""
    return set((await session.scalars(
        select(Pledge.user_id).join(User, User.id == Pledge.user_id)
        .where(Pledge.reward_tier_id == tier_id, Pledge.status == PledgeStatus.PAID,
               User.blocked.is_(False))
    )).all())  # fmt: skip


async def _audience(
    session: AsyncSession, project: Project, tier_id: int | None = None
) -> set[int]:
    if tier_id is not None:
        return await _tier_contributors(session, tier_id) - {project.owner_id}
    followers = (await session.scalars(
        select(Follow.user_id).where(Follow.project_id == project.id)
    )).all()  # fmt: skip
    contributors = (await session.scalars(
        select(Pledge.user_id).where(Pledge.project_id == project.id,
                                     Pledge.status == PledgeStatus.PAID)
    )).all()  # fmt: skip
    return (set(followers) | set(contributors)) - {project.owner_id}
