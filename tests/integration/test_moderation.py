"""Moderation decides once, records who decided what and why, and tells the owner."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import Decision, ProjectStatus, utcnow
from bot.services.moderation import ModerationService
from bot.storage.models import ModerationDecision, OutboxMessage, Project
from tests.factories import add_project, add_user

Sessions = async_sessionmaker[AsyncSession]


async def _submitted(sessions: Sessions) -> Project:
    owner = await add_user(sessions, first_name="Katell")
    return await add_project(sessions, owner, status=ProjectStatus.IN_REVIEW, starts_at=None,
                             ends_at=None, submitted_at=utcnow(), duration_days=40)  # fmt: skip


async def test_two_moderators_pressing_at_once_decide_once(sessions: Sessions) -> None:
    moderation = ModerationService(sessions)
    project = await _submitted(sessions)
    first, second = await add_user(sessions, first_name="Soazig"), await add_user(sessions)
    verdicts = await asyncio.gather(
        moderation.decide(first.id, project.id, Decision.APPROVE),
        moderation.decide(second.id, project.id, Decision.REJECT, "Hors champ"),
    )
    assert sorted(v.decided for v in verdicts) == [False, True]
    winner = next(v for v in verdicts if v.decided)
    loser = next(v for v in verdicts if not v.decided)
    assert loser.decision is winner.decision  # the late one is told what was decided
    async with sessions() as session:
        records = (await session.scalars(select(ModerationDecision))).all()
        owner_told = (await session.scalars(select(OutboxMessage))).all()
        stored = await session.get(Project, project.id)
    assert len(records) == 1
    assert records[0].decision is winner.decision
    assert [row.payload["decision"] for row in owner_told] == [winner.decision.value]
    assert stored is not None
    assert stored.status in (ProjectStatus.LIVE, ProjectStatus.REJECTED)


async def test_approval_opens_the_campaign_for_its_duration_and_the_queue_empties(
    sessions: Sessions,
) -> None:
    moderation = ModerationService(sessions)
    project = await _submitted(sessions)
    moderator = await add_user(sessions, first_name="Soazig")
    queue, total = await moderation.queue()
    assert (total, [s.project_id for s in queue]) == (1, [project.id])
    verdict = await moderation.decide(moderator.id, project.id, Decision.APPROVE)
    assert (verdict.decided, verdict.moderator_name) == (True, "Soazig")
    async with sessions() as session:
        stored = await session.get(Project, project.id)
        record = await session.scalar(select(ModerationDecision))
    assert stored is not None
    assert stored.status is ProjectStatus.LIVE
    assert stored.starts_at is not None
    assert stored.ends_at is not None
    assert (stored.ends_at - stored.starts_at).days == 40
    assert record is not None
    assert (record.moderator_id, record.decision, record.reason) == (
        moderator.id, Decision.APPROVE, None,
    )  # fmt: skip
    assert await moderation.queue() == ([], 0)


async def test_a_change_request_reopens_the_draft_on_its_preview(sessions: Sessions) -> None:
    moderation = ModerationService(sessions)
    project = await _submitted(sessions)
    moderator = await add_user(sessions)
    await moderation.decide(moderator.id, project.id, Decision.REQUEST_CHANGES, "Le budget ?")
    async with sessions() as session:
        stored = await session.get(Project, project.id)
        told = await session.scalar(select(OutboxMessage))
    assert stored is not None
    assert (stored.status, stored.wizard_step) == (ProjectStatus.CHANGES_REQUESTED, "preview")
    assert told is not None
    assert told.payload["reason"] == "Le budget ?"


async def test_a_resubmission_shows_the_request_and_what_changed_and_a_claim_holds(
    sessions: Sessions,
) -> None:
    moderation = ModerationService(sessions)
    project = await _submitted(sessions)
    soazig, erwan = await add_user(sessions, first_name="Soazig"), await add_user(sessions)
    first = await moderation.submitted(project.id)
    assert first is not None
    assert first.resubmission is None
    held = await moderation.claim(soazig.id, project.id)
    assert held is not None
    assert held[1]
    assert held[0].name == "Soazig"
    other = await moderation.claim(erwan.id, project.id, take_over=True)  # too recent to take
    assert other is not None
    assert not other[1]
    assert other[0].moderator_id == soazig.id
    verdict = await moderation.decide(
        soazig.id, project.id, Decision.REQUEST_CHANGES, "Le budget ?"
    )
    assert verdict.decided
    assert verdict.decided_at is not None
    async with sessions.begin() as session:
        stored = await session.get(Project, project.id)
        assert stored is not None
        stored.title, stored.goal_cents = "Un autre titre", 200_000
        stored.status, stored.submitted_at = ProjectStatus.IN_REVIEW, utcnow()
    again = await moderation.submitted(project.id)
    assert again is not None
    assert again.claim is None  # the decision released the claim
    assert again.resubmission is not None
    assert again.resubmission.reason == "Le budget ?"
    changed = {c.field: (c.old, c.new) for c in again.resubmission.changes}
    assert changed == {"title": ("Un projet breton", "Un autre titre"),
                       "goal_cents": (500_000, 200_000)}  # fmt: skip
    queue, _ = await moderation.queue()
    assert queue[0].resubmission is not None
