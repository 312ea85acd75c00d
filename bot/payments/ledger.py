"""Money bookkeeping shared by webhooks, reconciliation and campaign closing, inside the
caller's transaction.

Invariants: a project's `raised_cents` is the sum, over its counted pledges (PAID or
REFUND_PENDING, without anomaly), of what Stripe charged minus what it refunded, and
`contributors_count` the number of distinct users with money still counted; a tier's claimed +
reserved units never exceed its limit (also a CHECK constraint). Every function here is safe to
call twice for the same pledge.
"""

from __future__ import annotations

import logging

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import FundingModel, PledgeStatus, ProjectStatus, utcnow
from bot.matching import rules
from bot.matching.queries import active_match, matched_total, view_of
from bot.notifications.chat_queue import queue_for_chats
from bot.notifications.kinds import Kind, for_each
from bot.notifications.queue import OutboxQueue
from bot.storage.models import Follow, PartnerMatch, Pledge, Project, RewardTier
from bot.storage.sql import affected_rows

log = logging.getLogger(__name__)

HOLDING_STATUSES = (PledgeStatus.PENDING, PledgeStatus.PROCESSING)  # a tier unit is reserved
# Money Stripe holds for the project: paid, or paid and being refunded.
COUNTED_STATUSES = (PledgeStatus.PAID, PledgeStatus.REFUND_PENDING)
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
    pledge.open_checkout_slot = None


async def recount(session: AsyncSession, project: Project) -> None:
    """Recompute a project's cached totals from what Stripe holds for its counted pledges."""
    await session.flush()
    # Rows older than the ledger have no charged amount: they were charged their own amount.
    held = func.coalesce(Pledge.amount_charged_cents, Pledge.amount_cents) - (
        Pledge.amount_refunded_cents
    )
    totals = await session.execute(
        select(func.coalesce(func.sum(held), 0), func.count(Pledge.user_id.distinct())).where(
            Pledge.project_id == project.id,
            Pledge.status.in_(COUNTED_STATUSES),
            Pledge.anomaly.is_(None),
            held > 0,
        )
    )
    raised, contributors = totals.one()
    project.raised_cents, project.contributors_count = int(raised), int(contributors)
    match = await active_match(session, project.id)
    if match is not None:
        await refresh_match(session, project, match)


async def refresh_match(session: AsyncSession, project: Project, match: PartnerMatch) -> None:
    """Recompute what a partner's match adds, from the counted pledges and when they were paid
    (`bot/matching/rules.py`); `project.raised_cents` must be up to date."""
    await session.flush()
    held = func.coalesce(Pledge.amount_charged_cents, Pledge.amount_cents) - (
        Pledge.amount_refunded_cents
    )
    before_end = Pledge.paid_at.is_(None) | (Pledge.paid_at < match.ends_at)
    during = (Pledge.paid_at >= match.starts_at) & (Pledge.paid_at < match.ends_at)
    sums = await session.execute(
        select(
            func.coalesce(func.sum(case((before_end, held), else_=0)), 0),
            func.coalesce(func.sum(case((during, held), else_=0)), 0),
        ).where(
            Pledge.project_id == project.id,
            Pledge.status.in_(COUNTED_STATUSES),
            Pledge.anomaly.is_(None),
            held > 0,
        )
    )
    before, while_in_force = sums.one()
    paid = rules.Contributions(project.raised_cents, int(before), int(while_in_force))
    match.matched_cents = rules.matched_cents(view_of(match), project.goal_cents, paid)
    match.computed_at = utcnow()


async def counted_cents(session: AsyncSession, project: Project) -> int:
    """How far the project is: its contributors' money and what its partner's match adds."""
    await session.flush()
    return project.raised_cents + await matched_total(session, project.id)


async def claim_unit(session: AsyncSession, pledge: Pledge) -> bool:
    """Turn the pledge's reward into a claimed unit; False when it sold out meanwhile."""
    if pledge.reward_tier_id is None:
        return True
    if pledge.status in HOLDING_STATUSES:
        await session.execute(
            update(RewardTier)
            .where(RewardTier.id == pledge.reward_tier_id)
            .values(
                reserved_count=RewardTier.reserved_count - 1,
                claimed_count=RewardTier.claimed_count + 1,
            )
        )
        return True
    # Its reservation was already released (the session had expired, or opening it timed
    # out): claim a unit anew if one is left, never oversell.
    claimed = await session.execute(
        update(RewardTier)
        .where(
            RewardTier.id == pledge.reward_tier_id,
            (RewardTier.quantity_limit.is_(None))
            | (RewardTier.claimed_count + RewardTier.reserved_count < RewardTier.quantity_limit),
        )
        .values(claimed_count=RewardTier.claimed_count + 1)
    )
    return bool(affected_rows(claimed))


async def follow(session: AsyncSession, user_id: int, project: Project) -> None:
    """Contributors follow what they support (they can unfollow)."""
    if await session.get(Follow, (user_id, project.id)) is None:
        session.add(Follow(user_id=user_id, project_id=project.id))
        project.followers_count += 1


async def milestones(session: AsyncSession, project: Project, before_cents: int) -> None:
    """Tell followers once when the project crosses 50 % and 100 % of its goal, its partner's
    match included (`before_cents`: `counted_cents` before the change)."""
    counted = await counted_cents(session, project)
    reached = [m for m in MILESTONES if counted * 100 >= m * project.goal_cents]
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
    # Reached thanks to a partner: the notification names it.
    match = await active_match(session, project.id)
    thanks: dict[str, str] = {}
    if match is not None and project.raised_cents * 100 < milestone * project.goal_cents:
        thanks = {"partner": match.partner_name or ""}
    await OutboxQueue(session).enqueue(
        for_each(followers, Kind.MILESTONE, f"milestone:{project.id}:{milestone}", project.id,
                 title=project.title, percent=milestone, **thanks)
    )  # fmt: skip
    await queue_for_chats(session, project.id, Kind.MILESTONE,
                          f"milestone:{project.id}:{milestone}",
                          {"title": project.title, "percent": milestone, **thanks})  # fmt: skip


def outcome(project: Project, matched_cents: int = 0) -> ProjectStatus:
    """How a campaign ends: keep-it-all always succeeds; all-or-nothing needs its goal, which
    a partner's match helps reach (the partner pays its share outside Stripe)."""
    if (
        project.funding_model is FundingModel.KEEP_IT_ALL
        or project.raised_cents + matched_cents >= project.goal_cents
    ):
        return ProjectStatus.SUCCEEDED
    return ProjectStatus.FAILED
