"""The webhook inbox: an update is kept until handled, and a dead worker's are taken over once."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.domain import utcnow
from bot.storage.engine import Sessions
from bot.storage.models import TelegramUpdate
from bot.telegram.update_ids import MAX_TAKEOVERS, WebhookUpdates

SHORT = timedelta(seconds=0.3)


async def _row(sessions: Sessions, update_id: int) -> TelegramUpdate | None:
    async with sessions() as session:
        return await session.get(TelegramUpdate, update_id)


async def test_an_update_is_kept_until_its_handlers_have_run(sessions: Sessions) -> None:
    worker = WebhookUpdates(sessions, lease=timedelta(seconds=30))
    assert await worker.accept(7001, '{"update_id": 7001}')
    kept = await _row(sessions, 7001)
    assert kept is not None
    assert kept.payload == '{"update_id": 7001}'
    assert kept.handled_at is None
    assert kept.locked_until is not None
    assert kept.locked_until > utcnow() + timedelta(seconds=25)

    worker.finished(7001)
    await worker.release()
    handled = await _row(sessions, 7001)
    assert handled is not None
    assert handled.handled_at is not None
    assert (handled.payload, handled.locked_until) == (None, None)  # the id alone stays


async def test_a_dead_workers_updates_are_taken_over_oldest_first_once_its_lease_lapses(
    sessions: Sessions,
) -> None:
    dead = WebhookUpdates(sessions, lease=SHORT)
    for update_id in (7103, 7101, 7102):
        assert await dead.accept(update_id, f'{{"update_id": {update_id}}}')
    dead.finished(7102)  # its handlers ran before the crash
    await dead.write_marks()  # then it dies
    alive, other = WebhookUpdates(sessions), WebhookUpdates(sessions)
    assert await alive.take_over() == []  # the dead worker's lease still runs
    await asyncio.sleep(SHORT.total_seconds() + 0.05)

    taken = await alive.take_over()
    assert [(left.update_id, left.payload) for left in taken] == [
        (7101, '{"update_id": 7101}'),
        (7103, '{"update_id": 7103}'),
    ]
    assert await other.take_over() == []  # leased to `alive` now
    for left in taken:
        alive.finished(left.update_id)
    await alive.release()
    assert await other.take_over() == []


async def test_a_live_worker_keeps_its_updates_by_renewing_its_leases(sessions: Sessions) -> None:
    worker, other = WebhookUpdates(sessions, lease=SHORT), WebhookUpdates(sessions)
    assert await worker.accept(7201, "{}")
    for _ in range(3):
        await asyncio.sleep(SHORT.total_seconds() / 2)
        await worker.renew_leases()
    assert await other.take_over() == []
    # Its own update, its renewal late: not queued a second time.
    await asyncio.sleep(SHORT.total_seconds() + 0.05)
    assert await worker.take_over() == []


async def test_two_workers_taking_over_at_once_share_the_updates(sessions: Sessions) -> None:
    dead = WebhookUpdates(sessions, lease=SHORT)
    ids = list(range(7300, 7340))
    await asyncio.gather(*(dead.accept(update_id, "{}") for update_id in ids))
    await asyncio.sleep(SHORT.total_seconds() + 0.05)
    first, second = WebhookUpdates(sessions), WebhookUpdates(sessions)
    taken = await asyncio.gather(first.take_over(), second.take_over(), first.take_over())
    got = [left.update_id for batch in taken for left in batch]
    assert sorted(got) == ids  # each once


async def test_an_update_that_kills_every_worker_is_given_up(
    sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    assert await WebhookUpdates(sessions, lease=SHORT).accept(7401, "{}")
    for _ in range(MAX_TAKEOVERS):
        await asyncio.sleep(SHORT.total_seconds() + 0.05)
        assert len(await WebhookUpdates(sessions, lease=SHORT).take_over()) == 1  # then dies
    await asyncio.sleep(SHORT.total_seconds() + 0.05)
    last = WebhookUpdates(sessions, lease=SHORT)
    with caplog.at_level(logging.ERROR):
        assert await last.take_over() == []
        await last.release()
    assert "gave up on webhook updates [7401]" in caplog.text
    row = await _row(sessions, 7401)
    assert row is not None
    assert row.handled_at is not None


async def test_a_clean_stop_hands_the_updates_left_to_the_other_workers(
    sessions: Sessions,
) -> None:
    stopping = WebhookUpdates(sessions, lease=timedelta(seconds=30))
    assert await stopping.accept(7501, "{}")
    assert await stopping.accept(7502, "{}")
    stopping.finished(7501)
    await stopping.release()  # 7502 came after the last update the bot handled
    taken = await WebhookUpdates(sessions).take_over()
    assert [left.update_id for left in taken] == [7502]


async def test_forgetting_old_ids_keeps_the_updates_not_yet_handled(sessions: Sessions) -> None:
    old = utcnow() - timedelta(days=3)
    async with sessions.begin() as session:
        session.add_all([
            TelegramUpdate(update_id=7601, received_at=old, handled_at=old),
            TelegramUpdate(update_id=7602, received_at=old, payload="{}"),
            TelegramUpdate(update_id=7603, received_at=utcnow(), handled_at=utcnow()),
        ])  # fmt: skip
    assert await WebhookUpdates(sessions).forget_old() == 1
    async with sessions() as session:
        left = (await session.scalars(select(TelegramUpdate.update_id))).all()
    assert sorted(left) == [7602, 7603]
