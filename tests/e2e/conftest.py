"""e2e fixtures: the Bot API emulator, and the bot started as production starts it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator

MODERATOR_ID = 900_001
MODERATION_CHAT = 900_001


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TEST_TOKEN, username="kengo_test_bot") as emulator:
        yield emulator


@pytest.fixture
def kengo(tmp_path: Path, emulator: BotApiEmulator, database_url: str) -> KengoProcess:
    """A configured, not yet started bot process (tests start it, some twice)."""
    return KengoProcess.configure(
        tmp_path,
        emulator.base_url,
        database_url,
        MODERATOR_IDS=str(MODERATOR_ID),
        MODERATION_CHAT_ID=str(MODERATION_CHAT),
        STRIPE_WEBHOOK_SECRET="whsec_test_kengo",
    )


@pytest.fixture
async def running(kengo: KengoProcess) -> AsyncIterator[KengoProcess]:
    await kengo.start()
    yield kengo
    assert await kengo.stop() == 0, kengo.log
