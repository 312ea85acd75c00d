"""Pledging, the one service handlers call: what one can give to a project, the summary
remembered as the user's open pledge, its Stripe Checkout, cancelling it, and the user's pledges.

The work is done beside it: the rules a pledge must meet (`pledge_rules.py`), the pending pledge
and its Checkout Session (`checkout_sessions.py`), the open pledge of a reward
(`open_pledges.py`), cancelling (`cancelling.py`) and the lines shown to the user
(`pledge_lines.py`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import tier_view
from bot.catalogue.texts import title_in
from bot.domain import (
    CheckoutLink,
    PledgeLine,
    PledgeOptions,
    PledgeStatus,
    SoldOutChoice,
    SupporterChoice,
    SupporterDisplay,
    TierView,
    utcnow,
)
from bot.payments import supporters
from bot.payments.cancelling import PledgeCancelling
from bot.payments.checkout_sessions import CheckoutSessions
from bot.payments.gateway import StripeGateway
from bot.payments.open_pledges import open_ids, remember_summary
from bot.payments.pledge_lines import PledgeLines
from bot.payments.pledge_rules import PledgeRefused, live_project, validate
from bot.storage.models import Pledge, RewardTier

# Callers catch the refusal where they call the service.
__all__ = ["PledgeRefused", "PledgeService"]


class PledgeService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateway: StripeGateway | None,
        *,
        max_cents: int,
        checkout_minutes: int,
        moderators: Collection[int] = frozenset(),
    ) -> None:
        self._sessions = sessions
        self.max_cents = max_cents
        self._lines = PledgeLines(sessions)
        self._checkouts = CheckoutSessions(
            sessions, gateway, max_cents=max_cents,
            checkout_time=timedelta(minutes=checkout_minutes), moderators=moderators,
        )  # fmt: skip
        self._cancelling = PledgeCancelling(sessions, self._checkouts, self._lines)

    async def options(self, project_id: int, locale: str | None = None) -> PledgeOptions | None:
        """The rewards still available on a live project (titled for a reader of `locale`), or
        None when it cannot be backed."""
        async with self._sessions() as session:
            project = await live_project(session, project_id)
            if project is None:
                return None
            query = select(RewardTier).where(RewardTier.project_id == project_id)
            tiers = (await session.scalars(query.order_by(RewardTier.position))).all()
            available = [(t.id, tier_view(t)) for t in tiers if t.units_left != 0]
            title = await title_in(session, project.id, locale) or project.title
            return PledgeOptions(project.id, title, project.funding_model, available)

    async def tier(self, project_id: int, tier_id: int) -> TierView | None:
        async with self._sessions() as session:
            tier = await session.get(RewardTier, tier_id)
            if tier is None or tier.project_id != project_id:
                return None
            return tier_view(tier)

    async def check(self, project_id: int, tier_id: int | None, amount_cents: int) -> None:
        """Raise PledgeRefused when this pledge could not be made (before asking to confirm)."""
        async with self._sessions() as session:
            await validate(session, project_id, tier_id, amount_cents, max_cents=self.max_cents)

    async def draft(
        self, user_id: int, project_id: int, tier_id: int | None, amount_cents: int,
        *, first_name: str | None = None, choice: SupporterChoice | None = None,
    ) -> SupporterChoice:  # fmt: skip
        """Remember the summary shown for this reward (PledgeRefused when it cannot be made):
        the user's one open pledge for it, whose amount changes as they choose another, and
        how they appear on the card (`choice` when they just chose one; see `supporters.py`).
        Returns how they will appear."""
        name = supporters.first_name(first_name)
        if choice is not None and choice.display is SupporterDisplay.NAME:
            choice = SupporterChoice(SupporterDisplay.NAME, name)
        async with self._sessions.begin() as session:
            await validate(session, project_id, tier_id, amount_cents, max_cents=self.max_cents)
            return await remember_summary(
                session, user_id, project_id, tier_id, amount_cents, name=name, choice=choice
            )

    async def open_pledge(
        self, user_id: int, project_id: int, tier_id: int | None
    ) -> PledgeLine | None:
        """The user's open pledge for this reward, to go back to: the one whose payment page
        can still be used, else the summary they were shown."""
        async with self._sessions() as session:
            ids = await open_ids(session, user_id, project_id, tier_id)
        for line in await self._lines.where(user_id, Pledge.id.in_(ids)) if ids else []:
            if line.status is PledgeStatus.DRAFT or line.checkout_url is not None:
                return line
        return None

    async def start_checkout(
        self, user_id: int, project_id: int, tier_id: int | None, amount_cents: int,
        return_url: str,
    ) -> CheckoutLink:  # fmt: skip
        """Record a pending pledge (holding a reward unit) and open its Stripe Checkout; a
        second tap gets the same one. PaymentUnavailable when Stripe failed: nothing is held."""
        return await self._checkouts.start(user_id, project_id, tier_id, amount_cents, return_url)

    async def cancel_open(
        self, user_id: int, project_id: int, tier_id: int | None, return_url: str
    ) -> PledgeLine | None:
        """`/annuler` or "Annuler": the unpaid pledges for this reward are cancelled (see
        `PledgeCancelling.cancel_open`); the line of the one the user saw last, or None."""
        return await self._cancelling.cancel_open(user_id, project_id, tier_id, return_url)

    async def cancel(self, user_id: int, pledge_id: int, return_url: str) -> PledgeLine | None:
        """The user came back from the payment page without paying: close the session."""
        return await self._cancelling.cancel_returned(user_id, pledge_id, return_url)

    async def after_sold_out(
        self, user_id: int, pledge_id: int, choice: SoldOutChoice
    ) -> PledgeLine | None:
        """The contributor's answer once their reward sold out: a gift, or a refund (which
        the campaign worker sends). Asked once; a second tap changes nothing."""
        async with self._sessions.begin() as session:
            pledge = await session.get(Pledge, pledge_id, with_for_update=True)
            if pledge is None or pledge.user_id != user_id:
                return None
            if pledge.reward_sold_out and pledge.status is PledgeStatus.PAID:
                pledge.reward_sold_out = False
                if choice is SoldOutChoice.KEEP_AS_GIFT:
                    pledge.reward_tier_id = None
                else:
                    pledge.status, pledge.refund_retry_at = PledgeStatus.REFUND_PENDING, utcnow()
        return await self.pledge(user_id, pledge_id)

    async def pledge(self, user_id: int, pledge_id: int) -> PledgeLine | None:
        """One of the user's pledges (None for someone else's)."""
        return await self._lines.one(user_id, pledge_id)

    async def my_pledges(self, user_id: int) -> list[PledgeLine]:
        """/mes_soutiens: the pledges the user confirmed, not the summaries they were shown."""
        return await self._lines.confirmed(user_id)
