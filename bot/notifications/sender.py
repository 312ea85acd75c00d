"""The outbox sender: delivers queued notifications at Telegram's pace, and never loses one.

- A claimer keeps a queue of due rows topped up (about `CLAIM_AHEAD` seconds of sending), each
  leased to this sender for `OutboxTimings.lease`; `concurrency` workers take rows from it, so
  no worker waits for the slowest message of a batch. A row is sent only in the first
  `SEND_WITHIN` of its lease, else left to be claimed again: a long 429 pause cannot make two
  senders deliver it.
- Outcomes are written in batches (`bot.notifications.outcomes`). A crash (`kill -9`) can
  re-send at most `crash_bound(concurrency)` messages: those in flight plus those sent but not
  yet recorded (`max_unrecorded`). It loses none: a leased row comes back when its lease
  lapses. A graceful stop finishes the sends in flight and writes every outcome first.
- One sender runs at a time in a deployment, the leader (`bot.notifications.workers`), so
  `rate` is the bot's rate; above 30 messages/s it sends paid broadcasts (`paid_broadcast`).
- Pace: `rate` messages per second overall and at most one per second per chat; a 429 pauses
  the whole sender for `retry_after` and the message is retried without counting an attempt;
  a 403 marks the recipient as having blocked the bot (they get nothing until they write
  again); other errors retry with backoff, then give up (`MAX_ATTEMPTS`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.domain import OutboxStatus, utcnow
from bot.i18n.translator import Catalogs
from bot.monitoring.metrics import Metrics
from bot.notifications.chats import ChatPoster, ProjectCards
from bot.notifications.kinds import is_muted
from bot.notifications.messages import Recipient, render
from bot.notifications.outcomes import (
    MAX_UNRECORDED,
    Outcome,
    OutcomeWriter,
    finished,
    postponed,
    released,
)
from bot.notifications.progress import NewsProgress
from bot.notifications.queue import OutboxQueue
from bot.storage.models import OutboxMessage, User
from bot.telegram import calls
from bot.telegram.html_limits import CAPTION_LIMIT, fit

log = logging.getLogger(__name__)

# Share of the lease in which a row may be sent: a send started later could outlast the lease
# (10 s of a 30 s lease: more than a call's timeouts).
SEND_WITHIN = 2 / 3
PER_CHAT_GAP = 1.0  # seconds between two messages to the same chat
CLAIM_AHEAD = 0.5  # seconds of sending kept claimed, ready for the workers
CALL_LATENCY = 0.05  # seconds per Bot API call planned for: sends in flight = rate x this
MIN_CONCURRENCY, MAX_CONCURRENCY = 4, 64
PRUNE_CHATS_AT = 10_000  # forget chats last messaged over PER_CHAT_GAP ago past this many


@dataclass(frozen=True, slots=True)
class OutboxTimings:
    """The sender's waits. A running bot takes them from its settings
    (`bot.notifications.workers.timings_from`); these defaults are the settings' defaults."""

    lease: timedelta = timedelta(seconds=30)  # short: a crashed sender's rows come back quickly
    poll: float = 1.0  # seconds between looks at an empty outbox, and at news progress
    progress_every: float = 3.0  # seconds between two edits of an owner's progress message
    chat_progress_every: float = 60.0  # seconds between two edits of a chat's progress message
    write_retry: float = 1.0  # seconds after a failed write (e.g. the database restarting)


def default_concurrency(rate: float) -> int:
    """Sends in flight needed to keep `rate` when each Bot API call takes CALL_LATENCY."""
    return max(MIN_CONCURRENCY, min(MAX_CONCURRENCY, math.ceil(rate * CALL_LATENCY)))


def crash_bound(concurrency: int, max_unrecorded: int = MAX_UNRECORDED) -> int:
    """How many messages a crash can send twice: in flight, plus sent but not yet recorded."""
    return concurrency + max_unrecorded


@dataclass(slots=True)
class Claimed:
    row: OutboxMessage
    user: User | None
    send_by: float  # time.monotonic(): later, the row waits for the next claim


class OutboxSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bot: Bot,
        catalogs: Catalogs,
        rate: float,
        concurrency: int | None = None,
        metrics: Metrics | None = None,
        *,
        cards: ProjectCards,
        timings: OutboxTimings | None = None,
        max_unrecorded: int = MAX_UNRECORDED,
        paid_broadcast: bool = False,
    ) -> None:
        self._sessions = sessions
        self._paid_broadcast = paid_broadcast
        self._timings = timings or OutboxTimings()
        self._bot = bot
        self._catalogs = catalogs
        self._interval = 1.0 / rate
        self.concurrency = concurrency or default_concurrency(rate)
        self._depth = max(2 * self.concurrency, math.ceil(rate * CLAIM_AHEAD))
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_to_chat: dict[int, float] = {}
        self._hungry = asyncio.Event()  # the queue is half empty: claim more
        # The claimer and the flusher take turns: on SQLite, two transactions waiting for the
        # write lock poll for it with growing sleeps (up to 100 ms), which stalled sending.
        self._write_lock = asyncio.Lock()
        self._writer = OutcomeWriter(
            sessions, self._write_lock, metrics,
            max_unrecorded=max_unrecorded, retry_pause=self._timings.write_retry,
        )  # fmt: skip
        self._progress = NewsProgress(
            sessions, bot, catalogs, every=self._timings.progress_every, poll=self._timings.poll
        )
        self._chats = ChatPoster(
            sessions, bot, catalogs, cards=cards, every=self._timings.chat_progress_every
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; sends in flight are finished and every outcome written."""
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue()
        async with self._writer.running():
            workers = [asyncio.create_task(self._work(queue)) for _ in range(self.concurrency)]
            helpers = [
                asyncio.create_task(self._progress.report_regularly(self._writer, stop)),
                asyncio.create_task(self._wake_on(stop)),
                asyncio.create_task(self._chats.run(stop, self._timings.poll)),
            ]
            try:
                await self._claim_ahead(queue, stop)
                while not queue.empty():  # claimed, never tried: free them for the next sender
                    claimed = queue.get_nowait()
                    if claimed is not None and self._lease_ok(claimed):
                        await self._writer.add(released(claimed.row))
                for _ in workers:
                    queue.put_nowait(None)
                await asyncio.gather(*workers, *helpers)
            finally:  # cancelled: leave no task behind
                for task in [*workers, *helpers]:
                    task.cancel()
        await self._progress.report(self._writer.take_touched_posts())

    async def deliver_due(self) -> int:
        """One pass: claim due rows, deliver them, write their outcomes; returns how many."""
        claimed = await self._claim(self._depth)
        if not claimed:
            return 0
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue()
        for item in [*claimed, *[None] * self.concurrency]:
            queue.put_nowait(item)
        async with self._writer.running():
            await asyncio.gather(*(self._work(queue) for _ in range(self.concurrency)))
        await self._progress.report(self._writer.take_touched_posts())
        return len(claimed)

    async def reclaim_leases(self) -> int:
        """Free the rows a previous leader left leased (see `OutboxQueue.reclaim`)."""
        async with self._write_lock, self._sessions.begin() as session:
            return await OutboxQueue(session).reclaim(utcnow())

    async def _wake_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._hungry.set()

    async def _claim_ahead(self, queue: asyncio.Queue[Claimed | None], stop: asyncio.Event) -> None:
        """Keep the queue between half full and `_depth` rows until `stop` is set."""
        while not stop.is_set():
            free = self._depth - queue.qsize()
            if free < self._depth // 2:
                self._hungry.clear()
                await self._hungry.wait()  # set by a worker, or by `stop`
                continue
            claimed = []
            try:
                claimed = await self._claim(free)
            except Exception:
                log.exception("outbox claim failed; retrying")
            for item in claimed:
                queue.put_nowait(item)
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._timings.poll)

    async def _claim(self, limit: int) -> list[Claimed]:
        lease = self._timings.lease
        send_by = time.monotonic() + lease.total_seconds() * SEND_WITHIN  # before the claim
        async with self._write_lock, self._sessions.begin() as session:
            rows = await OutboxQueue(session).claim(utcnow(), limit, lease)
            users = await OutboxQueue(session).recipients([row.user_id for row in rows])
        if len(self._last_to_chat) > PRUNE_CHATS_AT:
            now = time.monotonic()
            recent = {k: v for k, v in self._last_to_chat.items() if now - v < PER_CHAT_GAP}
            self._last_to_chat = recent
        return [Claimed(row, users.get(row.user_id), send_by) for row in rows]

    async def _work(self, queue: asyncio.Queue[Claimed | None]) -> None:
        while (claimed := await queue.get()) is not None:
            if queue.qsize() < self._depth // 2:
                self._hungry.set()
            try:
                await self._deliver(claimed)
            except Exception:  # one row must not stop this worker
                # Left leased, the row is claimed again when its lease lapses: at worst one
                # more message in flight, within the documented bound.
                log.exception("outbox row %s could not be handled", claimed.row.id)

    def _lease_ok(self, claimed: Claimed) -> bool:
        return time.monotonic() < claimed.send_by

    async def _deliver(self, claimed: Claimed) -> None:
        row, user = claimed.row, claimed.user
        if not self._lease_ok(claimed):
            return  # another pass claims it again once the lease lapses
        # The database's flag is the truth: a user who writes again is unblocked there, and
        # receives again from every worker.
        if user is None or user.blocked:
            await self._writer.add(finished(row, OutboxStatus.BLOCKED))
            return
        if is_muted(row.kind, row.payload, news_muted=user.notifications_muted,
                    reminders_muted=user.reminders_muted):  # fmt: skip
            await self._writer.add(finished(row, OutboxStatus.SKIPPED))
            return
        if time.monotonic() - self._last_to_chat.get(row.user_id, -PER_CHAT_GAP) < PER_CHAT_GAP:
            await self._writer.add(postponed(row, PER_CHAT_GAP, count_attempt=False))
            return
        try:
            recipient = Recipient(row.user_id, row.project_id, self._bot.username)
            text, keyboard = render(self._catalogs.translator(user.locale), row.kind,
                                    row.payload, recipient)  # fmt: skip
        except (KeyError, ValueError) as error:
            log.error("outbox row %s cannot be rendered: %r", row.id, error)
            await self._writer.add(finished(row, OutboxStatus.FAILED, str(error)))
            return
        await self._wait_for_slot()
        if not self._lease_ok(claimed):  # a long 429 pause
            return
        self._last_to_chat[row.user_id] = time.monotonic()
        await self._writer.add(await self._send(row, text, keyboard))

    async def _send(
        self, row: OutboxMessage, text: str, keyboard: InlineKeyboardMarkup | None
    ) -> Outcome:
        photo = row.payload.get("photo_file_id")
        params: dict[str, object] = {"chat_id": row.user_id, "reply_markup": keyboard}
        if self._paid_broadcast:  # above 30 messages/s, charged in Telegram Stars
            params["allow_paid_broadcast"] = True
        if photo:
            caption = fit(text, CAPTION_LIMIT).text  # as Telegram counts, between whole tags
            endpoint, params["photo"], params["caption"] = "sendPhoto", photo, caption
        else:
            endpoint, params["text"] = "sendMessage", text
        try:
            await calls.call(self._bot, endpoint, **params)
        except RetryAfter as error:
            pause = _retry_after_seconds(error)
            self._paused_until = max(self._paused_until, time.monotonic() + pause)
            log.warning("Telegram asks to slow down: pausing delivery for %.0f s", pause)
            return postponed(row, pause, count_attempt=False)
        except Forbidden:
            log.info("user %s has blocked the bot: notifications stop", row.user_id)
            return finished(row, OutboxStatus.BLOCKED, blocked=True)
        except BadRequest as error:
            return finished(row, OutboxStatus.FAILED, str(error))
        except TelegramError as error:
            return postponed(row, None, count_attempt=True, error=str(error))
        return finished(row, OutboxStatus.SENT)

    async def _wait_for_slot(self) -> None:
        """Keep the global pace, and honour a pause asked for by a 429, also one that came
        back while this send was waiting for its slot (it then takes a slot after the pause)."""
        while True:
            now = time.monotonic()
            start = max(now, self._next_slot, self._paused_until)
            self._next_slot = start + self._interval
            if start > now:
                await asyncio.sleep(start - now)
            if self._paused_until <= time.monotonic():
                return


def _retry_after_seconds(error: RetryAfter) -> float:
    # python-telegram-bot 22 warns that `retry_after` becomes a timedelta: accept both.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: object = error.retry_after
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
