"""Prometheus metrics of one bot process, served at GET /metrics."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.aiohttp import make_aiohttp_handler
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain import OutboxStatus, PledgeStatus
from bot.storage.models import OutboxMessage, Pledge, TelegramUpdate

log = logging.getLogger(__name__)

_OUTBOX_BACKLOG = (
    select(func.count())
    .select_from(OutboxMessage)
    .where(OutboxMessage.status == OutboxStatus.PENDING)
)
# The partial index ix_telegram_updates_unhandled holds exactly these rows.
_INBOX_BACKLOG = (
    select(func.count()).select_from(TelegramUpdate).where(TelegramUpdate.handled_at.is_(None))
)
_PLEDGES_BY_STATUS = select(Pledge.status, func.count()).group_by(Pledge.status)


class Metrics:
    """A registry per process (no import-time globals), and the measures the operator reads."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # The collectors the library's global registry has: process_* (CPU, memory, file
        # descriptors), python_info and python_gc_*.
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.updates = Counter(
            "kengo_updates_total", "Updates handled, by handler and outcome",
            ["handler", "outcome"], registry=self.registry,
        )  # fmt: skip
        self.handler_seconds = Histogram(
            "kengo_handler_seconds", "Time to handle an update, by handler", ["handler"],
            registry=self.registry,
        )  # fmt: skip
        self.outbox_sent = Counter(
            "kengo_outbox_messages_total", "Notifications handled by the sender, by result",
            ["status"], registry=self.registry,
        )  # fmt: skip
        self.outbox_backlog = Gauge(
            "kengo_outbox_backlog", "Notifications waiting to be sent", registry=self.registry
        )
        self.inbox_backlog = Gauge(
            "kengo_inbox_backlog", "Webhook updates received and not yet handled, all workers",
            registry=self.registry,
        )  # fmt: skip
        self.pledges = Gauge(
            "kengo_pledges", "Pledges by status", ["status"], registry=self.registry
        )
        self.stripe_anomalies = Gauge(
            "kengo_stripe_anomalies",
            "Pledges Stripe charged differently from the pledge, left to the moderators",
            registry=self.registry,
        )
        self.sender_leader = Gauge(
            "kengo_outbox_sender_leader",
            "1 while this process's outbox sender is the one delivering, else 0",
            registry=self.registry,
        )
        self.updates_redelivered = Counter(
            "kengo_updates_redelivered_total",
            "Webhook updates Telegram sent again, acknowledged without being handled twice",
            registry=self.registry,
        )
        self.stripe_webhooks = Counter(
            "kengo_stripe_webhooks_total", "Stripe webhook calls, by result", ["result"],
            registry=self.registry,
        )  # fmt: skip

    def follow_sender(self, is_leader: Callable[[], bool]) -> None:
        """Read whether this process's outbox sender leads at each scrape."""
        self.sender_leader.set_function(lambda: 1.0 if is_leader() else 0.0)

    def instrument(
        self, callback: Callable[[Any, Any], Awaitable[Any]]
    ) -> Callable[[Any, Any], Awaitable[Any]]:
        """Count and time a handler callback; failures still reach the error handler."""
        name = f"{callback.__module__.rsplit('.', 1)[-1]}.{callback.__name__}"

        @functools.wraps(callback)
        async def measured(update: Any, context: Any) -> Any:
            started = time.perf_counter()
            try:
                result = await callback(update, context)
            except Exception:
                self.updates.labels(name, "failed").inc()
                raise
            finally:
                self.handler_seconds.labels(name).observe(time.perf_counter() - started)
            self.updates.labels(name, "handled").inc()
            update_id = getattr(update, "update_id", None)
            log.debug("update handled", extra={"update_id": update_id, "handler": name})
            return result

        return measured

    async def read_database(self, engine: AsyncEngine) -> None:
        """Set the gauges the database holds (two counts on indexed columns, one over pledges)."""
        async with engine.connect() as connection:
            outbox = await connection.scalar(_OUTBOX_BACKLOG)
            inbox = await connection.scalar(_INBOX_BACKLOG)
            by_status = dict((await connection.execute(_PLEDGES_BY_STATUS)).all())
        self.outbox_backlog.set(outbox or 0)
        self.inbox_backlog.set(inbox or 0)
        for status in PledgeStatus:
            self.pledges.labels(status.value).set(by_status.get(status, 0))
        self.stripe_anomalies.set(by_status.get(PledgeStatus.ANOMALY, 0))

    def exposition(
        self, engine: AsyncEngine
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """The GET /metrics handler: the database gauges read now, then the client library's
        exposition (text or OpenMetrics, as the scraper's Accept header asks; gzip if asked)."""
        expose = make_aiohttp_handler(self.registry)

        async def metrics(request: web.Request) -> web.StreamResponse:
            await self.read_database(engine)
            return await expose(request)

        return metrics
