"""Posts for connected groups and channels, and the live progress messages' bookkeeping.

Like the outbox, a post is a row written in the transaction of the event behind it (a milestone,
the outcome, a news post), one per connected chat, with a unique `dedupe_key`; the notification
sender's chat poster (`bot.notifications.chats`) delivers them at each chat's pace.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import ChatDisconnection, ChatType, CommunityChat, ProjectStatus, utcnow
from bot.i18n.translator import SUPPORTED_LOCALES
from bot.notifications.kinds import Kind
from bot.storage.models import ChatPost, ConnectedChat, Project, User
from bot.storage.sql import insert_ignoring_duplicates

PENDING, SENT, FAILED = "pending", "sent", "failed"
CARD = "card"  # the project's card, posted when a chat is connected (then its progress)


async def queue_for_chats(
    session: AsyncSession, project_id: int, kind: Kind, key: str, payload: dict[str, Any],
    *, news: bool = False,
) -> None:  # fmt: skip
    """Queue a post for every chat connected to the project (for a news post, those that take
    news); `key` is completed with each chat's id."""
    connected = select(ConnectedChat.id).where(
        ConnectedChat.project_id == project_id, ConnectedChat.disconnected_at.is_(None)
    )
    if news:
        connected = connected.where(ConnectedChat.cross_post_news.is_(True))
    chat_ids = (await session.scalars(connected)).all()
    if not chat_ids:
        return
    rows = [
        {"connected_chat_id": chat_id, "kind": kind.value, "payload": payload,
         "dedupe_key": f"{key}:chat:{chat_id}"[:128], "status": PENDING, "created_at": utcnow()}
        for chat_id in chat_ids
    ]  # fmt: skip
    await session.execute(insert_ignoring_duplicates(session, ChatPost, "dedupe_key"), rows)


async def queue_card(session: AsyncSession, chat_row_id: int, key: str) -> None:
    """The card to post in a chat just connected (`key`: that connection's invite)."""
    row = {"connected_chat_id": chat_row_id, "kind": CARD, "payload": {},
           "dedupe_key": f"card:{key}:chat:{chat_row_id}"[:128], "status": PENDING,
           "created_at": utcnow()}  # fmt: skip
    await session.execute(insert_ignoring_duplicates(session, ChatPost, "dedupe_key"), [row])


class ChatQueue:
    """The chat poster's statements."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due_progress(self, checked_before: datetime, limit: int) -> Sequence[ConnectedChat]:
        """Connected chats whose progress message was not looked at since `checked_before`
        (not before their card: a chat whose card waits is left for the card to post it).

        A finished campaign's message is looked at once more after its close, to show the
        outcome, and then no longer: its figures only move again by a rare refund."""
        card_waits = exists().where(ChatPost.connected_chat_id == ConnectedChat.id,
                                    ChatPost.kind == CARD, ChatPost.status == PENDING)  # fmt: skip
        still_moving = or_(Project.status == ProjectStatus.LIVE,
                           ConnectedChat.progress_checked_at.is_(None),
                           Project.closed_at >= ConnectedChat.progress_checked_at)  # fmt: skip
        return (await self.session.scalars(
            select(ConnectedChat)
            .join(Project, Project.id == ConnectedChat.project_id)
            .where(ConnectedChat.disconnected_at.is_(None), ~card_waits, still_moving,
                   or_(ConnectedChat.progress_checked_at.is_(None),
                       ConnectedChat.progress_checked_at <= checked_before))
            .order_by(ConnectedChat.progress_checked_at.nulls_first(), ConnectedChat.id)
            .limit(limit)
        )).all()  # fmt: skip

    async def progress_state(self, chat_row_id: int) -> tuple[int | None, str | None]:
        """The progress message's id and the digest of what it shows (None: none posted)."""
        found = (await self.session.execute(
            select(ConnectedChat.progress_message_id, ConnectedChat.progress_shown)
            .where(ConnectedChat.id == chat_row_id)
        )).first()  # fmt: skip
        return (found[0], found[1]) if found is not None else (None, None)

    async def progress_checked(
        self, chat_row_id: int, now: datetime, *, shown: str | None = None,
        message_id: int | None = None,
    ) -> None:  # fmt: skip
        """Looked at now; with `shown`, the message was edited (or posted anew) to show it."""
        values: dict[str, Any] = {"progress_checked_at": now}
        if shown is not None:
            values.update(progress_shown=shown, progress_edited_at=now)
        if message_id is not None:
            values["progress_message_id"] = message_id
        await self.session.execute(
            update(ConnectedChat).where(ConnectedChat.id == chat_row_id).values(**values)
        )

    async def pending_posts(self, limit: int) -> Sequence[tuple[ChatPost, ConnectedChat]]:
        """Posts to send, oldest first, with their chats (disconnected ones left out)."""
        rows = await self.session.execute(
            select(ChatPost, ConnectedChat)
            .join(ConnectedChat, ConnectedChat.id == ChatPost.connected_chat_id)
            .where(ChatPost.status == PENDING, ConnectedChat.disconnected_at.is_(None))
            .order_by(ChatPost.id)
            .limit(limit)
        )
        return [(found[0], found[1]) for found in rows]

    async def post_done(self, post_id: int, status: str) -> None:
        sent_at = utcnow() if status == SENT else None
        await self.session.execute(
            update(ChatPost).where(ChatPost.id == post_id).values(status=status, sent_at=sent_at)
        )

    async def lose(self, chat_id: int) -> ChatDisconnection | None:
        """The bot can no longer post in the chat (removed, demoted, banned): disconnect it.
        None when it was not connected, so a second notice tells nobody twice."""
        row = await self.session.scalar(
            select(ConnectedChat).where(ConnectedChat.chat_id == chat_id,
                                        ConnectedChat.disconnected_at.is_(None))
        )  # fmt: skip
        if row is None:
            return None
        row.disconnected_at = utcnow()
        project = await self.session.get(Project, row.project_id)
        locale = await self._owner_locale(row)
        return ChatDisconnection(community_chat(row), project.title if project else "", locale)

    async def pin_refused(self, chat_row_id: int) -> str | None:
        """Telegram refused to pin the chat's progress message: the setting is turned off, so
        the owner's screen says what is true. The owner's language; None if disconnected."""
        row = await self.session.get(ConnectedChat, chat_row_id)
        if row is None or row.disconnected_at is not None:
            return None
        row.pin_progress = False
        return await self._owner_locale(row)

    async def _owner_locale(self, row: ConnectedChat) -> str:
        return owner_locale(await self.session.get(User, row.connected_by))


def owner_locale(owner: User | None) -> str:
    """The language an owner is told things about their chats in."""
    return owner.locale if owner is not None and owner.locale in SUPPORTED_LOCALES else "fr"


def community_chat(row: ConnectedChat) -> CommunityChat:
    """The domain's view of a connected chat (what views and messages speak)."""
    return CommunityChat(
        id=row.id, project_id=row.project_id, chat_id=row.chat_id,
        chat_type=ChatType(row.chat_type), title=row.title, language=row.language,
        cross_post_news=row.cross_post_news, pin_progress=row.pin_progress,
        connected_by=row.connected_by, progress_message_id=row.progress_message_id,
    )  # fmt: skip
