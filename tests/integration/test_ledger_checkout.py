"""Opening checkouts and what follows them (issue 14): random keys, a safe expiry, a time
budget, one open checkout per user and reward, a reward sold out before the payment, and
reconciliation with what Stripe holds."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.domain import PledgeStatus, SoldOutChoice, utcnow
from bot.payments.checkout import checkout_request
from bot.payments.events import PaymentEventService
from bot.payments.gateway import PaymentUnavailable, StripeGateway
from bot.payments.ledger import release
from bot.payments.pledges import PledgeService
from bot.payments.reconcile import Reconciler
from bot.services.campaigns import CampaignService
from bot.storage.models import Pledge, Project, ProjectTranslation, User
from tests.factories import add_project, add_user
from tests.fakes.stripe_api import StripeStandIn
from tests.integration.payments import (
    RETURN,
    Sessions,
    events,
    feed,
    gateway,
    get,
    outbox_kinds,
    pledge,
    pledges,
    raised,
    reconciler,
    session_of,
    stand_in,
    take_events,
    tier_of,
)

__all__ = ["events", "gateway", "pledges", "reconciler", "stand_in"]  # fixtures

ONE_UNIT = [{"title": "Affiche", "min_amount_cents": 1_000, "quantity_limit": 1}]


async def test_3_idempotency_keys_are_random_and_reused_for_retries(
    sessions: Sessions, pledges: PledgeService, stand_in: StripeStandIn
) -> None:
    owner, anna, yann = [await add_user(sessions) for _ in range(3)]
    project = await add_project(sessions, owner)
    stand_in.fail_next("/v1/checkout/sessions", status=500)  # the library retries once
    first = await pledges.start_checkout(anna.id, project.id, None, 1_000, RETURN)
    second = await pledges.start_checkout(yann.id, project.id, None, 1_000, RETURN)
    keys = [r.idempotency_key for r in stand_in.requests if r.method == "POST"]
    stored = [(await pledge(sessions, link.pledge_id)).checkout_key for link in (first, second)]
    assert keys == [stored[0], stored[0], stored[1]]
    assert stored[0] != stored[1]
    assert all(key and "pledge" not in key and len(key) >= 32 for key in stored)


async def test_7_thirty_checkout_minutes_survive_a_slow_request(
    sessions: Sessions, gateway: StripeGateway, stand_in: StripeStandIn
) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner)
    stand_in.latency["/v1/checkout/sessions"] = 1.2
    thirty = PledgeService(sessions, gateway, max_cents=100_000, checkout_minutes=30)
    link = await thirty.start_checkout(backer.id, project.id, None, 1_000, RETURN)
    assert link.expires_at >= utcnow() + timedelta(minutes=30)


async def test_4_a_hanging_stripe_is_given_up_quickly_and_the_unit_released(
    sessions: Sessions, stand_in: StripeStandIn
) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, tiers=ONE_UNIT)
    stand_in.latency["/v1/checkout/sessions"] = 3.0
    impatient = StripeGateway(stand_in.secret_key, stand_in.base_url, checkout_budget=0.5)
    service = PledgeService(sessions, impatient, max_cents=100_000, checkout_minutes=60)
    tier = await tier_of(sessions, project.id)
    started = time.monotonic()
    try:
        with pytest.raises(PaymentUnavailable):
            await asyncio.wait_for(
                service.start_checkout(backer.id, project.id, tier.id, 1_000, RETURN), 2.5
            )
    finally:
        await impatient.close()
    assert time.monotonic() - started < 2
    assert (await tier_of(sessions, project.id)).reserved_count == 0
    async with sessions() as session:
        assert await session.scalar(select(Pledge.status)) is PledgeStatus.FAILED


async def test_5_a_double_tap_on_two_workers_opens_one_checkout(
    sessions: Sessions, gateway: StripeGateway, stand_in: StripeStandIn
) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, tiers=ONE_UNIT)
    tier = await tier_of(sessions, project.id)
    workers = [
        PledgeService(sessions, gateway, max_cents=100_000, checkout_minutes=60) for _ in range(2)
    ]
    links = await asyncio.gather(
        *(w.start_checkout(backer.id, project.id, tier.id, 1_000, RETURN) for w in workers)
    )
    assert links[0].url == links[1].url
    assert len(stand_in.sessions) == 1
    assert (await tier_of(sessions, project.id)).reserved_count == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Pledge)) == 1
    # The database itself refuses a second open checkout for the same reward.
    slot = f"{backer.id}:{project.id}:{tier.id}"
    twin = Pledge(user_id=backer.id, project_id=project.id, reward_tier_id=tier.id,
                  amount_cents=1_000, open_checkout_slot=slot)  # fmt: skip
    async with sessions.begin() as session:
        session.add(twin)
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_another_amount_replaces_the_open_checkout(
    sessions: Sessions, pledges: PledgeService, stand_in: StripeStandIn
) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner)
    first = await pledges.start_checkout(backer.id, project.id, None, 1_000, RETURN)
    second = await pledges.start_checkout(backer.id, project.id, None, 2_000, RETURN)
    assert first.pledge_id != second.pledge_id
    assert session_of(stand_in, first.pledge_id)["status"] == "expired"
    assert (await pledge(sessions, first.pledge_id)).status is PledgeStatus.EXPIRED


async def test_6_a_reward_sold_out_before_the_payment_asks_gift_or_refund(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn, gateway: StripeGateway,
) -> None:  # fmt: skip
    owner, anna, yann = [await add_user(sessions) for _ in range(3)]
    project = await add_project(sessions, owner, tiers=ONE_UNIT)
    tier = await tier_of(sessions, project.id)
    late = await pledges.start_checkout(anna.id, project.id, tier.id, 1_000, RETURN)
    async with sessions.begin() as session:  # released, as a lost answer from Stripe does
        stored = await session.get(Pledge, late.pledge_id)
        assert stored is not None
        await release(session, stored, PledgeStatus.FAILED)
    first = await pledges.start_checkout(yann.id, project.id, tier.id, 1_000, RETURN)
    await stand_in.pay(session_of(stand_in, first.pledge_id)["id"])
    await stand_in.pay(session_of(stand_in, late.pledge_id)["id"])
    await feed(events, await take_events(stand_in))
    anna_pledge = await pledge(sessions, late.pledge_id)
    assert (anna_pledge.status, anna_pledge.reward_sold_out) == (PledgeStatus.PAID, True)
    assert await outbox_kinds(sessions, anna.id) == ["reward_sold_out"]
    tier = await tier_of(sessions, project.id)
    assert (tier.claimed_count, tier.reserved_count) == (1, 0)  # never oversold
    assert await raised(sessions, project.id) == 2_000

    line = await pledges.after_sold_out(anna.id, late.pledge_id, SoldOutChoice.REFUND)
    assert line is not None
    assert line.status is PledgeStatus.REFUND_PENDING
    again = await pledges.after_sold_out(anna.id, late.pledge_id, SoldOutChoice.KEEP_AS_GIFT)
    assert again is not None
    assert again.status is PledgeStatus.REFUND_PENDING  # asked once
    await CampaignService(sessions, gateway).refund_due(utcnow())
    await feed(events, await take_events(stand_in))
    assert (await pledge(sessions, late.pledge_id)).status is PledgeStatus.REFUNDED
    assert await raised(sessions, project.id) == 1_000


async def test_reconcile_repairs_what_webhooks_missed_and_twice_changes_nothing(
    sessions: Sessions, pledges: PledgeService, reconciler: Reconciler,
    stand_in: StripeStandIn, gateway: StripeGateway,
) -> None:  # fmt: skip
    owner = await add_user(sessions)
    backers = [await add_user(sessions) for _ in range(4)]
    project = await add_project(sessions, owner, tiers=ONE_UNIT)
    links = [
        await pledges.start_checkout(b.id, project.id, None, 1_000 * (n + 1), RETURN)
        for n, b in enumerate(backers)
    ]
    paid, refunded, lapsed, open_ = (session_of(stand_in, link.pledge_id) for link in links)
    await stand_in.pay(paid["id"])
    await stand_in.pay(refunded["id"])
    await gateway.refund(links[1].pledge_id, refunded["payment_intent"], "refund-key-1")
    await stand_in.expire(lapsed["id"])
    await take_events(stand_in)  # every webhook lost
    started = utcnow() - timedelta(hours=1)
    report = await reconciler.since(started)
    assert len(report.changed) == 3, report.lines()
    statuses = [(await pledge(sessions, link.pledge_id)).status for link in links]
    assert statuses == [PledgeStatus.PAID, PledgeStatus.REFUNDED, PledgeStatus.EXPIRED,
                        PledgeStatus.PENDING]  # fmt: skip
    assert await raised(sessions, project.id) == 1_000
    assert (await reconciler.since(started)).changed == []
    assert open_["status"] == "open"


async def test_a_campaign_close_reconciles_its_pledges_first(
    sessions: Sessions, pledges: PledgeService, stand_in: StripeStandIn, gateway: StripeGateway
) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=1_000)
    link = await pledges.start_checkout(backer.id, project.id, None, 1_000, RETURN)
    await stand_in.pay(session_of(stand_in, link.pledge_id)["id"])
    await take_events(stand_in)  # the completion never reached the bot
    async with sessions.begin() as session:
        await session.execute(
            update(Project).where(Project.id == project.id).values(ends_at=utcnow())
        )
    await CampaignService(sessions, gateway).run_once()
    stored = await get(sessions, Project, project.id)
    assert (stored.status.value, stored.raised_cents) == ("succeeded", 1_000)


async def test_a_retry_sends_the_same_product_even_after_a_change_of_language(
    sessions: Sessions, pledges: PledgeService, stand_in: StripeStandIn
) -> None:
    owner, anna = [await add_user(sessions) for _ in range(2)]
    project = await add_project(sessions, owner, title="Fest-noz d'été")
    async with sessions.begin() as session:
        breton = {"title": "Fest-noz hañv", "summary": "Un nozvezh dañs."}
        session.add(ProjectTranslation(project_id=project.id, locale="br", **breton))
    link = await pledges.start_checkout(anna.id, project.id, None, 1_000, RETURN)
    async with sessions.begin() as session:  # Anna reads the bot in Breton from now on
        await session.execute(update(User).where(User.id == anna.id).values(locale="br"))
    async with sessions() as session:
        stored = await session.get(Pledge, link.pledge_id)
        assert stored is not None
        again = await checkout_request(session, stored, RETURN)
    assert again.product_name == "Fest-noz d'été"  # as first sent with this key
    assert again.idempotency_key == stored.checkout_key
