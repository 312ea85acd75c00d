"""The outbox sender: delivers queued notifications at Telegram's pace, and never loses one.

- Each row is claimed with a lease, sent, then marked in its own transaction. A crash can
  therefore re-send at most the messages in flight at that moment (`concurrency` of them), and
  never skips one: a row whose lease lapses is simply claimed again.
- A global pace (`rate` messages per second) and at most one message per second per chat; a
  429 pauses the whole sender for `retry_after`; a 403 marks the recipient as having blocked the
  bot (they get nothing until they write again); other errors retry with backoff, then give up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.i18n import Catalogs
from bot.metrics import Metrics
from bot.models import OutboxMessage, OutboxStatus, User, utcnow
from bot.notifications import is_muted
from bot.repositories.outbox import OutboxRepository
from bot.services.news import NewsService
from bot.views.notifications import Recipient, delivery_text, render

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
PER_CHAT_GAP = 1.0  # seconds between two messages to the same chat
PROGRESS_EVERY = 3.0  # seconds between two edits of an owner's progress message
CAPTION_LIMIT = 1024
MAX_ATTEMPTS = 5
IDLE_POLL = 1.0  # seconds between looks at an empty outbox


class OutboxSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bot: Bot,
        catalogs: Catalogs,
        rate: float,
        concurrency: int = 16,
        metrics: Metrics | None = None,
    ) -> None:
        self._sessions = sessions
        self._bot = bot
        self._catalogs = catalogs
        self._interval = 1.0 / rate
        self._concurrency = concurrency
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_to_chat: dict[int, float] = {}
        self._pace = asyncio.Lock()
        self._news = NewsService(sessions)
        self._metrics = metrics
        self._reported: dict[int, float] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; rows in hand are finished first, none is left half-done."""
        while not stop.is_set():
            try:
                handled = await self.deliver_due()
            except Exception:
                log.exception("outbox delivery failed; retrying")
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), IDLE_POLL)

    async def deliver_due(self) -> int:
        """One pass: claim a batch of due rows and deliver them; returns how many were handled."""
        async with self._sessions.begin() as session:
            rows = await OutboxRepository(session).claim(utcnow(), self._concurrency * 4, LEASE)
            recipients = await _recipients(session, [row.user_id for row in rows])
        if not rows:
            return 0
        queue: asyncio.Queue[OutboxMessage] = asyncio.Queue()
        for row in rows:
            queue.put_nowait(row)
        workers = [
            self._worker(queue, recipients) for _ in range(min(self._concurrency, len(rows)))
        ]
        await asyncio.gather(*workers)
        await self._report_news({row.news_post_id for row in rows if row.news_post_id})
        return len(rows)

    async def _report_news(self, post_ids: set[int]) -> None:
        """Edit each owner's progress message, at most every few seconds, and once at the end."""
        for post_id in post_ids:
            delivery = await self._news.delivery(post_id)
            if delivery is None or delivery.chat_id is None or delivery.message_id is None:
                continue
            last = self._reported.get(post_id, 0.0)
            if not delivery.done and time.monotonic() - last < PROGRESS_EVERY:
                continue
            self._reported[post_id] = time.monotonic()
            async with self._sessions() as session:
                owner = await session.get(User, delivery.owner_id)
            t = self._catalogs.translator(owner.locale if owner else None)
            try:
                await self._bot.edit_message_text(
                    delivery_text(t, delivery), delivery.chat_id, delivery.message_id
                )
            except BadRequest as error:  # unchanged, or deleted by the owner: nothing to do
                log.debug("news %s progress not edited: %s", post_id, error)
            if delivery.done:
                await self._news.mark_reported(post_id)
                self._reported.pop(post_id, None)

    async def _worker(
        self, queue: asyncio.Queue[OutboxMessage], recipients: dict[int, User]
    ) -> None:
        while not queue.empty():
            row = queue.get_nowait()
            try:
                await self._deliver(row, recipients.get(row.user_id))
            except Exception:  # one row must not orphan the batch's other workers
                # Left leased, the row is claimed again when its lease lapses: at worst one
                # more message in flight, within the documented bound.
                log.exception("outbox row %s could not be handled", row.id)

    async def _deliver(self, row: OutboxMessage, user: User | None) -> None:
        if user is None or user.blocked:
            await self._finish(row.id, OutboxStatus.BLOCKED)
            return
        if is_muted(row.kind, row.payload, news_muted=user.notifications_muted,
                    reminders_muted=user.reminders_muted):  # fmt: skip
            await self._finish(row.id, OutboxStatus.SKIPPED)
            return
        if time.monotonic() - self._last_to_chat.get(row.user_id, -PER_CHAT_GAP) < PER_CHAT_GAP:
            await self._postpone(row.id, PER_CHAT_GAP, count_attempt=False)
            return
        try:
            recipient = Recipient(row.user_id, row.project_id, self._bot.username)
            t = self._catalogs.translator(user.locale)
            text, keyboard = render(t, row.kind, row.payload, recipient)
        except (KeyError, ValueError) as error:
            log.error("outbox row %s cannot be rendered: %r", row.id, error)
            await self._finish(row.id, OutboxStatus.FAILED, str(error))
            return
        await self._wait_for_slot()
        self._last_to_chat[row.user_id] = time.monotonic()
        photo = row.payload.get("photo_file_id")
        try:
            if photo:
                caption = text if len(text) <= CAPTION_LIMIT else text[: CAPTION_LIMIT - 1] + "…"
                await self._bot.send_photo(
                    row.user_id, photo, caption=caption, reply_markup=keyboard
                )
            else:
                await self._bot.send_message(row.user_id, text, reply_markup=keyboard)
        except RetryAfter as error:
            pause = _retry_after_seconds(error)
            self._paused_until = max(self._paused_until, time.monotonic() + pause)
            log.warning("Telegram asks to slow down: pausing delivery for %.0f s", pause)
            await self._postpone(row.id, pause, count_attempt=False)
        except Forbidden:
            await self._blocked(row.user_id, row.id)
        except BadRequest as error:
            await self._finish(row.id, OutboxStatus.FAILED, str(error))
        except TelegramError as error:
            await self._postpone(row.id, None, count_attempt=True, error=str(error))
        else:
            await self._finish(row.id, OutboxStatus.SENT)

    async def _wait_for_slot(self) -> None:
        """Keep the global pace, and honour a pause asked for by a 429."""
        async with self._pace:
            now = time.monotonic()
            start = max(now, self._next_slot, self._paused_until)
            self._next_slot = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)

    async def _finish(self, row_id: int, status: OutboxStatus, error: str | None = None) -> None:
        if self._metrics is not None:
            self._metrics.outbox_sent.labels(status.value).inc()
        async with self._sessions.begin() as session:
            row = await session.get(OutboxMessage, row_id)
            if row is not None:
                row.status, row.locked_until, row.last_error = status, None, error and error[:255]
                if status is OutboxStatus.SENT:
                    row.sent_at = utcnow()
                row.attempts += 1

    async def _postpone(
        self, row_id: int, delay: float | None, *, count_attempt: bool, error: str | None = None
    ) -> None:
        async with self._sessions.begin() as session:
            row = await session.get(OutboxMessage, row_id)
            if row is None:
                return
            if count_attempt:
                row.attempts += 1
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = OutboxStatus.FAILED
                delay = delay or min(2.0**row.attempts, 300.0)
            row.next_attempt_at = utcnow() + timedelta(seconds=delay or 1.0)
            row.locked_until, row.last_error = None, error and error[:255]

    async def _blocked(self, user_id: int, row_id: int) -> None:
        async with self._sessions.begin() as session:
            user = await session.get(User, user_id)
            if user is not None and not user.blocked:
                user.blocked, user.blocked_at = True, utcnow()
        await self._finish(row_id, OutboxStatus.BLOCKED)
        log.info("user %s has blocked the bot: notifications stop", user_id)


async def _recipients(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, User]:
    users = (await session.scalars(select(User).where(User.id.in_(set(user_ids))))).all()
    return {user.id: user for user in users}


def _retry_after_seconds(error: RetryAfter) -> float:
    # python-telegram-bot 22 warns that `retry_after` becomes a timedelta: accept both.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: object = error.retry_after
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
