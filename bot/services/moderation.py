"""Moderation: the queue of submitted projects, and decisions taken once and recorded.

A decision locks the project's row (`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE`
serialises writers), so when two moderators press at once the second one finds the project
already decided. Every decision is a `moderation_decisions` row (who, when, what, why), and the
owner's notification is queued in the same transaction.

Each submission is also recorded (bot/services/moderation_submissions.py): its snapshot, the
moderator who took it in hand, and the panel messages to close once it is decided.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.catalogue.service import launch_preview
from bot.domain import (
    Anomaly,
    Claim,
    Decision,
    PanelMessage,
    PledgeStatus,
    ProjectStatus,
    Review,
    Verdict,
    utcnow,
)
from bot.notifications.kinds import Kind, row
from bot.notifications.queue import OutboxQueue
from bot.services import moderation_submissions as submissions
from bot.services.alerts import queue_launch_alerts
from bot.storage.models import ModerationDecision, ModerationPanel, Pledge, Project, User

QUEUE_SHOWN = 20
ANOMALIES_SHOWN = 5
REASON_LIMITS = (5, 1000)


class UnknownProject(Exception):
    pass


class ModerationService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def queue(self) -> tuple[list[Review], int]:
        """The oldest submissions first, and how many are waiting in all."""
        waiting = Project.status == ProjectStatus.IN_REVIEW
        async with self._sessions() as session:
            total = await session.scalar(select(func.count()).where(waiting))
            projects = await session.scalars(
                select(Project).where(waiting)
                .options(selectinload(Project.reward_tiers), selectinload(Project.translation))
                .order_by(Project.submitted_at, Project.id).limit(QUEUE_SHOWN)
            )  # fmt: skip
            return [await _review(session, p) for p in projects.all()], int(total or 0)

    async def anomalies(self) -> tuple[list[Anomaly], int]:
        """The pledges Stripe charged differently, most recent first, and how many in all."""
        in_anomaly = Pledge.status == PledgeStatus.ANOMALY
        async with self._sessions() as session:
            total = await session.scalar(select(func.count()).where(in_anomaly))
            rows = (await session.execute(
                select(Pledge, Project.title).join(Project, Project.id == Pledge.project_id)
                .where(in_anomaly).order_by(Pledge.id.desc()).limit(ANOMALIES_SHOWN)
            )).all()  # fmt: skip
        return [_anomaly(pledge, title) for pledge, title in rows], int(total or 0)

    async def review(self, project_id: int) -> Review | None:
        async with self._sessions() as session:
            project = await session.scalar(
                select(Project).where(Project.id == project_id)
                .options(selectinload(Project.reward_tiers), selectinload(Project.translation))
            )  # fmt: skip
            return await _review(session, project) if project else None

    async def submitted(self, project_id: int) -> Review | None:
        """Record a new submission (its snapshot), and the review to show the moderators."""
        async with self._sessions.begin() as session:
            project = await _loaded(session, project_id)
            if project is None or project.status is not ProjectStatus.IN_REVIEW:
                return None
            await submissions.open_submission(session, project)
            return await _review(session, project)

    async def remember_panel(self, project_id: int, messages: list[PanelMessage]) -> None:
        """The messages of a panel just sent, to close them once the project is decided."""
        async with self._sessions.begin() as session:
            current = await submissions.latest(session, project_id)
            if current is None:
                return
            session.add_all(
                ModerationPanel(submission_id=current.id, chat_id=m.chat_id,
                                message_id=m.message_id, has_buttons=m.has_buttons,
                                is_caption=m.is_caption)
                for m in messages
            )  # fmt: skip

    async def open_panels(self, project_id: int) -> tuple[PanelMessage, ...]:
        """The messages of the panels shown for the submission still waiting on `project_id`."""
        async with self._sessions() as session:
            current = await submissions.latest(session, project_id)
            if current is None or current.decided_at is not None:
                return ()
            return await submissions.panels_of(session, current.id)

    async def claim(
        self, moderator_id: int, project_id: int, *, take_over: bool = False
    ) -> tuple[Claim, bool] | None:
        """Take a waiting submission in hand: the claim that holds now, and whether it is this
        moderator's (another's claim is only taken over when asked and older than a day)."""
        async with self._sessions.begin() as session:
            project = await session.get(Project, project_id, with_for_update=True)
            if project is None or project.status is not ProjectStatus.IN_REVIEW:
                return None
            await session.refresh(project, ["reward_tiers", "translation"])
            current = await submissions.open_submission(session, project)
            now = utcnow()
            held = submissions.claim_of(current)
            free = held is None or held.moderator_id == moderator_id
            if free or (
                take_over and held is not None and now - held.since >= submissions.CLAIM_EXPIRY
            ):
                moderator = await session.get(User, moderator_id)
                current.claimed_by, current.claimed_at = moderator_id, now
                current.claimed_by_name = moderator.first_name if moderator else "?"
                held = submissions.claim_of(current)
            if held is None:  # unreachable: the claim was just set when it was free
                return None
            return held, held.moderator_id == moderator_id

    async def outcome(self, project_id: int) -> Verdict:
        """What became of a project that no longer waits (or None as decision if it never did)."""
        async with self._sessions() as session:
            project = await session.get(Project, project_id)
            if project is None:
                raise UnknownProject
            return await _earlier(session, project)

    async def decide(
        self, moderator_id: int, project_id: int, decision: Decision, reason: str | None = None
    ) -> Verdict:
        """Approve, ask for changes or refuse a submitted project, unless it was decided already."""
        async with self._sessions.begin() as session:
            project = await session.get(Project, project_id, with_for_update=True)
            if project is None:
                raise UnknownProject
            if project.status is not ProjectStatus.IN_REVIEW:
                return await _earlier(session, project)
            now = utcnow()
            if decision is Decision.APPROVE:
                project.status, project.starts_at = ProjectStatus.LIVE, now
                project.ends_at = now + timedelta(days=project.duration_days or 30)
            elif decision is Decision.REQUEST_CHANGES:
                project.status, project.wizard_step = ProjectStatus.CHANGES_REQUESTED, "preview"
            else:
                project.status = ProjectStatus.REJECTED
            record = ModerationDecision(
                project_id=project_id, moderator_id=moderator_id, decision=decision,
                reason=reason, created_at=now,
            )  # fmt: skip
            session.add(record)
            panels: tuple[PanelMessage, ...] = ()
            current = await submissions.latest(session, project_id)
            if current is not None and current.decided_at is None:
                current.decided_at, current.claimed_by, current.claimed_at = now, None, None
                panels = await submissions.panels_of(session, current.id)
            await session.flush()
            await OutboxQueue(session).enqueue([row(
                project.owner_id, Kind.MODERATION, f"moderation:{record.id}", project.id,
                decision=decision.value, reason=reason or "", title=project.title,
                ends_at=project.ends_at.isoformat() if project.ends_at else None,
            )])  # fmt: skip
            if decision is Decision.APPROVE:
                await queue_launch_alerts(session, project)
            moderator = await session.get(User, moderator_id)
            return Verdict(True, decision, moderator.first_name if moderator else None,
                           project.title, project.ends_at, now, panels)  # fmt: skip


def _anomaly(pledge: Pledge, title: str) -> Anomaly:
    return Anomaly(
        pledge_id=pledge.id,
        project_id=pledge.project_id,
        title=title,
        expected_cents=pledge.amount_cents,
        charged_cents=pledge.amount_charged_cents or 0,
        currency=pledge.currency or "eur",
        reason=pledge.anomaly or "",
    )


async def _earlier(session: AsyncSession, project: Project) -> Verdict:
    """What happened to a project no longer waiting: its latest decision, if any."""
    latest = await session.scalar(
        select(ModerationDecision).where(ModerationDecision.project_id == project.id)
        .order_by(ModerationDecision.id.desc()).limit(1)
    )  # fmt: skip
    if latest is None or project.status in (ProjectStatus.DRAFT, ProjectStatus.IN_REVIEW):
        return Verdict(False, None, None, project.title)
    moderator = await session.get(User, latest.moderator_id)
    name = moderator.first_name if moderator else None
    return Verdict(False, latest.decision, name, project.title, project.ends_at, latest.created_at)


async def _loaded(session: AsyncSession, project_id: int) -> Project | None:
    return await session.scalar(
        select(Project).where(Project.id == project_id)
        .options(selectinload(Project.reward_tiers), selectinload(Project.translation))
    )  # fmt: skip


async def _review(session: AsyncSession, project: Project) -> Review:
    owner = await session.get(User, project.owner_id)
    current = await submissions.latest(session, project.id)
    waiting = current is not None and current.decided_at is None
    return Review(
        project_id=project.id,
        status=project.status,
        owner_name=owner.first_name if owner else "?",
        owner_username=owner.username if owner else None,
        submitted_at=project.submitted_at,
        breton_connection=project.breton_connection,
        duration_days=project.duration_days or 0,
        card=launch_preview(project),
        owner_locale=owner.locale if owner else "",
        rewards=submissions.reward_details(project),
        translation=submissions.translation_of(project),
        claim=submissions.claim_of(current) if waiting else None,
        resubmission=await submissions.resubmission(session, current) if current else None,
    )
