"""Updates for the Bot API emulator: the queue, getUpdates long polling and webhooks.

Telegram keeps each update until the bot confirms it, either by asking getUpdates for a
higher ``offset`` or by answering the webhook POST with a 2xx status.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from .bot_api_checks import ApiError, bad_request
from .bot_api_methods import BotApiMethods, Handler

CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
CONFLICT_OTHER_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
# Telegram echoes the secret in a header, so it is limited to header-safe characters.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Without allowed_updates, Telegram sends every update type except these three.
_NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class WebhookDelivery:
    """One POST of an update to the bot's webhook; ``status`` 0 means no HTTP answer."""

    update_id: int | None
    status: int
    attempt: int
    at: float
    error: str | None = None
    forged: bool = False


@dataclass
class _Poll:
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    terminated: bool = False


@dataclass
class _Webhook:
    url: str
    secret: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


def _update_type(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


class BotApiUpdates(BotApiMethods):
    """The update queue, getUpdates, setWebhook/deleteWebhook/getWebhookInfo."""

    def __init__(self, token: str, username: str) -> None:
        super().__init__(token, username)
        self.webhook_retries = 3
        self.webhook_retry_delay = 0.2
        # POSTs in flight at once. Telegram keeps up to max_connections (40 by default); one at
        # a time keeps each chat's updates in order, which most tests rely on.
        self.webhook_connections = 1
        self.webhook_deliveries: list[WebhookDelivery] = []
        # Like a load balancer in front of several workers: when set, deliveries go to these
        # URLs in turn instead of the registered one (the secret stays the registered one).
        self.webhook_spread: list[str] = []
        self._spread_turn = 0
        self.dropped_updates: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 10_000
        self._update_waiters: set[asyncio.Event] = set()
        self._allowed_updates: list[str] | None = None
        self._poll: _Poll | None = None
        self._webhook: _Webhook | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closing = False

    def method_table(self) -> dict[str, Handler]:
        return {
            **super().method_table(),
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
        }

    @property
    def is_polling(self) -> bool:
        """Whether a getUpdates long poll is waiting right now."""
        return self._poll is not None

    @property
    def webhook_url(self) -> str | None:
        return self._webhook.url if self._webhook else None

    async def inject_raw(self, update: dict[str, Any]) -> int:
        """Queue any update JSON as is; an ``update_id`` is added when missing."""
        update = {"update_id": self._next_update_id, **update}
        update_id: int = update["update_id"]
        if isinstance(update_id, int):
            self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates.append(update)
        self._wake(self._update_waiters)
        return update_id

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates nor delivered to the webhook."""
        return list(self._updates)

    @staticmethod
    def _wake(waiters: set[asyncio.Event]) -> None:
        for event in list(waiters):
            event.set()

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = set(self._allowed_updates or ())
        batch = []
        for update in list(self._updates):
            kind = _update_type(update)
            wanted = kind in allowed if allowed else kind not in _NOT_SENT_BY_DEFAULT
            # allowed_updates filters at delivery; Telegram never sends a filtered update later.
            if not wanted:
                self._updates.remove(update)
                self.dropped_updates.append(update)
                continue
            batch.append(update)
            if len(batch) >= limit:
                break
        return batch

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            # A negative offset keeps only the last -offset updates, forgetting the rest.
            del self._updates[: max(len(self._updates) + offset, 0)]
        else:
            self._updates = [
                u
                for u in self._updates
                if isinstance(u.get("update_id"), int) and u["update_id"] >= offset
            ]

    def _set_allowed_updates(self, value: Any) -> None:
        if isinstance(value, list):
            self._allowed_updates = [str(kind) for kind in value] or None

    async def _get_updates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise ApiError(409, CONFLICT_WEBHOOK)
        self._set_allowed_updates(p.get("allowed_updates"))
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        if self._poll is not None:
            # Only one long poll per bot: Telegram ends the one already waiting.
            self._poll.terminated = True
            self._poll.wake.set()
        poll = self._poll = _Poll()
        self._update_waiters.add(poll.wake)
        try:
            if isinstance(p.get("offset"), int):
                self._confirm(p["offset"])
            deadline = time.monotonic() + timeout
            while True:
                if poll.terminated:
                    raise ApiError(409, CONFLICT_OTHER_POLL)
                batch = self._deliverable(limit)
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self._closing:
                    return batch
                poll.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(poll.wake.wait(), remaining)
        finally:
            self._update_waiters.discard(poll.wake)
            if self._poll is poll:
                self._poll = None

    # -- webhook ---------------------------------------------------------------------------

    async def _set_webhook(self, p: dict[str, Any]) -> bool:
        url = p.get("url") or ""
        if not url:
            # An empty URL is how the Bot API has always spelled "remove the webhook".
            return await self._delete_webhook(p)
        if not url.lower().startswith(("https://", "http://")):
            # Telegram wants HTTPS; the emulator also takes http:// for local test servers.
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self._set_allowed_updates(p.get("allowed_updates"))
        await self._stop_webhook_worker()
        self._webhook = _Webhook(url, secret, int(p.get("max_connections") or 40))
        self._webhook_task = asyncio.create_task(self._webhook_worker())
        return True

    async def _delete_webhook(self, p: dict[str, Any]) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        await self._stop_webhook_worker()
        self._webhook = None
        return True

    def _get_webhook_info(self, p: dict[str, Any]) -> dict[str, Any]:
        hook = self._webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._allowed_updates:
                info["allowed_updates"] = self._allowed_updates
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    async def _stop_webhook_worker(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _webhook_worker(self) -> None:
        if self.webhook_connections > 1:
            await self._concurrent_webhook_worker()
            return
        while not self._closing and self._webhook is not None:
            batch = self._deliverable(1)
            if not batch:
                await self._next_update()
                continue
            update = batch[0]
            delivered = await self._deliver(self._webhook, update)
            if update in self._updates:
                self._updates.remove(update)
            if not delivered:
                self.dropped_updates.append(update)

    async def _concurrent_webhook_worker(self) -> None:
        hook = self._webhook
        slots = asyncio.Semaphore(self.webhook_connections)
        in_flight: set[asyncio.Task[None]] = set()
        try:
            while not self._closing and hook is not None and self._webhook is hook:
                await slots.acquire()
                batch = self._deliverable(1)
                if not batch:
                    slots.release()
                    await self._next_update()
                    continue
                self._updates.remove(batch[0])
                task = asyncio.create_task(self._hand_over_in_slot(hook, batch[0], slots))
                in_flight.add(task)
                task.add_done_callback(in_flight.discard)
        finally:
            for task in in_flight:
                task.cancel()

    async def _next_update(self) -> None:
        wake = asyncio.Event()
        self._update_waiters.add(wake)
        try:
            await wake.wait()
        finally:
            self._update_waiters.discard(wake)

    async def _hand_over_in_slot(
        self, hook: _Webhook, update: dict[str, Any], slots: asyncio.Semaphore
    ) -> None:
        try:
            await self._hand_over(hook, update)
        finally:
            slots.release()

    async def _hand_over(self, hook: _Webhook, update: dict[str, Any]) -> None:
        """POST one update with Telegram's retries; a subclass may insist longer."""
        if not await self._deliver(hook, update):
            self.dropped_updates.append(update)

    def _target(self, hook: _Webhook) -> str:
        if not self.webhook_spread:
            return hook.url
        self._spread_turn += 1
        return self.webhook_spread[(self._spread_turn - 1) % len(self.webhook_spread)]

    async def _deliver(self, hook: _Webhook, update: dict[str, Any]) -> bool:
        for attempt in range(1, self.webhook_retries + 1):
            status, error = await self._post(self._target(hook), update, hook.secret)
            self.webhook_deliveries.append(
                WebhookDelivery(update.get("update_id"), status, attempt, time.monotonic(), error)
            )
            if 200 <= status < 300:
                return True
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            # Telegram retries failed deliveries, with growing pauses, before giving up.
            if attempt < self.webhook_retries:
                await asyncio.sleep(self.webhook_retry_delay)
        return False

    async def _post(
        self, url: str, update: dict[str, Any], secret: str | None
    ) -> tuple[int, str | None]:
        if self._session is None:
            raise RuntimeError("BotApiEmulator is not started")
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        try:
            async with self._session.post(
                url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=10),
            ) as response:
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, f"Connection failed: {exc!r}"
        if 200 <= response.status < 300:
            return response.status, None
        return response.status, (
            f"Wrong response from the webhook: {response.status} {response.reason}"
        )

    async def post_to_webhook(
        self, update: dict[str, Any], secret: str | None = None, *, url: str | None = None
    ) -> int:
        """POST ``update`` to the webhook (or ``url``) once, as a forger would; returns the
        HTTP status (0 when the connection failed)."""
        target = url or (self._webhook.url if self._webhook else None)
        if target is None:
            raise AssertionError("no webhook is set and no url was given")
        status, error = await self._post(target, update, secret)
        self.webhook_deliveries.append(
            WebhookDelivery(update.get("update_id"), status, 1, time.monotonic(), error, True)
        )
        return status
