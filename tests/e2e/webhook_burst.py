"""A burst of webhook updates with a `kill -9` of the worker in the middle: what was lost, what
was answered twice.

Shared by tests/e2e/test_webhook_crash.py (100 updates) and bench/webhook_crash.py (1,000). Each
update is one new user's `/aide`, answered with one message: a chat's answers count how many
times its update was handled.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bot.storage.engine import create_engine
from bot.storage.models import TelegramUpdate
from tests.bot_database import db_scalar
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator, WebhookDelivery

RETRY_PAUSE = 0.05  # between two POSTs of an update nobody acknowledged
# Silence after which the updates still unanswered are taken as lost (leases last 1-2 s here).
GIVE_UP = 10.0


class TelegramLikeWebhooks(BotApiEmulator):
    """Keeps up to `connections` POSTs in flight and sends an update again until a 2xx answers
    it, as Telegram does (the stock emulator gives up after three tries)."""

    def __init__(self, token: str, connections: int = 40) -> None:
        super().__init__(token=token)
        self.webhook_connections = connections
        self.acknowledged: set[int] = set()

    async def _hand_over(self, hook: Any, update: dict[str, Any]) -> None:
        try:
            for attempt in range(1, 1_000_000):
                status, error = await self._post(hook.url, update, hook.secret)
                update_id = update["update_id"]
                self.webhook_deliveries.append(
                    WebhookDelivery(update_id, status, attempt, time.monotonic(), error)
                )
                if 200 <= status < 300:
                    self.acknowledged.add(update_id)
                    return
                await asyncio.sleep(RETRY_PAUSE)
        except asyncio.CancelledError:
            # The webhook was set again (the restarted bot): Telegram still holds the update.
            self._updates.append(update)
            self._updates.sort(key=lambda u: u["update_id"])
            raise


@dataclass
class BurstReport:
    updates: int
    acknowledged_at_kill: int
    handled_at_kill: int  # marked handled in the database when the worker died
    lost: int  # never answered
    answered_twice: int  # answered more than once (handled again after the crash)
    finished_then_again: int  # of those, marked handled before the kill: must be none
    recovery_seconds: float  # from the restart to the last update's first answer
    unhandled_rows: int  # inbox rows not marked handled after a clean stop

    @property
    def in_flight_at_kill(self) -> int:
        """Acknowledged and not finished when the worker died: those may be handled twice."""
        return self.acknowledged_at_kill - self.handled_at_kill


async def crash_during_burst(
    emulator: TelegramLikeWebhooks,
    kengo: KengoProcess,
    database_url: str,
    *,
    updates: int,
    kill_after: int,
    first_user_id: int,
    timeout: float = 120.0,
) -> BurstReport:
    """Start the worker, send `updates` at once, kill it once `kill_after` are acknowledged,
    restart it, wait for every answer, stop it cleanly; `kengo` has the webhook settings."""
    await kengo.start()
    users = [emulator.user(first_user_id + n, f"Burst {n}") for n in range(updates)]
    chat_of = {await user.send("/aide"): user.id for user in users}
    deadline = time.monotonic() + timeout
    while len(emulator.acknowledged) < kill_after:
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(emulator.acknowledged)} acknowledged:\n{kengo.log}")
        await asyncio.sleep(0.002)
    assert await kengo.stop(signal.SIGKILL) == -signal.SIGKILL
    acknowledged = len(emulator.acknowledged)
    handled = await _handled_ids(database_url, chat_of)
    restarted = time.monotonic()
    await kengo.start()
    await _until_each_answered(emulator, set(chat_of.values()), deadline)
    recovery = time.monotonic() - restarted
    await asyncio.sleep(1.0)  # time for a late second answer to show, if one were coming
    assert await kengo.stop() == 0, kengo.log
    answers = _answers(emulator, set(chat_of.values()))
    twice = {chat for chat, count in answers.items() if count > 1}
    unhandled = select(func.count()).where(TelegramUpdate.handled_at.is_(None))
    return BurstReport(
        updates=updates,
        acknowledged_at_kill=acknowledged,
        handled_at_kill=len(handled),
        lost=sum(1 for chat in chat_of.values() if answers[chat] == 0),
        answered_twice=len(twice),
        finished_then_again=sum(1 for update_id in handled if chat_of[update_id] in twice),
        recovery_seconds=recovery,
        unhandled_rows=await db_scalar(database_url, unhandled),
    )


async def _handled_ids(database_url: str, chat_of: dict[int, int]) -> set[int]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.scalars(
                select(TelegramUpdate.update_id).where(TelegramUpdate.handled_at.is_not(None))
            )
            return {update_id for update_id in rows if update_id in chat_of}
    finally:
        await engine.dispose()


def _answers(emulator: BotApiEmulator, chats: set[int]) -> Counter[int]:
    counted = Counter(
        call.params.get("chat_id")
        for call in emulator.calls("sendMessage")
        if call.params.get("chat_id") in chats
    )
    return Counter({chat: counted.get(chat, 0) for chat in chats})


async def _until_each_answered(emulator: BotApiEmulator, chats: set[int], deadline: float) -> None:
    """Until every chat has an answer, or the bot has said nothing for GIVE_UP seconds (the
    rest were lost), or the deadline."""
    calls, quiet_since = len(emulator.calls()), time.monotonic()
    while min(_answers(emulator, chats).values()) == 0 and time.monotonic() < deadline:
        if len(emulator.calls()) != calls:
            calls, quiet_since = len(emulator.calls()), time.monotonic()
        elif time.monotonic() - quiet_since > GIVE_UP:
            return
        await asyncio.sleep(0.05)
