"""Pledges end to end at the service level, with the Stripe stand-in spoken to over HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.config import load_settings
from bot.context import Services
from bot.domain import FundingModel, PledgeStatus, ProjectStatus, Reason, utcnow
from bot.payments.events import PaymentEventService
from bot.payments.gateway import PaymentUnavailable, StripeGateway
from bot.payments.pledges import PledgeRefused, PledgeService
from bot.services.campaigns import CampaignService
from bot.storage.models import Follow, OutboxMessage, Pledge, Project, RewardTier
from tests.conftest import TEST_TOKEN
from tests.factories import add_project, add_user
from tests.fakes.stripe_api import StripeStandIn
from tests.integration.payments import (
    RETURN,
    Sessions,
    events,
    gateway,
    pledges,
    stand_in,
)

# Fixtures shared with the ledger's tests, used by name.
__all__ = ["events", "gateway", "pledges", "stand_in"]


async def deliver(stand_in: StripeStandIn, events: PaymentEventService) -> list[bool]:
    """Apply the events Stripe has queued, as the webhook endpoint would."""
    await stand_in.drain()
    pending, stand_in.pending_events[:] = list(stand_in.pending_events), []
    return [await events.handle(e["id"], e["type"], e["data"]["object"]) for e in pending]


async def get(sessions: Sessions, model: Any, key: Any) -> Any:
    async with sessions() as session:
        return await session.get(model, key)


async def outbox_kinds(sessions: Sessions) -> list[tuple[int, str]]:
    async with sessions() as session:
        rows = await session.execute(select(OutboxMessage.user_id, OutboxMessage.kind))
        return sorted((user, kind) for user, kind in rows)


async def test_free_amount_pledge_paid_end_to_end(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=10_000)
    link = await pledges.start_checkout(backer.id, project.id, None, 2_000, RETURN)
    session = next(iter(stand_in.sessions.values()))
    assert (session["amount_total"], session["currency"], session["locale"]) == (2000, "eur", "fr")
    assert session["metadata"]["pledge_id"] == str(link.pledge_id)
    assert session["client_reference_id"] == str(link.pledge_id)
    assert session["success_url"] == f"https://t.me/kengo_test_bot?start=paid-{link.pledge_id}"
    assert link.url == session["url"]
    again = await pledges.start_checkout(backer.id, project.id, None, 2_000, RETURN)
    assert (again.pledge_id, again.url) == (link.pledge_id, link.url)  # a double tap
    assert len(stand_in.sessions) == 1

    await stand_in.pay(session["id"])
    assert await deliver(stand_in, events) == [True]
    pledge = await get(sessions, Pledge, link.pledge_id)
    assert pledge.status is PledgeStatus.PAID
    assert pledge.stripe_payment_intent_id
    stored = await get(sessions, Project, project.id)
    assert (stored.raised_cents, stored.contributors_count, stored.followers_count) == (2000, 1, 1)
    assert await get(sessions, Follow, (backer.id, project.id)) is not None
    assert await outbox_kinds(sessions) == sorted(
        [(backer.id, "pledge_thanks"), (owner.id, "owner_new_pledge")]
    )


async def test_the_same_event_delivered_twice_counts_once(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner)
    link = await pledges.start_checkout(backer.id, project.id, None, 5_000, RETURN)
    event = await stand_in.pay(_session_of(stand_in, link.pledge_id))
    stand_in.pending_events.append(event)  # Stripe redelivers
    assert await deliver(stand_in, events) == [True, False]
    # The same payment reported by another event id (Stripe's retries have new ids only for
    # new events, but be safe) must not count twice either.
    other = dict(event, id="evt_other")
    assert await events.handle(other["id"], other["type"], other["data"]["object"]) is True
    stored = await get(sessions, Project, project.id)
    assert (stored.raised_cents, stored.contributors_count) == (5_000, 1)


async def test_tier_pledge_claims_and_expired_session_releases(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, anna, yann = [await add_user(sessions) for _ in range(3)]
    project = await add_project(
        sessions,
        owner,
        tiers=[{"title": "Affiche", "min_amount_cents": 3_000, "quantity_limit": 2}],
    )
    tier_id = await _tier_id(sessions, project.id)
    with pytest.raises(PledgeRefused) as below:
        await pledges.start_checkout(anna.id, project.id, tier_id, 2_000, RETURN)
    assert below.value.reason is Reason.BELOW_TIER
    paid = await pledges.start_checkout(anna.id, project.id, tier_id, 3_500, RETURN)
    lapsed = await pledges.start_checkout(yann.id, project.id, tier_id, 3_000, RETURN)
    tier = await get(sessions, RewardTier, tier_id)
    assert (tier.reserved_count, tier.claimed_count) == (2, 0)
    options = await pledges.options(project.id)
    assert options is not None
    assert options.tiers == []  # both units held by open checkouts

    await stand_in.pay(_session_of(stand_in, paid.pledge_id))
    await stand_in.expire(_session_of(stand_in, lapsed.pledge_id))
    await deliver(stand_in, events)
    tier = await get(sessions, RewardTier, tier_id)
    assert (tier.reserved_count, tier.claimed_count) == (0, 1)
    assert (await get(sessions, Pledge, lapsed.pledge_id)).status is PledgeStatus.EXPIRED
    assert (await get(sessions, Project, project.id)).raised_cents == 3_500


async def test_the_last_unit_raced_by_two_users_goes_to_one(
    sessions: Sessions, pledges: PledgeService
) -> None:
    owner = await add_user(sessions)
    racers = [await add_user(sessions) for _ in range(6)]
    project = await add_project(
        sessions,
        owner,
        tiers=[{"title": "Dernière", "min_amount_cents": 1_000, "quantity_limit": 1}],
    )
    tier_id = await _tier_id(sessions, project.id)
    results = await asyncio.gather(
        *(pledges.start_checkout(u.id, project.id, tier_id, 1_000, RETURN) for u in racers),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, PledgeRefused)]
    assert (len(won), len(lost)) == (1, 5)
    assert {r.reason for r in lost} == {Reason.SOLD_OUT}
    tier = await get(sessions, RewardTier, tier_id)
    assert (tier.reserved_count, tier.claimed_count) == (1, 0)


async def test_stripe_down_leaves_nothing_half_done(
    sessions: Sessions, pledges: PledgeService, stand_in: StripeStandIn
) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(
        sessions,
        owner,
        tiers=[{"title": "Affiche", "min_amount_cents": 1_000, "quantity_limit": 3}],
    )
    tier_id = await _tier_id(sessions, project.id)
    stand_in.down(True, status=503)
    with pytest.raises(PaymentUnavailable):
        await pledges.start_checkout(backer.id, project.id, tier_id, 1_000, RETURN)
    async with sessions() as session:
        pledge = await session.scalar(select(Pledge))
        assert pledge is not None
        assert pledge.status is PledgeStatus.FAILED
    tier = await get(sessions, RewardTier, tier_id)
    assert tier.reserved_count == 0


async def test_amounts_and_projects_are_checked(sessions: Sessions, pledges: PledgeService) -> None:
    owner, backer = await add_user(sessions), await add_user(sessions)
    live = await add_project(sessions, owner)
    ended = await add_project(sessions, owner, ends_at=utcnow() - timedelta(minutes=1))
    draft = await add_project(sessions, owner, status=ProjectStatus.DRAFT)
    for project_id, cents, reason in [
        (live.id, 99, Reason.TOO_LOW),
        (live.id, 1_000_001, Reason.TOO_HIGH),
        (ended.id, 1_000, Reason.NOT_LIVE),
        (draft.id, 1_000, Reason.NOT_LIVE),
        (123_456, 1_000, Reason.NOT_LIVE),
    ]:
        with pytest.raises(PledgeRefused) as refused:
            await pledges.start_checkout(backer.id, project_id, None, cents, RETURN)
        assert refused.value.reason is reason
    assert PledgeService(sessions, None, max_cents=100, checkout_minutes=60) is not None
    unconfigured = PledgeService(sessions, None, max_cents=100_000, checkout_minutes=60)
    with pytest.raises(PledgeRefused) as closed:
        await unconfigured.start_checkout(backer.id, live.id, None, 1_000, RETURN)
    assert closed.value.reason is Reason.NOT_CONFIGURED


async def test_delayed_payment_then_success_or_failure(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, anna, yann = [await add_user(sessions) for _ in range(3)]
    project = await add_project(sessions, owner)
    good = await pledges.start_checkout(anna.id, project.id, None, 1_000, RETURN)
    bad = await pledges.start_checkout(yann.id, project.id, None, 1_000, RETURN)
    for link in (good, bad):
        await stand_in.pay(_session_of(stand_in, link.pledge_id), async_payment=True)
    await deliver(stand_in, events)
    assert (await get(sessions, Pledge, good.pledge_id)).status is PledgeStatus.PROCESSING
    await stand_in.settle_async(_session_of(stand_in, good.pledge_id), succeeded=True)
    await stand_in.settle_async(_session_of(stand_in, bad.pledge_id), succeeded=False)
    await deliver(stand_in, events)
    assert (await get(sessions, Pledge, good.pledge_id)).status is PledgeStatus.PAID
    assert (await get(sessions, Pledge, bad.pledge_id)).status is PledgeStatus.FAILED
    assert (await get(sessions, Project, project.id)).raised_cents == 1_000


async def test_crossing_half_and_full_goal_tells_followers_once(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn,
) -> None:  # fmt: skip
    owner, follower = await add_user(sessions), await add_user(sessions)
    backers = [await add_user(sessions) for _ in range(3)]
    project = await add_project(sessions, owner, goal_cents=10_000)
    async with sessions.begin() as session:
        session.add(Follow(user_id=follower.id, project_id=project.id))
    for backer, cents in zip(backers, (6_000, 1_000, 4_000), strict=True):
        link = await pledges.start_checkout(backer.id, project.id, None, cents, RETURN)
        await stand_in.pay(_session_of(stand_in, link.pledge_id))
        await deliver(stand_in, events)
    async with sessions() as session:
        rows = (await session.execute(
            select(OutboxMessage.user_id, OutboxMessage.payload)
            .where(OutboxMessage.kind == "milestone").order_by(OutboxMessage.id)
        )).all()  # fmt: skip
    to_follower = [payload["percent"] for user, payload in rows if user == follower.id]
    assert to_follower == [50, 100]


async def test_failed_all_or_nothing_campaign_refunds_every_pledge_exactly_once(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn, gateway: StripeGateway,
) -> None:  # fmt: skip
    owner = await add_user(sessions)
    backers = [await add_user(sessions) for _ in range(3)]
    project = await add_project(sessions, owner, goal_cents=100_000,
                                funding_model=FundingModel.ALL_OR_NOTHING)  # fmt: skip
    for backer in backers:
        link = await pledges.start_checkout(backer.id, project.id, None, 2_500, RETURN)
        await stand_in.pay(_session_of(stand_in, link.pledge_id))
    await deliver(stand_in, events)
    async with sessions.begin() as session:
        stored = await session.get(Project, project.id)
        assert stored is not None
        stored.ends_at = utcnow() - timedelta(seconds=1)

    campaigns = CampaignService(sessions, gateway)
    stand_in.fail_next("/v1/refunds", status=500, count=3)  # a refund that fails first
    await campaigns.run_once()
    assert (await get(sessions, Project, project.id)).status is ProjectStatus.FAILED
    later = utcnow() + timedelta(hours=7)
    for _ in range(3):
        await campaigns.run_once(later)
        await deliver(stand_in, events)  # charge.refunded events change nothing more
    async with sessions() as session:
        statuses = (await session.scalars(select(Pledge.status))).all()
        refunds = len(stand_in.refunds)
        refunded_rows = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "refunded")
        )
    assert statuses == [PledgeStatus.REFUNDED] * 3
    assert refunds == 3
    assert refunded_rows == 3
    stored = await get(sessions, Project, project.id)
    assert (stored.raised_cents, stored.contributors_count) == (0, 0)
    kinds = await outbox_kinds(sessions)
    assert (owner.id, "campaign_outcome") in kinds
    assert sum(kind == "campaign_outcome" for _, kind in kinds) == 4  # owner and 3 backers


async def test_a_refund_cut_short_by_a_crash_is_sent_once_its_lease_is_over(
    sessions: Sessions, pledges: PledgeService, events: PaymentEventService,
    stand_in: StripeStandIn, gateway: StripeGateway,
) -> None:  # fmt: skip
    owner, backer = await add_user(sessions), await add_user(sessions)
    project = await add_project(sessions, owner, goal_cents=100_000,
                                funding_model=FundingModel.ALL_OR_NOTHING)  # fmt: skip
    link = await pledges.start_checkout(backer.id, project.id, None, 2_500, RETURN)
    await stand_in.pay(_session_of(stand_in, link.pledge_id))
    await deliver(stand_in, events)
    now = utcnow()
    async with sessions.begin() as session:
        stored = await session.get(Project, project.id)
        assert stored is not None
        stored.ends_at = now - timedelta(seconds=1)
    settings = load_settings(
        _env_file=None, telegram_bot_token=TEST_TOKEN, refund_lease_seconds=120
    )
    calling = asyncio.Event()

    class DiesMidRefund(StripeGateway):
        async def refund(self, *_: object, **__: object) -> Any:
            calling.set()
            await asyncio.Event().wait()  # the worker is killed before Stripe answers

    dying_gateway = DiesMidRefund(stand_in.secret_key, stand_in.base_url)
    dying = asyncio.create_task(Services.create(sessions, settings, dying_gateway).campaigns
                                .run_once(now))  # fmt: skip
    await calling.wait()
    dying.cancel()
    await asyncio.gather(dying, return_exceptions=True)
    await dying_gateway.close()

    survivor = Services.create(sessions, settings, gateway).campaigns
    await survivor.run_once(now + timedelta(seconds=119))  # the refund may still be under way
    assert stand_in.refunds == {}
    assert (await get(sessions, Pledge, link.pledge_id)).status is PledgeStatus.REFUND_PENDING
    await survivor.run_once(now + timedelta(seconds=121))
    assert len(stand_in.refunds) == 1
    assert (await get(sessions, Pledge, link.pledge_id)).status is PledgeStatus.REFUNDED


async def test_keep_it_all_campaign_below_goal_succeeds(
    sessions: Sessions, gateway: StripeGateway
) -> None:
    owner = await add_user(sessions)
    project = await add_project(sessions, owner, funding_model=FundingModel.KEEP_IT_ALL,
                                ends_at=utcnow() - timedelta(seconds=1))  # fmt: skip
    sweep = await CampaignService(sessions, gateway).run_once()
    assert sweep.closed == [project.id]
    assert (await get(sessions, Project, project.id)).status is ProjectStatus.SUCCEEDED
    assert (await CampaignService(sessions, gateway).run_once()).closed == []


def _session_of(stand_in: StripeStandIn, pledge_id: int) -> str:
    return next(
        s["id"] for s in stand_in.sessions.values()
        if s["metadata"].get("pledge_id") == str(pledge_id)
    )  # fmt: skip


async def _tier_id(sessions: Sessions, project_id: int) -> int:
    async with sessions() as session:
        tier_id = await session.scalar(
            select(RewardTier.id).where(RewardTier.project_id == project_id)
        )
    assert tier_id is not None
    return int(tier_id)
