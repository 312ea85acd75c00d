"""Each submission of a project to the moderators: a snapshot of what was submitted, the
claim of the moderator reviewing it, and the panel messages shown for it.

The snapshot holds the reviewable fields as plain JSON values, so that a resubmission after
"changes requested" can show, field by field, what the owner changed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import (
    Claim,
    Decision,
    DeliveryMode,
    FieldChange,
    PanelMessage,
    ProjectText,
    Resubmission,
    RewardDetail,
)
from bot.storage.models import (
    ModerationDecision,
    ModerationPanel,
    ModerationSubmission,
    Project,
    RewardTier,
)

# A claim older than this may be taken over: its moderator has probably moved on.
CLAIM_EXPIRY = timedelta(hours=24)
REVIEWED_FIELDS = (
    "title",
    "summary",
    "description",
    "commune",
    "departement",
    "goal_cents",
    "duration_days",
    "funding_model",
    "rewards",
    "photo",
    "breton_connection",
    "translation_title",
    "translation_summary",
)


def snapshot(project: Project) -> dict[str, Any]:
    """The reviewable fields of a project, as JSON values."""
    return {
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "commune": project.commune,
        "departement": project.departement.value if project.departement else None,
        "goal_cents": project.goal_cents,
        "duration_days": project.duration_days,
        "funding_model": project.funding_model.value,
        "rewards": [_reward_json(tier) for tier in project.reward_tiers],
        "photo": project.photo_file_id,
        "breton_connection": project.breton_connection,
        # The title and summary in the other language; a submission recorded before they
        # existed has none, and reads as empty.
        "translation_title": project.translation.title if project.translation else "",
        "translation_summary": project.translation.summary if project.translation else "",
    }


def translation_of(project: Project) -> ProjectText | None:
    """The title and summary the owner gave in the project's other language."""
    given = project.translation
    return ProjectText(given.locale, given.title, given.summary) if given else None


def _reward_json(tier: RewardTier) -> dict[str, Any]:
    return {
        "title": tier.title,
        "description": tier.description,
        "min_amount_cents": tier.min_amount_cents,
        "quantity_limit": tier.quantity_limit,
        "estimated_delivery": tier.estimated_delivery.isoformat()
        if tier.estimated_delivery
        else None,
        "delivery_mode": DeliveryMode(tier.delivery_mode).value,
        "shipping_countries": tier.shipping_countries,
    }


def changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[FieldChange, ...]:
    """The reviewable fields that differ between two snapshots, in the panel's order."""
    return tuple(
        FieldChange(name, old.get(name), new.get(name))
        for name in REVIEWED_FIELDS
        if old.get(name) != new.get(name)
    )


def reward_details(project: Project) -> tuple[RewardDetail, ...]:
    return tuple(
        RewardDetail(
            tier.title,
            tier.description,
            tier.min_amount_cents,
            tier.quantity_limit,
            tier.estimated_delivery,
            DeliveryMode(tier.delivery_mode),
            tier.shipping_countries,
        )
        for tier in project.reward_tiers
    )


async def latest(session: AsyncSession, project_id: int) -> ModerationSubmission | None:
    return await session.scalar(
        select(ModerationSubmission).where(ModerationSubmission.project_id == project_id)
        .order_by(ModerationSubmission.id.desc()).limit(1)
    )  # fmt: skip


async def open_submission(session: AsyncSession, project: Project) -> ModerationSubmission:
    """The submission waiting for a decision, recorded now if it was not yet (a project
    submitted before submissions were recorded gets one on first sight)."""
    current = await latest(session, project.id)
    if current is not None and current.decided_at is None:
        return current
    current = ModerationSubmission(project_id=project.id, snapshot=snapshot(project))
    if project.submitted_at is not None:
        current.submitted_at = project.submitted_at
    session.add(current)
    await session.flush()
    return current


def claim_of(submission: ModerationSubmission | None) -> Claim | None:
    if submission is None or submission.claimed_by is None or submission.claimed_at is None:
        return None
    return Claim(submission.claimed_by, submission.claimed_by_name or "?", submission.claimed_at)


async def resubmission(
    session: AsyncSession, submission: ModerationSubmission
) -> Resubmission | None:
    """For a submission following "changes requested": the request, and what changed since
    the submission it was about."""
    request = await session.scalar(
        select(ModerationDecision)
        .where(ModerationDecision.project_id == submission.project_id,
               ModerationDecision.created_at <= submission.submitted_at)
        .order_by(ModerationDecision.id.desc()).limit(1)
    )  # fmt: skip
    if request is None or request.decision is not Decision.REQUEST_CHANGES:
        return None
    earlier = await session.scalar(
        select(ModerationSubmission)
        .where(ModerationSubmission.project_id == submission.project_id,
               ModerationSubmission.id < submission.id)
        .order_by(ModerationSubmission.id.desc()).limit(1)
    )  # fmt: skip
    changed = changes(earlier.snapshot, submission.snapshot) if earlier else ()
    return Resubmission(request.reason or "", changed)


async def panels_of(session: AsyncSession, submission_id: int) -> tuple[PanelMessage, ...]:
    rows = await session.scalars(
        select(ModerationPanel).where(ModerationPanel.submission_id == submission_id)
        .order_by(ModerationPanel.id)
    )  # fmt: skip
    return tuple(
        PanelMessage(p.chat_id, p.message_id, p.has_buttons, p.is_caption) for p in rows.all()
    )
