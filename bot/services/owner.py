"""The owner's dashboard: how each of their projects is doing, and where its support comes from."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import summary_of
from bot.domain import Dashboard, LinkStats, PledgeStatus, ProjectSummary, RecentPledge
from bot.storage.models import Pledge, Project, ReferralVisit, RewardTier, User

LATEST_PLEDGES = 5
TOP_LINKS = 5


class OwnerService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def projects(self, owner_id: int) -> list[ProjectSummary]:
        statement = select(Project).where(Project.owner_id == owner_id).order_by(Project.id.desc())
        async with self._sessions() as session:
            return [summary_of(p) for p in (await session.scalars(statement.limit(30))).all()]

    async def dashboard(self, owner_id: int, project_id: int) -> Dashboard | None:
        """Figures of one of the owner's projects; None for someone else's."""
        async with self._sessions() as session:
            project = await session.get(Project, project_id)
            if project is None or project.owner_id != owner_id:
                return None
            latest = (await session.execute(
                select(Pledge.amount_cents, RewardTier.title, Pledge.paid_at)
                .outerjoin(RewardTier, RewardTier.id == Pledge.reward_tier_id)
                .where(Pledge.project_id == project_id, Pledge.status == PledgeStatus.PAID)
                .order_by(Pledge.paid_at.desc(), Pledge.id.desc()).limit(LATEST_PLEDGES)
            )).all()  # fmt: skip
            links = await _link_stats(session, project_id)
            return Dashboard(summary_of(project), project.followers_count,
                             [RecentPledge(*row) for row in latest], links)  # fmt: skip


async def _link_stats(session: AsyncSession, project_id: int) -> list[LinkStats]:
    """Visits and paid pledges per share link (a link is its sharer)."""
    visits = dict((await session.execute(
        select(ReferralVisit.referrer_id, func.count())
        .where(ReferralVisit.project_id == project_id).group_by(ReferralVisit.referrer_id)
    )).all())  # fmt: skip
    pledges = {
        int(code): (count, total)
        for code, count, total in (await session.execute(
            select(Pledge.referral_code, func.count(), func.sum(Pledge.amount_cents))
            .where(Pledge.project_id == project_id, Pledge.status == PledgeStatus.PAID,
                   Pledge.referral_code.is_not(None))
            .group_by(Pledge.referral_code)
        )).all()
        if code and code.isdigit()
    }  # fmt: skip
    sharers = set(visits) | set(pledges)
    names = dict((await session.execute(
        select(User.id, User.first_name).where(User.id.in_(sharers))
    )).all())  # fmt: skip
    stats = [
        LinkStats(names.get(sharer, "?"), visits.get(sharer, 0), *pledges.get(sharer, (0, 0)))
        for sharer in sharers
    ]
    stats.sort(key=lambda s: (s.amount_cents, s.visits), reverse=True)
    return stats[:TOP_LINKS]
