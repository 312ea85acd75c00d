"""Several workers on one database: migrations started at once, one notification sender.

The outbox part runs two `kengo-bot run` workers as `test_two_workers.py` does (webhook mode,
one public URL); it needs no update from users, only rows queued in the outbox.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import insert, make_url, text

from bot.notifications.kinds import Kind, row
from bot.notifications.sender import crash_bound, default_concurrency
from bot.storage.engine import alembic_config, create_engine
from bot.storage.models import OutboxMessage, User
from tests.bot_database import db_execute, db_scalar
from tests.databases import sqlite_url
from tests.dialogue import WAIT
from tests.e2e.harness import KengoProcess
from tests.e2e.test_two_workers import _worker
from tests.fakes.bot_api import ApiCall, BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn

pytestmark = pytest.mark.e2e
RATE = 20  # OUTBOX_RATE of each worker: the bot's rate, whichever worker sends
TAKEOVER_BOUND = 5.0  # seconds, from a killed leader to the standby's first delivery
LEASE = "60"  # seconds: far beyond the test, so only a takeover can free the dead one's rows


@pytest.fixture
async def scratch_database_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of this test's own: a new PostgreSQL database on the server of
    TEST_DATABASE_URL (dropped afterwards), else a new SQLite file."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield sqlite_url(tmp_path / "scratch.db")
        return
    name = f"kengo_upgrade_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def test_three_db_upgrades_at_once_without_the_bot_token_all_succeed(
    tmp_path: Path, scratch_database_url: str
) -> None:
    job = KengoProcess.configure(tmp_path, "http://127.0.0.1:9/bot", scratch_database_url)
    del job.env["TELEGRAM_BOT_TOKEN"]  # a migration job carries no bot secret
    results = await asyncio.gather(*(job.run_command("db", "upgrade") for _ in range(3)))
    assert [code for code, _ in results] == [0, 0, 0], results
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    version = text("SELECT version_num FROM alembic_version")
    assert await db_scalar(scratch_database_url, version) == head


@pytest.fixture
async def two_senders(
    tmp_path: Path, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn, database_url: str
) -> AsyncIterator[list[KengoProcess]]:
    """Two workers started at once on an empty database (both migrate it at start)."""
    first = _worker(tmp_path / "a", emulator, stripe_stand_in, database_url, None)
    second = _worker(
        tmp_path / "b", emulator, stripe_stand_in, database_url, first.env["WEBHOOK_URL"]
    )
    workers = [first, second]
    for worker in workers:
        worker.env.update(OUTBOX_RATE=str(RATE), PAID_BROADCAST="false", OUTBOX_LEASE_SECONDS=LEASE)
    await asyncio.gather(*(worker.start() for worker in workers))
    yield workers
    for worker in workers:
        if worker.process is not None and worker.process.returncode is None:
            assert await worker.stop() == 0, worker.log


async def test_two_workers_send_at_the_bot_rate_and_a_killed_leader_is_replaced(
    two_senders: list[KengoProcess], emulator: BotApiEmulator, database_url: str
) -> None:
    first_batch, second_batch = await _users(emulator, database_url, 30, 40)

    # Both workers run a sender; one leads, and the bot's rate is OUTBOX_RATE, not twice it.
    await _queue(database_url, first_batch, "first")
    sends = [await _delivery(emulator, chat_id) for chat_id in first_batch]
    span = max(call.at for call in sends) - min(call.at for call in sends)
    assert (len(sends) - 1) / span <= RATE * 1.25, f"{(len(sends) - 1) / span:.1f}/s"
    for _ in range(int(WAIT / 0.1)):  # outcomes are written a moment after the sends
        counts = [await _sent(worker, at_least=0) for worker in two_senders]
        if sum(counts) >= len(first_batch):
            break
        await asyncio.sleep(0.1)
    assert sorted(counts) == [0, len(first_batch)]  # one worker sent them all
    leader, standby = two_senders if counts[0] else two_senders[::-1]

    # kill -9 the leader mid-delivery: the standby leads within seconds, and sends the rows
    # the dead leader had leased without waiting a minute for their leases.
    mark = emulator.mark()
    await _queue(database_url, second_batch, "second")
    while len(_sends_since(emulator, mark)) < 10:
        await emulator.wait_for("sendMessage", since=emulator.mark(), timeout=WAIT)
    killed_at = time.monotonic()
    assert await leader.stop(signal.SIGKILL) == -signal.SIGKILL
    await _sent(standby, at_least=1)
    takeover = time.monotonic() - killed_at
    assert takeover < TAKEOVER_BOUND, f"{takeover:.1f} s"

    for chat_id in second_batch:
        await _delivery(emulator, chat_id, since=mark)
    received = Counter(c.params["chat_id"] for c in _sends_since(emulator, mark))
    assert set(received) == set(second_batch)  # nobody lost
    duplicates = sum(received.values()) - len(second_batch)
    assert duplicates <= crash_bound(default_concurrency(RATE))


async def _users(emulator: BotApiEmulator, database_url: str, *sizes: int) -> list[list[int]]:
    """Groups of new users (in the database and in the emulator), by size."""
    groups, next_id = [], 900_000
    for size in sizes:
        groups.append(list(range(next_id, next_id + size)))
        next_id += size
    for chat_id in (chat_id for group in groups for chat_id in group):
        emulator.user(chat_id, f"Fan {chat_id}")
    await db_execute(database_url, insert(User).values([
        {"id": chat_id, "first_name": "Fan", "locale": "fr", "locale_chosen": True}
        for group in groups for chat_id in group
    ]))  # fmt: skip
    return groups


async def _queue(database_url: str, chat_ids: list[int], key: str) -> None:
    await db_execute(database_url, insert(OutboxMessage).values([
        row(chat_id, Kind.PLEDGE_THANKS, f"{key}:{chat_id}", None, title="Bagad",
            amount_cents=2000)
        for chat_id in chat_ids
    ]))  # fmt: skip


async def _delivery(emulator: BotApiEmulator, chat_id: int, since: int = 0) -> ApiCall:
    return await emulator.wait_for("sendMessage", chat_id=chat_id, since=since, timeout=WAIT)


def _sends_since(emulator: BotApiEmulator, mark: int) -> list[ApiCall]:
    return [c for c in emulator.calls(include_failed=True)[mark:]
            if c.ok and c.method == "sendMessage"]  # fmt: skip


async def _sent(worker: KengoProcess, *, at_least: int) -> int:
    """The notifications this worker recorded as sent (/metrics), once at least `at_least`."""
    prefix = 'kengo_outbox_messages_total{status="sent"} '
    for _ in range(int(WAIT / 0.1)):
        async with aiohttp.ClientSession() as http, http.get(worker.url("/metrics")) as got:
            lines = (await got.text()).splitlines()
        sent = sum(int(float(line.removeprefix(prefix))) for line in lines
                   if line.startswith(prefix))  # fmt: skip
        if sent >= at_least:
            return sent
        await asyncio.sleep(0.1)
    raise AssertionError(f"{worker.url('/metrics')}: fewer than {at_least} sent")
