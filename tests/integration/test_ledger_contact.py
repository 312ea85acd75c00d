"""What the contributor gave Checkout (email, name, shipping address) reaches their pledge from
the bot's own sessions only, by webhook or by reconciliation, and never after an erasure."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from bot.domain import DeliveryMode, utcnow
from bot.payments.events import PaymentEventService
from bot.payments.facts import session_facts
from bot.payments.gateway import CheckoutRequest, PaymentUnavailable, StripeGateway
from bot.payments.pledges import PledgeService
from bot.payments.reconcile import Reconciler
from bot.search.countries import EU_MEMBERS
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
    reconciler,
    session_of,
    stand_in,
    take_events,
)

__all__ = ["events", "gateway", "pledges", "reconciler", "stand_in"]  # fixtures

ADDRESS = {"line1": "12 rue de Siam", "line2": "2e étage", "postal_code": "29200",
           "city": "Brest", "state": None, "country": "FR"}  # fmt: skip


def _tier(mode: DeliveryMode, countries: str | None = None) -> list[dict[str, Any]]:
    return [{"title": "Un bol", "description": "Un bol en grès.", "min_amount_cents": 2_000,
             "delivery_mode": mode, "shipping_countries": countries}]  # fmt: skip


async def test_reconciliation_fills_what_lost_webhooks_carried_and_an_erasure_stays(
    sessions: Sessions, pledges: PledgeService, reconciler: Reconciler, stand_in: StripeStandIn
) -> None:
    owner, backer, other = [await add_user(sessions) for _ in range(3)]
    project = await add_project(sessions, owner, tiers=_tier(DeliveryMode.SHIPPED, "EU,CH"))
    tier_id = project.reward_tiers[0].id
    link = await pledges.start_checkout(backer.id, project.id, tier_id, 2_000, RETURN)
    session = session_of(stand_in, link.pledge_id)
    # The Union is stored as "EU"; Stripe is given its members, and Switzerland.
    allowed = session["shipping_address_collection"]["allowed_countries"]
    assert allowed == sorted([*EU_MEMBERS, "CH"])
    await stand_in.pay(session["id"], email="gwen@example.org", name="Gwen Morvan",
                       address={**ADDRESS, "country": "DE"})  # fmt: skip
    gift = await pledges.start_checkout(other.id, project.id, None, 1_500, RETURN)
    await stand_in.pay(session_of(stand_in, gift.pledge_id)["id"], email="yann@example.org")
    # The second contributor asked to be forgotten before the bot heard of the payment.
    async with sessions.begin() as db:
        await db.execute(update(Pledge).where(Pledge.id == gift.pledge_id)
                         .values(personal_data_erased_at=utcnow()))  # fmt: skip
    await take_events(stand_in)  # every webhook lost
    started = utcnow() - timedelta(hours=1)
    await reconciler.since(started)

    shipped = await pledge(sessions, link.pledge_id)
    assert (shipped.contact_email, shipped.contact_name) == ("gwen@example.org", "Gwen Morvan")
    assert shipped.shipping_name == "Gwen Morvan"
    assert shipped.shipping_address == {**ADDRESS, "country": "DE"}
    forgotten = await pledge(sessions, gift.pledge_id)
    assert (forgotten.contact_email, forgotten.contact_name) == (None, None)
    assert (await reconciler.since(started)).changed == []


async def test_a_foreign_session_naming_a_pledge_leaves_its_contact_alone(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, tiers=_tier(DeliveryMode.IN_PERSON))
    tier_id = project.reward_tiers[0].id
    link = await pledges.start_checkout(backer.id, project.id, tier_id, 2_000, RETURN)
    ours = session_of(stand_in, link.pledge_id)
    assert ours["shipping_address_collection"] is None
    foreign = copy.deepcopy(ours)
    foreign.update(id="cs_test_foreign", status="complete", payment_status="paid",
                   customer_details={"email": "thief@example.org", "name": "Someone"})  # fmt: skip
    event = {"id": "evt_foreign", "type": "checkout.session.completed",
             "data": {"object": foreign}}  # fmt: skip
    assert await feed(events, [event]) == [True]
    assert (await pledge(sessions, link.pledge_id)).contact_email is None


def test_shipping_details_are_read_where_either_api_version_puts_them() -> None:
    base = {"id": "cs_test_1", "status": "complete", "payment_status": "paid",
            "amount_total": 2_000, "currency": "eur"}  # fmt: skip
    customer = {"email": "a@example.org", "individual_name": "Anna", "name": "A L"}
    shipping = {"name": "Anna", "address": ADDRESS}
    recent = session_facts(
        {**base, "customer_details": customer,
         "collected_information": {"shipping_details": shipping}}
    )  # fmt: skip
    older = session_facts(
        {**base, "customer_details": {**customer, "individual_name": None},
         "shipping_details": shipping}
    )  # fmt: skip
    assert recent.contact is not None
    assert older.contact is not None
    assert (recent.contact.name, older.contact.name) == ("Anna", "A L")
    assert recent.contact.shipping_address == older.contact.shipping_address == ADDRESS
    assert session_facts({**base, "status": "open"}).contact is None


async def test_stripe_refuses_a_country_it_does_not_know(
    gateway: StripeGateway, stand_in: StripeStandIn
) -> None:
    request = CheckoutRequest(
        pledge_id=1, user_id=1, project_id=1, amount_cents=2_000, product_name="Un bol",
        success_url="https://t.me/x", cancel_url="https://t.me/y",
        expires_at=utcnow() + timedelta(hours=1), idempotency_key="key-countries",
        shipping_countries=("FR", "EU"),
    )  # fmt: skip
    with pytest.raises(PaymentUnavailable):
        await gateway.create_checkout(request)
    refused = stand_in.requests[-1]
    assert refused.status == 400
    assert stand_in.sessions == {}
