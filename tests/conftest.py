"""Shared fixtures: a fresh database per test, SQLite by default or `TEST_DATABASE_URL`."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.engine import create_engine, create_session_factory, upgrade_schema

TEST_TOKEN = "123456:TEST-token-for-the-kengo-bot-suite"


async def reset_database(url: str) -> None:
    """Empty a PostgreSQL test database (SQLite tests get a new file instead)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


# Every database test runs on SQLite, and also on PostgreSQL when TEST_DATABASE_URL names one.
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        url = os.environ["TEST_DATABASE_URL"]
        await reset_database(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'kengo.db'}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)
