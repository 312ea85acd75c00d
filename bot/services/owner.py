"""The owner's dashboard: how each of their projects is doing, and where its support comes from."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import read_as, summary_of
from bot.catalogue.texts import in_breton, title_for_reader, title_in
from bot.domain import Dashboard, LinkStats, PledgeStatus, ProjectSummary, RecentPledge
from bot.matching.queries import active_match, matched_of, view_of
from bot.payments.checkout_sessions import chat_referral
from bot.storage.models import (
    ChatVisit,
    ConnectedChat,
    Pledge,
    Project,
    ReferralVisit,
    RewardTier,
    User,
)

LATEST_PLEDGES = 5
TOP_LINKS = 5


class OwnerService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def projects(self, owner_id: int) -> list[ProjectSummary]:
        """The owner's projects, newest first, titled in the owner's language."""
        statement = (
            select(Project, title_for_reader(User.locale), in_breton(), matched_of(Project.id))
            .join(User, User.id == Project.owner_id)
            .where(Project.owner_id == owner_id)
            .order_by(Project.id.desc())
            .limit(30)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [
            read_as(summary_of(p, int(matched)), title, breton)
            for p, title, breton, matched in rows
        ]

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
            chats = await _chat_stats(session, project_id)
            # The partner's share is shown apart from the contributors' money.
            match = await active_match(session, project_id)
            matched = match.matched_cents if match is not None else 0
            summary = summary_of(project, matched)
            owner = await session.get(User, owner_id)  # titled in the owner's language, as listed
            title = await title_in(session, project_id, owner.locale if owner else None)
            if title:
                summary = read_as(summary, title, summary.in_breton)
            return Dashboard(summary, project.followers_count,
                             [RecentPledge(*row) for row in latest], links,
                             view_of(match) if match is not None else None,
                             chats=chats)  # fmt: skip


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


async def _chat_stats(session: AsyncSession, project_id: int) -> list[LinkStats]:
    """Visits and paid pledges through each connected group or channel's button, also of a
    chat since disconnected (its pledges still count)."""
    chats = dict((await session.execute(
        select(ConnectedChat.id, ConnectedChat.title).where(ConnectedChat.project_id == project_id)
    )).all())  # fmt: skip
    if not chats:
        return []
    visits = dict((await session.execute(
        select(ChatVisit.connected_chat_id, func.count())
        .where(ChatVisit.project_id == project_id).group_by(ChatVisit.connected_chat_id)
    )).all())  # fmt: skip
    codes = {chat_referral(chat_id): chat_id for chat_id in chats}
    pledges = {
        codes[str(code)]: (count, total)
        for code, count, total in (await session.execute(
            select(Pledge.referral_code, func.count(), func.sum(Pledge.amount_cents))
            .where(Pledge.project_id == project_id, Pledge.status == PledgeStatus.PAID,
                   Pledge.referral_code.in_(codes))
            .group_by(Pledge.referral_code)
        )).all()
    }  # fmt: skip
    stats = [
        LinkStats(title, visits.get(chat_id, 0), *pledges.get(chat_id, (0, 0)))
        for chat_id, title in chats.items()
        if chat_id in visits or chat_id in pledges
    ]
    stats.sort(key=lambda s: (s.amount_cents, s.visits), reverse=True)
    return stats[:TOP_LINKS]
