"""Two `kengo-bot run` processes in webhook mode on one database behave as one.

The emulator spreads its webhook deliveries over both workers in turn, as a load balancer in
front of them would: consecutive updates of one user land on different processes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, update

from bot.domain import OutboxStatus, utcnow
from bot.storage.models import Follow, OutboxMessage, Project
from tests.bot_database import db_execute, db_scalar, latest_project, project_id
from tests.dialogue import MODERATOR_ID, WAIT, expect, follow_through_link, press, text_of
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn

pytestmark = pytest.mark.e2e
SECRET = "two-workers_secret"
FOLLOWERS = 12


def _worker(
    directory: Path, emulator: BotApiEmulator, stripe: StripeStandIn, database_url: str,
    public_url: str | None,
) -> KengoProcess:  # fmt: skip
    directory.mkdir()
    worker = KengoProcess.configure(
        directory, emulator.base_url, database_url,
        TELEGRAM_WEBHOOK_SECRET=SECRET, MODERATOR_IDS=str(MODERATOR_ID),
        STRIPE_SECRET_KEY=stripe.secret_key, STRIPE_WEBHOOK_SECRET=stripe.webhook_secret,
        STRIPE_API_BASE=stripe.base_url, CAMPAIGN_CHECK_SECONDS="0.3", OUTBOX_RATE="200",
        OUTBOX_POLL_SECONDS="0.1",
    )  # fmt: skip
    # Both register the same public URL, as workers behind one load balancer do.
    worker.env["WEBHOOK_URL"] = public_url or f"http://127.0.0.1:{worker.port}"
    return worker


@pytest.mark.usefixtures("demo_data")
async def test_two_webhook_workers_share_the_wizard_follows_jobs_and_outbox(
    tmp_path: Path, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn, database_url: str
) -> None:
    first = _worker(tmp_path / "a", emulator, stripe_stand_in, database_url, None)
    second = _worker(
        tmp_path / "b", emulator, stripe_stand_in, database_url, first.env["WEBHOOK_URL"]
    )
    await asyncio.gather(first.start(), second.start())
    emulator.webhook_spread = [first.url("/telegram"), second.url("/telegram")]
    try:
        # The wizard: each answer reaches the other worker than the one before.
        owner = emulator.user(801, "Morgane", language_code="fr")
        await expect(emulator, owner, "/proposer", "Étape 1/13")
        await expect(emulator, owner, "Un festival de contes en breton à Quimper.", "Étape 2/13")
        step = await expect(emulator, owner, "Contes de Kemper", "Étape 3/13")
        step = await expect(emulator, owner, press(step, "Culture"), "Étape 4/13")
        step = await expect(emulator, owner, press(step, "Finistère"), "Étape 5/13")
        await expect(emulator, owner, "kemper", "Étape 6/13")
        draft = await latest_project(database_url, 801)
        assert (draft.title, draft.commune, draft.wizard_step) == (
            "Contes de Kemper", "Quimper", "summary",
        )  # fmt: skip

        # Follows from both workers add up.
        repair = await project_id(database_url, "repair-cafe-saint-brieuc")
        fans = [emulator.user(810 + n, f"Fan {n}", language_code=("fr", "br")[n % 2])
                for n in range(FOLLOWERS)]  # fmt: skip
        follows = select(func.count()).where(Follow.project_id == repair)
        counted = select(Project.followers_count).where(Project.id == repair)
        before = await db_scalar(database_url, follows)  # the demo's own followers
        for fan in fans:
            await follow_through_link(emulator, fan, repair)
        assert await db_scalar(database_url, follows) == before + FOLLOWERS
        assert await db_scalar(database_url, counted) == before + FOLLOWERS

        # Jobs: both sweeps see the campaign enter its last 48 hours, then end; each follower
        # gets the reminder once and the outcome once, whichever worker's sender delivers it.
        fan_ids = {fan.chat_id for fan in fans}
        mark = jobs = emulator.mark()
        await db_execute(database_url, update(Project).where(Project.id == repair).values(
            ends_at=utcnow() + timedelta(hours=20), reminded_at=None))  # fmt: skip
        await _each_gets(emulator, fan_ids, "48", mark)
        mark = emulator.mark()
        await db_execute(database_url, update(Project).where(Project.id == repair).values(
            ends_at=utcnow() - timedelta(seconds=1)))  # fmt: skip
        await _each_gets(emulator, fan_ids, "✅", mark)
        await asyncio.sleep(1.0)  # time for a duplicate to show, if one were coming
        since_jobs = emulator.calls(include_failed=True)[jobs:]
        received = Counter(c.params["chat_id"] for c in since_jobs if c.method == "sendMessage"
                           and c.params.get("chat_id") in fan_ids)  # fmt: skip
        # One reminder and one outcome each: nothing twice although two senders ran.
        assert received == Counter({chat_id: 2 for chat_id in fan_ids})
        sent = select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT)
        assert await db_scalar(database_url, sent) >= 2 * FOLLOWERS
        for worker in (first, second):  # both did their share of the updates
            async with aiohttp.ClientSession() as http, http.get(worker.url("/metrics")) as got:
                assert 'outcome="handled"} ' in await got.text()
    finally:
        emulator.webhook_spread = []
        assert await second.stop() == 0, second.log
        assert await first.stop() == 0, first.log


async def _each_gets(emulator: BotApiEmulator, chat_ids: set[int], needle: str, since: int) -> None:
    """Wait until every chat got a message holding `needle` after `since`."""
    for chat_id in chat_ids:
        await emulator.wait_for("sendMessage", lambda c: needle in text_of(c), chat_id=chat_id,
                                since=since, timeout=WAIT)  # fmt: skip
