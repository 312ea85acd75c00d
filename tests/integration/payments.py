"""Shared pieces of the ledger tests: the bot's payment services on the Stripe stand-in.

Import the fixtures by name in a test module (`from tests.integration.payments import ...`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import stripe
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.payments.events import PaymentEventService
from bot.payments.gateway import StripeGateway
from bot.payments.pledges import PledgeService
from bot.payments.reconcile import Reconciler
from bot.storage.models import OutboxMessage, Pledge, Project, RewardTier
from tests.fakes.stripe_api import StripeStandIn

Sessions = async_sessionmaker[AsyncSession]
RETURN = "https://t.me/kengo_test_bot?start={outcome}-{pledge}"


@pytest.fixture
async def stand_in(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[StripeStandIn]:
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0.01)  # fast library retries
    async with StripeStandIn(auto_deliver=False) as stand_in:
        yield stand_in


@pytest.fixture
async def gateway(stand_in: StripeStandIn) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(stand_in.secret_key, stand_in.base_url)
    yield gateway
    await gateway.close()


@pytest.fixture
def pledges(sessions: Sessions, gateway: StripeGateway) -> PledgeService:
    return PledgeService(sessions, gateway, max_cents=1_000_000, checkout_minutes=60)


@pytest.fixture
def events(sessions: Sessions, gateway: StripeGateway) -> PaymentEventService:
    return PaymentEventService(sessions, gateway)


@pytest.fixture
def reconciler(sessions: Sessions, gateway: StripeGateway) -> Reconciler:
    return Reconciler(sessions, gateway)


async def take_events(stand_in: StripeStandIn) -> list[dict[str, Any]]:
    """The events Stripe has queued (refunds' and expiries' included), taken off the queue."""
    await stand_in.drain()
    pending, stand_in.pending_events[:] = list(stand_in.pending_events), []
    return pending


async def feed(events: PaymentEventService, queued: list[dict[str, Any]]) -> list[bool]:
    """Apply events as the webhook endpoint would."""
    return [await events.handle(e["id"], e["type"], e["data"]["object"]) for e in queued]


async def get(sessions: Sessions, model: Any, key: Any) -> Any:
    async with sessions() as session:
        return await session.get(model, key)


async def raised(sessions: Sessions, project_id: int) -> int:
    project = await get(sessions, Project, project_id)
    return int(project.raised_cents)


async def outbox_kinds(sessions: Sessions, user_id: int) -> list[str]:
    async with sessions() as session:
        kinds = await session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.user_id == user_id)
            .order_by(OutboxMessage.id)
        )
        return list(kinds.all())


def session_of(stand_in: StripeStandIn, pledge_id: int) -> dict[str, Any]:
    return next(
        s for s in stand_in.sessions.values() if s["metadata"].get("pledge_id") == str(pledge_id)
    )


async def tier_of(sessions: Sessions, project_id: int) -> RewardTier:
    async with sessions() as session:
        tier = await session.scalar(select(RewardTier).where(RewardTier.project_id == project_id))
    assert tier is not None
    return tier


async def pledge(sessions: Sessions, pledge_id: int) -> Pledge:
    found = await get(sessions, Pledge, pledge_id)
    assert found is not None
    return found  # type: ignore[no-any-return]
