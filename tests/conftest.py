"""Shared fixtures: databases (SQLite, and PostgreSQL when `TEST_DATABASE_URL` names one; see
tests/databases.py), and the two fakes the bot talks to (`tests/fakes/README.md`)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.storage.engine import create_engine, create_session_factory
from tests.databases import BACKENDS, PreparedDatabases, database_per_worker, fresh_database
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn

TEST_TOKEN = "123456:TEST-token-for-the-kengo-bot-suite"


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist, each worker empties and fills a PostgreSQL database of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if worker and url:
        os.environ["TEST_DATABASE_URL"] = asyncio.run(database_per_worker(url, worker))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> str:
    """An empty database, not migrated."""
    return await fresh_database(backend, tmp_path)


@pytest.fixture(scope="session")
def prepared_databases(tmp_path_factory: pytest.TempPathFactory) -> PreparedDatabases:
    return PreparedDatabases(tmp_path_factory.mktemp("prepared"))


@pytest.fixture
async def migrated_database_url(
    backend: str, tmp_path: Path, prepared_databases: PreparedDatabases
) -> str:
    """An empty database at the latest migration."""
    return await prepared_databases.migrated(backend, tmp_path)


@pytest.fixture
async def engine(migrated_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TEST_TOKEN, username="kengo_test_bot") as emulator:
        yield emulator


@pytest.fixture
async def stripe_stand_in() -> AsyncIterator[StripeStandIn]:
    async with StripeStandIn() as stand_in:
        yield stand_in
