"""Pledging: what one can give to a project, and opening a Stripe Checkout for it."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import suppress
from datetime import timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import tier_view
from bot.domain import (
    CheckoutLink,
    PledgeLine,
    PledgeOptions,
    PledgeStatus,
    ProjectStatus,
    Reason,
    SoldOutChoice,
    TierView,
    utcnow,
)
from bot.payments.checkout import (
    REUSE_AT_LEAST,
    OpenCheckout,
    checkout_expiry,
    checkout_request,
    new_key,
    open_checkout,
    open_slot,
)
from bot.payments.events import apply
from bot.payments.gateway import PaymentUnavailable, StripeGateway
from bot.payments.ledger import release, reserve_unit
from bot.payments.open_pledges import cancelled_last, draft_of, open_ids
from bot.storage.models import Pledge, Project, ReferralVisit, RewardTier

MIN_PLEDGE_CENTS = 100  # 1 €; Stripe's own minimum for EUR is 0.50 €


class PledgeRefused(Exception):
    """The pledge cannot be made as asked; `reason` says why, for the user."""

    def __init__(self, reason: Reason, limit_cents: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit_cents = limit_cents


class SlotTaken(Exception):
    """The user's open checkout for this reward appeared while this one was being recorded."""


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
        self._gateway = gateway
        self._moderators = moderators  # told of an anomaly found when a session is replaced
        self.max_cents = max_cents
        self._checkout_time = timedelta(minutes=checkout_minutes)

    def _stripe(self) -> StripeGateway:
        if self._gateway is None:
            raise PledgeRefused(Reason.NOT_CONFIGURED)
        return self._gateway

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

    async def draft(
        self, user_id: int, project_id: int, tier_id: int | None, amount_cents: int
    ) -> None:
        """Remember the summary shown for this reward (PledgeRefused when it cannot be made):
        the user's one open pledge for it, whose amount changes as they choose another."""
        async with self._sessions.begin() as session:
            await self._validate(session, project_id, tier_id, amount_cents)
            held = await open_checkout(session, open_slot(user_id, project_id, tier_id))
            if held is not None and held.amount_cents == amount_cents:
                return  # its payment page is the answer to "Continuer"
            draft = await draft_of(session, user_id, project_id, tier_id)
            if draft is None:
                draft = Pledge(user_id=user_id, project_id=project_id, reward_tier_id=tier_id,
                               status=PledgeStatus.DRAFT)  # fmt: skip
                session.add(draft)
            draft.amount_cents = amount_cents

    async def open_pledge(
        self, user_id: int, project_id: int, tier_id: int | None
    ) -> PledgeLine | None:
        """The user's open pledge for this reward, to go back to: the one whose payment page
        can still be used, else the summary they were shown."""
        async with self._sessions() as session:
            ids = await open_ids(session, user_id, project_id, tier_id)
        for line in await self._lines(user_id, Pledge.id.in_(ids)) if ids else []:
            if line.status is PledgeStatus.DRAFT or line.checkout_url is not None:
                return line
        return None

    async def cancel_open(
        self, user_id: int, project_id: int, tier_id: int | None, return_url: str
    ) -> PledgeLine | None:
        """Cancel the user's unpaid pledges for this reward (a summary, a payment page): the
        line of the one they saw last, None when there was none. A payment page is expired on
        Stripe first, so it can never be paid; PaymentUnavailable when Stripe could not say so.
        `return_url` is the one the checkout was opened with (asked again if its answer was
        lost)."""
        async with self._sessions() as session:
            ids = await open_ids(session, user_id, project_id, tier_id)
        for pledge_id in ids:
            await self._cancel(pledge_id, return_url)
        return await self.pledge(user_id, ids[0]) if ids else None

    async def start_checkout(
        self, user_id: int, project_id: int, tier_id: int | None, amount_cents: int,
        return_url: str,
    ) -> CheckoutLink:  # fmt: skip
        """Record a pending pledge (holding a reward unit) and open its Stripe Checkout.

        A second tap, even on another worker, gets the same checkout back. If Stripe fails or
        takes too long, the pledge is marked failed and the unit released: nothing is left
        half-done, and the error reaches the caller as PaymentUnavailable.
        """
        self._stripe()  # refused at once when payments are not configured
        slot = open_slot(user_id, project_id, tier_id)
        for _ in range(3):  # a lost race for the slot means the winner's checkout is there
            async with self._sessions() as session:
                held = await open_checkout(session, slot)
            if held is not None:
                link = await self._take_over(held, amount_cents, return_url)
                if link is not None:
                    return link
                continue
            try:
                pledge_id = await self._new_pledge(user_id, project_id, tier_id, amount_cents, slot)
            except (IntegrityError, SlotTaken):
                continue
            except PledgeRefused as refusal:
                # The last unit may have gone to this very user's other tap, committed on
                # another worker between our two looks: then its checkout is the answer.
                if refusal.reason is Reason.SOLD_OUT and await self._slot_held(slot):
                    continue
                raise
            return await self._open(pledge_id, return_url)
        raise PledgeRefused(Reason.CHECKOUT_OPEN)

    async def _slot_held(self, slot: str) -> bool:
        async with self._sessions() as session:
            return await open_checkout(session, slot) is not None

    async def _new_pledge(
        self, user_id: int, project_id: int, tier_id: int | None, amount_cents: int, slot: str
    ) -> int:
        """The draft of this summary becomes the pending pledge (a new one without a draft,
        refused when the user cancelled since)."""
        async with self._sessions.begin() as session:
            if await open_checkout(session, slot) is not None:
                raise SlotTaken  # committed by another worker since we looked
            await self._validate(session, project_id, tier_id, amount_cents)
            pledge = await draft_of(session, user_id, project_id, tier_id)
            if pledge is None:
                if await cancelled_last(session, user_id, project_id, tier_id):
                    raise PledgeRefused(Reason.CANCELLED)
                pledge = Pledge(user_id=user_id, project_id=project_id, reward_tier_id=tier_id)
                session.add(pledge)
            pledge.amount_cents, pledge.status = amount_cents, PledgeStatus.PENDING
            pledge.referral_code = await _referral(session, project_id, user_id)
            pledge.checkout_key, pledge.open_checkout_slot = new_key(), slot
            pledge.checkout_expires_at = checkout_expiry(utcnow(), self._checkout_time)
            # The slot first: of two workers racing, the loser fails here (after the winner's
            # commit on PostgreSQL), before it could take the last reward unit.
            await session.flush()
            if tier_id is not None and not await reserve_unit(session, tier_id):
                raise PledgeRefused(Reason.SOLD_OUT)
            return pledge.id

    async def _open(self, pledge_id: int, return_url: str) -> CheckoutLink:
        """Ask Stripe for the pledge's session (again: the key makes it the same one)."""
        async with self._sessions() as session:
            pledge = await session.get(Pledge, pledge_id)
            if pledge is None:
                raise PaymentUnavailable("pledge vanished")
            request = await checkout_request(session, pledge, return_url)
        try:
            checkout = await self._stripe().create_checkout(request)
        except PaymentUnavailable:
            await self._abandon(pledge_id)
            raise
        async with self._sessions.begin() as session:
            stored = await session.get(Pledge, pledge_id, with_for_update=True)
            if stored is not None and stored.stripe_checkout_session_id in (
                None,
                checkout.session_id,
            ):
                stored.stripe_checkout_session_id = checkout.session_id
                stored.checkout_url = checkout.url
                stored.checkout_expires_at = checkout.expires_at
        return CheckoutLink(pledge_id, checkout.url, request.amount_cents, checkout.expires_at)

    async def _take_over(
        self, held: OpenCheckout, amount_cents: int, return_url: str
    ) -> CheckoutLink | None:
        """The user's open checkout for this reward: itself when it fits, else closed first."""
        reused = held.link_for(amount_cents)
        if reused is not None:
            return reused
        if held.session_id is None:
            # Being opened by another worker (or left so by a crash): the same request gets
            # the same session.
            link = await self._open(held.pledge_id, return_url)
            if held.amount_cents == amount_cents:
                return link
            held = OpenCheckout(held.pledge_id, held.amount_cents, link.url, link.expires_at,
                                await self._session_id(held.pledge_id))  # fmt: skip
        if held.session_id is not None:
            await self._close(held.session_id)
        return None

    async def _session_id(self, pledge_id: int) -> str | None:
        async with self._sessions() as session:
            pledge = await session.get(Pledge, pledge_id)
            return pledge.stripe_checkout_session_id if pledge else None

    async def _close(self, session_id: str) -> None:
        """Expire a session the user replaces, then apply what Stripe holds for it (expired,
        or paid in the meantime), which frees the slot either way."""
        await self._stripe().expire_checkout(session_id)
        facts = await self._stripe().session_facts(session_id)
        async with self._sessions.begin() as session:
            await apply(session, facts, moderators=self._moderators)

    async def cancel(self, user_id: int, pledge_id: int, return_url: str) -> PledgeLine | None:
        """The user came back from the payment page without paying: close the session."""
        line = await self.pledge(user_id, pledge_id)
        if line is None or line.status is not PledgeStatus.PENDING:
            return line
        try:
            await self._cancel(pledge_id, return_url)
        except PaymentUnavailable:
            return line  # the expired webhook, or reconciliation, releases it later
        return await self.pledge(user_id, pledge_id)

    async def _cancel(self, pledge_id: int, return_url: str) -> None:
        """Cancel an unpaid pledge; its session, if it has one, is expired first."""
        session_id = await self._session_id(pledge_id)
        if session_id is None and self._gateway is not None and await self._pending(pledge_id):
            # Being opened (or its answer lost): the same request names the same session.
            with suppress(PaymentUnavailable):  # then it was abandoned: Stripe has no page
                await self._open(pledge_id, return_url)
            session_id = await self._session_id(pledge_id)
        if session_id is not None:
            await self._close(session_id)  # expired, or paid in the meantime: Stripe says
        async with self._sessions.begin() as session:
            pledge = await session.get(Pledge, pledge_id, with_for_update=True)
            if pledge is None or pledge.amount_charged_cents is not None:
                return  # paid after all: that is what the user is told
            if pledge.status is PledgeStatus.PENDING and pledge.stripe_checkout_session_id:
                raise PaymentUnavailable("the checkout is still open")
            if pledge.status in (PledgeStatus.DRAFT, PledgeStatus.PENDING, PledgeStatus.EXPIRED,
                                 PledgeStatus.FAILED):  # fmt: skip
                await release(session, pledge, PledgeStatus.CANCELLED)
                pledge.status = PledgeStatus.CANCELLED  # release leaves ended ones as they are

    async def _pending(self, pledge_id: int) -> bool:
        async with self._sessions() as session:
            pledge = await session.get(Pledge, pledge_id)
            return pledge is not None and pledge.status is PledgeStatus.PENDING

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
        lines = await self._lines(user_id, Pledge.id == pledge_id)
        return lines[0] if lines else None

    async def my_pledges(self, user_id: int) -> list[PledgeLine]:
        """The pledges the user confirmed: not the summaries they were only shown."""
        unconfirmed = (Pledge.status == PledgeStatus.DRAFT) | (
            (Pledge.status == PledgeStatus.CANCELLED) & Pledge.checkout_key.is_(None)
        )
        return await self._lines(user_id, ~unconfirmed)

    async def _lines(self, user_id: int, *conditions: ColumnElement[bool]) -> list[PledgeLine]:
        statement = (
            select(Pledge, Project.title, RewardTier.title)
            .join(Project, Project.id == Pledge.project_id)
            .outerjoin(RewardTier, RewardTier.id == Pledge.reward_tier_id)
            .where(Pledge.user_id == user_id, *conditions)
            .order_by(Pledge.created_at.desc(), Pledge.id.desc())
            .limit(30)
        )
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        usable_until = utcnow() + REUSE_AT_LEAST
        return [
            PledgeLine(p.id, p.project_id, title, p.amount_cents, tier, p.status, p.created_at,
                       p.checkout_url if p.status is PledgeStatus.PENDING
                       and p.checkout_expires_at and p.checkout_expires_at > usable_until
                       else None,
                       p.reward_tier_id, p.stripe_checkout_session_id is not None)
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
            pledge = await session.get(Pledge, pledge_id, with_for_update=True)
            if pledge is not None and pledge.stripe_checkout_session_id is None:
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
