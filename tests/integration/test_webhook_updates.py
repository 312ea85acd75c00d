"""Webhook update ids: each is handled once, whether copies arrive together, later or elsewhere."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.models import TelegramUpdate
from bot.telegram.update_ids import WebhookUpdates

Sessions = async_sessionmaker[AsyncSession]


async def test_a_copy_is_recognised_later_and_at_another_worker(sessions: Sessions) -> None:
    worker, other_worker = WebhookUpdates(sessions), WebhookUpdates(sessions)
    assert await worker.accept(1001, "{}")
    assert not await worker.accept(1001, "{}")
    assert not await other_worker.accept(1001, "{}")
    assert await other_worker.accept(1002, "{}")


async def test_a_burst_is_recorded_in_few_inserts_and_copies_within_it_once(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    inserts: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("INSERT INTO telegram_updates"):
            inserts.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    updates = WebhookUpdates(sessions)
    ids = [*range(2000, 2040), 2005, 2017]  # two copies arrive while the originals wait
    answers = await asyncio.gather(*(updates.accept(update_id, "{}") for update_id in ids))
    event.remove(engine.sync_engine, "before_cursor_execute", count)

    assert answers == [True] * 40 + [False, False]
    assert len(inserts) <= 2  # the first id alone, then everyone who arrived meanwhile
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(TelegramUpdate)) == 40


async def test_when_the_write_fails_the_copies_waiting_on_it_fail_too(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    # Neither may be acknowledged as handled: Telegram must deliver the update again.
    async with engine.begin() as connection:
        await connection.run_sync(TelegramUpdate.__table__.drop)
    updates = WebhookUpdates(sessions)
    results = await asyncio.gather(
        updates.accept(3001, "{}"), updates.accept(3001, "{}"), return_exceptions=True
    )
    assert [isinstance(result, DBAPIError) for result in results] == [True, True]
