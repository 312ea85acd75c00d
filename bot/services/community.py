"""Groups and channels connected to a project: connecting them, their settings, losing them.

An owner opens "Groupes et canaux" and gets links carrying a one-time token (`ChatInvite`).
Adding the bot to a group with that link makes Telegram send `/start <token>` there; adding it
to a channel sends no message, only `my_chat_member` naming who added it, so a channel is
matched to that person's latest unused invite. One project per chat: a chat showing another
project is refused until its owner disconnects it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import summary_of
from bot.domain import (
    PUBLIC_STATUSES,
    ChatConnection,
    ChatDisconnection,
    ChatType,
    CommunityChat,
    CommunityChats,
    ConnectRefusal,
    utcnow,
)
from bot.matching.queries import matched_total
from bot.notifications.chat_queue import ChatQueue, community_chat, owner_locale, queue_card
from bot.storage.models import ChatInvite, ChatVisit, ConnectedChat, Project, User

INVITE_LIFETIME = timedelta(days=1)
MAX_TITLE = 255


class CommunityService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def screen(self, owner_id: int, project_id: int) -> CommunityChats | None:
        """The project's connected chats and a fresh invite; None for someone else's project
        (or one never published: a draft has nothing to show in a group)."""
        async with self._sessions.begin() as session:
            project = await session.get(Project, project_id)
            if project is None or project.owner_id != owner_id:
                return None
            if project.status not in PUBLIC_STATUSES:
                return None
            token = secrets.token_urlsafe(12)  # 16 characters of A-Za-z0-9_-
            session.add(ChatInvite(token=token, project_id=project_id, owner_id=owner_id,
                                   expires_at=utcnow() + INVITE_LIFETIME))  # fmt: skip
            rows = await session.scalars(
                select(ConnectedChat)
                .where(ConnectedChat.project_id == project_id,
                       ConnectedChat.disconnected_at.is_(None))
                .order_by(ConnectedChat.id)
            )  # fmt: skip
            chats = [community_chat(row) for row in rows]
            matched = await matched_total(session, project.id)
            return CommunityChats(summary_of(project, matched), chats, token)

    async def connect(
        self,
        token: str | None,
        user_id: int,
        chat_id: int,
        chat_type: ChatType,
        title: str,
        *,
        is_admin: bool,
    ) -> ChatConnection:
        """Connect the chat to the invite's project when `user_id` owns it and administers the
        chat. Without a token (a channel), the user's latest unused invite is taken."""
        now = utcnow()
        async with self._sessions.begin() as session:
            invite = await self._invite(session, token, user_id)
            if invite is None:
                return ChatConnection(None, ConnectRefusal.NO_INVITE)
            project = await session.get(Project, invite.project_id)
            owner = await session.get(User, invite.owner_id)
            locale = owner_locale(owner)
            if project is None or project.status not in PUBLIC_STATUSES:
                return ChatConnection(None, ConnectRefusal.NO_INVITE, owner_locale=locale)
            title_of = project.title
            if invite.owner_id != user_id or project.owner_id != user_id:
                return ChatConnection(None, ConnectRefusal.NOT_OWNER, title_of, locale)
            if not is_admin:
                return ChatConnection(None, ConnectRefusal.NOT_ADMIN, title_of, locale)
            same_chat = select(ConnectedChat).where(ConnectedChat.chat_id == chat_id)
            row = await session.scalar(same_chat)
            if row is not None and row.disconnected_at is None and row.project_id != project.id:
                return ChatConnection(None, ConnectRefusal.TAKEN, title_of, locale)
            if row is None:
                row = ConnectedChat(chat_id=chat_id, language=locale, cross_post_news=True,
                                    pin_progress=True)  # fmt: skip
                session.add(row)
            row.project_id, row.chat_type = project.id, chat_type.value
            row.title = title[:MAX_TITLE]
            row.connected_by, row.connected_at, row.disconnected_at = user_id, now, None
            # A new card and progress message are posted: forget the old one's.
            row.progress_message_id = row.progress_shown = None
            row.progress_checked_at = row.progress_edited_at = None
            invite.used_at = now
            await session.flush()
            # Posted by the notification sender, at the chat's pace, then its progress message.
            await queue_card(session, row.id, invite.token)
            return ChatConnection(community_chat(row), None, title_of, locale)

    async def _invite(
        self, session: AsyncSession, token: str | None, user_id: int
    ) -> ChatInvite | None:
        fresh = select(ChatInvite).where(
            ChatInvite.used_at.is_(None), ChatInvite.expires_at > utcnow()
        )
        if token is not None:
            return await session.scalar(fresh.where(ChatInvite.token == token))
        latest = fresh.where(ChatInvite.owner_id == user_id).order_by(ChatInvite.created_at.desc())
        return await session.scalar(latest.limit(1))

    async def invites_pending(self, user_id: int) -> bool:
        """Whether the user holds a connection link not used yet (they are connecting a chat)."""
        async with self._sessions() as session:
            return await self._invite(session, None, user_id) is not None

    async def is_connected(self, chat_id: int) -> bool:
        """Whether the chat shows a project now."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(ConnectedChat.id).where(ConnectedChat.chat_id == chat_id,
                                               ConnectedChat.disconnected_at.is_(None))
            )  # fmt: skip
        return found is not None

    async def change(self, owner_id: int, chat_row_id: int, setting: str) -> CommunityChat | None:
        """Switch a setting ("language", "news" or "pin") of one of the owner's chats."""
        async with self._sessions.begin() as session:
            row = await self._owned(session, owner_id, chat_row_id)
            if row is None:
                return None
            if setting == "language":
                row.language = "br" if row.language == "fr" else "fr"
                row.progress_shown = None  # shown again in the new language
                row.progress_checked_at = None
            elif setting == "news":
                row.cross_post_news = not row.cross_post_news
            elif setting == "pin":
                row.pin_progress = not row.pin_progress
            else:
                return None
            return community_chat(row)

    async def pin_refused(self, chat_row_id: int) -> str | None:
        """Telegram refused to pin: the setting is turned off (the owner's language, or None)."""
        async with self._sessions.begin() as session:
            return await ChatQueue(session).pin_refused(chat_row_id)

    async def disconnect(self, owner_id: int, chat_row_id: int) -> CommunityChat | None:
        """The owner disconnects one of their chats (the bot then leaves it)."""
        async with self._sessions.begin() as session:
            row = await self._owned(session, owner_id, chat_row_id)
            if row is None:
                return None
            row.disconnected_at = utcnow()
            return community_chat(row)

    async def _owned(
        self, session: AsyncSession, owner_id: int, chat_row_id: int
    ) -> ConnectedChat | None:
        row = await session.get(ConnectedChat, chat_row_id)
        if row is None or row.disconnected_at is not None:
            return None
        project = await session.get(Project, row.project_id)
        return row if project is not None and project.owner_id == owner_id else None

    async def lost(self, chat_id: int) -> ChatDisconnection | None:
        """The bot can no longer post in the chat: disconnected (None if it was not)."""
        async with self._sessions.begin() as session:
            return await ChatQueue(session).lose(chat_id)

    async def migrated(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: Telegram gave it a new id, which the chat keeps."""
        try:
            async with self._sessions.begin() as session:
                await session.execute(
                    update(ConnectedChat).where(ConnectedChat.chat_id == old_chat_id)
                    .values(chat_id=new_chat_id, chat_type=ChatType.SUPERGROUP.value)
                )  # fmt: skip
        except IntegrityError:  # the new id is connected already (a repeated migration)
            return

    async def record_visit(self, chat_row_id: int, visitor_id: int) -> bool:
        """Someone opened the project through the chat's "Soutenir" button: counted once per
        visitor and chat, so their pledge is counted for that chat. False when not counted."""
        try:
            async with self._sessions.begin() as session:
                row = await session.get(ConnectedChat, chat_row_id)
                if row is None:
                    return False
                session.add(ChatVisit(connected_chat_id=row.id, project_id=row.project_id,
                                      visitor_id=visitor_id))  # fmt: skip
        except IntegrityError:
            return False
        return True
