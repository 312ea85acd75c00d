"""Prometheus metrics of one bot process, served at GET /metrics."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain import OutboxStatus, PledgeStatus
from bot.storage.models import OutboxMessage, Pledge

log = logging.getLogger(__name__)


class Metrics:
    """A registry per process (no import-time globals), and the measures the operator reads."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
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
        self.pledges = Gauge(
            "kengo_pledges", "Pledges by status", ["status"], registry=self.registry
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

    async def render(self, engine: AsyncEngine) -> bytes:
        """The exposition text, with the database gauges read now."""
        async with engine.connect() as connection:
            backlog = await connection.scalar(
                select(func.count()).select_from(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING)
            )  # fmt: skip
            by_status = dict((await connection.execute(
                select(Pledge.status, func.count()).group_by(Pledge.status)
            )).all())  # fmt: skip
        self.outbox_backlog.set(backlog or 0)
        for status in PledgeStatus:
            self.pledges.labels(status.value).set(by_status.get(status, 0))
        return generate_latest(self.registry)
