"""The aiohttp transport for python-telegram-bot, against the Bot API emulator."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.telegram.intake import KengoBot
from bot.telegram.transport import AiohttpRequest
from tests.conftest import TEST_TOKEN
from tests.fakes.bot_api import BotApiEmulator

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def bot_for(url: str, kind: type[Bot] = Bot, **timeouts: float) -> Bot:
    return kind(
        TEST_TOKEN,
        base_url=url,
        request=AiohttpRequest(4, **timeouts),
        get_updates_request=AiohttpRequest(1, **timeouts),
    )


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    async with bot_for(emulator.base_url) as bot:
        yield bot


async def test_sends_parameters_and_uploads(emulator: BotApiEmulator, bot: Bot) -> None:
    anna = emulator.user(1001, "Anna")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Kemper", callback_data="p:1")]])
    sent = await bot.send_message(anna.id, "Demat & degemer mat", reply_markup=keyboard)
    assert sent.text == "Demat & degemer mat"
    call = emulator.calls("sendMessage", chat_id=anna.id)[0]
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "p:1"
    photo = await bot.send_photo(anna.id, PNG, caption="Bagad", filename="bagad.png")
    assert photo.photo
    assert emulator.calls("sendPhoto", chat_id=anna.id)[0].params["caption"] == "Bagad"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # retry_after
async def test_telegram_errors_keep_their_meaning(emulator: BotApiEmulator, bot: Bot) -> None:
    anna = emulator.user(1001, "Anna")
    emulator.fail_next("sendMessage", error_code=429, retry_after=3)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(anna.id, "1")
    assert limited.value.retry_after == 3
    emulator.fail_next("sendMessage", error_code=400)
    with pytest.raises(BadRequest):
        await bot.send_message(anna.id, "2")
    await anna.block()
    with pytest.raises(Forbidden):
        await bot.send_message(anna.id, "3")


async def test_a_slow_answer_times_out(emulator: BotApiEmulator) -> None:
    emulator.latency = 1.0
    async with bot_for(emulator.base_url) as bot:  # initialised before the latency bites
        anna = emulator.user(1001, "Anna")
        # Had the 0.2 s read timeout not applied, the answer would have come after 1 s.
        with pytest.raises(TimedOut):
            await bot.send_message(anna.id, "Demat", read_timeout=0.2)


async def test_an_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bot = bot_for(f"http://127.0.0.1:{port}/bot")
    with pytest.raises(NetworkError):
        await bot.initialize()  # getMe
    await bot.shutdown()


@pytest.mark.parametrize("kind", [Bot, KengoBot])
async def test_long_polling_waits_past_the_default_read_timeout(
    emulator: BotApiEmulator, kind: type[Bot]
) -> None:
    async with bot_for(emulator.base_url, kind, read_timeout=0.3) as bot:
        # The emulator holds each call for `timeout` (1 s), past the 0.3 s read timeout: an
        # empty batch, not TimedOut, shows that long polling extended the read timeout.
        assert await bot.get_updates(timeout=1) == ()
        assert await bot.get_updates(timeout=timedelta(seconds=1)) == ()
        anna = emulator.user(1001, "Anna")
        await anna.send("/start")
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message is not None
        assert updates[0].message.text == "/start"


async def test_polling_sends_what_the_library_sends(emulator: BotApiEmulator) -> None:
    async with bot_for(emulator.base_url, KengoBot) as bot:
        await bot.get_updates(offset=7, limit=3, timeout=timedelta(0), allowed_updates=["message"])
    sent = emulator.calls("getUpdates")[-1].params
    assert sent == {"offset": 7, "limit": 3, "timeout": 0, "allowed_updates": ["message"]}


async def test_an_unreadable_update_neither_blocks_nor_drops_the_rest_of_its_batch(
    emulator: BotApiEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    anna = emulator.user(1001, "Anna")
    await anna.send("/start")
    # From a newer Bot API, say: python-telegram-bot cannot build a Message without a chat.
    unreadable = await emulator.inject_raw({"message": {"text": "no chat, no date"}})
    await anna.send("/aide")
    async with bot_for(emulator.base_url, KengoBot) as bot:
        with caplog.at_level(logging.ERROR, logger="bot.telegram.intake"):
            batch = await bot.get_updates(timeout=0)
        texts = [update.message.text if update.message else None for update in batch]
        assert texts == ["/start", None, "/aide"]
        assert batch[1].update_id == unreadable
        assert f"skipping unreadable update {unreadable}" in caplog.text
        # The offset moves past the whole batch: nothing comes back, nothing stays queued.
        assert await bot.get_updates(offset=batch[-1].update_id + 1, timeout=0) == ()
    assert emulator.pending_updates == []
