"""Cancelling unpaid pledges: `/annuler` or "Annuler" while pledging, and coming back from the
payment page without paying.

A pledge with a payment page is cancelled only once Stripe has expired that page and said what
it holds for it: a `cancelled` pledge was never paid and can no longer be, and one paid in the
meantime stays paid (that is what the user is then told).
"""

from __future__ import annotations

from contextlib import suppress

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import PledgeLine, PledgeStatus
from bot.payments.checkout_sessions import CheckoutSessions
from bot.payments.gateway import PaymentUnavailable
from bot.payments.ledger import release
from bot.payments.open_pledges import open_ids
from bot.payments.pledge_lines import PledgeLines
from bot.storage.models import Pledge

# What a cancellation may still end: a pledge never paid, whatever became of its page.
CANCELLABLE = (PledgeStatus.DRAFT, PledgeStatus.PENDING, PledgeStatus.EXPIRED, PledgeStatus.FAILED)


class PledgeCancelling:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        checkouts: CheckoutSessions,
        lines: PledgeLines,
    ) -> None:
        self._sessions = sessions
        self._checkouts = checkouts
        self._lines = lines

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
        return await self._lines.one(user_id, ids[0]) if ids else None

    async def cancel_returned(
        self, user_id: int, pledge_id: int, return_url: str
    ) -> PledgeLine | None:
        """The user came back from the payment page without paying: close the session."""
        line = await self._lines.one(user_id, pledge_id)
        if line is None or line.status is not PledgeStatus.PENDING:
            return line
        try:
            await self._cancel(pledge_id, return_url)
        except PaymentUnavailable:
            return line  # the expired webhook, or reconciliation, releases it later
        return await self._lines.one(user_id, pledge_id)

    async def _cancel(self, pledge_id: int, return_url: str) -> None:
        """Cancel an unpaid pledge; its session, if it has one, is expired first."""
        checkouts = self._checkouts
        session_id = await checkouts.session_id(pledge_id)
        if session_id is None and checkouts.configured and await self._pending(pledge_id):
            # Being opened (or its answer lost): the same request names the same session.
            with suppress(PaymentUnavailable):  # then it was abandoned: Stripe has no page
                await checkouts.open(pledge_id, return_url)
            session_id = await checkouts.session_id(pledge_id)
        if session_id is not None:
            await checkouts.close(session_id)  # expired, or paid in the meantime: Stripe says
        async with self._sessions.begin() as session:
            pledge = await session.get(Pledge, pledge_id, with_for_update=True)
            if pledge is None or pledge.amount_charged_cents is not None:
                return  # paid after all: that is what the user is told
            if pledge.status is PledgeStatus.PENDING and pledge.stripe_checkout_session_id:
                raise PaymentUnavailable("the checkout is still open")
            if pledge.status in CANCELLABLE:
                await release(session, pledge, PledgeStatus.CANCELLED)
                pledge.status = PledgeStatus.CANCELLED  # release leaves ended ones as they are

    async def _pending(self, pledge_id: int) -> bool:
        async with self._sessions() as session:
            pledge = await session.get(Pledge, pledge_id)
            return pledge is not None and pledge.status is PledgeStatus.PENDING
