"""Journey fixtures: the fakes, and the whole bot served in the test's event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.databases import PreparedDatabases
from tests.dialogue import MODERATION_CHAT, MODERATOR_ID
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn
from tests.journeys.harness import KengoInProcess


@pytest.fixture
def database_url(migrated_database_url: str) -> str:
    """Migrated already, so `serve` finds nothing to upgrade (the e2e tests start from empty)."""
    return migrated_database_url


@pytest.fixture
async def kengo(
    request: pytest.FixtureRequest,
    emulator: BotApiEmulator,
    stripe_stand_in: StripeStandIn,
    database_url: str,
) -> AsyncIterator[KengoInProcess]:
    """A configured, not yet started bot (tests start it, some twice); a test may change its
    settings with `@pytest.mark.kengo_settings(name=value)`."""
    settings = {
        "moderator_ids": frozenset({MODERATOR_ID}),
        "moderation_chat_id": MODERATION_CHAT,
        "stripe_secret_key": stripe_stand_in.secret_key,
        "stripe_webhook_secret": stripe_stand_in.webhook_secret,
        "stripe_api_base": stripe_stand_in.base_url,
        "campaign_check_seconds": 0.2,
        "outbox_rate": 200,
        "paid_broadcast": True,  # required above 30 messages/s
        # Notifications are looked for often: a journey waits for them.
        "outbox_poll_seconds": 0.1,
    }
    if marker := request.node.get_closest_marker("kengo_settings"):
        settings.update(marker.kwargs)
    kengo = KengoInProcess.configure(emulator.base_url, database_url, **settings)
    stripe_stand_in.webhook_url = kengo.url("/stripe/webhook")
    yield kengo
    # A test that failed half-way must not leave its bot running (a passing one stopped it).
    await kengo.stop()


@pytest.fixture
async def running(kengo: KengoInProcess) -> AsyncIterator[KengoInProcess]:
    await kengo.start()
    yield kengo
    assert await kengo.stop() == 0, kengo.log


@pytest.fixture
async def demo_bot(
    kengo: KengoInProcess,
    backend: str,
    tmp_path: Path,
    prepared_databases: PreparedDatabases,
    database_url: str,
) -> AsyncIterator[KengoInProcess]:
    """The bot running on the demo catalogue (14 live projects, 2 finished)."""
    # The database of `database_url`, now holding the demo catalogue.
    assert await prepared_databases.demo(backend, tmp_path) == database_url
    await kengo.start()
    yield kengo
    assert await kengo.stop() == 0, kengo.log
