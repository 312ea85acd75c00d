"""A project's backers for its owner (to deliver the rewards), and each contributor's own data:
what is stored about them, and its erasure once nothing is left to deliver.

Personal data of a pledge (contact, shipping address, nickname) is kept until its contributor
erases it after the campaign, or `RETENTION` after the campaign ended, when the campaign sweep
blanks it. Amounts and statuses stay: they are the accounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import (
    Backer,
    BackerPage,
    BackerTier,
    MyData,
    PledgeStatus,
    ProjectStatus,
    StoredPledgeData,
    utcnow,
)
from bot.services.news import TIER_MESSAGE_STATUSES
from bot.storage.models import Pledge, Project, RewardTier, User

PAGE_SIZE = 10
RETENTION = timedelta(days=365)  # after the campaign's end, about 12 months
# Campaigns over: their rewards are due or refunded, the owner has what they need.
OVER = (ProjectStatus.SUCCEEDED, ProjectStatus.FAILED)
# Everything blanked on erasure; what stays (amount, status, dates) is the accounts.
ERASED: dict[str, Any] = {
    "contact_email": None,
    "contact_name": None,
    "shipping_name": None,
    "shipping_address": None,
    "supporter_nickname": None,
}
_HOLDS_DATA = or_(
    Pledge.contact_email.is_not(None),
    Pledge.contact_name.is_not(None),
    Pledge.shipping_name.is_not(None),
    Pledge.shipping_address.is_not(None),
    Pledge.supporter_nickname.is_not(None),
)


class BackersService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def page(
        self, owner_id: int, project_id: int, tier_id: int | None, page: int
    ) -> BackerPage | None:
        """A page of the project's paid pledges (of one reward, or all); None for someone
        else's project or a reward of another project."""
        async with self._sessions() as session:
            project = await _owned(session, owner_id, project_id)
            if project is None:
                return None
            tiers = await _tiers(session, project_id)
            if tier_id is not None and tier_id not in {t.tier_id for t in tiers}:
                return None
            condition = _paid(project_id, tier_id)
            total = int(await session.scalar(select(func.count(Pledge.id)).where(condition)) or 0)
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(page, pages - 1)
            backers = await _backers(session, condition, offset=page * PAGE_SIZE)
            writable = project.status in TIER_MESSAGE_STATUSES
            return BackerPage(project_id, project.title, tiers, tier_id, page, pages, total,
                              backers, writable)  # fmt: skip

    async def export(self, owner_id: int, project_id: int) -> tuple[str, list[Backer]] | None:
        """(the project's slug, every paid pledge, oldest first) for the owner's CSV."""
        async with self._sessions() as session:
            project = await _owned(session, owner_id, project_id)
            if project is None:
                return None
            return project.slug or str(project.id), await _backers(
                session, _paid(project_id, None), offset=0, limit=None
            )

    async def my_data(self, user_id: int) -> MyData | None:
        """What is stored about the user, pledge by pledge (those with personal data)."""
        async with self._sessions() as session:
            user = await session.get(User, user_id)
            if user is None:
                return None
            rows = (await session.execute(
                select(Pledge, Project.title, Project.status, RewardTier.title)
                .join(Project, Project.id == Pledge.project_id)
                .outerjoin(RewardTier, RewardTier.id == Pledge.reward_tier_id)
                .where(Pledge.user_id == user_id, _HOLDS_DATA)
                .order_by(Pledge.created_at.desc(), Pledge.id.desc()).limit(30)
            )).all()  # fmt: skip
            pledges = [
                StoredPledgeData(title, p.amount_cents, reward, p.contact_email,
                                 p.shipping_name or p.contact_name, p.shipping_address,
                                 p.supporter_nickname, status in OVER)
                for p, title, status, reward in rows
            ]  # fmt: skip
            return MyData(user.first_name, user.locale, pledges)

    async def erase(self, user_id: int, now: datetime | None = None) -> int:
        """Blank the user's personal data on pledges of campaigns that are over; how many."""
        over = select(Project.id).where(Project.status.in_(OVER))
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(Pledge)
                .where(Pledge.user_id == user_id, Pledge.project_id.in_(over), _HOLDS_DATA)
                .values(**ERASED, personal_data_erased_at=now or utcnow())
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)


async def purge_expired(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Blank the personal data of pledges whose campaign ended more than `RETENTION` ago (run
    by the campaign sweep); how many pledges."""
    expired = select(Project.id).where(Project.status.in_(OVER), Project.ends_at < now - RETENTION)
    async with sessions.begin() as session:
        # Read first: the sweep runs every few seconds, and an UPDATE takes SQLite's write lock
        # even when it changes nothing.
        due = (await session.scalars(
            select(Pledge.id).where(Pledge.project_id.in_(expired), _HOLDS_DATA).limit(500)
        )).all()  # fmt: skip
        if not due:
            return 0
        await session.execute(
            update(Pledge)
            .where(Pledge.id.in_(due))
            .values(**ERASED, personal_data_erased_at=now)
            .execution_options(synchronize_session=False)
        )
        return len(due)


async def _owned(session: AsyncSession, owner_id: int, project_id: int) -> Project | None:
    project = await session.get(Project, project_id)
    return project if project is not None and project.owner_id == owner_id else None


def _paid(project_id: int, tier_id: int | None) -> Any:
    condition = (Pledge.project_id == project_id) & (Pledge.status == PledgeStatus.PAID)
    return condition if tier_id is None else condition & (Pledge.reward_tier_id == tier_id)


async def _tiers(session: AsyncSession, project_id: int) -> list[BackerTier]:
    """The project's rewards, each with its count of paid pledges."""
    counts = (
        select(func.count(Pledge.id))
        .where(Pledge.reward_tier_id == RewardTier.id, Pledge.status == PledgeStatus.PAID)
        .scalar_subquery()
    )
    rows = (await session.execute(
        select(RewardTier.id, RewardTier.title, counts)
        .where(RewardTier.project_id == project_id)
        .order_by(RewardTier.position, RewardTier.id)
    )).all()  # fmt: skip
    return [BackerTier(tier_id, title, int(count)) for tier_id, title, count in rows]


async def _backers(
    session: AsyncSession, condition: Any, *, offset: int, limit: int | None = PAGE_SIZE
) -> list[Backer]:
    statement = (
        select(Pledge, RewardTier.title, RewardTier.delivery_mode)
        .outerjoin(RewardTier, RewardTier.id == Pledge.reward_tier_id)
        .where(condition)
        .order_by(Pledge.paid_at, Pledge.id)
        .offset(offset)
        .limit(limit)
    )
    return [
        Backer(
            pledge_id=p.id,
            paid_at=p.paid_at,
            amount_cents=p.amount_cents,
            reward=reward,
            delivery_mode=mode,
            name=p.shipping_name or p.contact_name,
            email=p.contact_email,
            address=p.shipping_address,
            display=p.supporter_display,
            nickname=p.supporter_nickname,
            erased=p.personal_data_erased_at is not None,
        )
        for p, reward, mode in (await session.execute(statement)).all()
    ]
