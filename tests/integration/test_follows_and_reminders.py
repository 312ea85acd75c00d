"""Followed projects, settings, and the "last 48 hours" reminder."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import PledgeStatus, ProjectStatus, utcnow
from bot.notifications.kinds import Kind, is_muted
from bot.services.campaigns import CampaignService
from bot.services.follows import FollowService
from bot.storage.models import Follow, OutboxMessage, Pledge
from bot.users.service import UserService
from tests.factories import add_project, add_user

Sessions = async_sessionmaker[AsyncSession]


async def test_followed_projects_list_live_ones_first_and_unfollow(sessions: Sessions) -> None:
    follows = FollowService(sessions)
    owner, fan = await add_user(sessions), await add_user(sessions)
    done = await add_project(sessions, owner, title="Fini", status=ProjectStatus.SUCCEEDED,
                             closed_at=utcnow())  # fmt: skip
    live = await add_project(sessions, owner, title="En cours")
    for project in (done, live):
        await follows.toggle(fan.id, project.id)
    assert [p.title for p in await follows.followed(fan.id)] == ["En cours", "Fini"]
    assert await follows.unfollow(fan.id, live.id) is True
    assert await follows.unfollow(fan.id, live.id) is False
    assert [p.title for p in await follows.followed(fan.id)] == ["Fini"]


async def test_settings_toggle_and_read_back(sessions: Sessions) -> None:
    users = UserService(sessions, "fr")
    user = await add_user(sessions)
    assert (await users.toggle_reminders(user.id)).reminders_muted is True
    muted = await users.toggle_notifications(user.id)
    assert (muted.notifications_muted, muted.reminders_muted) == (True, True)
    assert (await users.preferences(user.id)).notifications_muted is True


def test_muting_spares_messages_about_ones_own_money() -> None:
    news = {"news_muted": True, "reminders_muted": False}
    assert is_muted(Kind.MILESTONE, {}, **news)
    assert is_muted(Kind.NEWS, {}, **news)
    assert not is_muted(Kind.REMINDER, {}, **news)  # the reminders have their own switch
    assert is_muted(Kind.CAMPAIGN_OUTCOME, {"role": "follower"}, **news)
    assert not is_muted(Kind.CAMPAIGN_OUTCOME, {"role": "contributor"}, **news)
    assert not is_muted(Kind.PLEDGE_THANKS, {}, **news)
    assert not is_muted(Kind.REFUNDED, {}, **news)
    assert is_muted(Kind.REMINDER, {}, news_muted=False, reminders_muted=True)
    assert not is_muted(Kind.MILESTONE, {}, news_muted=False, reminders_muted=True)


async def test_reminder_goes_once_to_followers_who_have_not_pledged(sessions: Sessions) -> None:
    owner = await add_user(sessions)
    backer, waiter, late = [await add_user(sessions) for _ in range(3)]
    ending = await add_project(sessions, owner, ends_at=utcnow() + timedelta(hours=30))
    later = await add_project(sessions, owner, ends_at=utcnow() + timedelta(days=9))
    async with sessions.begin() as session:
        for user in (backer, waiter):
            session.add(Follow(user_id=user.id, project_id=ending.id))
        session.add(Follow(user_id=late.id, project_id=later.id))
        session.add(Pledge(user_id=backer.id, project_id=ending.id, amount_cents=1000,
                           status=PledgeStatus.PAID))  # fmt: skip
    campaigns = CampaignService(sessions, None)
    assert await campaigns.remind_due(utcnow()) == [ending.id]
    assert await campaigns.remind_due(utcnow()) == []
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage.user_id, OutboxMessage.kind))).all()
    assert [tuple(r) for r in rows] == [(waiter.id, "reminder")]
