"""e2e fixtures: the bot started as production starts it, in a child process.

These smoke tests run once per run, on the engine production uses when the run has one
(`TEST_DATABASE_URL`), else on SQLite: what differs between the engines is covered by the
journeys and the integration tests, which run on both.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.databases import BACKENDS, PreparedDatabases, fresh_database
from tests.dialogue import MODERATION_CHAT, MODERATOR_ID
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    return await fresh_database(BACKENDS[-1], tmp_path)


@pytest.fixture
async def demo_data(
    database_url: str, tmp_path: Path, prepared_databases: PreparedDatabases
) -> None:
    """`database_url` migrated and holding the demo catalogue, as `kengo-bot demo-data` leaves
    it (that command has a test of its own)."""
    assert await prepared_databases.demo(BACKENDS[-1], tmp_path) == database_url


@pytest.fixture
async def kengo(
    tmp_path: Path, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn, database_url: str
) -> AsyncIterator[KengoProcess]:
    """A configured, not yet started bot process (tests start it, some twice)."""
    kengo = KengoProcess.configure(
        tmp_path,
        emulator.base_url,
        database_url,
        MODERATOR_IDS=str(MODERATOR_ID),
        MODERATION_CHAT_ID=str(MODERATION_CHAT),
        STRIPE_SECRET_KEY=stripe_stand_in.secret_key,
        STRIPE_WEBHOOK_SECRET=stripe_stand_in.webhook_secret,
        STRIPE_API_BASE=stripe_stand_in.base_url,
        CAMPAIGN_CHECK_SECONDS="0.5",
        OUTBOX_RATE="200",
        PAID_BROADCAST="true",
        OUTBOX_POLL_SECONDS="0.1",
    )
    stripe_stand_in.webhook_url = kengo.url("/stripe/webhook")
    yield kengo
    # A test that failed half-way must not leave its bot running (a passing one stopped it).
    if kengo.process is not None and kengo.process.returncode is None:
        kengo.process.kill()
        await kengo.process.wait()
