"""A pledge's Stripe Checkout Session: the pending pledge recorded (holding a reward unit), its
session opened, given back to a second tap, or closed when the user replaces or cancels it.

The pledge and its unit are committed before Stripe is called, and the request carries the
pledge's key: asked again (a retry, another worker, a lost answer), Stripe names the same
session. The slot helpers and the request itself are in `checkout.py`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import CheckoutLink, PledgeStatus, Reason, utcnow
from bot.payments.checkout import (
    OpenCheckout,
    checkout_expiry,
    checkout_request,
    new_key,
    open_checkout,
    open_slot,
    product_name,
)
from bot.payments.events import apply
from bot.payments.gateway import PaymentUnavailable, StripeGateway
from bot.payments.ledger import release, reserve_unit
from bot.payments.open_pledges import cancelled_last, draft_of
from bot.payments.pledge_rules import PledgeRefused, validate
from bot.payments.supporters import apply_choice, latest_choice
from bot.storage.models import ChatVisit, Pledge, ReferralVisit


class SlotTaken(Exception):
    """The user's open checkout for this reward appeared while this one was being recorded."""


class CheckoutSessions:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateway: StripeGateway | None,
        *,
        max_cents: int,
        checkout_time: timedelta,
        moderators: Collection[int],
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._max_cents = max_cents
        self._checkout_time = checkout_time
        self._moderators = moderators  # told of an anomaly found when a session is replaced

    @property
    def configured(self) -> bool:
        """False when the bot runs without Stripe keys: no session can be opened."""
        return self._gateway is not None

    def _stripe(self) -> StripeGateway:
        if self._gateway is None:
            raise PledgeRefused(Reason.NOT_CONFIGURED)
        return self._gateway

    async def start(
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
            return await self.open(pledge_id, return_url)
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
            await validate(session, project_id, tier_id, amount_cents, max_cents=self._max_cents)
            pledge = await draft_of(session, user_id, project_id, tier_id)
            if pledge is None:
                if await cancelled_last(session, user_id, project_id, tier_id):
                    raise PledgeRefused(Reason.CANCELLED)
                pledge = Pledge(user_id=user_id, project_id=project_id, reward_tier_id=tier_id)
                # An old recap: its draft went; the user's latest choice of how to appear holds.
                apply_choice(pledge, await latest_choice(session, user_id))
                session.add(pledge)
            pledge.amount_cents, pledge.status = amount_cents, PledgeStatus.PENDING
            pledge.referral_code = await _referral(session, project_id, user_id)
            pledge.checkout_key, pledge.open_checkout_slot = new_key(), slot
            pledge.checkout_product = await product_name(session, pledge)
            pledge.checkout_expires_at = checkout_expiry(utcnow(), self._checkout_time)
            # The slot first: of two workers racing, the loser fails here (after the winner's
            # commit on PostgreSQL), before it could take the last reward unit.
            await session.flush()
            if tier_id is not None and not await reserve_unit(session, tier_id):
                raise PledgeRefused(Reason.SOLD_OUT)
            return pledge.id

    async def open(self, pledge_id: int, return_url: str) -> CheckoutLink:
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
            link = await self.open(held.pledge_id, return_url)
            if held.amount_cents == amount_cents:
                return link
            held = OpenCheckout(held.pledge_id, held.amount_cents, link.url, link.expires_at,
                                await self.session_id(held.pledge_id))  # fmt: skip
        if held.session_id is not None:
            await self.close(held.session_id)
        return None

    async def session_id(self, pledge_id: int) -> str | None:
        """The pledge's Checkout Session, once Stripe's answer naming it was stored."""
        async with self._sessions() as session:
            pledge = await session.get(Pledge, pledge_id)
            return pledge.stripe_checkout_session_id if pledge else None

    async def close(self, session_id: str) -> None:
        """Expire a session the user replaces, then apply what Stripe holds for it (expired,
        or paid in the meantime), which frees the slot either way."""
        await self._stripe().expire_checkout(session_id)
        facts = await self._stripe().session_facts(session_id)
        async with self._sessions.begin() as session:
            await apply(session, facts, moderators=self._moderators)

    async def _abandon(self, pledge_id: int) -> None:
        """Stripe did not open the session: the pledge fails and its unit is released (unless
        another attempt stored its session meanwhile)."""
        async with self._sessions.begin() as session:
            pledge = await session.get(Pledge, pledge_id, with_for_update=True)
            if pledge is not None and pledge.stripe_checkout_session_id is None:
                await release(session, pledge, PledgeStatus.FAILED)


async def _referral(session: AsyncSession, project_id: int, user_id: int) -> str | None:
    """What last brought this user to this project, if anything: a sharer's link (the
    sharer's id) or a connected group or channel's button (`c<connected chat id>`)."""
    shared = (await session.execute(
        select(ReferralVisit.referrer_id, ReferralVisit.created_at)
        .where(ReferralVisit.project_id == project_id, ReferralVisit.visitor_id == user_id)
        .order_by(ReferralVisit.created_at.desc()).limit(1)
    )).first()  # fmt: skip
    from_chat = (await session.execute(
        select(ChatVisit.connected_chat_id, ChatVisit.created_at)
        .where(ChatVisit.project_id == project_id, ChatVisit.visitor_id == user_id)
        .order_by(ChatVisit.created_at.desc()).limit(1)
    )).first()  # fmt: skip
    if from_chat is not None and (shared is None or from_chat.created_at >= shared.created_at):
        return chat_referral(from_chat.connected_chat_id)
    return str(shared.referrer_id) if shared is not None else None


def chat_referral(connected_chat_id: int) -> str:
    """A pledge's referral code when a connected chat's button brought its contributor."""
    return f"c{connected_chat_id}"
