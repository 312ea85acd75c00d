"""e2e fixtures: the Bot API emulator, and the bot started as production starts it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn

MODERATOR_ID = 900_001
MODERATION_CHAT = 900_001


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TEST_TOKEN, username="kengo_test_bot") as emulator:
        yield emulator


@pytest.fixture
async def stripe_stand_in(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[StripeStandIn]:
    async with StripeStandIn() as stand_in:
        yield stand_in


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
    )
    stripe_stand_in.webhook_url = kengo.url("/stripe/webhook")
    yield kengo
    # A test that failed half-way must not leave its bot running (a passing one stopped it).
    if kengo.process is not None and kengo.process.returncode is None:
        kengo.process.kill()
        await kengo.process.wait()


@pytest.fixture
async def running(kengo: KengoProcess) -> AsyncIterator[KengoProcess]:
    await kengo.start()
    yield kengo
    assert await kengo.stop() == 0, kengo.log


@pytest.fixture
async def demo_bot(kengo: KengoProcess) -> AsyncIterator[KengoProcess]:
    """The bot running on the demo catalogue (14 live projects, 2 finished)."""
    code, output = await kengo.run_command("demo-data")
    assert code == 0, output
    await kengo.start()
    yield kengo
    assert await kengo.stop() == 0, kengo.log
