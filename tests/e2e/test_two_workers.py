"""Two `kengo-bot run` processes in webhook mode on one database behave as one.

The emulator spreads its webhook deliveries over both workers in turn, as a load balancer in
front of them would: consecutive updates of one user land on different processes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select, update

from bot.domain import OutboxStatus, PledgeStatus, utcnow
from bot.storage.models import Follow, OutboxMessage, Pledge, Project, RewardTier
from tests.bot_database import db_execute, db_scalar, latest_project, project_id
from tests.dialogue import (
    MODERATION_CHAT,
    MODERATOR_ID,
    WAIT,
    buttons,
    expect,
    follow_through_link,
    press,
    shown,
    text_of,
)  # fmt: skip
from tests.e2e.harness import KengoProcess
from tests.fakes.bot_api import BotApiEmulator
from tests.fakes.stripe_api import StripeStandIn

pytestmark = pytest.mark.e2e
SECRET = "two-workers_secret"
FOLLOWERS = 12
STRIPE_LATENCY = 0.5  # seconds the stand-in takes to open a Checkout Session


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
        PAID_BROADCAST="true", OUTBOX_POLL_SECONDS="0.1",
    )  # fmt: skip
    # Both register the same public URL, as workers behind one load balancer do.
    worker.env["WEBHOOK_URL"] = public_url or f"http://127.0.0.1:{worker.port}"
    return worker


@pytest.fixture
async def two_workers(
    tmp_path: Path, emulator: BotApiEmulator, stripe_stand_in: StripeStandIn, database_url: str,
    demo_data: None,
) -> AsyncIterator[tuple[KengoProcess, KengoProcess]]:  # fmt: skip
    """Two webhook workers on the demo catalogue, the emulator's deliveries spread between them."""
    first = _worker(tmp_path / "a", emulator, stripe_stand_in, database_url, None)
    second = _worker(
        tmp_path / "b", emulator, stripe_stand_in, database_url, first.env["WEBHOOK_URL"]
    )
    await asyncio.gather(first.start(), second.start())
    emulator.webhook_spread = [first.url("/telegram"), second.url("/telegram")]
    yield first, second
    emulator.webhook_spread = []
    assert await second.stop() == 0, second.log
    assert await first.stop() == 0, first.log


async def test_two_webhook_workers_share_the_wizard_follows_jobs_and_outbox(
    two_workers: tuple[KengoProcess, KengoProcess], emulator: BotApiEmulator,
    stripe_stand_in: StripeStandIn, database_url: str,
) -> None:  # fmt: skip
    first, second = two_workers
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


async def _each_gets(emulator: BotApiEmulator, chat_ids: set[int], needle: str, since: int) -> None:
    """Wait until every chat got a message holding `needle` after `since`."""
    for chat_id in chat_ids:
        await emulator.wait_for("sendMessage", lambda c: needle in text_of(c), chat_id=chat_id,
                                since=since, timeout=WAIT)  # fmt: skip


async def test_a_double_tap_on_two_workers_opens_one_checkout_and_holds_one_unit(
    two_workers: tuple[KengoProcess, KengoProcess], emulator: BotApiEmulator,
    stripe_stand_in: StripeStandIn, database_url: str,
) -> None:  # fmt: skip
    first, second = two_workers
    fest_noz = await project_id(database_url, "fest-noz-tregor-lannion")
    tee_shirt = (RewardTier.project_id == fest_noz, RewardTier.title.like("Tee-shirt%"))
    reserved = select(RewardTier.reserved_count).where(*tee_shirt)
    assert await db_scalar(database_url, reserved) == 0
    gwen = emulator.user(830, "Gwen", language_code="fr")
    card = await expect(emulator, gwen, f"/start p{fest_noz}", "Fest-noz")
    options = await expect(emulator, gwen, press(card, "Soutenir"), "Tee-shirt")
    tier = await expect(emulator, gwen, press(options, "Tee-shirt"), "40", "editMessageText")
    summary = await expect(emulator, gwen, press(tier, "40"), "Récapitulatif",
                           "editMessageText")  # fmt: skip
    pay = press(summary, "Continuer vers le paiement").removeprefix("press:")

    # The double tap. Both presses are queued before either is delivered, so the emulator
    # posts them back to back (each POST is answered once the update is stored), one to
    # each worker: its turns alternate. Stripe answers slowly, so the second press reaches
    # its worker while the first worker still waits for its session.
    stripe_stand_in.latency["/v1/checkout/sessions"] = STRIPE_LATENCY
    before = [await _presses(worker) for worker in (first, second)]
    mark, delivered = emulator.mark(), len(emulator.webhook_deliveries)
    taps = [await gwen.press(pay, summary.params["message_id"]) for _ in range(2)]
    for _ in range(int(WAIT / 0.05)):  # until each worker is done with its press
        after = [await _presses(worker) for worker in (first, second)]
        if sum(a.total() for a in after) - sum(b.total() for b in before) >= 2:
            break
        await asyncio.sleep(0.05)

    posted = [d for d in emulator.webhook_deliveries[delivered:] if d.update_id in taps]
    assert [(d.update_id, d.status, d.attempt) for d in posted] == [
        (taps[0], 200, 1), (taps[1], 200, 1),
    ]  # fmt: skip
    await asyncio.sleep(0.3)  # room for a late edit or apology, if one were coming
    after = [await _presses(worker) for worker in (first, second)]
    # One press handled by each worker, none failed.
    assert [a - b for a, b in zip(after, before, strict=True)] == [Counter(handled=1)] * 2

    # Whichever worker asked Stripe (both, when the second press came while the first still
    # waited; one, when the first had already stored its session), they asked with the
    # pledge's one key: at most one session can come of it.
    asked = [r.idempotency_key for r in stripe_stand_in.requests
             if (r.method, r.path) == ("POST", "/v1/checkout/sessions")]  # fmt: skip
    assert 1 <= len(asked) <= 2, asked
    assert len(set(asked)) == 1
    # One session, one pending pledge holding it, one reward unit.
    sessions = list(stripe_stand_in.sessions.values())
    assert [(s["status"], s["metadata"]["project_id"]) for s in sessions] == [
        ("open", str(fest_noz))
    ]
    mine = (Pledge.user_id == gwen.chat_id,)
    assert await db_scalar(database_url, select(func.count()).where(*mine)) == 1
    status = await db_scalar(database_url, select(Pledge.status).where(*mine))
    session_id = select(Pledge.stripe_checkout_session_id).where(*mine)
    held = await db_scalar(database_url, session_id)
    assert (status, held) == (PledgeStatus.PENDING, sessions[0]["id"])
    assert await db_scalar(database_url, reserved) == 1

    # Both presses answered, both shown that session's link, no apology, no error.
    since = emulator.calls(include_failed=True)[mark:]
    answers = [c for c in since if c.method == "answerCallbackQuery"]
    assert [(a.ok, a.params.get("text")) for a in answers] == [(True, None), (True, None)]
    pages = _shown(emulator, gwen.chat_id, mark)
    assert all("est prêt" in text for text, _ in pages), pages
    assert {url for _, url in pages} == {sessions[0]["url"]}
    assert not [c for c in since if c.method == "sendMessage"
                and c.params.get("chat_id") in (gwen.chat_id, MODERATION_CHAT)]  # fmt: skip
    for worker in (first, second):
        assert "error while handling update" not in worker.log, worker.log


def _shown(emulator: BotApiEmulator, chat_id: int, since: int) -> list[tuple[str, str]]:
    """The edits of the chat since `since` (refused ones too: "not modified" is one), each as
    (text, the URL of its pay button or "")."""
    edits = [c for c in emulator.calls(include_failed=True)[since:]
             if c.method == "editMessageText" and c.params.get("chat_id") == chat_id]  # fmt: skip
    return [(shown(c), next((u for label, u in buttons(c).items() if "Payer" in label), ""))
            for c in edits]  # fmt: skip


async def _presses(worker: KengoProcess) -> Counter[str]:
    """The pledge buttons this worker handled, by outcome (handled, failed), from /metrics."""
    async with aiohttp.ClientSession() as http, http.get(worker.url("/metrics")) as got:
        text = await got.text()
    prefix = 'kengo_updates_total{handler="pledge.pledge_button",outcome="'
    outcomes: Counter[str] = Counter()
    for row in text.splitlines():
        if row.startswith(prefix):
            outcome, value = row.removeprefix(prefix).split('"} ')
            outcomes[outcome] = int(float(value))
    return outcomes
