"""Events and webhook delivery for the Stripe stand-in.

Events are recorded, signed the way Stripe signs them, and posted to the bot with retries,
or queued in ``pending_events`` when delivery is manual.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any

import aiohttp
import stripe

from . import stripe_objects as objects
from .stripe_objects import ApiCall

WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"


@dataclass
class Delivery:
    event_id: str
    type: str
    attempt: int
    status: int | None  # None: no HTTP response (connection error, timeout)
    error: str | None = None


class StripeWebhooks:
    """The event log, the pending queue and delivery to `webhook_url`."""

    # Settings, which StripeStandIn takes as arguments.
    webhook_secret: str
    auto_deliver: bool
    webhook_retry_delays: tuple[float, ...]
    webhook_timeout: float

    def __init__(self) -> None:
        self.webhook_url: str | None = None
        self.api_version: str = stripe.api_version
        self.events: list[dict[str, Any]] = []
        self.pending_events: list[dict[str, Any]] = []
        self.deliveries: list[Delivery] = []
        self._payloads: dict[str, str] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None

    def _open_delivery(self) -> None:
        self._http = aiohttp.ClientSession()

    async def _close_delivery(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._http is not None:
            await self._http.close()
            self._http = None

    def _emit(
        self,
        kind: str,
        obj: dict[str, Any],
        *,
        call: ApiCall | None = None,
        previous_attributes: dict[str, Any] | None = None,
        background: bool,
    ) -> dict[str, Any]:
        event = objects.event(kind, obj, self.api_version, call, previous_attributes)
        self.events.append(event)
        self._payloads[event["id"]] = objects.dumps(event)
        if not self.auto_deliver or self.webhook_url is None:
            self.pending_events.append(event)
        elif background:
            # Stripe sends webhooks after answering the API call that caused them.
            task = asyncio.get_running_loop().create_task(self._deliver_with_retries(event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return event

    async def _emit_now(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = self._emit(kind, obj, background=False)
        if self.auto_deliver and self.webhook_url is not None:
            await self._deliver_with_retries(event)
        return event

    async def drain(self) -> None:
        """Wait until webhook deliveries started by API calls (refunds, expire) are done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver_with_retries(self, event: dict[str, Any]) -> None:
        # Stripe retries a delivery until the endpoint answers 2xx (over days; here, briefly).
        for attempt, delay in enumerate((*self.webhook_retry_delays, None), start=1):
            status = await self._post_event(event, attempt)
            if status is not None and 200 <= status < 300:
                return
            if delay is None:
                return
            await asyncio.sleep(delay)

    async def _post_event(
        self,
        event: dict[str, Any],
        attempt: int,
        *,
        signature: str | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> int | None:
        if self.webhook_url is None:
            raise RuntimeError("webhook_url is not set")
        assert self._http is not None, "StripeStandIn is not started"
        payload = self._payloads.get(event["id"]) or objects.dumps(event)
        if signature is None:
            signature = stripe.WebhookSignature.generate_signature_header(
                payload, secret or self.webhook_secret, timestamp=timestamp or objects.now()
            )
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature,
            "User-Agent": WEBHOOK_USER_AGENT,
            "Accept": "*/*; q=0.5, application/xml",
            "Cache-Control": "no-cache",
        }
        self.pending_events = [e for e in self.pending_events if e["id"] != event["id"]]
        try:
            async with self._http.post(
                self.webhook_url,
                data=payload.encode("utf-8"),
                headers=headers,
                # Stripe treats a redirect as a failed delivery rather than following it.
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                await response.read()
                status: int | None = response.status
                error = None
        except (aiohttp.ClientError, TimeoutError) as err:
            status, error = None, f"{type(err).__name__}: {err}"
        self.deliveries.append(Delivery(event["id"], event["type"], attempt, status, error))
        return status

    async def deliver_pending(self) -> list[int]:
        """Post every queued event once, oldest first; returns the statuses."""
        statuses = []
        for event in list(self.pending_events):
            statuses += await self.deliver(event)
        return statuses

    async def deliver(
        self,
        event: dict[str, Any],
        *,
        times: int = 1,
        signature: str | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> list[int]:
        """Post `event` to webhook_url `times` times, without retries; returns the statuses.

        `signature` replaces the Stripe-Signature header verbatim; `secret` and `timestamp`
        sign with another secret or time. Connection failures are reported as status 0.
        """
        attempts = sum(1 for d in self.deliveries if d.event_id == event["id"])
        statuses = []
        for n in range(times):
            status = await self._post_event(
                event,
                attempts + n + 1,
                signature=signature,
                secret=secret,
                timestamp=timestamp,
            )
            statuses.append(status or 0)
        return statuses
