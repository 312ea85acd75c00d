"""SQLite connections that cross to their thread once per statement behave as aiosqlite's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.storage import sqlite_driver
from bot.storage.engine import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> Any:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


async def test_the_engine_uses_one_crossing_connections(engine: Any) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, sqlite_driver.OneCrossingConnection)


async def test_rows_counts_and_ids_come_back(engine: Any) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('a')"))
        assert inserted.lastrowid == 1
        await connection.execute(
            text("INSERT INTO t (name) VALUES (:name)"), [{"name": n} for n in "bcd"]
        )
        updated = await connection.execute(text("UPDATE t SET name = name || '!' WHERE id > 2"))
        assert updated.rowcount == 2
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert [tuple(row) for row in rows] == [(1, "a"), (2, "b"), (3, "c!"), (4, "d!")]
        empty = await connection.execute(text("SELECT id FROM t WHERE id > 10"))
        assert list(empty.keys()) == ["id"]
        assert empty.all() == []
        streamed = await connection.stream(text("SELECT id FROM t ORDER BY id"))
        assert [row.id async for row in streamed] == [1, 2, 3, 4]


async def _insert_twice(engine: Any) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (name) VALUES ('x')"))
        await connection.execute(text("INSERT INTO t (name) VALUES ('x')"))


async def _select_from_nowhere(engine: Any) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT nothing FROM nowhere"))


async def test_errors_are_sqlalchemys_and_roll_back(engine: Any) -> None:
    with pytest.raises(IntegrityError):
        await _insert_twice(engine)
    with pytest.raises(OperationalError):
        await _select_from_nowhere(engine)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 0


async def test_a_closed_connection_refuses_statements(tmp_path: Path) -> None:
    connection = await sqlite_driver.connector(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")()
    await connection.close()
    with pytest.raises(ValueError, match="closed"):
        await connection.cursor().execute("SELECT 1")
