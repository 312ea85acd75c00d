"""A small Stripe API stand-in that the real ``stripe`` library talks to over HTTP.

It covers what the bot uses: Checkout Sessions (payment mode, EUR, inline ``price_data``),
Refunds, and the webhook events those produce, signed the way Stripe signs them.
Point a client at it with::

    stripe.StripeClient(stand_in.secret_key, base_addresses={"api": stand_in.base_url})

Test-only steps (``pay``, ``settle_async``, ``expire``, ``deliver``) play the customer's
and Stripe's side; ``fail_next`` and ``down`` inject faults.

This module is the HTTP front: server lifecycle, authentication, idempotency and fault
injection. The endpoints are in ``stripe_endpoints``, the customer's side in
``stripe_checkout``, webhooks in ``stripe_webhooks``, object shapes in ``stripe_objects``,
parameter rules in ``stripe_validation`` and form decoding in ``stripe_forms``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .stripe_checkout import StripeCheckout
from .stripe_forms import parse_stripe_form
from .stripe_objects import ApiCall, dumps, new_id
from .stripe_validation import (
    CHECKOUT_LOCALES,
    MAX_CHARGE,
    MAX_EXPIRY_S,
    MIN_CHARGE_EUR,
    MIN_EXPIRY_S,
    REFUND_REASONS,
    StripeError,
)
from .stripe_webhooks import WEBHOOK_USER_AGENT, Delivery

__all__ = [
    "CHECKOUT_LOCALES",
    "DEFAULT_SECRET_KEY",
    "DEFAULT_WEBHOOK_SECRET",
    "MAX_CHARGE",
    "MAX_EXPIRY_S",
    "MIN_CHARGE_EUR",
    "MIN_EXPIRY_S",
    "REFUND_REASONS",
    "WEBHOOK_USER_AGENT",
    "Delivery",
    "RecordedRequest",
    "StripeStandIn",
    "parse_stripe_form",
]

DEFAULT_SECRET_KEY = "sk_test_kengo"
DEFAULT_WEBHOOK_SECRET = "whsec_test_kengo"


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    status: int | None = None  # None while in flight, or when the connection was dropped


@dataclass
class _Fault:
    path_prefix: str
    status: int
    remaining: int
    should_retry: bool | None


class StripeStandIn(StripeCheckout):
    """Stripe API stand-in: an aiohttp server on 127.0.0.1 plus webhook delivery to the bot."""

    def __init__(
        self,
        secret_key: str = DEFAULT_SECRET_KEY,
        webhook_secret: str = DEFAULT_WEBHOOK_SECRET,
        *,
        auto_deliver: bool = True,
        webhook_retry_delays: Sequence[float] = (0.05, 0.2),
        webhook_timeout: float = 10.0,
    ) -> None:
        super().__init__()
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.auto_deliver = auto_deliver
        self.webhook_retry_delays = tuple(webhook_retry_delays)
        self.webhook_timeout = webhook_timeout
        self.requests: list[RecordedRequest] = []

        self._idempotency: dict[str, tuple[ApiCall, int, str, str]] = {}
        self._faults: list[_Fault] = []
        self._down = False
        self._down_status: int | None = None
        # Seconds each API request waits before it is handled, by path prefix (a slow Stripe).
        self.latency: dict[str, float] = {}
        self._runner: web.AppRunner | None = None

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/v1/{tail:.*}", self._handle_api)
        app.router.add_get("/c/pay/{session_id}", self._checkout_page)
        app.router.add_post("/c/pay/{session_id}", self._checkout_submit)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._open_delivery()

    async def stop(self) -> None:
        await self._close_delivery()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StripeStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # --- fault injection --------------------------------------------------------------

    def fail_next(
        self,
        path_prefix: str = "/v1/",
        status: int = 500,
        count: int = 1,
        *,
        should_retry: bool | None = None,
    ) -> None:
        """Answer the next `count` API requests under `path_prefix` with an error `status`.

        The failure happens before the endpoint runs, so nothing is stored under the
        idempotency key and the library's retry (same key) reaches the real endpoint.
        `should_retry` sets Stripe's `Stripe-Should-Retry` header, which the library obeys.
        """
        self._faults.append(_Fault(path_prefix, status, count, should_retry))

    def down(self, is_down: bool = True, *, status: int | None = None) -> None:
        """Make the API unreachable: drop connections (default) or answer `status` (e.g. 503)."""
        self._down = is_down
        self._down_status = status

    # --- HTTP plumbing ----------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        raw = (await request.read()).decode("utf-8", "replace")
        is_post = request.method == "POST"
        params = parse_stripe_form(raw if is_post else request.rel_url.raw_query_string)
        # Stripe only honours idempotency keys on POST; the library only sends them there.
        key = request.headers.get("Idempotency-Key") if is_post else None
        recorded = RecordedRequest(request.method, request.path, params, key)
        self.requests.append(recorded)
        request_id = new_id("req_", 14)
        call = ApiCall(request.method, request.path, params, key, request_id)
        headers = {
            "Request-Id": request_id,
            "Stripe-Version": request.headers.get("Stripe-Version", self.api_version),
        }
        if key:
            headers["Idempotency-Key"] = key

        delay = max((d for prefix, d in self.latency.items() if call.path.startswith(prefix)),
                    default=0.0)  # fmt: skip
        if delay:
            await asyncio.sleep(delay)
        if self._down and self._down_status is None:
            # Like an unreachable host: no HTTP response at all.
            assert request.transport is not None
            request.transport.abort()
            raise web.HTTPServiceUnavailable()

        try:
            status, body = self._process(call, request, headers)
        except StripeError as err:
            status, body = err.status, dumps(err.body(request_id))
            headers.update(err.headers)
        recorded.status = status
        return web.Response(
            status=status, text=body, content_type="application/json", headers=headers
        )

    def _process(
        self, call: ApiCall, request: web.Request, headers: dict[str, str]
    ) -> tuple[int, str]:
        if self._down:
            assert self._down_status is not None
            raise StripeError(
                self._down_status,
                "Stripe is temporarily unavailable.",
                type="api_error",
            )
        self._inject_fault(call.path)
        self._authenticate(request.headers.get("Authorization"))

        if call.idempotency_key is not None:
            if len(call.idempotency_key) > 255:
                raise StripeError(
                    400,
                    "Idempotency-Key must be 255 characters or fewer.",
                    param="Idempotency-Key",
                )
            stored = self._idempotency.get(call.idempotency_key)
            if stored is not None:
                return self._replay(call, stored, headers)

        handler, args = self._route(call)
        body = dumps(handler(call, *args))
        status = 200
        if call.idempotency_key is not None:
            # Stripe keeps the result of a request that ran; a replay returns it verbatim.
            # Requests rejected by validation store nothing, so their key stays usable.
            self._idempotency[call.idempotency_key] = (call, status, body, call.request_id)
        return status, body

    def _replay(
        self, call: ApiCall, stored: tuple[ApiCall, int, str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        original, status, body, original_request_id = stored
        key = call.idempotency_key
        if (original.method, original.path) != (call.method, call.path):
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used for the same endpoint they were "
                f"first used for ('{call.path}' vs '{original.path}'). Try using a key other "
                f"than '{key}' if you meant to execute a different request.",
                type="idempotency_error",
            )
        if original.params != call.params:
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.",
                type="idempotency_error",
            )
        headers["Idempotent-Replayed"] = "true"
        headers["Original-Request"] = original_request_id
        return status, body

    def _inject_fault(self, path: str) -> None:
        for fault in self._faults:
            if fault.remaining > 0 and path.startswith(fault.path_prefix):
                fault.remaining -= 1
                headers = {}
                if fault.should_retry is not None:
                    headers["Stripe-Should-Retry"] = str(fault.should_retry).lower()
                if fault.status == 429:
                    raise StripeError(
                        429,
                        "Request rate limit exceeded. Learn more about rate limits here "
                        "https://stripe.com/docs/rate-limits.",
                        code="rate_limit",
                        headers=headers,
                    )
                raise StripeError(
                    fault.status,
                    "An unknown error occurred",
                    type="api_error",
                    headers=headers,
                )
        self._faults = [f for f in self._faults if f.remaining > 0]

    def _authenticate(self, header: str | None) -> None:
        key = None
        if header and header.startswith("Bearer "):
            key = header[len("Bearer ") :].strip()
        elif header and header.startswith("Basic "):
            # Stripe also accepts the key as the Basic-auth user name.
            with contextlib.suppress(ValueError):
                key = base64.b64decode(header[len("Basic ") :]).decode().split(":", 1)[0]
        auth_headers = {"WWW-Authenticate": 'Bearer realm="Stripe"'}
        if not key:
            raise StripeError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
                "or we can help at https://support.stripe.com/.",
                headers=auth_headers,
            )
        if not secrets.compare_digest(key, self.secret_key):
            raise StripeError(
                401, f"Invalid API Key provided: {_mask_key(key)}", headers=auth_headers
            )


def _mask_key(key: str) -> str:
    match = re.match(r"^([a-z]+_(?:test|live)_)(.*)$", key)
    prefix, rest = (match.group(1), match.group(2)) if match else ("", key)
    return prefix + "*" * max(len(rest) - 4, 0) + rest[-4:]
