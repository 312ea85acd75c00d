"""What a pledge may be: on a live project, within the amount bounds, for a reward that is still
there and not sold out. Checked before the summary is shown and again, in the same transaction,
when the pending pledge is recorded: the project or the reward may have changed in between.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import ProjectStatus, Reason, utcnow
from bot.storage.models import Project, RewardTier

MIN_PLEDGE_CENTS = 100  # 1 €; Stripe's own minimum for EUR is 0.50 €


class PledgeRefused(Exception):
    """The pledge cannot be made as asked; `reason` says why, for the user."""

    def __init__(self, reason: Reason, limit_cents: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit_cents = limit_cents


async def live_project(session: AsyncSession, project_id: int) -> Project | None:
    """The project while it takes pledges: live, and its campaign not over (the campaign worker
    may not have closed it yet)."""
    project = await session.get(Project, project_id)
    if project is None or project.status is not ProjectStatus.LIVE:
        return None
    if project.ends_at is None or project.ends_at <= utcnow():
        return None
    return project


async def validate(
    session: AsyncSession, project_id: int, tier_id: int | None, amount_cents: int,
    *, max_cents: int,
) -> Project:  # fmt: skip
    """The project, or PledgeRefused with the first rule this pledge breaks."""
    project = await live_project(session, project_id)
    if project is None:
        raise PledgeRefused(Reason.NOT_LIVE)
    if amount_cents < MIN_PLEDGE_CENTS:
        raise PledgeRefused(Reason.TOO_LOW, MIN_PLEDGE_CENTS)
    if amount_cents > max_cents:
        raise PledgeRefused(Reason.TOO_HIGH, max_cents)
    if tier_id is not None:
        tier = await session.get(RewardTier, tier_id)
        if tier is None or tier.project_id != project_id:
            raise PledgeRefused(Reason.UNKNOWN_TIER)
        if amount_cents < tier.min_amount_cents:
            raise PledgeRefused(Reason.BELOW_TIER, tier.min_amount_cents)
        if tier.units_left == 0:
            raise PledgeRefused(Reason.SOLD_OUT)
    return project
