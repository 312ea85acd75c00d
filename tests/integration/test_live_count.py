"""The welcome's count of open campaigns: counted again at most every LIVE_COUNT_TTL_S."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import ProjectStatus
from bot.services.projects import LIVE_COUNT_TTL_S, ProjectService
from tests.factories import add_project, add_user


async def test_a_new_campaign_shows_up_once_the_count_is_stale(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = [1000.0]
    projects = ProjectService(sessions, clock=lambda: now[0])
    owner = await add_user(sessions)
    await add_project(sessions, owner)
    await add_project(sessions, owner, status=ProjectStatus.IN_REVIEW)  # not open: not counted
    assert await projects.count_live() == 1

    await add_project(sessions, owner)
    now[0] += LIVE_COUNT_TTL_S / 2
    assert await projects.count_live() == 1  # a burst of /start counts once
    now[0] += LIVE_COUNT_TTL_S / 2
    assert await projects.count_live() == 2
