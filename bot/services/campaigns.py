"""Campaign end: close overdue campaigns, then refund failed all-or-nothing ones until done."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import PledgeStatus, ProjectStatus, utcnow
from bot.matching.queries import matched_total
from bot.notifications.chat_queue import queue_for_chats
from bot.notifications.kinds import Kind, for_each, row
from bot.notifications.queue import OutboxQueue
from bot.payments.checkout import new_key
from bot.payments.gateway import AlreadyRefunded, PaymentUnavailable, StripeGateway
from bot.payments.ledger import outcome
from bot.payments.reconcile import Reconciler
from bot.payments.settle import record_refunds
from bot.services.backers import purge_expired
from bot.storage.models import Follow, Pledge, Project

log = logging.getLogger(__name__)

CLOSE_BATCH = 50
REFUND_BATCH = 20
MAX_REFUND_BACKOFF = timedelta(hours=6)
REMINDER_BEFORE = timedelta(hours=48)


@dataclass
class Sweep:
    closed: list[int] = field(default_factory=list)
    sessions_to_expire: list[str] = field(default_factory=list)


class CampaignService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateway: StripeGateway | None,
        *,
        refund_lease: timedelta = timedelta(minutes=5),
        moderators: Collection[int] = frozenset(),
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        # Reading back a campaign's pledges may find an anomaly: its moderators are told.
        self._reconciler = Reconciler(sessions, gateway, moderators=moderators)
        # A refund in progress is not picked up by another worker before this has passed.
        self._refund_lease = refund_lease

    async def run_once(self, now: datetime | None = None) -> Sweep:
        """Close what is due, expire checkouts left open on closed projects, refund what is due,
        remind followers of campaigns entering their last 48 hours, and erase contributors'
        personal data a year after their campaign ended."""
        if self._gateway is not None:
            await self.reconcile_due(now or utcnow())
        sweep = await self.close_due(now or utcnow())
        await self.remind_due(now or utcnow())
        # Contributors' addresses and contacts are not kept for ever (README, Personal data).
        await purge_expired(self._sessions, now or utcnow())
        if self._gateway is not None:
            for session_id in sweep.sessions_to_expire:
                await self._gateway.expire_checkout(session_id)
            await self.refund_due(now or utcnow())
        return sweep

    async def reconcile_due(self, now: datetime) -> None:
        """Read back from Stripe the pledges of campaigns about to close, so that a payment
        whose webhook was lost counts before success or refunds are decided."""
        async with self._sessions() as session:
            due = (await session.scalars(
                select(Project.id)
                .where(Project.status == ProjectStatus.LIVE, Project.ends_at <= now)
                .order_by(Project.ends_at).limit(CLOSE_BATCH)
            )).all()  # fmt: skip
        for project_id in due:
            report = await self._reconciler.project(project_id)
            if report.changed or report.needs_human:
                log.info("before closing project %s: %s", project_id, "; ".join(report.lines()))

    async def close_due(self, now: datetime) -> Sweep:
        sweep = Sweep()
        async with self._sessions.begin() as session:
            due = (await session.scalars(
                select(Project)
                .where(Project.status == ProjectStatus.LIVE, Project.ends_at <= now)
                .order_by(Project.ends_at).limit(CLOSE_BATCH).with_for_update(skip_locked=True)
            )).all()  # fmt: skip
            for project in due:
                await _close(session, project, now, sweep)
        if sweep.closed:
            log.info("closed campaigns %s", sweep.closed)
        return sweep

    async def remind_due(self, now: datetime) -> list[int]:
        """Queue "plus que 48 h" once per campaign, to followers who have not pledged."""
        async with self._sessions.begin() as session:
            due = (await session.scalars(
                select(Project)
                .where(Project.status == ProjectStatus.LIVE, Project.reminded_at.is_(None),
                       Project.ends_at > now, Project.ends_at <= now + REMINDER_BEFORE)
                .limit(CLOSE_BATCH).with_for_update(skip_locked=True)
            )).all()  # fmt: skip
            for project in due:
                project.reminded_at = now
                pledged = select(Pledge.user_id).where(
                    Pledge.project_id == project.id,
                    Pledge.status.in_((PledgeStatus.PENDING, PledgeStatus.PROCESSING,
                                       PledgeStatus.PAID)))  # fmt: skip
                followers = (await session.scalars(
                    select(Follow.user_id).where(Follow.project_id == project.id,
                                                 Follow.user_id.not_in(pledged))
                )).all()  # fmt: skip
                rows = for_each(followers, Kind.REMINDER, f"reminder:{project.id}", project.id,
                                title=project.title)  # fmt: skip
                await OutboxQueue(session).enqueue(rows)
                key, payload = f"reminder:{project.id}", {"title": project.title}
                await queue_for_chats(session, project.id, Kind.REMINDER, key, payload)
            return [project.id for project in due]

    async def refund_due(self, now: datetime) -> int:
        """Refund pledges of failed campaigns; failures are retried later with backoff."""
        claimed = await self._claim_refunds(now)
        for pledge_id, payment_intent, key in claimed:
            await self._refund(pledge_id, payment_intent, key, now)
        return len(claimed)

    async def _claim_refunds(self, now: datetime) -> list[tuple[int, str | None, str]]:
        async with self._sessions.begin() as session:
            pledges = (await session.scalars(
                select(Pledge)
                .where(Pledge.status == PledgeStatus.REFUND_PENDING,
                       (Pledge.refund_retry_at.is_(None)) | (Pledge.refund_retry_at <= now))
                .order_by(Pledge.id).limit(REFUND_BATCH).with_for_update(skip_locked=True)
            )).all()  # fmt: skip
            for pledge in pledges:
                pledge.refund_retry_at = now + self._refund_lease
                # Made once, reused by every retry: Stripe refunds a key only once.
                pledge.refund_key = pledge.refund_key or new_key()
            return [(p.id, p.stripe_payment_intent_id, p.refund_key or "") for p in pledges]

    async def _refund(
        self, pledge_id: int, payment_intent: str | None, key: str, now: datetime
    ) -> None:
        refund_id: str | None = None
        if payment_intent is not None and self._gateway is not None:
            try:
                refund_id = (await self._gateway.refund(pledge_id, payment_intent, key)).refund_id
            except AlreadyRefunded:
                await self._reconciler.pledges([pledge_id])  # refunded elsewhere: read it back
                return
            except PaymentUnavailable as error:
                await self._retry_later(pledge_id, now, str(error))
                return
        else:
            # No Stripe payment behind it (e.g. demo data): nothing to send back.
            log.warning("pledge %s has no payment to refund; marked refunded", pledge_id)
        async with self._sessions.begin() as session:
            pledge = await session.get(Pledge, pledge_id, with_for_update=True)
            if pledge is not None:
                # The refund took what was left: the charge is now refunded in full. Its
                # webhook may have come first; the refund id is kept either way.
                pledge.amount_charged_cents = pledge.amount_charged_cents or pledge.amount_cents
                await record_refunds(session, pledge, pledge.amount_charged_cents, refund_id)

    async def _retry_later(self, pledge_id: int, now: datetime, error: str) -> None:
        async with self._sessions.begin() as session:
            pledge = await session.get(Pledge, pledge_id)
            if pledge is None:
                return
            pledge.refund_attempts += 1
            delay = min(timedelta(minutes=2 ** min(pledge.refund_attempts, 12)), MAX_REFUND_BACKOFF)
            pledge.refund_retry_at = now + delay
        log.warning("refund of pledge %s failed (%s); retrying in %s", pledge_id, error, delay)


async def _close(session: AsyncSession, project: Project, now: datetime, sweep: Sweep) -> None:
    matched = await matched_total(session, project.id)
    project.status = outcome(project, matched)
    project.closed_at = now
    sweep.closed.append(project.id)
    open_sessions = (await session.scalars(
        select(Pledge.stripe_checkout_session_id).where(
            Pledge.project_id == project.id, Pledge.status == PledgeStatus.PENDING,
            Pledge.stripe_checkout_session_id.is_not(None))
    )).all()  # fmt: skip
    sweep.sessions_to_expire += [s for s in open_sessions if s]
    contributors = set((await session.scalars(
        select(Pledge.user_id).where(Pledge.project_id == project.id,
                                     Pledge.status == PledgeStatus.PAID)
    )).all())  # fmt: skip
    if project.status is ProjectStatus.FAILED:
        await session.execute(
            update(Pledge)
            .where(Pledge.project_id == project.id, Pledge.status == PledgeStatus.PAID)
            .values(status=PledgeStatus.REFUND_PENDING, refund_retry_at=now)
        )
    followers = set((await session.scalars(
        select(Follow.user_id).where(Follow.project_id == project.id)
    )).all())  # fmt: skip
    key = f"outcome:{project.id}"
    # How far it got, its partner's match included (as its card showed it).
    payload = {"title": project.title, "status": project.status.value,
               "raised_cents": project.raised_cents + matched,
               "goal_cents": project.goal_cents}  # fmt: skip
    rows = [row(project.owner_id, Kind.CAMPAIGN_OUTCOME, f"{key}:owner", project.id,
                role="owner", **payload)]  # fmt: skip
    rows += for_each(contributors - {project.owner_id}, Kind.CAMPAIGN_OUTCOME, key, project.id,
                     role="contributor", **payload)  # fmt: skip
    rows += for_each(followers - contributors - {project.owner_id}, Kind.CAMPAIGN_OUTCOME, key,
                     project.id, role="follower", **payload)  # fmt: skip
    await OutboxQueue(session).enqueue(rows)
    await queue_for_chats(session, project.id, Kind.CAMPAIGN_OUTCOME, key, payload)
