"""A user's pledges as they are shown to them: the list of /mes_soutiens, and one pledge (back
from the payment page, after a cancellation, after their reward sold out)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.texts import title_for_reader
from bot.domain import PledgeLine, PledgeStatus, utcnow
from bot.payments.checkout import REUSE_AT_LEAST
from bot.storage.models import Pledge, Project, RewardTier, User

# /mes_soutiens is one message: the latest pledges only, shortened further if need be.
MOST_SHOWN = 30


class PledgeLines:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def one(self, user_id: int, pledge_id: int) -> PledgeLine | None:
        """One of the user's pledges (None for someone else's)."""
        lines = await self.where(user_id, Pledge.id == pledge_id)
        return lines[0] if lines else None

    async def confirmed(self, user_id: int) -> list[PledgeLine]:
        """The pledges the user confirmed: not the summaries they were only shown (a draft, or
        one cancelled before it ever had a checkout key)."""
        unconfirmed = (Pledge.status == PledgeStatus.DRAFT) | (
            (Pledge.status == PledgeStatus.CANCELLED) & Pledge.checkout_key.is_(None)
        )
        return await self.where(user_id, ~unconfirmed)

    async def where(self, user_id: int, *conditions: ColumnElement[bool]) -> list[PledgeLine]:
        """The user's pledges that meet `conditions`, the latest first, their projects titled in
        the user's language."""
        statement = (
            select(Pledge, title_for_reader(User.locale), RewardTier.title)
            .join(Project, Project.id == Pledge.project_id)
            .join(User, User.id == Pledge.user_id)
            .outerjoin(RewardTier, RewardTier.id == Pledge.reward_tier_id)
            .where(Pledge.user_id == user_id, *conditions)
            .order_by(Pledge.created_at.desc(), Pledge.id.desc())
            .limit(MOST_SHOWN)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        # A payment page about to close is not offered: paying would race its expiry.
        usable_until = utcnow() + REUSE_AT_LEAST
        return [
            PledgeLine(p.id, p.project_id, title, p.amount_cents, tier, p.status, p.created_at,
                       p.checkout_url if p.status is PledgeStatus.PENDING
                       and p.checkout_expires_at and p.checkout_expires_at > usable_until
                       else None,
                       p.reward_tier_id, p.stripe_checkout_session_id is not None)
            for p, title, tier in rows
        ]  # fmt: skip
