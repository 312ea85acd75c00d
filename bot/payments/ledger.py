"""Money bookkeeping shared by webhooks and campaign closing, inside the caller's transaction.

Invariants: a project's `raised_cents` is the sum of its PAID pledges and `contributors_count`
the number of distinct users with one; a tier's claimed + reserved units never exceed its limit
(also a CHECK constraint). Every function here is safe to call twice for the same pledge.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import FundingModel, PledgeStatus, ProjectStatus, utcnow
from bot.notifications.kinds import Kind, for_each, row
from bot.notifications.queue import OutboxQueue
from bot.storage.models import Follow, Pledge, Project, RewardTier
from bot.storage.sql import affected_rows

log = logging.getLogger(__name__)

HOLDING_STATUSES = (PledgeStatus.PENDING, PledgeStatus.PROCESSING)  # a tier unit is reserved
MILESTONES = (50, 100)


async def reserve_unit(session: AsyncSession, tier_id: int) -> bool:
    """Hold one unit of a tier for an open checkout; False when none is left."""
    result = await session.execute(
        update(RewardTier)
        .where(
            RewardTier.id == tier_id,
            (RewardTier.quantity_limit.is_(None))
            | (RewardTier.claimed_count + RewardTier.reserved_count < RewardTier.quantity_limit),
        )
        .values(reserved_count=RewardTier.reserved_count + 1)
    )
    return bool(affected_rows(result))


async def release(session: AsyncSession, pledge: Pledge, status: PledgeStatus) -> None:
    """End an unpaid pledge (expired, failed, cancelled) and give its reserved unit back."""
    if pledge.status not in HOLDING_STATUSES:
        return
    if pledge.reward_tier_id is not None:
        await session.execute(
            update(RewardTier)
            .where(RewardTier.id == pledge.reward_tier_id, RewardTier.reserved_count > 0)
            .values(reserved_count=RewardTier.reserved_count - 1)
        )
    pledge.status = status


async def mark_paid(session: AsyncSession, pledge: Pledge, payment_intent: str | None) -> None:
    """Count a paid pledge once: totals, reward claimed, auto-follow, thanks and milestones."""
    if pledge.status not in (*HOLDING_STATUSES, PledgeStatus.EXPIRED, PledgeStatus.FAILED):
        return  # already counted (a replay, or a late duplicate)
    project = await session.get(Project, pledge.project_id, with_for_update=True)
    if project is None:
        return
    await _claim_tier(session, pledge)
    pledge.stripe_payment_intent_id = payment_intent or pledge.stripe_payment_intent_id
    pledge.paid_at = utcnow()
    if project.status is ProjectStatus.FAILED:
        # Paid after an all-or-nothing campaign failed: refund it like the others.
        pledge.status, pledge.refund_retry_at = PledgeStatus.REFUND_PENDING, utcnow()
        return
    pledge.status = PledgeStatus.PAID
    before = project.raised_cents
    await recount(session, project)
    await _follow(session, pledge.user_id, project)
    outbox = OutboxQueue(session)
    await outbox.enqueue([
        row(pledge.user_id, Kind.PLEDGE_THANKS, f"pledge:{pledge.id}:thanks", project.id,
            pledge_id=pledge.id, title=project.title, amount_cents=pledge.amount_cents,
            reward=await _reward_title(session, pledge)),
        row(project.owner_id, Kind.OWNER_NEW_PLEDGE, f"pledge:{pledge.id}:owner", project.id,
            title=project.title, amount_cents=pledge.amount_cents,
            raised_cents=project.raised_cents, goal_cents=project.goal_cents),
    ])  # fmt: skip
    await _milestones(session, project, before)


async def _reward_title(session: AsyncSession, pledge: Pledge) -> str | None:
    tier = await session.get(RewardTier, pledge.reward_tier_id) if pledge.reward_tier_id else None
    return tier.title if tier else None


async def _claim_tier(session: AsyncSession, pledge: Pledge) -> None:
    if pledge.reward_tier_id is None:
        return
    if pledge.status in HOLDING_STATUSES:
        await session.execute(
            update(RewardTier)
            .where(RewardTier.id == pledge.reward_tier_id)
            .values(
                reserved_count=RewardTier.reserved_count - 1,
                claimed_count=RewardTier.claimed_count + 1,
            )
        )
        return
    # Its reservation was already released (the session had expired): claim a unit anew if
    # one is left, else keep the money as a gift without the reward rather than oversell.
    claimed = await session.execute(
        update(RewardTier)
        .where(
            RewardTier.id == pledge.reward_tier_id,
            (RewardTier.quantity_limit.is_(None))
            | (RewardTier.claimed_count + RewardTier.reserved_count < RewardTier.quantity_limit),
        )
        .values(claimed_count=RewardTier.claimed_count + 1)
    )
    if not affected_rows(claimed):
        log.warning("pledge %s paid after its reward sold out: kept as a gift", pledge.id)
        pledge.reward_tier_id = None


async def mark_refunded(session: AsyncSession, pledge: Pledge, refund_id: str | None) -> bool:
    """Record a refund once; True when this call recorded it."""
    if pledge.status not in (PledgeStatus.PAID, PledgeStatus.REFUND_PENDING):
        return False
    pledge.status = PledgeStatus.REFUNDED
    pledge.refunded_at = utcnow()
    pledge.stripe_refund_id = refund_id or pledge.stripe_refund_id
    project = await session.get(Project, pledge.project_id, with_for_update=True)
    if project is not None:
        await recount(session, project)
        await OutboxQueue(session).enqueue([
            row(pledge.user_id, Kind.REFUNDED, f"pledge:{pledge.id}:refunded", project.id,
                title=project.title, amount_cents=pledge.amount_cents)
        ])  # fmt: skip
    return True


async def recount(session: AsyncSession, project: Project) -> None:
    """Recompute a project's cached totals from its paid pledges."""
    await session.flush()
    totals = await session.execute(
        select(
            func.coalesce(func.sum(Pledge.amount_cents), 0), func.count(Pledge.user_id.distinct())
        ).where(Pledge.project_id == project.id, Pledge.status == PledgeStatus.PAID)
    )
    raised, contributors = totals.one()
    project.raised_cents, project.contributors_count = int(raised), int(contributors)


async def _follow(session: AsyncSession, user_id: int, project: Project) -> None:
    """Contributors follow what they support (they can unfollow)."""
    if await session.get(Follow, (user_id, project.id)) is None:
        session.add(Follow(user_id=user_id, project_id=project.id))
        project.followers_count += 1


async def _milestones(session: AsyncSession, project: Project, before_cents: int) -> None:
    """Tell followers once when the project crosses 50 % and 100 % of its goal."""
    reached = [m for m in MILESTONES if project.raised_cents * 100 >= m * project.goal_cents]
    new = [
        m
        for m in reached
        if m > project.milestone_notified and before_cents * 100 < m * project.goal_cents
    ]
    if not new:
        return
    milestone = max(new)
    project.milestone_notified = milestone
    followers = (
        await session.scalars(select(Follow.user_id).where(Follow.project_id == project.id))
    ).all()
    await OutboxQueue(session).enqueue(
        for_each(followers, Kind.MILESTONE, f"milestone:{project.id}:{milestone}", project.id,
                 title=project.title, percent=milestone)
    )  # fmt: skip


def outcome(project: Project) -> ProjectStatus:
    """How a campaign ends: keep-it-all always succeeds; all-or-nothing needs its goal."""
    if (
        project.funding_model is FundingModel.KEEP_IT_ALL
        or project.raised_cents >= project.goal_cents
    ):
        return ProjectStatus.SUCCEEDED
    return ProjectStatus.FAILED
