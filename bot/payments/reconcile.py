"""Reconciliation, the operator's safety net: read what Stripe holds and repair what webhooks
missed (a restored backup, an outage longer than Stripe's retries), through the same `apply`
the webhooks use, so running it twice changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import PledgeStatus
from bot.payments.events import apply
from bot.payments.facts import SessionFacts, Unreadable, session_facts
from bot.payments.gateway import PaymentUnavailable, StripeGateway
from bot.storage.models import Pledge

log = logging.getLogger(__name__)

# Pledges whose money may still move on Stripe's side.
UNSETTLED = (
    PledgeStatus.PENDING,
    PledgeStatus.PROCESSING,
    PledgeStatus.PAID,
    PledgeStatus.REFUND_PENDING,
    PledgeStatus.FAILED,
    PledgeStatus.EXPIRED,
    PledgeStatus.CANCELLED,  # its session was expired first; read again all the same
)


@dataclass
class ReconcileReport:
    sessions_read: int = 0
    refunds_read: int = 0
    changed: list[str] = field(default_factory=list)  # "pledge 12: paid"
    needs_human: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        head = (
            f"read {self.sessions_read} checkout sessions and {self.refunds_read} refunds; "
            f"{len(self.changed)} pledges repaired, {len(self.needs_human)} need a human"
        )
        return [
            head,
            *(f"  repaired  {line}" for line in self.changed),
            *(f"  CHECK     {line}" for line in self.needs_human),
        ]


class Reconciler:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        gateway: StripeGateway | None,
        *,
        moderators: Collection[int] = frozenset(),
    ) -> None:
        self._sessions = sessions
        self._gateway = gateway
        self._moderators = moderators  # told of an anomaly found here

    async def since(self, since: datetime) -> ReconcileReport:
        """Compare the sessions and refunds Stripe made since `since` with the pledges."""
        gateway = self._stripe()
        report = ReconcileReport()
        seen: set[str] = set()
        async for data in gateway.sessions_since(since):
            report.sessions_read += 1
            try:
                facts = session_facts(data)
            except Unreadable as error:
                report.needs_human.append(f"session {data.get('id')}: unreadable ({error})")
                continue
            seen.add(facts.session_id)
            await self._apply(facts, report)
        refunded: set[str] = set()
        async for refund in gateway.refunds_since(since):
            report.refunds_read += 1
            intent = refund.get("payment_intent")
            if isinstance(intent, str):
                refunded.add(intent)
        await self.pledges(await self._pledges_of_payments(refunded), report, skip=seen)
        await self._report_anomalies(since, report)
        return report

    async def pledges(
        self,
        pledge_ids: Iterable[int],
        report: ReconcileReport | None = None,
        *,
        skip: set[str] | None = None,
    ) -> ReconcileReport:
        """Read back the sessions of these pledges from Stripe and apply them."""
        report = report or ReconcileReport()
        if self._gateway is None:
            return report
        async with self._sessions() as session:
            session_ids = (await session.scalars(
                select(Pledge.stripe_checkout_session_id)
                .where(Pledge.id.in_(list(pledge_ids)),
                       Pledge.stripe_checkout_session_id.is_not(None))
            )).all()  # fmt: skip
        for session_id in session_ids:
            if session_id is None or session_id in (skip or set()):
                continue
            try:
                facts = await self._gateway.session_facts(session_id)
            except PaymentUnavailable as error:
                report.needs_human.append(f"session {session_id}: not read ({error})")
                continue
            report.sessions_read += 1
            await self._apply(facts, report)
        return report

    async def project(self, project_id: int) -> ReconcileReport:
        """Before a campaign's outcome is decided: its pledges as Stripe holds them."""
        async with self._sessions() as session:
            ids = (await session.scalars(
                select(Pledge.id).where(Pledge.project_id == project_id,
                                        Pledge.status.in_(UNSETTLED))
            )).all()  # fmt: skip
        return await self.pledges(ids)

    async def _apply(self, facts: SessionFacts, report: ReconcileReport) -> None:
        async with self._sessions.begin() as session:
            known = await session.scalar(
                select(Pledge.id).where(Pledge.stripe_checkout_session_id == facts.session_id)
            )
            if known is None and facts.pledge_ref is None:
                return  # another integration's session, naming nothing of ours
            outcome = await apply(session, facts, moderators=self._moderators)
        if outcome == "unknown session":
            if facts.paid:
                report.needs_human.append(
                    f"session {facts.session_id}: paid {facts.amount_cents} {facts.currency}, "
                    f"names pledge {facts.pledge_ref} but was not opened by the bot"
                )
        elif outcome:
            report.changed.append(f"session {facts.session_id}: {outcome}")

    async def _pledges_of_payments(self, intents: set[str]) -> list[int]:
        if not intents:
            return []
        async with self._sessions() as session:
            ids = await session.scalars(
                select(Pledge.id).where(Pledge.stripe_payment_intent_id.in_(sorted(intents)))
            )
            return list(ids.all())

    async def _report_anomalies(self, since: datetime, report: ReconcileReport) -> None:
        async with self._sessions() as session:
            anomalies = (await session.scalars(
                select(Pledge).where(Pledge.status == PledgeStatus.ANOMALY,
                                     Pledge.created_at >= since).order_by(Pledge.id)
            )).all()  # fmt: skip
        for pledge in anomalies:
            report.needs_human.append(
                f"pledge {pledge.id}: {pledge.anomaly}, Stripe charged "
                f"{pledge.amount_charged_cents} {pledge.currency} for {pledge.amount_cents} eur "
                f"(session {pledge.stripe_checkout_session_id})"
            )

    def _stripe(self) -> StripeGateway:
        if self._gateway is None:
            raise PaymentUnavailable("STRIPE_SECRET_KEY is not set")
        return self._gateway
