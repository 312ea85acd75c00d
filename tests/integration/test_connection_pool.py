"""PostgreSQL connections dropped while idle in the pool are replaced, not handed out."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.storage import engine as db

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (TEST_DATABASE_URL)"
)


async def _drop_server_side(url: str, pid: int) -> None:
    killer = db.create_engine(url)
    try:
        async with killer.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await killer.dispose()


async def test_an_idle_connection_the_server_dropped_is_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = os.environ["TEST_DATABASE_URL"]
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection counts as idle
    engine = db.create_engine(url)
    try:
        async with engine.connect() as connection:
            first = await connection.scalar(text("SELECT pg_backend_pid()"))
        await _drop_server_side(url, first)
        async with engine.connect() as connection:
            second = await connection.scalar(text("SELECT pg_backend_pid()"))
        assert second != first
    finally:
        await engine.dispose()


async def test_a_connection_dropped_between_quick_uses_fails_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The documented cost of not checking busy connections: one failure, then a fresh pool.
    url = os.environ["TEST_DATABASE_URL"]
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 3600.0)
    engine = db.create_engine(url)
    try:
        async with engine.connect() as connection:
            first = await connection.scalar(text("SELECT pg_backend_pid()"))
        await _drop_server_side(url, first)
        with pytest.raises(DBAPIError) as failure:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        assert failure.value.connection_invalidated
        async with engine.connect() as connection:
            assert await connection.scalar(text("SELECT pg_backend_pid()")) != first
    finally:
        await engine.dispose()
