"""Connecting chats: one-time invites, and a group that becomes a supergroup."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import ChatType, ConnectRefusal, utcnow
from bot.services.community import CommunityService
from bot.storage.models import ChatInvite, ConnectedChat
from tests.factories import add_project, add_user

Sessions = async_sessionmaker[AsyncSession]


async def test_an_invite_connects_once_and_not_after_it_expired(sessions: Sessions) -> None:
    owner = await add_user(sessions, id=801)
    project = await add_project(sessions, owner)
    community = CommunityService(sessions)
    first = await community.screen(801, project.id)
    second = await community.screen(801, project.id)
    assert first is not None
    assert second is not None
    connect = community.connect
    done = await connect(first.invite_token, 801, -100, ChatType.GROUP, "Bagad", is_admin=True)
    assert done.chat is not None
    again = await connect(first.invite_token, 801, -200, ChatType.GROUP, "Kelc'h", is_admin=True)
    assert again.refusal is ConnectRefusal.NO_INVITE  # used
    async with sessions.begin() as session:
        await session.execute(update(ChatInvite).values(expires_at=utcnow() - timedelta(seconds=1)))
    late = await connect(second.invite_token, 801, -200, ChatType.GROUP, "Kelc'h", is_admin=True)
    assert late.refusal is ConnectRefusal.NO_INVITE  # expired
    assert await community.screen(802, project.id) is None  # not hers: no invite at all


async def test_a_group_upgraded_to_a_supergroup_keeps_its_connection(sessions: Sessions) -> None:
    owner = await add_user(sessions, id=811)
    project = await add_project(sessions, owner)
    community = CommunityService(sessions)
    screen = await community.screen(811, project.id)
    assert screen is not None
    await community.connect(screen.invite_token, 811, -300, ChatType.GROUP, "Bagad", is_admin=True)
    await community.migrated(-300, -100300)
    async with sessions() as session:
        row = await session.scalar(select(ConnectedChat))
    assert row is not None
    assert (row.chat_id, row.chat_type) == (-100300, "supergroup")
    assert await community.is_connected(-100300)
    assert not await community.is_connected(-300)
