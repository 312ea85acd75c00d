"""What an operator does: configure, migrate, load demo data, check health, stop, use webhooks."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import TEST_TOKEN
from tests.dialogue import WAIT, answer_to, text_of
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator

pytestmark = pytest.mark.e2e

# The update types of the handlers in handlers/__init__.py: Telegram drops every other one.
HANDLED_UPDATES = ["message", "edited_message", "inline_query", "callback_query", "my_chat_member"]


async def test_missing_or_malformed_token_fails_with_one_clear_line(kengo: KengoProcess) -> None:
    del kengo.env["TELEGRAM_BOT_TOKEN"]
    code, output = await kengo.run_command("run")
    assert code == 2
    assert output.strip().splitlines() == [
        "kengo-bot: TELEGRAM_BOT_TOKEN is required (set it in the environment or .env)"
    ]
    kengo.env["TELEGRAM_BOT_TOKEN"] = "12345"
    code, output = await kengo.run_command("run")
    assert code == 2
    assert len(output.strip().splitlines()) == 1
    assert output.startswith("kengo-bot: TELEGRAM_BOT_TOKEN ")


async def test_a_token_telegram_refuses_is_reported(
    kengo: KengoProcess, emulator: BotApiEmulator
) -> None:
    kengo.env["TELEGRAM_BOT_TOKEN"] = "999999:ThisTokenWasRevokedByBotFather00"
    code, output = await kengo.run_command("run")
    assert code == 2
    assert "Telegram refused TELEGRAM_BOT_TOKEN" in output
    assert "ThisTokenWasRevokedByBotFather00" not in output
    # Every HTTP session the failed start opened was closed (aiohttp complains otherwise).
    assert "Unclosed" not in output, output


async def test_demo_data_loads_once_and_the_welcome_counts_live_projects(
    kengo: KengoProcess, emulator: BotApiEmulator
) -> None:
    code, output = await kengo.run_command("db", "upgrade")
    assert code == 0, output
    code, first = await kengo.run_command("demo-data")
    assert code == 0, first
    assert "16 projects added, 0 already present" in first
    code, second = await kengo.run_command("demo-data")
    assert "0 projects added, 16 already present, 0 pledges added" in second

    await kengo.start()
    try:
        welcome = await answer_to(emulator, emulator.user(201, "Anna"), "/start")
        assert "En ce moment, 14 projets sont en campagne." in text_of(welcome)
    finally:
        assert await kengo.stop() == 0


async def test_json_logs_and_metrics_of_a_running_bot(
    kengo: KengoProcess, emulator: BotApiEmulator
) -> None:
    import json

    kengo.env["LOG_FORMAT"] = "json"
    await kengo.start()
    await answer_to(emulator, emulator.user(203, "Goulven"), "/start")
    handled = 'kengo_updates_total{handler="start.start",outcome="handled"} 1.0'
    leading = "kengo_outbox_sender_leader 1.0"  # the only worker sends the notifications
    # The reply can arrive before the handler returns and is counted: look again for a while.
    deadline = asyncio.get_running_loop().time() + WAIT
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(kengo.url("/metrics")) as response:
                metrics = await response.text()
            seen = {handled, leading} <= {*metrics.splitlines()}
            if seen or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.1)
    assert handled in metrics
    assert leading in metrics
    assert "kengo_handler_seconds_bucket" in metrics
    polls = emulator.calls("getUpdates")
    assert {tuple(c.params["allowed_updates"]) for c in polls} == {tuple(HANDLED_UPDATES)}
    assert await kengo.stop() == 0
    lines = [json.loads(line) for line in kengo.log.splitlines() if line.strip()]
    assert lines
    assert all(line["level"] and line["time"].endswith("Z") for line in lines)


async def test_health_check_and_clean_stop_without_secrets_in_logs(
    kengo: KengoProcess, emulator: BotApiEmulator
) -> None:
    await kengo.start()
    async with aiohttp.ClientSession() as http, http.get(kengo.url("/healthz")) as response:
        assert response.status == 200
        assert await response.json() == {
            "status": "ok",
            "database": "ok",
            "bot": "ok",
            "mode": "polling",
        }
    assert await kengo.stop(signal.SIGINT) == 0
    assert "stopping" in kengo.log
    assert TEST_TOKEN not in kengo.log
    assert "whsec_test_kengo" not in kengo.log
    assert "sk_test_kengo" not in kengo.log


async def test_webhook_mode_registers_its_url_and_serves_updates(
    tmp_path: Path, emulator: BotApiEmulator, database_url: str
) -> None:
    kengo = KengoProcess.configure(
        tmp_path, emulator.base_url, database_url, TELEGRAM_WEBHOOK_SECRET="kengo-hook_secret"
    )
    kengo.env["WEBHOOK_URL"] = f"http://127.0.0.1:{kengo.port}"
    await kengo.start()
    try:
        registered = await emulator.wait_for("setWebhook", timeout=WAIT)
        assert registered.params["url"] == f"http://127.0.0.1:{kengo.port}/telegram"
        assert registered.params["secret_token"] == "kengo-hook_secret"
        assert registered.params["allowed_updates"] == HANDLED_UPDATES
        async with aiohttp.ClientSession() as http, http.get(kengo.url("/healthz")) as response:
            assert (await response.json())["mode"] == "webhook"

        nolwenn = emulator.user(202, "Nolwenn", language_code="br")
        welcome = await answer_to(emulator, nolwenn, "/start")
        assert "Donemat war Kengo, Nolwenn !" in text_of(welcome)
        # A first contact also offers the language choice: let it arrive before counting replies.
        await emulator.wait_for(
            "sendMessage", lambda c: "Dibabit ho yezh" in text_of(c), chat_id=202, timeout=WAIT
        )
        assert all(d.status == 200 for d in emulator.webhook_deliveries)

        forged = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "/start",
                "chat": {"id": 202, "type": "private"},
            },
        }
        assert await emulator.post_to_webhook(forged, secret="wrong") == 403
        assert await emulator.post_to_webhook(forged, secret=None) == 403

        # Telegram redelivers an update whose answer it missed: it is handled once.
        sender = {"id": 202, "is_bot": False, "first_name": "Nolwenn", "language_code": "br"}
        again = {"update_id": 7_000, "message": {
            "message_id": 7_000, "date": 1_700_000_000, "text": "/aide", "from": sender,
            "chat": {"id": 202, "type": "private", "first_name": "Nolwenn"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        }}  # fmt: skip
        mark = emulator.mark()
        for _ in range(3):
            assert await emulator.post_to_webhook(again, secret="kengo-hook_secret") == 200
        await emulator.wait_for("sendMessage", chat_id=202, since=mark, timeout=WAIT)
        await asyncio.sleep(0.5)  # room for a second reply, which must not come
        replies = [c for c in emulator.calls(include_failed=True)[mark:]
                   if c.method == "sendMessage" and c.params.get("chat_id") == 202]  # fmt: skip
        assert len(replies) == 1
        assert "update 7000 already received: ignored" in kengo.log
    finally:
        assert await kengo.stop() == 0


async def test_sigterm_lets_the_update_in_progress_finish_then_exits_quickly(
    kengo: KengoProcess, emulator: BotApiEmulator
) -> None:
    import asyncio
    import time

    await kengo.start()
    erwan = emulator.user(204, "Erwan")
    await answer_to(emulator, erwan, "/aide")
    emulator.latency = 1.5  # Telegram is slow: the reply is still on its way when SIGTERM comes
    await erwan.send("/aide")
    await asyncio.sleep(0.5)
    stopping = time.monotonic()
    assert await kengo.stop(signal.SIGTERM) == 0
    assert time.monotonic() - stopping < 10
    helps = [c for c in emulator.calls("sendMessage", chat_id=204) if "sait faire" in text_of(c)]
    assert len(helps) == 2  # the second reply went out before the process exited
