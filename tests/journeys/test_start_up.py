"""Issue 15: only getMe (and setWebhook) decide start-up; menus are retried in the background."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot

from bot.i18n.translator import Catalogs
from bot.telegram.commands import keep_publishing_default_commands
from tests.conftest import TEST_TOKEN
from tests.dialogue import answer_to, text_of
from tests.fakes.bot_api import BotApiEmulator
from tests.journeys.harness import KengoInProcess

pytestmark = pytest.mark.journey


async def test_the_bot_starts_when_the_menus_cannot_be_set(
    kengo: KengoInProcess, emulator: BotApiEmulator
) -> None:
    emulator.fail_next("setMyCommands", error_code=500, count=10)
    await kengo.start()
    try:
        nolwenn = emulator.user(4201, "Nolwenn")
        assert "/projets" in text_of(await answer_to(emulator, nolwenn, "/aide"))
        for _ in range(100):  # the menus' retry pauses: the bot answered meanwhile
            if "command menus not published" in kengo.log:
                break
            await asyncio.sleep(0.05)
        assert "command menus not published" in kengo.log
    finally:
        assert await kengo.stop() == 0


async def test_menus_are_published_once_telegram_takes_them(emulator: BotApiEmulator) -> None:
    emulator.fail_next("setMyCommands", error_code=502, count=3)
    stop = asyncio.Event()
    async with Bot(TEST_TOKEN, base_url=emulator.base_url) as bot:
        await asyncio.wait_for(
            keep_publishing_default_commands(bot, Catalogs.load(), stop, retry_every=0.01), 5
        )
    assert any(c["command"] == "projets" for c in emulator.commands_for(None, "br"))


async def test_the_profile_is_published_once_telegram_takes_it(emulator: BotApiEmulator) -> None:
    emulator.fail_next("setMyShortDescription", error_code=500, count=2)
    stop = asyncio.Event()
    async with Bot(TEST_TOKEN, base_url=emulator.base_url) as bot:
        await asyncio.wait_for(
            keep_publishing_default_commands(bot, Catalogs.load(), stop, retry_every=0.01), 5
        )
    for language in ("", "fr", "br"):
        assert emulator.bot_text("description", language)
        assert emulator.bot_text("short_description", language)
    assert emulator.bot_text("description", "br") != emulator.bot_text("description", "fr")
