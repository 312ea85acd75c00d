"""The Stripe stand-in, exercised through the real stripe library (httpx and aiohttp clients)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import stripe
from aiohttp import web

from tests.fakes.stripe_api import StripeStandIn, parse_stripe_form

WEBHOOK_SECRET = "whsec_test_kengo"


def session_params(**overrides: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 2,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 1500,
                    "product_data": {"name": "Pledge: Skol Diwan"},
                },
            },
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 500,
                    "product_data": {"name": "Tip"},
                },
            },
        ],
        "success_url": "https://t.me/kengo_bot?start=paid_{CHECKOUT_SESSION_ID}",
        "cancel_url": "https://t.me/kengo_bot?start=cancelled",
        "metadata": {"pledge_id": "42", "chat_id": "1001"},
        "client_reference_id": "pledge-42",
        "payment_intent_data": {"metadata": {"pledge_id": "42"}},
        "locale": "fr",
        "customer_email": "anna@example.bzh",
    }
    params.update(overrides)
    return params


@dataclass
class Receiver:
    """The bot's side of the webhook: verifies with the library, answers scripted statuses."""

    url: str = ""
    events: list[Any] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    scripted: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.bodies.append(raw)
        try:
            event = stripe.Webhook.construct_event(
                raw, request.headers.get("Stripe-Signature"), WEBHOOK_SECRET
            )
        except stripe.SignatureVerificationError as err:
            self.failures.append(str(err))
            return web.Response(status=400)
        self.events.append(event)
        return web.Response(status=self.scripted.pop(0) if self.scripted else 200)


@pytest.fixture
async def stand_in() -> AsyncIterator[StripeStandIn]:
    async with StripeStandIn(webhook_retry_delays=(0.01, 0.01)) as fake:
        yield fake


@pytest.fixture
async def receiver(stand_in: StripeStandIn) -> AsyncIterator[Receiver]:
    recv = Receiver()
    app = web.Application()
    app.router.add_post("/stripe/webhook", recv.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    recv.url = f"http://127.0.0.1:{runner.addresses[0][1]}/stripe/webhook"
    stand_in.webhook_url = recv.url
    yield recv
    await runner.cleanup()


def make_client(
    stand_in: StripeStandIn, kind: str, *, key: str | None = None, retries: int = 0
) -> tuple[stripe.StripeClient, stripe.HTTPClient]:
    http: stripe.HTTPClient = (
        stripe.HTTPXClient(allow_sync_methods=False) if kind == "httpx" else stripe.AIOHTTPClient()
    )
    sc = stripe.StripeClient(
        key or stand_in.secret_key,
        base_addresses={"api": stand_in.base_url},
        http_client=http,
        max_network_retries=retries,
    )
    return sc, http


@pytest.fixture(params=["httpx", "aiohttp"])
async def client(
    request: pytest.FixtureRequest, stand_in: StripeStandIn
) -> AsyncIterator[stripe.StripeClient]:
    sc, http = make_client(stand_in, request.param)
    yield sc
    await http.close_async()


async def new_session(client: stripe.StripeClient, key: str = "ik-1", **overrides: Any) -> Any:
    return await client.v1.checkout.sessions.create_async(
        session_params(**overrides), options={"idempotency_key": key}
    )


async def paid_session(client: stripe.StripeClient, stand_in: StripeStandIn) -> Any:
    session = await new_session(client)
    await stand_in.pay(session.id)
    return await client.v1.checkout.sessions.retrieve_async(session.id)


# --- checkout sessions ---------------------------------------------------------------------


async def test_create_session_returns_a_faithful_session(
    client: stripe.StripeClient, stand_in: StripeStandIn
) -> None:
    before = int(time.time())
    session = await new_session(client)

    assert isinstance(session, stripe.checkout.Session)
    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert (session.amount_total, session.amount_subtotal, session.currency) == (3500, 3500, "eur")
    assert (session.status, session.payment_status, session.mode) == ("open", "unpaid", "payment")
    assert session.metadata.to_dict() == {"pledge_id": "42", "chat_id": "1001"}
    assert session.client_reference_id == "pledge-42"
    assert session.payment_intent is None
    assert session.locale == "fr"
    assert session.livemode is False
    assert session.url == f"{stand_in.base_url}/c/pay/{session.id}"
    assert before + 24 * 3600 <= session.expires_at <= int(time.time()) + 24 * 3600
    assert session.last_response.headers["Request-Id"].startswith("req_")

    recorded = stand_in.requests[-1]
    assert (recorded.method, recorded.path, recorded.idempotency_key) == (
        "POST",
        "/v1/checkout/sessions",
        "ik-1",
    )
    assert recorded.params["line_items"][0]["price_data"]["unit_amount"] == "1500"
    assert recorded.params["metadata"] == {"pledge_id": "42", "chat_id": "1001"}

    async with aiohttp.ClientSession() as http:
        async with http.get(session.url) as page:
            assert page.status == 200
            assert "35.00" in await page.text()
        async with http.post(session.url, allow_redirects=False) as submitted:
            assert submitted.status == 303
            assert submitted.headers["Location"].endswith(f"start=paid_{session.id}")
    assert stand_in.sessions[session.id]["status"] == "complete"


@pytest.mark.parametrize(
    ("offset", "accepted"), [(29 * 60, False), (31 * 60, True), (24 * 3600 + 60, False)]
)
async def test_expires_at_must_be_30_minutes_to_24_hours_ahead(
    client: stripe.StripeClient, offset: int, accepted: bool
) -> None:
    expires_at = int(time.time()) + offset
    if accepted:
        session = await new_session(client, expires_at=expires_at)
        assert session.expires_at == expires_at
        return
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await new_session(client, expires_at=expires_at)
    assert caught.value.param == "expires_at"
    assert caught.value.http_status == 400


@pytest.mark.parametrize(
    ("overrides", "param", "code"),
    [
        ({"mode": None}, "mode", "parameter_missing"),
        ({"line_items": None}, "line_items", "parameter_missing"),
        ({"success_url": "tg://resolve"}, "success_url", "url_invalid"),
        ({"locale": "br"}, "locale", "parameter_invalid_string"),
        ({"metadata": {"k" * 41: "v"}}, f"metadata[{'k' * 41}]", None),
        ({"payment_method": "card"}, "payment_method", "parameter_unknown"),
        (
            {"line_items": [{"quantity": 1, "price_data": {"currency": "eur"}}]},
            "line_items[0][price_data][unit_amount]",
            "parameter_missing",
        ),
        (
            {
                "line_items": [
                    {
                        "quantity": 0,
                        "price_data": {
                            "currency": "eur",
                            "unit_amount": 500,
                            "product_data": {"name": "x"},
                        },
                    }
                ]
            },
            "line_items[0][quantity]",
            "parameter_invalid_integer",
        ),
        (
            {
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": 500,
                            "product_data": {"name": "x"},
                        },
                    }
                ]
            },
            "line_items[0][price_data][currency]",
            None,
        ),
    ],
)
async def test_invalid_session_params_raise_invalid_request_error(
    client: stripe.StripeClient, overrides: dict[str, Any], param: str, code: str | None
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await new_session(client, **overrides)
    assert caught.value.param == param
    assert caught.value.code == code
    assert caught.value.http_status == 400


async def test_total_below_50_cents_is_too_small(client: stripe.StripeClient) -> None:
    items = [
        {
            "quantity": 1,
            "price_data": {"currency": "eur", "unit_amount": 49, "product_data": {"name": "x"}},
        }
    ]
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await new_session(client, line_items=items)
    assert caught.value.code == "amount_too_small"


async def test_idempotent_replay_and_mismatch(
    client: stripe.StripeClient, stand_in: StripeStandIn
) -> None:
    first = await new_session(client, key="pledge-42-checkout")
    again = await new_session(client, key="pledge-42-checkout")

    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.last_response.headers
    assert len(stand_in.sessions) == 1

    with pytest.raises(stripe.IdempotencyError) as caught:
        await new_session(client, key="pledge-42-checkout", client_reference_id="other")
    assert "same parameters" in caught.value.user_message


async def test_retrieve_expire_and_list(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    session = await new_session(client)
    fetched = await client.v1.checkout.sessions.retrieve_async(session.id)
    assert fetched.to_dict() == session.to_dict()

    expired = await client.v1.checkout.sessions.expire_async(
        session.id, options={"idempotency_key": "expire-1"}
    )
    assert (expired.status, expired.url) == ("expired", None)
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.checkout.sessions.expire_async(session.id)

    await stand_in.drain()
    [event] = receiver.events
    assert event.type == "checkout.session.expired"
    assert event.request.idempotency_key == "expire-1"
    assert event.data.object.id == session.id

    other = await new_session(client, key="ik-2")
    listing = await client.v1.checkout.sessions.list_async({"limit": 1})
    assert [s.id for s in listing.data] == [other.id]
    assert listing.has_more is True


async def test_wrong_api_key_raises_authentication_error(stand_in: StripeStandIn) -> None:
    for kind in ("httpx", "aiohttp"):
        bad, http = make_client(stand_in, kind, key="sk_test_wrong_key_1234")
        with pytest.raises(stripe.AuthenticationError) as caught:
            await bad.v1.checkout.sessions.retrieve_async("cs_test_x")
        assert caught.value.http_status == 401
        assert "Invalid API Key provided: sk_test_" in caught.value.user_message
        assert "wrong" not in caught.value.user_message
        await http.close_async()


async def test_unknown_session_is_resource_missing(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await client.v1.checkout.sessions.retrieve_async("cs_test_nope")
    assert (caught.value.http_status, caught.value.code) == (404, "resource_missing")


# --- faults --------------------------------------------------------------------------------


async def test_fail_next_raises_api_error_without_retries(
    client: stripe.StripeClient, stand_in: StripeStandIn
) -> None:
    stand_in.fail_next("/v1/checkout/sessions", status=500)
    with pytest.raises(stripe.APIError) as caught:
        await new_session(client)
    assert caught.value.http_status == 500
    # The injected failure was not stored under the key, so the same key now succeeds.
    session = await new_session(client)
    assert session.status == "open"


async def test_library_retries_past_a_transient_failure_with_the_same_key(
    stand_in: StripeStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0.01)
    retrying, http = make_client(stand_in, "httpx", retries=2)
    stand_in.fail_next(status=503)
    session = await new_session(retrying, key="retry-me")
    assert session.status == "open"
    attempts = [(r.status, r.idempotency_key) for r in stand_in.requests]
    assert attempts == [(503, "retry-me"), (200, "retry-me")]
    await http.close_async()


async def test_down_drops_connections_or_answers_503(
    client: stripe.StripeClient, stand_in: StripeStandIn
) -> None:
    stand_in.down(True)
    with pytest.raises(stripe.APIConnectionError):
        await new_session(client)
    stand_in.down(True, status=503)
    with pytest.raises(stripe.APIError) as caught:
        await new_session(client)
    assert caught.value.http_status == 503
    stand_in.down(False)
    assert (await new_session(client)).status == "open"


# --- paying and webhooks -------------------------------------------------------------------


async def test_pay_posts_a_signed_completed_event(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    session = await new_session(client)
    event = await stand_in.pay(session.id)

    [received] = receiver.events
    assert received.id == event["id"]
    assert received.type == "checkout.session.completed"
    assert received.object == "event"
    assert received.livemode is False
    assert received.api_version == stripe.api_version
    completed = received.data.object
    assert (completed.id, completed.status, completed.payment_status) == (
        session.id,
        "complete",
        "paid",
    )
    assert completed.metadata.pledge_id == "42"
    assert completed.payment_intent.startswith("pi_")
    assert stand_in.deliveries[-1].status == 200

    intent = await client.v1.payment_intents.retrieve_async(completed.payment_intent)
    assert intent.metadata.to_dict() == {"pledge_id": "42"}
    assert intent.status == "succeeded"
    fetched = await client.v1.checkout.sessions.retrieve_async(
        session.id, {"expand": ["payment_intent"]}
    )
    assert fetched.payment_intent.id == intent.id


async def test_forged_stale_and_duplicate_deliveries(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    session = await new_session(client)
    event = await stand_in.pay(session.id)

    assert await stand_in.deliver(event, secret="whsec_forged") == [400]
    assert await stand_in.deliver(event, timestamp=int(time.time()) - 600) == [400]
    assert await stand_in.deliver(event, signature="t=1,v1=deadbeef") == [400]
    assert len(receiver.failures) == 3
    assert "No signatures found matching" in receiver.failures[0]
    assert "tolerance" in receiver.failures[1]

    assert await stand_in.deliver(event, times=2) == [200, 200]
    assert [e.id for e in receiver.events] == [event["id"]] * 3
    # Every delivery of an event carries the same bytes; only the signature header changes.
    assert len(set(receiver.bodies)) == 1


async def test_failed_deliveries_are_retried(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    receiver.scripted = [500, 502]
    session = await new_session(client)
    event = await stand_in.pay(session.id)
    statuses = [(d.event_id, d.attempt, d.status) for d in stand_in.deliveries]
    assert statuses == [(event["id"], 1, 500), (event["id"], 2, 502), (event["id"], 3, 200)]


async def test_async_payment_then_settlement(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    ok = await new_session(client, key="a")
    ko = await new_session(client, key="b")
    await stand_in.pay(ok.id, async_payment=True)
    await stand_in.pay(ko.id, async_payment=True)
    await stand_in.settle_async(ok.id, succeeded=True)
    await stand_in.settle_async(ko.id, succeeded=False)

    seen = [(e.type, e.data.object.id, e.data.object.payment_status) for e in receiver.events]
    assert seen == [
        ("checkout.session.completed", ok.id, "unpaid"),
        ("checkout.session.completed", ko.id, "unpaid"),
        ("checkout.session.async_payment_succeeded", ok.id, "paid"),
        ("checkout.session.async_payment_failed", ko.id, "unpaid"),
    ]
    failed = await client.v1.checkout.sessions.retrieve_async(ko.id)
    with pytest.raises(stripe.InvalidRequestError):
        await client.v1.refunds.create_async({"payment_intent": failed.payment_intent})


async def test_manual_delivery_out_of_order(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    stand_in.auto_deliver = False
    session = await new_session(client)
    completed = await stand_in.pay(session.id, async_payment=True)
    succeeded = await stand_in.settle_async(session.id, succeeded=True)
    assert receiver.events == []
    assert [e["id"] for e in stand_in.pending_events] == [completed["id"], succeeded["id"]]

    assert await stand_in.deliver(succeeded) == [200]
    assert [e["id"] for e in stand_in.pending_events] == [completed["id"]]
    assert await stand_in.deliver_pending() == [200]
    assert [e.type for e in receiver.events] == [
        "checkout.session.async_payment_succeeded",
        "checkout.session.completed",
    ]
    assert stand_in.pending_events == []


async def test_expire_helper_posts_expired_event(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    session = await new_session(client)
    await stand_in.expire(session.id)
    [event] = receiver.events
    assert (event.type, event.data.object.status) == ("checkout.session.expired", "expired")
    assert event.request.id is None
    with pytest.raises(ValueError, match="not open"):
        await stand_in.pay(session.id)


# --- refunds -------------------------------------------------------------------------------


async def test_partial_then_full_refund_and_charge_refunded_events(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    session = await paid_session(client, stand_in)
    intent_id = session.payment_intent

    partial = await client.v1.refunds.create_async(
        {"payment_intent": intent_id, "amount": 1000, "metadata": {"reason": "pledge-cut"}},
        options={"idempotency_key": "refund-1"},
    )
    assert isinstance(partial, stripe.Refund)
    assert partial.id.startswith("re_")
    assert (partial.amount, partial.currency, partial.status) == (1000, "eur", "succeeded")
    assert partial.payment_intent == intent_id
    assert partial.charge.startswith("ch_")
    assert partial.metadata.reason == "pledge-cut"

    with pytest.raises(stripe.InvalidRequestError) as caught:
        await client.v1.refunds.create_async({"payment_intent": intent_id, "amount": 2600})
    assert caught.value.param == "amount"

    rest = await client.v1.refunds.create_async(
        {"payment_intent": intent_id, "metadata": {"pledge_id": "42"}},
        options={"idempotency_key": "refund-2"},
    )
    assert rest.amount == 2500
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await client.v1.refunds.create_async({"payment_intent": intent_id})
    assert caught.value.code == "charge_already_refunded"

    assert (await client.v1.refunds.retrieve_async(partial.id)).amount == 1000

    await stand_in.drain()
    refunded = [e for e in receiver.events if e.type == "charge.refunded"]
    assert [e.request.idempotency_key for e in refunded] == ["refund-1", "refund-2"]
    first, second = (e.data.object for e in refunded)
    assert (first.amount_refunded, first.refunded) == (1000, False)
    assert (second.amount_refunded, second.refunded) == (3500, True)
    assert second.payment_intent == intent_id
    assert second.metadata.to_dict() == {"pledge_id": "42"}
    assert refunded[1].data.previous_attributes.to_dict() == {
        "amount_refunded": 1000,
        "refunded": False,
    }


async def test_refund_replay_does_not_refund_twice(
    client: stripe.StripeClient, stand_in: StripeStandIn, receiver: Receiver
) -> None:
    session = await paid_session(client, stand_in)
    params = {"payment_intent": session.payment_intent, "amount": 700}
    one = await client.v1.refunds.create_async(params, options={"idempotency_key": "r"})
    two = await client.v1.refunds.create_async(params, options={"idempotency_key": "r"})
    assert one.id == two.id
    assert len(stand_in.refunds) == 1
    await stand_in.drain()
    assert sum(e.type == "charge.refunded" for e in receiver.events) == 1


async def test_refund_of_unknown_payment_intent(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as caught:
        await client.v1.refunds.create_async({"payment_intent": "pi_unknown"})
    assert (caught.value.code, caught.value.param) == ("resource_missing", "payment_intent")


# --- form decoding -------------------------------------------------------------------------


def test_parse_stripe_form_builds_nested_dicts_and_lists() -> None:
    body = (
        "mode=payment&line_items[0][price_data][unit_amount]=2000"
        "&line_items[0][quantity]=1&line_items[1][quantity]=3"
        "&metadata[pledge_id]=42&metadata[0]=zero&expand[0]=payment_intent&tags[]=a&tags[]=b"
        "&success_url=https%3A%2F%2Fexample.org%2F%3Fa%3D1%26b%3D2"
    )
    assert parse_stripe_form(body) == {
        "mode": "payment",
        "line_items": [
            {"price_data": {"unit_amount": "2000"}, "quantity": "1"},
            {"quantity": "3"},
        ],
        "metadata": {"pledge_id": "42", "0": "zero"},
        "expand": ["payment_intent"],
        "tags": ["a", "b"],
        "success_url": "https://example.org/?a=1&b=2",
    }
