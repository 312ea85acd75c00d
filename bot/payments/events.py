"""Stripe webhook events: each recorded once, with what applying it did or why it could not.

An event is only a hint: it names a session (or a charge) and carries Stripe's state of it at
the time. The state is applied to the pledge whose stored session id it names, through the same
`settle` as reconciliation; an event that cannot be placed yet (a refund before its payment) makes
the bot read the session's current state from Stripe instead of guessing.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import utcnow
from bot.payments.facts import (
    REFUND_EVENTS,
    SESSION_EVENTS,
    ChargeFacts,
    SessionFacts,
    Unreadable,
    charge_facts,
    session_facts,
)
from bot.payments.gateway import PaymentUnavailable, StripeGateway
from bot.payments.settle import record_refunds, settle
from bot.storage.models import Pledge, StripeEvent

log = logging.getLogger(__name__)

MAX_EVENT_ID = 255  # the column's width; Stripe's ids are about 30 characters

Facts = SessionFacts | ChargeFacts | str  # a string: why the event cannot be applied


class StripeUnreachable(Exception):
    """Placing the event needs Stripe's current state, which could not be read: retry later."""


class PaymentEventService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateway: StripeGateway | None = None,
        *,
        moderators: Collection[int] = frozenset(),
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._moderators = moderators

    async def handle(self, event_id: str, event_type: str, data: dict[str, Any]) -> bool:
        """Apply an event; False when it was already applied (Stripe redelivers)."""
        if not event_id or len(event_id) > MAX_EVENT_ID:
            log.warning("Stripe event with an unusable id ignored")
            return False
        async with self._sessions() as session:
            if await session.get(StripeEvent, event_id) is not None:
                return False
        facts = await self._facts(event_type, data)
        try:
            async with self._sessions.begin() as session:
                if await session.get(StripeEvent, event_id) is not None:
                    return False
                record = StripeEvent(id=event_id, type=event_type[:64], processed_at=utcnow())
                session.add(record)
                await session.flush()  # a concurrent delivery of this id fails here, not later
                if isinstance(facts, str):
                    outcome = facts
                else:
                    outcome = await apply(session, facts, moderators=self._moderators)
                record.outcome = (outcome or "no change")[:255]
        except IntegrityError:
            return False  # another worker applied the same event at the same moment
        log.info("stripe event %s: %s", event_type[:64], record.outcome)
        return True

    async def _facts(self, event_type: str, data: dict[str, Any]) -> Facts:
        try:
            if event_type in SESSION_EVENTS:
                failed = event_type == "checkout.session.async_payment_failed"
                return session_facts(data, failed=failed)
            if event_type in REFUND_EVENTS:
                return await self._placed(charge_facts(data))
        except Unreadable as error:
            log.warning("unreadable Stripe event %s: %s", event_type[:64], error)
            return f"unreadable: {error}"
        return "not an event the bot applies"

    async def _placed(self, charge: ChargeFacts) -> Facts:
        """The charge's facts when its pledge knows the payment, else its session's, from Stripe."""
        async with self._sessions() as session:
            known = await session.scalar(
                select(Pledge.id).where(
                    Pledge.stripe_payment_intent_id == charge.payment_intent,
                    Pledge.amount_charged_cents.is_not(None),
                )
            )
        if known is not None:
            return charge
        if self._gateway is None:
            return "payment not yet known, and Stripe cannot be read"
        try:
            session_id = await self._gateway.session_of_payment(charge.payment_intent)
            if session_id is None:
                return "payment of no checkout session"
            return await self._gateway.session_facts(session_id)
        except PaymentUnavailable as error:
            raise StripeUnreachable(str(error)) from error


async def apply(
    session: AsyncSession, facts: SessionFacts | ChargeFacts, *, moderators: Collection[int]
) -> str:
    """Apply Stripe's facts to the pledge they belong to; says what happened (`moderators`
    are told of an anomaly)."""
    if isinstance(facts, ChargeFacts):
        pledge = await session.scalar(
            select(Pledge)
            .where(Pledge.stripe_payment_intent_id == facts.payment_intent)
            .with_for_update()
        )
        if pledge is None:
            return "payment of no pledge"
        grew = await record_refunds(session, pledge, facts.refunded_cents)
        return f"refunded {pledge.amount_refunded_cents}" if grew else ""
    pledge = await pledge_of_session(session, facts)
    if pledge is None:
        log.warning(
            "payment anomaly: Stripe session %s is not one the bot opened (%s %s, %s)",
            facts.session_id, facts.amount_cents, facts.currency, facts.status,
        )  # fmt: skip
        return "unknown session"
    return await settle(session, pledge, facts, moderators=moderators)


async def pledge_of_session(session: AsyncSession, facts: SessionFacts) -> Pledge | None:
    """The pledge whose session this is: by the stored id, or, when Stripe's answer was lost
    (a timeout, a crash), by the random checkout key only the bot puts in the metadata."""
    found = await session.scalar(
        select(Pledge)
        .where(Pledge.stripe_checkout_session_id == facts.session_id)
        .with_for_update()
    )
    if found is not None or facts.pledge_ref is None or facts.checkout_key is None:
        return found
    pledge = await session.get(Pledge, facts.pledge_ref, with_for_update=True)
    if (
        pledge is None
        or pledge.checkout_key != facts.checkout_key
        or pledge.stripe_checkout_session_id is not None
    ):
        return None
    pledge.stripe_checkout_session_id = facts.session_id
    return pledge
