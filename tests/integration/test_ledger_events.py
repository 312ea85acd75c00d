"""The ledger trusts only what Stripe says about the bot's own sessions, in any order (issue 14).

Each test names the defect it guards against; each failed before the ledger was rebuilt.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from bot.domain import PledgeStatus
from bot.payments.events import PaymentEventService
from bot.payments.gateway import StripeGateway
from bot.payments.pledges import PledgeService
from bot.services.campaigns import CampaignService
from bot.services.moderation import ModerationService
from bot.storage.models import OutboxMessage, Pledge, StripeEvent
from tests.factories import add_project, add_user
from tests.fakes.stripe_api import StripeStandIn
from tests.integration.payments import (
    RETURN,
    Sessions,
    events,
    feed,
    gateway,
    outbox_kinds,
    pledge,
    pledges,
    raised,
    session_of,
    stand_in,
    take_events,
)

__all__ = ["events", "gateway", "pledges", "stand_in"]  # fixtures


def _event(kind: str, obj: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {"id": event_id, "type": kind, "data": {"object": obj}}


async def test_1_a_payment_link_naming_a_pledge_does_not_pay_it(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=1_000_000)
    link = await pledges.start_checkout(backer.id, project.id, None, 900_000, RETURN)
    ours = session_of(stand_in, link.pledge_id)
    # Another integration's 1.00 USD session, whose payer set client_reference_id.
    foreign = copy.deepcopy(ours)
    foreign.update(id="cs_test_foreign", amount_total=100, currency="usd", status="complete",
                   payment_status="paid", payment_intent="pi_foreign",
                   client_reference_id=str(link.pledge_id), metadata={})  # fmt: skip
    completed = _event("checkout.session.completed", foreign, "evt_foreign")
    assert await feed(events, [completed]) == [True]
    assert (await pledge(sessions, link.pledge_id)).status is PledgeStatus.PENDING
    assert await raised(sessions, project.id) == 0
    # Even naming it in the metadata, without the bot's own key, changes nothing.
    foreign.update(id="cs_test_foreign2", metadata={"pledge_id": str(link.pledge_id)})
    await feed(events, [_event("checkout.session.completed", foreign, "evt_foreign2")])
    assert (await pledge(sessions, link.pledge_id)).status is PledgeStatus.PENDING
    async with sessions() as session:
        outcome = await session.scalar(
            select(StripeEvent.outcome).where(StripeEvent.id == "evt_foreign")
        )
    assert outcome == "unknown session"


async def test_1_a_completion_for_another_amount_or_currency_is_an_anomaly(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=10_000)
    link = await pledges.start_checkout(backer.id, project.id, None, 5_000, RETURN)
    session = session_of(stand_in, link.pledge_id)
    session.update(amount_total=50, currency="usd")  # what Stripe charged in the end
    await stand_in.pay(session["id"])
    await feed(events, await take_events(stand_in))
    stored = await pledge(sessions, link.pledge_id)
    assert stored.status is PledgeStatus.ANOMALY
    assert (stored.amount_charged_cents, stored.currency, stored.anomaly) == (50, "usd", "currency")
    assert await raised(sessions, project.id) == 0
    assert await outbox_kinds(sessions, backer.id) == ["pledge_anomaly"]


async def test_1_an_anomaly_is_shown_once_to_each_moderator(
    sessions: Sessions, pledges: PledgeService, stand_in: StripeStandIn, gateway: StripeGateway
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    first, second = await add_user(sessions), await add_user(sessions, locale="br")
    never_wrote = 990_001  # a moderator without a user row: Telegram would refuse them
    moderators = frozenset({first.id, second.id, never_wrote})
    events = PaymentEventService(sessions, gateway, moderators=moderators)
    project = await add_project(sessions, owner, title="Fest-noz <Kerne>", goal_cents=10_000)
    link = await pledges.start_checkout(backer.id, project.id, None, 5_000, RETURN)
    session = session_of(stand_in, link.pledge_id)
    session.update(amount_total=4_000)  # Stripe charged 40 € for a pledge of 50 €
    await stand_in.pay(session["id"])
    queued = await take_events(stand_in)
    await feed(events, queued + queued)  # redelivered: told once all the same
    again = copy.deepcopy(queued[0])
    again["id"] = "evt_other_delivery"  # the same state under another event id
    await feed(events, [again])
    async with sessions() as db:
        told = (await db.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "moderator_anomaly")
            .order_by(OutboxMessage.user_id)
        )).all()  # fmt: skip
    assert [message.user_id for message in told] == [first.id, second.id]
    assert {message.project_id for message in told} == {project.id}
    assert told[0].payload == {
        "title": "Fest-noz <Kerne>", "pledge_id": link.pledge_id, "expected_cents": 5_000,
        "charged_cents": 4_000, "currency": "eur", "reason": "amount",
    }  # fmt: skip
    assert await outbox_kinds(sessions, backer.id) == ["pledge_anomaly"]
    anomalies, total = await ModerationService(sessions).anomalies()
    assert total == 1
    assert [(a.pledge_id, a.title, a.charged_cents, a.reason) for a in anomalies] == [
        (link.pledge_id, "Fest-noz <Kerne>", 4_000, "amount")
    ]


async def test_2_a_refund_before_its_completion_ends_refunded(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn, gateway: StripeGateway,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner)
    link = await pledges.start_checkout(backer.id, project.id, None, 3_000, RETURN)
    session = session_of(stand_in, link.pledge_id)
    await stand_in.pay(session["id"])
    completed = await take_events(stand_in)
    await gateway.refund(link.pledge_id, session["payment_intent"], "key-test-refund")
    refunded = await take_events(stand_in)
    await feed(events, refunded + completed)  # the refund first
    stored = await pledge(sessions, link.pledge_id)
    assert stored.status is PledgeStatus.REFUNDED
    assert (stored.amount_charged_cents, stored.amount_refunded_cents) == (3_000, 3_000)
    assert await raised(sessions, project.id) == 0


async def test_2_partial_refunds_reduce_the_total(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner)
    link = await pledges.start_checkout(backer.id, project.id, None, 4_000, RETURN)
    session = session_of(stand_in, link.pledge_id)
    await stand_in.pay(session["id"])
    await feed(events, await take_events(stand_in))
    charge = stand_in.charges[stand_in.payment_intents[session["payment_intent"]]["latest_charge"]]
    charge["amount_refunded"] = 1_500  # refunded in part from the dashboard
    await feed(events, [_event("charge.refunded", charge, "evt_partial")])
    assert await raised(sessions, project.id) == 2_500
    assert (await pledge(sessions, link.pledge_id)).status is PledgeStatus.PAID


async def test_8_odd_but_signed_input_is_recorded_never_raised(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner)
    link = await pledges.start_checkout(backer.id, project.id, None, 2_000, RETURN)
    session = session_of(stand_in, link.pledge_id)
    await stand_in.pay(session["id"])
    await feed(events, await take_events(stand_in))
    charge = {"id": "ch_x", "payment_intent": session["payment_intent"], "amount": 2_000,
              "amount_refunded": "lots", "currency": "eur"}  # fmt: skip
    odd = copy.deepcopy(session)
    odd.update(id="cs_test_odd", client_reference_id="12345678901",
               metadata={"pledge_id": "9" * 30, "checkout_key": "x"})  # fmt: skip
    applied = await feed(events, [
        _event("charge.refunded", charge, "evt_odd_amount"),
        _event("checkout.session.completed", odd, "evt_odd_ids"),
        _event("checkout.session.completed", {"id": 12}, "evt_odd_shape"),
    ])  # fmt: skip
    assert applied == [True, True, True]
    async with sessions() as session_:
        outcomes = dict((await session_.execute(select(StripeEvent.id, StripeEvent.outcome))).all())
    assert outcomes["evt_odd_amount"].startswith("unreadable")
    assert outcomes["evt_odd_ids"] == "unknown session"
    assert outcomes["evt_odd_shape"].startswith("unreadable")
    assert await raised(sessions, project.id) == 2_000


async def test_9_the_refund_id_is_kept_when_the_webhook_comes_first(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn, gateway: StripeGateway,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=100_000)
    link = await pledges.start_checkout(backer.id, project.id, None, 2_000, RETURN)
    await stand_in.pay(session_of(stand_in, link.pledge_id)["id"])
    await feed(events, await take_events(stand_in))
    async with sessions.begin() as session:
        stored = await session.get(Pledge, link.pledge_id)
        assert stored is not None
        stored.status = PledgeStatus.REFUND_PENDING

    class WebhookFirst(StripeGateway):
        async def refund(self, pledge_id: int, payment_intent_id: str, key: str) -> Any:
            done = await super().refund(pledge_id, payment_intent_id, key)
            await feed(events, await take_events(stand_in))  # lands before the answer
            return done

    slow = WebhookFirst(stand_in.secret_key, stand_in.base_url)
    try:
        await CampaignService(sessions, slow).refund_due(stored.refund_retry_at or _now())
    finally:
        await slow.close()
    stored = await pledge(sessions, link.pledge_id)
    assert stored.status is PledgeStatus.REFUNDED
    assert stored.stripe_refund_id == next(iter(stand_in.refunds))


def _now() -> Any:
    from bot.domain import utcnow

    return utcnow()
