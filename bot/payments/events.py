"""Stripe webhook events: each applied once, in the same transaction that records its id."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import PledgeStatus, utcnow
from bot.payments.ledger import mark_paid, mark_refunded, release
from bot.storage.models import Pledge, StripeEvent

log = logging.getLogger(__name__)


class PaymentEventService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def handle(self, event_id: str, event_type: str, data: dict[str, Any]) -> bool:
        """Apply an event; False when it was already applied (Stripe redelivers)."""
        try:
            async with self._sessions.begin() as session:
                if await session.get(StripeEvent, event_id) is not None:
                    return False
                session.add(StripeEvent(id=event_id, type=event_type[:64], processed_at=utcnow()))
                await session.flush()  # a concurrent delivery of this id fails here, not later
                await _apply(session, event_type, data)
        except IntegrityError:
            return False  # another worker applied the same event at the same moment
        return True


async def _apply(session: AsyncSession, event_type: str, data: dict[str, Any]) -> None:
    if event_type == "charge.refunded":
        await _refunded(session, data)
        return
    if not event_type.startswith("checkout.session."):
        return  # not an event the bot subscribes to
    pledge = await _pledge_of_session(session, data)
    if pledge is None:
        log.warning("Stripe event %s for an unknown checkout session", event_type)
        return
    payment_intent = data.get("payment_intent")
    payment_intent = payment_intent if isinstance(payment_intent, str) else None
    if event_type == "checkout.session.completed":
        if data.get("payment_status") == "paid":
            await mark_paid(session, pledge, payment_intent)
        elif pledge.status is PledgeStatus.PENDING:
            # Delayed methods (SEPA...) complete unpaid; the reward unit stays held.
            pledge.status = PledgeStatus.PROCESSING
            pledge.stripe_payment_intent_id = payment_intent
    elif event_type == "checkout.session.async_payment_succeeded":
        await mark_paid(session, pledge, payment_intent)
    elif event_type == "checkout.session.async_payment_failed":
        await release(session, pledge, PledgeStatus.FAILED)
    elif event_type == "checkout.session.expired":
        await release(session, pledge, PledgeStatus.EXPIRED)


async def _pledge_of_session(session: AsyncSession, data: dict[str, Any]) -> Pledge | None:
    session_id = data.get("id")
    if isinstance(session_id, str):
        found = await session.scalar(
            select(Pledge).where(Pledge.stripe_checkout_session_id == session_id).with_for_update()
        )
        if found is not None:
            return found
    # The session id is stored after Stripe answers; an event may come first.
    reference = data.get("client_reference_id") or (data.get("metadata") or {}).get("pledge_id")
    if isinstance(reference, str) and reference.isdigit():
        pledge = await session.get(Pledge, int(reference), with_for_update=True)
        if pledge is not None and isinstance(session_id, str):
            pledge.stripe_checkout_session_id = pledge.stripe_checkout_session_id or session_id
        return pledge
    return None


async def _refunded(session: AsyncSession, data: dict[str, Any]) -> None:
    payment_intent = data.get("payment_intent")
    if not isinstance(payment_intent, str):
        return
    pledge = await session.scalar(
        select(Pledge).where(Pledge.stripe_payment_intent_id == payment_intent).with_for_update()
    )
    if pledge is None:
        return
    if int(data.get("amount_refunded") or 0) >= pledge.amount_cents:
        await mark_refunded(session, pledge, None)
