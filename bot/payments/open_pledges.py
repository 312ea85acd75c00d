"""The user's open pledge for a reward: the summary they were shown (a draft), or the pledge
whose payment page is open. One per user, project and reward, found again when they come back.

A draft holds nothing (no reward unit, no Stripe session): it only remembers the amount the
summary showed, so that "Continuer" opens that pledge, `/annuler` can say what it cancels, and a
summary's button pressed after a cancellation is answered as such instead of paying.
"""

from __future__ import annotations

from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import PledgeStatus, SupporterChoice
from bot.payments.checkout import open_checkout, open_slot
from bot.payments.supporters import apply_choice, choice_of, latest_choice, refreshed
from bot.storage.models import Pledge

OPEN_STATUSES = (PledgeStatus.DRAFT, PledgeStatus.PENDING)


def _of(user_id: int, project_id: int, tier_id: int | None) -> Select[Pledge]:
    tier = Pledge.reward_tier_id.is_(None) if tier_id is None else Pledge.reward_tier_id == tier_id
    return select(Pledge).where(Pledge.user_id == user_id, Pledge.project_id == project_id, tier)


async def draft_of(
    session: AsyncSession, user_id: int, project_id: int, tier_id: int | None
) -> Pledge | None:
    """The draft for this reward (locked: it is about to change)."""
    statement = _of(user_id, project_id, tier_id).where(Pledge.status == PledgeStatus.DRAFT)
    return await session.scalar(statement.order_by(Pledge.id.desc()).limit(1).with_for_update())


async def remember_summary(
    session: AsyncSession, user_id: int, project_id: int, tier_id: int | None, amount_cents: int,
    *, name: str | None = None, choice: SupporterChoice | None = None,
) -> SupporterChoice:  # fmt: skip
    """The summary of this amount is shown: its draft follows it (created the first time).
    Nothing changes when the open payment page is for this very amount: it answers "Continuer".

    The pledge that "Continuer" opens keeps how its contributor appears on the card: `choice`
    when they just chose, else what it held (a new draft: their latest choice), with `name`,
    their first name today, when it is to be shown by name. Returns the choice kept."""
    held = await open_checkout(session, open_slot(user_id, project_id, tier_id))
    pledge = None
    if held is not None and held.amount_cents == amount_cents:
        pledge = await session.get(Pledge, held.pledge_id)
    if pledge is None:
        pledge = await draft_of(session, user_id, project_id, tier_id)
    if pledge is None:
        inherited = await latest_choice(session, user_id)
        pledge = Pledge(user_id=user_id, project_id=project_id, reward_tier_id=tier_id,
                        status=PledgeStatus.DRAFT)  # fmt: skip
        apply_choice(pledge, inherited)
        session.add(pledge)
    if pledge.status is PledgeStatus.DRAFT:
        pledge.amount_cents = amount_cents
    kept = refreshed(choice if choice is not None else choice_of(pledge), name)
    apply_choice(pledge, kept)
    return kept


async def open_ids(
    session: AsyncSession, user_id: int, project_id: int, tier_id: int | None
) -> list[int]:
    """The open pledges for this reward, the one with a payment page first."""
    pending_first = case((Pledge.status == PledgeStatus.PENDING, 0), else_=1)
    statement = _of(user_id, project_id, tier_id).where(Pledge.status.in_(OPEN_STATUSES))
    pledges = await session.scalars(statement.order_by(pending_first, Pledge.id.desc()))
    return [pledge.id for pledge in pledges]


async def cancelled_last(
    session: AsyncSession, user_id: int, project_id: int, tier_id: int | None
) -> bool:
    """True when the user's latest pledge for this reward is one they cancelled: a summary
    shown before the cancellation must not open a payment page."""
    latest = await session.scalar(
        _of(user_id, project_id, tier_id).order_by(Pledge.id.desc()).limit(1)
    )
    return latest is not None and latest.status is PledgeStatus.CANCELLED
