"""Fixtures for integration tests that talk to the Bot API emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalogue.service import CatalogueService
from bot.config import load_settings
from bot.i18n.translator import Catalogs
from bot.notifications.sender import OutboxSender
from bot.telegram.client import make_bot
from bot.telegram.intake import KengoBot
from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import BotApiEmulator

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def outbox_bot(emulator: BotApiEmulator) -> AsyncIterator[KengoBot]:
    """A Bot API client pointed at the emulator, as the outbox worker builds its own."""
    settings = load_settings(telegram_bot_token=TEST_TOKEN, telegram_api_url=emulator.base_url)
    bot: KengoBot = make_bot(settings, rate_limited=False)
    await bot.initialize()
    yield bot
    await bot.shutdown()


@pytest.fixture
def sender(sessions: Sessions, outbox_bot: KengoBot) -> OutboxSender:
    return OutboxSender(
        sessions, outbox_bot, Catalogs.load(), rate=200, cards=CatalogueService(sessions)
    )
