"""Property: whatever the order of a pledge's events, duplicates included, the pledge ends as
Stripe holds it and the project counts exactly what Stripe holds for it (issue 14, defect 2).

Hypothesis draws the orders (every event at least once, some twice); each order is played on a
pledge of its own, so one database serves every example.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import stripe
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import PledgeStatus
from bot.payments.events import PaymentEventService
from bot.payments.pledges import PledgeService
from bot.storage.models import Pledge
from tests.factories import add_project, add_user
from tests.fakes.stripe_api import StripeStandIn
from tests.integration.payments import (
    RETURN,
    Sessions,
    events,
    feed,
    gateway,
    pledge,
    pledges,
    raised,
    session_of,
    stand_in,
    take_events,
)

__all__ = ["events", "gateway", "pledges", "stand_in"]  # fixtures

EXAMPLES = 30  # orders per scenario; each costs a checkout and a few events
AMOUNT = 4_000

Scenario = Callable[[StripeStandIn, stripe.StripeClient, str], Awaitable[None]]


async def paid_then_refunded_in_two_parts(
    stand_in: StripeStandIn, client: stripe.StripeClient, session_id: str
) -> None:
    await stand_in.pay(session_id)
    intent = stand_in.sessions[session_id]["payment_intent"]
    await client.v1.refunds.create_async({"payment_intent": intent, "amount": 1_500})
    await client.v1.refunds.create_async({"payment_intent": intent})


async def paid_then_refunded_in_part(
    stand_in: StripeStandIn, client: stripe.StripeClient, session_id: str
) -> None:
    await stand_in.pay(session_id)
    intent = stand_in.sessions[session_id]["payment_intent"]
    await client.v1.refunds.create_async({"payment_intent": intent, "amount": 1_000})


async def delayed_then_settled_then_refunded(
    stand_in: StripeStandIn, client: stripe.StripeClient, session_id: str
) -> None:
    await stand_in.pay(session_id, async_payment=True)
    await stand_in.settle_async(session_id, succeeded=True)
    intent = stand_in.sessions[session_id]["payment_intent"]
    await client.v1.refunds.create_async({"payment_intent": intent})


async def delayed_then_failed(
    stand_in: StripeStandIn, client: stripe.StripeClient, session_id: str
) -> None:
    await stand_in.pay(session_id, async_payment=True)
    await stand_in.settle_async(session_id, succeeded=False)


async def lapsed(stand_in: StripeStandIn, client: stripe.StripeClient, session_id: str) -> None:
    await stand_in.expire(session_id)


SCENARIOS: dict[str, tuple[Scenario, int]] = {  # the scenario, and how many events it sends
    "refunded in two parts": (paid_then_refunded_in_two_parts, 3),
    "refunded in part": (paid_then_refunded_in_part, 2),
    "delayed, settled, refunded": (delayed_then_settled_then_refunded, 3),
    "delayed, failed": (delayed_then_failed, 2),
    "lapsed": (lapsed, 1),
}


def draw_orders(count: int) -> list[list[int]]:
    """Orders of `count` events, each present once or twice, drawn by Hypothesis."""
    orders: list[list[int]] = []
    events = st.lists(st.integers(0, count - 1), max_size=count).flatmap(
        lambda extra: st.permutations(list(range(count)) + extra)
    )

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None)
    @given(events)
    def collect(order: list[int]) -> None:
        orders.append(order)

    collect()
    return orders[:EXAMPLES]


@pytest.fixture
async def client(stand_in: StripeStandIn) -> AsyncIterator[stripe.StripeClient]:
    http = stripe.HTTPXClient(allow_sync_methods=False)
    yield stripe.StripeClient(
        stand_in.secret_key, base_addresses={"api": stand_in.base_url}, http_client=http
    )
    await http.close_async()  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_every_order_of_a_pledges_events_ends_as_stripe_holds_it(
    name: str, sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn, client: stripe.StripeClient,
) -> None:  # fmt: skip
    scenario, count = SCENARIOS[name]
    owner = await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=10_000_000)
    pledge_ids = []
    for order in draw_orders(count):
        backer = await add_user(sessions)
        link = await pledges.start_checkout(backer.id, project.id, None, AMOUNT, RETURN)
        await scenario(stand_in, client, session_of(stand_in, link.pledge_id)["id"])
        sent = await take_events(stand_in)
        assert len(sent) == count
        await feed(events, [sent[index] for index in order])
        pledge_ids.append(link.pledge_id)
    held = 0
    for pledge_id in pledge_ids:
        stored = await pledge(sessions, pledge_id)
        expected, refunded, charged = _as_stripe_holds_it(stand_in, stored)
        assert (stored.status, stored.amount_refunded_cents) == (expected, refunded), name
        if expected is PledgeStatus.PAID:
            held += charged - refunded
    assert await raised(sessions, project.id) == held


def _as_stripe_holds_it(stand_in: StripeStandIn, stored: Pledge) -> tuple[PledgeStatus, int, int]:
    session: dict[str, Any] = session_of(stand_in, stored.id)
    if session["status"] == "expired":
        return PledgeStatus.EXPIRED, 0, 0
    intent = stand_in.payment_intents[session["payment_intent"]]
    charge = stand_in.charges[intent["latest_charge"]]
    if charge["status"] == "failed":
        return PledgeStatus.FAILED, 0, 0
    if charge["refunded"]:
        return PledgeStatus.REFUNDED, charge["amount_refunded"], charge["amount"]
    return PledgeStatus.PAID, charge["amount_refunded"], charge["amount"]
