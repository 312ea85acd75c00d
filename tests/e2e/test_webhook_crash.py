"""A webhook worker killed (`kill -9`) during a burst: no acknowledged update is lost.

Telegram never resends an update it got a 200 for; before the inbox, 1 % of a burst died with
the worker. bench/webhook_crash.py runs the same scenario with 1,000 updates on both engines.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN
from tests.e2e.harness import KengoProcess
from tests.e2e.webhook_burst import TelegramLikeWebhooks, crash_during_burst

pytestmark = pytest.mark.e2e
SECRET = "crash-burst_secret"
UPDATES = 100


@pytest.fixture
async def webhooks() -> AsyncIterator[TelegramLikeWebhooks]:
    async with TelegramLikeWebhooks(TEST_TOKEN) as emulator:
        yield emulator


async def test_a_worker_killed_mid_burst_loses_no_acknowledged_update(
    tmp_path: Path, webhooks: TelegramLikeWebhooks, database_url: str
) -> None:
    kengo = KengoProcess.configure(
        tmp_path, webhooks.base_url, database_url, TELEGRAM_WEBHOOK_SECRET=SECRET,
        # Short, so that the restarted worker takes over the dead one's updates soon.
        INBOX_LEASE_SECONDS="1", REPLY_RATE="0",
    )  # fmt: skip
    kengo.env["WEBHOOK_URL"] = f"http://127.0.0.1:{kengo.port}"
    try:
        report = await crash_during_burst(
            webhooks, kengo, database_url, updates=UPDATES, kill_after=UPDATES // 2,
            first_user_id=40_000,
        )  # fmt: skip
    finally:
        if kengo.process is not None and kengo.process.returncode is None:
            kengo.process.kill()
            await kengo.process.wait()
    assert report.lost == 0, report
    # Acknowledged and not yet handled when the worker died: the ones the inbox saved.
    assert report.in_flight_at_kill > 0, report
    # Only an update whose handlers were running at the kill may be handled again.
    assert report.finished_then_again == 0, report
    assert report.answered_twice <= report.in_flight_at_kill, report
    assert report.unhandled_rows == 0, report
