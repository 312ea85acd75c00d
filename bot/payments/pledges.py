"""Pledging: what one can give to a project, and opening a Stripe Checkout for it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import tier_view
from bot.domain import (
    CheckoutLink,
    PledgeLine,
    PledgeOptions,
    PledgeStatus,
    ProjectStatus,
    Reason,
    TierView,
    utcnow,
)
from bot.payments.gateway import CheckoutRequest, PaymentUnavailable, StripeGateway
from bot.payments.ledger import release, reserve_unit
from bot.storage.models import Pledge, Project, ReferralVisit, RewardTier

MIN_PLEDGE_CENTS = 100  # 1 €; Stripe's own minimum for EUR is 0.50 €


class PledgeRefused(Exception):
    """The pledge cannot be made as asked; `reason` says why, for the user."""

    def __init__(self, reason: Reason, limit_cents: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit_cents = limit_cents


class PledgeService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateway: StripeGateway | None,
        *,
        max_cents: int,
        checkout_minutes: int,
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self.max_cents = max_cents
        self._checkout_time = timedelta(minutes=checkout_minutes)

    async def options(self, project_id: int) -> PledgeOptions | None:
        """The rewards still available on a live project, or None when it cannot be backed."""
        async with self._sessions() as session:
            project = await _live_project(session, project_id)
            if project is None:
                return None
            query = select(RewardTier).where(RewardTier.project_id == project_id)
            tiers = (await session.scalars(query.order_by(RewardTier.position))).all()
            available = [(t.id, tier_view(t)) for t in tiers if t.units_left != 0]
            return PledgeOptions(project.id, project.title, project.funding_model, available)

    async def tier(self, project_id: int, tier_id: int) -> TierView | None:
        async with self._sessions() as session:
            tier = await session.get(RewardTier, tier_id)
            if tier is None or tier.project_id != project_id:
                return None
            return tier_view(tier)

    async def check(self, project_id: int, tier_id: int | None, amount_cents: int) -> None:
        """Raise PledgeRefused when this pledge could not be made (before asking to confirm)."""
        async with self._sessions() as session:
            await self._validate(session, project_id, tier_id, amount_cents)

    async def start_checkout(
        self, user_id: int, project_id: int, tier_id: int | None, amount_cents: int,
        return_url: str,
    ) -> CheckoutLink:  # fmt: skip
        """Record a pending pledge (holding a reward unit) and open its Stripe Checkout.

        If Stripe fails, the pledge is marked failed and the unit released: nothing is left
        half-done, and the error reaches the caller as PaymentUnavailable.
        """
        if self._gateway is None:
            raise PledgeRefused(Reason.NOT_CONFIGURED)
        open_link = await self._open_checkout(user_id, project_id, tier_id, amount_cents)
        if open_link is not None:
            return open_link  # a second tap on "pay": the same checkout, not a second pledge
        async with self._sessions.begin() as session:
            project = await self._validate(session, project_id, tier_id, amount_cents)
            if tier_id is not None and not await reserve_unit(session, tier_id):
                raise PledgeRefused(Reason.SOLD_OUT)
            pledge = Pledge(user_id=user_id, project_id=project_id, reward_tier_id=tier_id,
                            amount_cents=amount_cents, status=PledgeStatus.PENDING,
                            referral_code=await _referral(session, project_id, user_id),
                            checkout_expires_at=utcnow() + self._checkout_time)  # fmt: skip
            session.add(pledge)
            await session.flush()
            title = project.title
            tier = await session.get(RewardTier, tier_id) if tier_id else None
            product = f"{title} — {tier.title}" if tier else title
        request = CheckoutRequest(
            pledge_id=pledge.id, user_id=user_id, project_id=project_id,
            amount_cents=amount_cents, product_name=product,
            success_url=return_url.format(outcome="paid", pledge=pledge.id),
            cancel_url=return_url.format(outcome="cancel", pledge=pledge.id),
            expires_at=pledge.checkout_expires_at or utcnow() + self._checkout_time,
        )  # fmt: skip
        try:
            checkout = await self._gateway.create_checkout(request)
        except PaymentUnavailable:
            await self._abandon(pledge.id)
            raise
        async with self._sessions.begin() as session:
            stored = await session.get(Pledge, pledge.id)
            if stored is not None:
                stored.stripe_checkout_session_id = checkout.session_id
                stored.checkout_url = checkout.url
                stored.checkout_expires_at = checkout.expires_at
        return CheckoutLink(pledge.id, checkout.url, amount_cents, checkout.expires_at)

    async def _open_checkout(
        self, user_id: int, project_id: int, tier_id: int | None, amount_cents: int
    ) -> CheckoutLink | None:
        statement = select(Pledge).where(
            Pledge.user_id == user_id,
            Pledge.project_id == project_id,
            Pledge.reward_tier_id.is_(None)
            if tier_id is None
            else Pledge.reward_tier_id == tier_id,
            Pledge.amount_cents == amount_cents,
            Pledge.status == PledgeStatus.PENDING,
            Pledge.checkout_url.is_not(None),
            Pledge.checkout_expires_at > utcnow() + timedelta(minutes=5),
        )
        async with self._sessions() as session:
            pledge = await session.scalar(statement.order_by(Pledge.id.desc()).limit(1))
        if pledge is None or pledge.checkout_url is None or pledge.checkout_expires_at is None:
            return None
        return CheckoutLink(
            pledge.id, pledge.checkout_url, amount_cents, pledge.checkout_expires_at
        )

    async def cancel(self, user_id: int, pledge_id: int) -> PledgeLine | None:
        """The user came back from the payment page without paying: close the session.

        The `checkout.session.expired` webhook that follows releases the reward unit.
        """
        line = await self.pledge(user_id, pledge_id)
        if line is None or line.status is not PledgeStatus.PENDING or self._gateway is None:
            return line
        async with self._sessions() as session:
            pledge = await session.get(Pledge, pledge_id)
            session_id = pledge.stripe_checkout_session_id if pledge else None
        if session_id:
            await self._gateway.expire_checkout(session_id)
        return line

    async def pledge(self, user_id: int, pledge_id: int) -> PledgeLine | None:
        """One of the user's pledges (None for someone else's)."""
        lines = await self._lines(user_id, pledge_id)
        return lines[0] if lines else None

    async def my_pledges(self, user_id: int) -> list[PledgeLine]:
        return await self._lines(user_id, None)

    async def _lines(self, user_id: int, pledge_id: int | None) -> list[PledgeLine]:
        statement = (
            select(Pledge, Project.title, RewardTier.title)
            .join(Project, Project.id == Pledge.project_id)
            .outerjoin(RewardTier, RewardTier.id == Pledge.reward_tier_id)
            .where(Pledge.user_id == user_id)
            .order_by(Pledge.created_at.desc(), Pledge.id.desc())
            .limit(30)
        )
        if pledge_id is not None:
            statement = statement.where(Pledge.id == pledge_id)
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return [
            PledgeLine(p.id, p.project_id, title, p.amount_cents, tier, p.status, p.created_at,
                       p.checkout_url if p.status is PledgeStatus.PENDING else None)
            for p, title, tier in rows
        ]  # fmt: skip

    async def _validate(
        self, session: AsyncSession, project_id: int, tier_id: int | None, amount_cents: int
    ) -> Project:
        project = await _live_project(session, project_id)
        if project is None:
            raise PledgeRefused(Reason.NOT_LIVE)
        if amount_cents < MIN_PLEDGE_CENTS:
            raise PledgeRefused(Reason.TOO_LOW, MIN_PLEDGE_CENTS)
        if amount_cents > self.max_cents:
            raise PledgeRefused(Reason.TOO_HIGH, self.max_cents)
        if tier_id is not None:
            tier = await session.get(RewardTier, tier_id)
            if tier is None or tier.project_id != project_id:
                raise PledgeRefused(Reason.UNKNOWN_TIER)
            if amount_cents < tier.min_amount_cents:
                raise PledgeRefused(Reason.BELOW_TIER, tier.min_amount_cents)
            if tier.units_left == 0:
                raise PledgeRefused(Reason.SOLD_OUT)
        return project

    async def _abandon(self, pledge_id: int) -> None:
        async with self._sessions.begin() as session:
            pledge = await session.get(Pledge, pledge_id)
            if pledge is not None:
                await release(session, pledge, PledgeStatus.FAILED)


async def _referral(session: AsyncSession, project_id: int, user_id: int) -> str | None:
    """The sharer whose link last brought this user to this project, if any."""
    referrer = await session.scalar(
        select(ReferralVisit.referrer_id)
        .where(ReferralVisit.project_id == project_id, ReferralVisit.visitor_id == user_id)
        .order_by(ReferralVisit.created_at.desc())
        .limit(1)
    )
    return str(referrer) if referrer is not None else None


async def _live_project(session: AsyncSession, project_id: int) -> Project | None:
    project = await session.get(Project, project_id)
    if project is None or project.status is not ProjectStatus.LIVE:
        return None
    if project.ends_at is None or project.ends_at <= utcnow():
        return None
    return project
