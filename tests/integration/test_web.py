"""The HTTP endpoints: Stripe webhook verification and replays, Telegram webhook secret."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import stripe
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families as text_families
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import load_settings
from bot.context import Runtime, Services
from bot.domain import OutboxStatus, PledgeStatus, utcnow
from bot.i18n.translator import Catalogs
from bot.server import build_application
from bot.storage.engine import create_session_factory
from bot.storage.models import OutboxMessage, Pledge, StripeEvent, TelegramUpdate
from bot.web import RUNTIME, create_web_app
from tests.conftest import TEST_TOKEN
from tests.factories import add_project, add_user

WEBHOOK_SECRET = "whsec_test_web"
TELEGRAM_SECRET = "telegram-secret_123"


async def _client(engine: AsyncEngine, **overrides: Any) -> TestClient[Any, Any]:
    values: dict[str, Any] = {
        "telegram_bot_token": TEST_TOKEN,
        "stripe_webhook_secret": WEBHOOK_SECRET,
        "telegram_api_url": "http://127.0.0.1:9/bot",
    }
    settings = load_settings(**(values | overrides))
    runtime = Runtime(
        settings=settings,
        engine=engine,
        catalogs=Catalogs.load(),
        services=Services.create(create_session_factory(engine), settings),
    )
    client = TestClient(TestServer(create_web_app(runtime, build_application(settings, runtime))))
    await client.start_server()
    return client


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[TestClient[Any, Any]]:
    client = await _client(engine)
    yield client
    await client.close()


def _event(event_id: str = "evt_1") -> bytes:
    body = {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "object": "checkout.session"}},
    }
    return json.dumps(body).encode()


def _signature(body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(
        body.decode(), secret, timestamp=timestamp or int(time.time())
    )


async def _stored_events(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(StripeEvent)) or 0)


async def test_signed_event_is_recorded_once(
    client: TestClient[Any, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    body = _event()
    first = await client.post(
        "/stripe/webhook", data=body, headers={"Stripe-Signature": _signature(body)}
    )
    second = await client.post(
        "/stripe/webhook", data=body, headers={"Stripe-Signature": _signature(body)}
    )
    assert (first.status, second.status) == (200, 200)
    assert (await first.json())["duplicate"] is False
    assert (await second.json())["duplicate"] is True
    assert await _stored_events(sessions) == 1


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "garbage",
        "WRONG_SECRET",
        "STALE",
    ],
)
async def test_forged_or_stale_events_are_rejected(
    client: TestClient[Any, Any], sessions: async_sessionmaker[AsyncSession], signature: str | None
) -> None:
    body = _event()
    headers = {}
    if signature == "WRONG_SECRET":
        headers["Stripe-Signature"] = _signature(body, secret="whsec_forged")
    elif signature == "STALE":
        headers["Stripe-Signature"] = _signature(body, timestamp=int(time.time()) - 3600)
    elif signature is not None:
        headers["Stripe-Signature"] = signature
    response = await client.post("/stripe/webhook", data=body, headers=headers)
    assert response.status == 400
    assert await _stored_events(sessions) == 0


async def test_tampered_body_is_rejected(
    client: TestClient[Any, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    signature = _signature(_event("evt_1"))
    response = await client.post(
        "/stripe/webhook", data=_event("evt_2"), headers={"Stripe-Signature": signature}
    )
    assert response.status == 400
    assert await _stored_events(sessions) == 0


async def test_healthz_reports_a_bot_not_yet_running(client: TestClient[Any, Any]) -> None:
    response = await client.get("/healthz")
    assert response.status == 503
    assert await response.json() == {
        "status": "unavailable",
        "database": "ok",
        "bot": "starting",
        "mode": "polling",
    }


async def test_telegram_endpoint_only_exists_in_webhook_mode(client: TestClient[Any, Any]) -> None:
    assert (await client.post("/telegram", json={"update_id": 1})).status in (404, 405)


async def test_telegram_webhook_checks_the_secret(engine: AsyncEngine) -> None:
    client = await _client(
        engine, webhook_url="https://kengo.example", telegram_webhook_secret=TELEGRAM_SECRET
    )
    try:
        update = {
            "update_id": 5,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}},
        }
        missing = await client.post("/telegram", json=update)
        wrong = await client.post(
            "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
        )
        malformed = await client.post(
            "/telegram", data=b"[1, 2", headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        )
        not_an_update = await client.post(
            "/telegram", json=[1, 2], headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        )
        good = await client.post(
            "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
        )
        assert (missing.status, wrong.status) == (403, 403)
        assert (malformed.status, not_an_update.status) == (400, 400)
        assert good.status == 200
    finally:
        await client.close()


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 9223372036854775808, "message": {}}',
        b'{"update_id": 1, "message": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
        b'{"update_id": true}',
        b'{"update_id": 1, "message": {"text": "\xff"}}',
    ],
    ids=["id of 2^63", "nested 200,000 deep", "boolean id", "not UTF-8"],
)
async def test_telegram_webhook_refuses_a_body_it_cannot_read_with_a_400_and_a_log_line(
    engine: AsyncEngine, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    client = await _client(
        engine, webhook_url="https://kengo.example", telegram_webhook_secret=TELEGRAM_SECRET
    )
    try:
        with caplog.at_level(logging.WARNING, logger="bot.web"):
            response = await client.post(
                "/telegram", data=body, headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
            )
        assert response.status == 400
        assert "rejected a Telegram webhook body" in caplog.text
    finally:
        await client.close()


async def test_stripe_webhook_unconfigured_is_unavailable(engine: AsyncEngine) -> None:
    client = await _client(engine, stripe_webhook_secret=None)
    try:
        body = _event()
        response = await client.post(
            "/stripe/webhook", data=body, headers={"Stripe-Signature": _signature(body)}
        )
        assert response.status == 503
    finally:
        await client.close()


async def test_metrics_count_webhooks_and_read_the_outbox(client: TestClient[Any, Any]) -> None:
    body = _event("evt_metrics")
    await client.post("/stripe/webhook", data=body, headers={"Stripe-Signature": _signature(body)})
    await client.post("/stripe/webhook", data=body, headers={"Stripe-Signature": "forged"})
    response = await client.get("/metrics")
    assert response.status == 200
    text = await response.text()
    assert 'kengo_stripe_webhooks_total{result="applied"} 1.0' in text
    assert 'kengo_stripe_webhooks_total{result="rejected"} 1.0' in text
    assert "kengo_outbox_backlog 0.0" in text
    assert 'kengo_pledges{status="paid"} 0.0' in text


async def test_metrics_hold_the_process_and_the_database_in_both_formats(
    client: TestClient[Any, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    backer = await add_user(sessions)
    project = await add_project(sessions, backer)
    async with sessions.begin() as session:
        session.add_all([
            OutboxMessage(user_id=backer.id, kind="news", dedupe_key="a"),
            OutboxMessage(user_id=backer.id, kind="news", dedupe_key="b"),
            OutboxMessage(user_id=backer.id, kind="news", dedupe_key="c",
                          status=OutboxStatus.SENT),
            TelegramUpdate(update_id=1, payload="{}"),
            TelegramUpdate(update_id=2, handled_at=utcnow()),
            Pledge(user_id=backer.id, project_id=project.id, amount_cents=500,
                   status=PledgeStatus.ANOMALY, anomaly="amount"),
            Pledge(user_id=backer.id, project_id=project.id, amount_cents=500,
                   status=PledgeStatus.PAID),
        ])  # fmt: skip
    client.server.app[RUNTIME].metrics.follow_sender(lambda: True)
    expected = {
        "kengo_outbox_backlog": 2,
        "kengo_inbox_backlog": 1,
        "kengo_stripe_anomalies": 1,
        "kengo_outbox_sender_leader": 1,
    }

    plain = await client.get("/metrics")
    assert plain.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    values = {s.name: s.value for f in text_families(await plain.text()) for s in f.samples}
    assert values.items() >= expected.items()
    assert any(name.startswith("process_") for name in values)
    assert any(name.startswith("python_") for name in values)

    accept = {"Accept": "application/openmetrics-text; version=1.0.0"}
    open_metrics = await client.get("/metrics", headers=accept)
    assert open_metrics.headers["Content-Type"].startswith("application/openmetrics-text")
    families = list(openmetrics_families(await open_metrics.text()))
    values = {s.name: s.value for f in families for s in f.samples}
    assert values.items() >= expected.items()
    assert any(name.startswith("process_") for name in values)
