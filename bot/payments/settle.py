"""Apply what Stripe says about a pledge's own session to the pledge, inside the caller's
transaction: the one path webhooks, reconciliation and campaign closing share.

A pledge only moves forward: once charged, what was charged is kept; refunds only grow; an
unpaid end (expired, failed) gives way to a payment Stripe reports later, since the money is
Stripe's fact. So applying facts in any order, or twice, ends in the same state.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import PledgeStatus, ProjectStatus, utcnow
from bot.notifications.kinds import Kind, for_each, row
from bot.notifications.queue import OutboxQueue
from bot.payments.facts import SessionFacts
from bot.payments.gateway import CURRENCY
from bot.payments.ledger import (
    HOLDING_STATUSES,
    claim_unit,
    counted_cents,
    follow,
    milestones,
    recount,
    release,
)
from bot.storage.models import Pledge, Project, RewardTier, User

log = logging.getLogger(__name__)

REFUNDABLE_STATUSES = (PledgeStatus.PAID, PledgeStatus.REFUND_PENDING, PledgeStatus.ANOMALY)


async def settle(
    session: AsyncSession, pledge: Pledge, facts: SessionFacts, *, moderators: Collection[int]
) -> str:
    """Bring the pledge in line with its session; says what changed ("" when nothing did).

    `moderators` (the ids of MODERATOR_IDS, passed down from where the services are built) are
    told of an anomaly in the same transaction."""
    if facts.session_id != pledge.stripe_checkout_session_id:
        raise ValueError("facts of another session")  # callers look pledges up by session
    changes: list[str] = []
    pledge.stripe_payment_intent_id = pledge.stripe_payment_intent_id or facts.payment_intent
    _keep_contact(pledge, facts)
    if facts.paid and pledge.amount_charged_cents is None:
        pledge.amount_charged_cents = facts.amount_cents
        pledge.currency = facts.currency
        mismatch = _mismatch(pledge, facts)
        if mismatch:
            await _anomaly(session, pledge, mismatch, moderators)
            changes.append(f"anomaly ({mismatch})")
        else:
            await _count(session, pledge)
            changes.append(pledge.status.value)
    if await record_refunds(session, pledge, facts.refunded_cents):
        changes.append(f"refunded {pledge.amount_refunded_cents}")
    if pledge.amount_charged_cents is None and pledge.status in HOLDING_STATUSES:
        changes.append(await _unpaid(session, pledge, facts))
    return ", ".join(change for change in changes if change)


async def record_refunds(
    session: AsyncSession, pledge: Pledge, refunded_cents: int, refund_id: str | None = None
) -> bool:
    """Take a charge's refunded total into account; True when it grew."""
    pledge.stripe_refund_id = pledge.stripe_refund_id or refund_id
    if pledge.amount_charged_cents is None or refunded_cents <= pledge.amount_refunded_cents:
        return False
    pledge.amount_refunded_cents = min(refunded_cents, pledge.amount_charged_cents)
    project = await session.get(Project, pledge.project_id, with_for_update=True)
    if project is None:
        return True
    fully = pledge.amount_refunded_cents >= pledge.amount_charged_cents
    if fully and pledge.status in REFUNDABLE_STATUSES:
        pledge.status, pledge.refunded_at = PledgeStatus.REFUNDED, utcnow()
        await OutboxQueue(session).enqueue([
            row(pledge.user_id, Kind.REFUNDED, f"pledge:{pledge.id}:refunded", project.id,
                title=project.title, amount_cents=pledge.amount_refunded_cents)
        ])  # fmt: skip
    await recount(session, project)
    return True


def _keep_contact(pledge: Pledge, facts: SessionFacts) -> None:
    """What the payer gave Checkout, to deliver the reward: stored once, from the pledge's own
    session (looked up by its stored id or checkout key), never again after an erasure."""
    contact = facts.contact
    if contact is None or pledge.personal_data_erased_at is not None:
        return
    if pledge.contact_email is None and pledge.contact_name is None:
        pledge.contact_email = contact.email[:320] if contact.email else None
        pledge.contact_name = contact.name[:256] if contact.name else None
    if pledge.shipping_address is None and contact.shipping_address is not None:
        pledge.shipping_name = contact.shipping_name[:256] if contact.shipping_name else None
        pledge.shipping_address = contact.shipping_address


def _mismatch(pledge: Pledge, facts: SessionFacts) -> str | None:
    if facts.currency != CURRENCY:
        return "currency"
    if facts.amount_cents != pledge.amount_cents:
        return "amount"
    return None


async def _unpaid(session: AsyncSession, pledge: Pledge, facts: SessionFacts) -> str:
    if facts.failed:
        await release(session, pledge, PledgeStatus.FAILED)
        return PledgeStatus.FAILED.value
    if facts.status == "expired":
        await release(session, pledge, PledgeStatus.EXPIRED)
        return PledgeStatus.EXPIRED.value
    if facts.status == "complete" and pledge.status is PledgeStatus.PENDING:
        # Delayed methods (SEPA...) complete unpaid; the reward unit stays held.
        pledge.status, pledge.open_checkout_slot = PledgeStatus.PROCESSING, None
        return PledgeStatus.PROCESSING.value
    return ""


async def _count(session: AsyncSession, pledge: Pledge) -> None:
    """Count a paid pledge once: totals, reward claimed, auto-follow, thanks and milestones."""
    project = await session.get(Project, pledge.project_id, with_for_update=True)
    if project is None:
        return
    sold_out = not await claim_unit(session, pledge)
    pledge.paid_at, pledge.open_checkout_slot = utcnow(), None
    if project.status is ProjectStatus.FAILED:
        # Paid after an all-or-nothing campaign failed: refund it like the others.
        pledge.status, pledge.refund_retry_at = PledgeStatus.REFUND_PENDING, utcnow()
        await recount(session, project)
        return
    pledge.status = PledgeStatus.PAID
    before = await counted_cents(session, project)
    await recount(session, project)
    await follow(session, pledge.user_id, project)
    tier = await session.get(RewardTier, pledge.reward_tier_id) if pledge.reward_tier_id else None
    outbox = OutboxQueue(session)
    if sold_out and tier is not None:
        log.warning("pledge %s paid after its reward sold out: contributor asked", pledge.id)
        pledge.reward_sold_out = True
        await outbox.enqueue([
            row(pledge.user_id, Kind.REWARD_SOLD_OUT, f"pledge:{pledge.id}:sold_out", project.id,
                pledge_id=pledge.id, title=project.title, amount_cents=pledge.amount_cents,
                reward=tier.title)
        ])  # fmt: skip
    else:
        await outbox.enqueue([
            row(pledge.user_id, Kind.PLEDGE_THANKS, f"pledge:{pledge.id}:thanks", project.id,
                pledge_id=pledge.id, title=project.title, amount_cents=pledge.amount_cents,
                reward=tier.title if tier else None)
        ])  # fmt: skip
    counted = await counted_cents(session, project)  # the percentage its card shows
    await outbox.enqueue([
        row(project.owner_id, Kind.OWNER_NEW_PLEDGE, f"pledge:{pledge.id}:owner", project.id,
            title=project.title, amount_cents=pledge.amount_cents,
            raised_cents=counted, goal_cents=project.goal_cents),
    ])  # fmt: skip
    await milestones(session, project, before)


async def _anomaly(
    session: AsyncSession, pledge: Pledge, reason: str, moderators: Collection[int]
) -> None:
    """Stripe charged something else than the pledge: never counted, kept for a moderator."""
    log.warning(
        "payment anomaly on pledge %s (%s): Stripe charged %s %s for a pledge of %s eur",
        pledge.id, reason, pledge.amount_charged_cents, pledge.currency, pledge.amount_cents,
    )  # fmt: skip
    await release(session, pledge, PledgeStatus.ANOMALY)
    pledge.status, pledge.anomaly, pledge.open_checkout_slot = PledgeStatus.ANOMALY, reason, None
    project = await session.get(Project, pledge.project_id)
    title = project.title if project else ""
    outbox = OutboxQueue(session)
    await outbox.enqueue([
        row(pledge.user_id, Kind.PLEDGE_ANOMALY, f"pledge:{pledge.id}:anomaly", pledge.project_id,
            title=title, amount_cents=pledge.amount_cents)
    ])  # fmt: skip
    # Moderators who never wrote to the bot have no user row, and Telegram would refuse them.
    reachable = (await session.scalars(
        select(User.id).where(User.id.in_(sorted(set(moderators)))).order_by(User.id)
    )).all() if moderators else []  # fmt: skip
    await outbox.enqueue(for_each(
        reachable, Kind.MODERATOR_ANOMALY, f"pledge:{pledge.id}:anomaly:moderator",
        pledge.project_id, title=title, pledge_id=pledge.id, expected_cents=pledge.amount_cents,
        charged_cents=pledge.amount_charged_cents, currency=pledge.currency, reason=reason,
    ))  # fmt: skip
