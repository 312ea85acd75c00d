"""A small Stripe API stand-in that the real ``stripe`` library talks to over HTTP.

It covers what the bot uses: Checkout Sessions (payment mode, EUR, inline ``price_data``),
Refunds, and the webhook events those produce, signed the way Stripe signs them.
Point a client at it with::

    stripe.StripeClient(stand_in.secret_key, base_addresses={"api": stand_in.base_url})

Test-only steps (``pay``, ``settle_async``, ``expire``, ``deliver``) play the customer's
and Stripe's side; ``fail_next`` and ``down`` inject faults.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import html
import json
import re
import secrets
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import stripe
from aiohttp import web
from stripe.params import RefundCreateParams
from stripe.params.checkout import (
    SessionCreateParams,
    SessionCreateParamsLineItem,
    SessionCreateParamsLineItemPriceData,
    SessionCreateParamsLineItemPriceDataProductData,
    SessionCreateParamsPaymentIntentData,
)

__all__ = ["Delivery", "RecordedRequest", "StripeStandIn", "parse_stripe_form"]

_ALNUM = string.ascii_letters + string.digits

# The Checkout locales Stripe accepts (mirrors the Literal in the library's
# SessionCreateParams). Breton ("br") is not among them, so Stripe rejects it.
CHECKOUT_LOCALES = frozenset(
    {
        "auto",
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "en-GB",
        "es",
        "es-419",
        "et",
        "fi",
        "fil",
        "fr",
        "fr-CA",
        "hi-IN",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "ms",
        "mt",
        "nb",
        "nl",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sk",
        "sl",
        "sv",
        "th",
        "tr",
        "vi",
        "zh",
        "zh-HK",
        "zh-TW",
    }
)
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")

# Stripe rejects any parameter it does not know with `parameter_unknown`; the library's own
# TypedDicts list the real ones (minus the request options it mixes into them).
_OPTION_KEYS = {
    "api_key",
    "stripe_version",
    "stripe_account",
    "stripe_context",
    "max_network_retries",
    "idempotency_key",
    "content_type",
    "headers",
}
_SESSION_PARAMS = frozenset(SessionCreateParams.__annotations__) - _OPTION_KEYS
_REFUND_PARAMS = frozenset(RefundCreateParams.__annotations__) - _OPTION_KEYS
_LINE_ITEM_PARAMS = frozenset(SessionCreateParamsLineItem.__annotations__)
_PRICE_DATA_PARAMS = frozenset(SessionCreateParamsLineItemPriceData.__annotations__)
_PRODUCT_DATA_PARAMS = frozenset(SessionCreateParamsLineItemPriceDataProductData.__annotations__)
_INTENT_DATA_PARAMS = frozenset(SessionCreateParamsPaymentIntentData.__annotations__)

DEFAULT_SECRET_KEY = "sk_test_kengo"
DEFAULT_WEBHOOK_SECRET = "whsec_test_kengo"
MIN_EXPIRY_S = 30 * 60
MAX_EXPIRY_S = 24 * 60 * 60
MIN_CHARGE_EUR = 50  # Stripe's minimum charge amount for EUR, in cents.
MAX_CHARGE = 99_999_999  # Stripe caps a single charge at 8 digits.
WEBHOOK_USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    status: int | None = None  # None while in flight, or when the connection was dropped


@dataclass
class Delivery:
    event_id: str
    type: str
    attempt: int
    status: int | None  # None: no HTTP response (connection error, timeout)
    error: str | None = None


class _StripeError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            error["param"] = self.param
        error["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        return {"error": error}


@dataclass
class _Call:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    request_id: str


@dataclass
class _Fault:
    path_prefix: str
    status: int
    remaining: int
    should_retry: bool | None


def _new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def _now() -> int:
    return int(time.time())


def _euros(cents: int) -> str:
    return f"€{cents / 100:.2f}"


def _dumps(obj: Any) -> str:
    # Stripe serves (and signs) pretty-printed JSON with two-space indents.
    return json.dumps(obj, indent=2, ensure_ascii=False)


# --- form decoding -------------------------------------------------------------------------

_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT_RE = re.compile(r"\[([^\[\]]*)\]")


def _key_parts(key: str) -> list[str]:
    match = _KEY_RE.match(key)
    if not match:
        return [key]
    return [match.group(1), *_SEGMENT_RE.findall(match.group(2))]


def _listify(node: Any, parent_key: str | None = None) -> Any:
    if not isinstance(node, dict):
        return node
    # Metadata keys are free-form strings, so "0" there is a key rather than an index.
    converted = {k: _listify(v, None if parent_key == "metadata" else k) for k, v in node.items()}
    if parent_key != "metadata" and converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def parse_stripe_form(body: str) -> dict[str, Any]:
    """Decode Stripe's bracketed form encoding (``a[b][0][c]=v``) into dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = _key_parts(key)
        node = root
        for depth, part in enumerate(parts):
            name = part if part != "" else str(len(node))  # "a[]=x" appends
            if depth == len(parts) - 1:
                node[name] = value
            else:
                child = node.get(name)
                if not isinstance(child, dict):
                    child = {}
                    node[name] = child
                node = child
    return {k: _listify(v, k) for k, v in root.items()}


# --- parameter validation ------------------------------------------------------------------


def _missing(param: str) -> _StripeError:
    return _StripeError(
        400, f"Missing required param: {param}.", code="parameter_missing", param=param
    )


def _check_unknown(params: dict[str, Any], allowed: frozenset[str], prefix: str = "") -> None:
    for key in params:
        if key not in allowed:
            name = f"{prefix}[{key}]" if prefix else key
            raise _StripeError(
                400,
                f"Received unknown parameter: {name}",
                code="parameter_unknown",
                param=name,
            )


def _string(params: dict[str, Any], key: str, param: str, *, required: bool = False) -> str | None:
    value = params.get(key)
    if value is None:
        if required:
            raise _missing(param)
        return None
    if not isinstance(value, str):
        raise _StripeError(
            400, f"Invalid string: {value!r}", code="parameter_invalid_string", param=param
        )
    if value == "" and required:
        # Stripe reads an empty string as "unset", which a required field cannot be.
        raise _StripeError(
            400,
            f"You passed an empty string for '{param}'. We assume empty values are an attempt "
            f"to unset a parameter; however '{param}' cannot be unset. You should remove "
            f"'{param}' from your request or supply a non-empty value.",
            code="parameter_invalid_empty",
            param=param,
        )
    return value or None


def _integer(
    params: dict[str, Any],
    key: str,
    param: str,
    *,
    required: bool = False,
    minimum: int | None = None,
) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise _missing(param)
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise _StripeError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
        )
    number = int(value)
    if minimum is not None and number < minimum:
        raise _StripeError(
            400,
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
            param=param,
        )
    return number


def _metadata(value: Any, param: str) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise _StripeError(400, "Invalid object", code="parameter_invalid_object", param=param)
    # An empty value unsets a key, so it never shows up on the object.
    result = {k: v for k, v in value.items() if v != ""}
    if len(result) > 50:
        raise _StripeError(
            400, "You can have at most 50 metadata keys.", code="parameter_invalid", param=param
        )
    for key, item in result.items():
        if not isinstance(item, str):
            raise _StripeError(400, "Invalid string", param=f"{param}[{key}]")
        if len(key) > 40:
            raise _StripeError(
                400,
                "Metadata keys can have up to 40 characters, but you passed in a key that is "
                f"{len(key)} characters. Invalid key: '{key}'",
                param=f"{param}[{key}]",
            )
        if len(item) > 500:
            raise _StripeError(
                400,
                "Metadata values can have up to 500 characters, but you passed in a value that "
                f"is {len(item)} characters.",
                param=f"{param}[{key}]",
            )
    return result


def _url(params: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = _string(params, key, key, required=required)
    if value is not None and not re.match(r"^https?://[^\s/]+", value):
        raise _StripeError(400, "Not a valid URL", code="url_invalid", param=key)
    return value


def _expand_paths(params: dict[str, Any]) -> list[str]:
    value = params.get("expand")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise _StripeError(400, "Invalid array", code="parameter_invalid_array", param="expand")


# --- the stand-in --------------------------------------------------------------------------


class StripeStandIn:
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
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None
        self.auto_deliver = auto_deliver
        self.webhook_retry_delays = tuple(webhook_retry_delays)
        self.webhook_timeout = webhook_timeout
        self.api_version: str = stripe.api_version

        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.charges: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.pending_events: list[dict[str, Any]] = []
        self.deliveries: list[Delivery] = []
        self.requests: list[RecordedRequest] = []

        self._payloads: dict[str, str] = {}
        self._session_extras: dict[str, dict[str, Any]] = {}
        self._idempotency: dict[str, tuple[_Call, int, str, str]] = {}
        self._faults: list[_Fault] = []
        self._down = False
        self._down_status: int | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._port: int | None = None

        self._routes: list[tuple[str, re.Pattern[str], Callable[..., dict[str, Any]]]] = [
            ("POST", re.compile(r"/v1/checkout/sessions"), self._create_session),
            ("GET", re.compile(r"/v1/checkout/sessions"), self._list_sessions),
            ("GET", re.compile(r"/v1/checkout/sessions/([^/]+)"), self._retrieve_session),
            ("POST", re.compile(r"/v1/checkout/sessions/([^/]+)/expire"), self._expire_session),
            ("POST", re.compile(r"/v1/refunds"), self._create_refund),
            ("GET", re.compile(r"/v1/refunds/([^/]+)"), self._retrieve_refund),
            ("GET", re.compile(r"/v1/payment_intents/([^/]+)"), self._retrieve_payment_intent),
            ("GET", re.compile(r"/v1/charges/([^/]+)"), self._retrieve_charge),
            ("GET", re.compile(r"/v1/events/([^/]+)"), self._retrieve_event),
        ]

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
        self._http = aiohttp.ClientSession()

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StripeStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("StripeStandIn is not started")
        return f"http://127.0.0.1:{self._port}"

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
        request_id = _new_id("req_", 14)
        call = _Call(request.method, request.path, params, key, request_id)
        headers = {
            "Request-Id": request_id,
            "Stripe-Version": request.headers.get("Stripe-Version", self.api_version),
        }
        if key:
            headers["Idempotency-Key"] = key

        if self._down and self._down_status is None:
            # Like an unreachable host: no HTTP response at all.
            assert request.transport is not None
            request.transport.abort()
            raise web.HTTPServiceUnavailable()

        try:
            status, body = self._process(call, request, headers)
        except _StripeError as err:
            status, body = err.status, _dumps(err.body(request_id))
            headers.update(err.headers)
        recorded.status = status
        return web.Response(
            status=status, text=body, content_type="application/json", headers=headers
        )

    def _process(
        self, call: _Call, request: web.Request, headers: dict[str, str]
    ) -> tuple[int, str]:
        if self._down:
            assert self._down_status is not None
            raise _StripeError(
                self._down_status,
                "Stripe is temporarily unavailable.",
                type="api_error",
            )
        self._inject_fault(call.path)
        self._authenticate(request.headers.get("Authorization"))

        if call.idempotency_key is not None:
            if len(call.idempotency_key) > 255:
                raise _StripeError(
                    400,
                    "Idempotency-Key must be 255 characters or fewer.",
                    param="Idempotency-Key",
                )
            stored = self._idempotency.get(call.idempotency_key)
            if stored is not None:
                return self._replay(call, stored, headers)

        handler, args = self._route(call)
        body = _dumps(handler(call, *args))
        status = 200
        if call.idempotency_key is not None:
            # Stripe keeps the result of a request that ran; a replay returns it verbatim.
            # Requests rejected by validation store nothing, so their key stays usable.
            self._idempotency[call.idempotency_key] = (call, status, body, call.request_id)
        return status, body

    def _replay(
        self, call: _Call, stored: tuple[_Call, int, str, str], headers: dict[str, str]
    ) -> tuple[int, str]:
        original, status, body, original_request_id = stored
        key = call.idempotency_key
        if (original.method, original.path) != (call.method, call.path):
            raise _StripeError(
                400,
                "Keys for idempotent requests can only be used for the same endpoint they were "
                f"first used for ('{call.path}' vs '{original.path}'). Try using a key other "
                f"than '{key}' if you meant to execute a different request.",
                type="idempotency_error",
            )
        if original.params != call.params:
            raise _StripeError(
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
                    raise _StripeError(
                        429,
                        "Request rate limit exceeded. Learn more about rate limits here "
                        "https://stripe.com/docs/rate-limits.",
                        code="rate_limit",
                        headers=headers,
                    )
                raise _StripeError(
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
            raise _StripeError(
                401,
                "You did not provide an API key. You need to provide your API key in the "
                "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
                "or we can help at https://support.stripe.com/.",
                headers=auth_headers,
            )
        if not secrets.compare_digest(key, self.secret_key):
            raise _StripeError(
                401, f"Invalid API Key provided: {_mask_key(key)}", headers=auth_headers
            )

    def _route(self, call: _Call) -> tuple[Callable[..., dict[str, Any]], tuple[str, ...]]:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(call.path)
            if match and method == call.method:
                return handler, match.groups()
        raise _StripeError(
            404,
            f"Unrecognized request URL ({call.method}: {call.path}). Please see "
            "https://stripe.com/docs or we can help at https://support.stripe.com/.",
        )

    # --- objects ----------------------------------------------------------------------

    def _get(self, store: dict[str, dict[str, Any]], kind: str, object_id: str, param: str) -> Any:
        obj = store.get(object_id)
        if obj is None:
            raise _StripeError(
                404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param
            )
        return obj

    def _session(self, session_id: str) -> dict[str, Any]:
        session = self._get(self.sessions, "checkout.session", session_id, "session")
        self._lapse_if_due(session)
        return session

    def _lapse_if_due(self, session: dict[str, Any]) -> None:
        # Stripe expires an open session by itself once expires_at has passed.
        if session["status"] == "open" and session["expires_at"] <= _now():
            self._mark_expired(session)
            self._emit("checkout.session.expired", session, background=True)

    def _expanded(self, obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
        result = copy.deepcopy(obj)
        stores = {"pi_": self.payment_intents, "ch_": self.charges, "cs_": self.sessions}
        for index, path in enumerate(paths):
            parts = path.split(".")
            if result.get("object") == "list" and parts[0] == "data":
                targets, parts = result["data"], parts[1:]
            else:
                targets = [result]
            for target in targets:
                node = target
                for depth, part in enumerate(parts):
                    value = node.get(part, ...) if isinstance(node, dict) else ...
                    if value is None:
                        break
                    if isinstance(value, str):
                        store = stores.get(value[:3])
                        if store is None or value not in store:
                            value = ...
                        else:
                            value = copy.deepcopy(store[value])
                            node[part] = value
                    if value is ...:
                        raise _StripeError(
                            400,
                            f"This property cannot be expanded ({'.'.join(parts[: depth + 1])}).",
                            param=f"expand[{index}]",
                        )
                    node = value
        return result

    def _list(self, objects: list[dict[str, Any]], params: dict[str, Any], url: str) -> Any:
        limit = _integer(params, "limit", "limit", minimum=1) or 10
        if limit > 100:
            raise _StripeError(
                400,
                "This value must be less than or equal to 100.",
                code="parameter_invalid_integer",
                param="limit",
            )
        # Newest first; within one second, the later-created object comes first.
        newest_first = sorted(reversed(objects), key=lambda o: o["created"], reverse=True)
        after = _string(params, "starting_after", "starting_after")
        if after:
            ids = [o["id"] for o in newest_first]
            if after not in ids:
                raise _StripeError(
                    404,
                    f"No such object: '{after}'",
                    code="resource_missing",
                    param="starting_after",
                )
            newest_first = newest_first[ids.index(after) + 1 :]
        page = newest_first[:limit]
        return {
            "object": "list",
            "data": [copy.deepcopy(o) for o in page],
            "has_more": len(newest_first) > limit,
            "url": url,
        }

    # --- checkout sessions ------------------------------------------------------------

    def _create_session(self, call: _Call) -> dict[str, Any]:
        p = call.params
        _check_unknown(p, _SESSION_PARAMS)
        mode = _string(p, "mode", "mode", required=True)
        if mode not in ("payment", "setup", "subscription"):
            raise _StripeError(
                400,
                f"Invalid mode: must be one of payment, setup, or subscription (got {mode})",
                code="parameter_invalid_string",
                param="mode",
            )
        if mode != "payment":
            raise _StripeError(400, "This stand-in only supports mode=payment.", param="mode")
        success_url = _url(p, "success_url", required=True)
        cancel_url = _url(p, "cancel_url", required=False)
        currency, amount, line_items = self._line_items(p.get("line_items"))
        if amount < MIN_CHARGE_EUR:
            raise _StripeError(
                400,
                "The Checkout Session's total amount due must add up to at least "
                f"{_euros(MIN_CHARGE_EUR)} {currency}",
                code="amount_too_small",
            )
        if amount > MAX_CHARGE:
            raise _StripeError(
                400,
                f"The Checkout Session's total amount due must be no more than "
                f"{_euros(MAX_CHARGE)} {currency}",
                code="amount_too_large",
            )
        now = _now()
        expires_at = _integer(p, "expires_at", "expires_at")
        if expires_at is None:
            expires_at = now + MAX_EXPIRY_S
        elif expires_at < now + MIN_EXPIRY_S:
            raise _StripeError(
                400,
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
                "creation.",
                param="expires_at",
            )
        elif expires_at > now + MAX_EXPIRY_S:
            raise _StripeError(
                400,
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session "
                "creation.",
                param="expires_at",
            )
        locale = _string(p, "locale", "locale")
        if locale is not None and locale not in CHECKOUT_LOCALES:
            raise _StripeError(
                400,
                f"Invalid locale: must be one of {', '.join(sorted(CHECKOUT_LOCALES))}",
                code="parameter_invalid_string",
                param="locale",
            )
        email = _string(p, "customer_email", "customer_email")
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise _StripeError(
                400, f"Invalid email address: {email}", code="email_invalid", param="customer_email"
            )
        reference = _string(p, "client_reference_id", "client_reference_id")
        if reference is not None and len(reference) > 200:
            raise _StripeError(
                400,
                "client_reference_id must be at most 200 characters.",
                param="client_reference_id",
            )
        intent_data = p.get("payment_intent_data") or {}
        if not isinstance(intent_data, dict):
            raise _StripeError(
                400, "Invalid object", code="parameter_invalid_object", param="payment_intent_data"
            )
        _check_unknown(intent_data, _INTENT_DATA_PARAMS, "payment_intent_data")
        intent_description = _string(intent_data, "description", "payment_intent_data[description]")
        intent_metadata = _metadata(intent_data.get("metadata"), "payment_intent_data[metadata]")
        metadata = _metadata(p.get("metadata"), "metadata")
        expand = _expand_paths(p)

        session_id = _new_id("cs_test_a1", 56)  # real test-mode session ids are 66 characters
        session: dict[str, Any] = {
            "id": session_id,
            "object": "checkout.session",
            "after_expiration": None,
            "allow_promotion_codes": None,
            "amount_subtotal": amount,
            "amount_total": amount,
            "automatic_tax": {"enabled": False, "liability": None, "status": None},
            "billing_address_collection": None,
            "cancel_url": cancel_url,
            "client_reference_id": reference,
            "client_secret": None,
            "consent": None,
            "consent_collection": None,
            "created": now,
            "currency": currency,
            "custom_fields": [],
            "custom_text": {
                "after_submit": None,
                "shipping_address": None,
                "submit": None,
                "terms_of_service_acceptance": None,
            },
            "customer": None,
            "customer_creation": "if_required",
            "customer_details": None,
            "customer_email": email,
            "expires_at": expires_at,
            "invoice": None,
            "livemode": False,
            "locale": locale,
            "metadata": metadata,
            "mode": mode,
            "payment_intent": None,
            "payment_link": None,
            "payment_method_collection": "if_required",
            "payment_method_types": ["card"],
            "payment_status": "unpaid",
            "phone_number_collection": {"enabled": False},
            "recovered_from": None,
            "setup_intent": None,
            "shipping_address_collection": None,
            "shipping_cost": None,
            "status": "open",
            "submit_type": None,
            "subscription": None,
            "success_url": success_url,
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": f"{self.base_url}/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        self._session_extras[session_id] = {
            "line_items": line_items,
            "payment_intent_metadata": intent_metadata,
            "payment_intent_description": intent_description,
        }
        return self._expanded(session, expand)

    def _line_items(self, raw: Any) -> tuple[str, int, list[dict[str, Any]]]:
        if raw is None or raw == "" or raw == []:
            raise _missing("line_items")
        if not isinstance(raw, list):
            raise _StripeError(
                400, "Invalid array", code="parameter_invalid_array", param="line_items"
            )
        if len(raw) > 100:
            raise _StripeError(400, "You can have at most 100 line items.", param="line_items")
        currency: str | None = None
        total = 0
        items = []
        for i, item in enumerate(raw):
            prefix = f"line_items[{i}]"
            if not isinstance(item, dict):
                raise _StripeError(
                    400, "Invalid object", code="parameter_invalid_object", param=prefix
                )
            _check_unknown(item, _LINE_ITEM_PARAMS, prefix)
            if "price" in item:
                raise _StripeError(
                    400,
                    "This stand-in only supports inline price_data, not saved Prices.",
                    param=f"{prefix}[price]",
                )
            price = item.get("price_data")
            if not isinstance(price, dict):
                raise _missing(f"{prefix}[price_data]")
            _check_unknown(price, _PRICE_DATA_PARAMS, f"{prefix}[price_data]")
            item_currency = _string(
                price, "currency", f"{prefix}[price_data][currency]", required=True
            )
            assert item_currency is not None
            item_currency = item_currency.lower()
            if item_currency != "eur":
                raise _StripeError(
                    400,
                    "This stand-in only supports currency=eur.",
                    param=f"{prefix}[price_data][currency]",
                )
            if currency is not None and item_currency != currency:
                # Stripe requires every line item of a session to share one currency.
                raise _StripeError(
                    400,
                    "All line items must have the same currency.",
                    param=f"{prefix}[price_data][currency]",
                )
            currency = item_currency
            unit_amount = _integer(
                price, "unit_amount", f"{prefix}[price_data][unit_amount]", required=True, minimum=0
            )
            product = price.get("product_data")
            if not isinstance(product, dict):
                raise _missing(f"{prefix}[price_data][product_data]")
            _check_unknown(product, _PRODUCT_DATA_PARAMS, f"{prefix}[price_data][product_data]")
            name = _string(
                product, "name", f"{prefix}[price_data][product_data][name]", required=True
            )
            quantity = _integer(item, "quantity", f"{prefix}[quantity]", required=True, minimum=1)
            assert unit_amount is not None
            assert quantity is not None
            total += unit_amount * quantity
            items.append(
                {
                    "id": _new_id("li_"),
                    "object": "item",
                    "amount_subtotal": unit_amount * quantity,
                    "amount_total": unit_amount * quantity,
                    "currency": item_currency,
                    "description": name,
                    "quantity": quantity,
                    "unit_amount": unit_amount,
                }
            )
        assert currency is not None
        return currency, total, items

    def _list_sessions(self, call: _Call) -> dict[str, Any]:
        p = call.params
        sessions = list(self.sessions.values())
        for session in sessions:
            self._lapse_if_due(session)
        for field in ("payment_intent", "status", "client_reference_id"):
            wanted = _string(p, field, field)
            if wanted is not None:
                sessions = [s for s in sessions if s[field] == wanted]
        listing = self._list(sessions, p, "/v1/checkout/sessions")
        return self._expanded(listing, _expand_paths(p))

    def _retrieve_session(self, call: _Call, session_id: str) -> dict[str, Any]:
        return self._expanded(self._session(session_id), _expand_paths(call.params))

    def _expire_session(self, call: _Call, session_id: str) -> dict[str, Any]:
        session = self._session(session_id)
        if session["status"] != "open":
            raise _StripeError(
                400,
                'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
            )
        self._mark_expired(session)
        # Expiring through the API sends the same event as a lapse, tied to this request.
        self._emit("checkout.session.expired", session, call=call, background=True)
        return self._expanded(session, _expand_paths(call.params))

    @staticmethod
    def _mark_expired(session: dict[str, Any]) -> None:
        session["status"] = "expired"
        # Stripe only exposes the payment page URL while the session is open.
        session["url"] = None

    # --- refunds and the other read endpoints -----------------------------------------

    def _create_refund(self, call: _Call) -> dict[str, Any]:
        p = call.params
        _check_unknown(p, _REFUND_PARAMS)
        intent_id = _string(p, "payment_intent", "payment_intent")
        charge_id = _string(p, "charge", "charge")
        if intent_id is None and charge_id is None:
            raise _StripeError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing",
            )
        if intent_id is not None:
            intent = self.payment_intents.get(intent_id)
            if intent is None:
                raise _StripeError(
                    400,
                    f"No such payment_intent: '{intent_id}'",
                    code="resource_missing",
                    param="payment_intent",
                )
            if charge_id is not None and charge_id != intent["latest_charge"]:
                raise _StripeError(
                    400,
                    f"Charge {charge_id} does not belong to PaymentIntent {intent_id}.",
                    param="charge",
                )
            charge = self.charges.get(intent["latest_charge"] or "")
            if charge is None or charge["status"] != "succeeded":
                raise _StripeError(
                    400,
                    f"This PaymentIntent ({intent_id}) does not have a successful charge to "
                    "refund.",
                    param="payment_intent",
                )
        else:
            assert charge_id is not None
            charge = self.charges.get(charge_id)
            if charge is None:
                raise _StripeError(
                    400,
                    f"No such charge: '{charge_id}'",
                    code="resource_missing",
                    param="charge",
                )
            if charge["status"] != "succeeded":
                raise _StripeError(
                    400,
                    f"Charge {charge_id} has not succeeded and cannot be refunded.",
                    param="charge",
                )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining == 0:
            raise _StripeError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _integer(p, "amount", "amount", minimum=1)
        if amount is None:
            amount = remaining
        elif amount > remaining:
            raise _StripeError(
                400,
                f"Refund amount ({_euros(amount)}) is greater than unrefunded amount on charge "
                f"({_euros(remaining)})",
                code="amount_too_large",
                param="amount",
            )
        reason = _string(p, "reason", "reason")
        if reason is not None and reason not in REFUND_REASONS:
            raise _StripeError(
                400,
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
                code="parameter_invalid_string",
                param="reason",
            )
        metadata = _metadata(p.get("metadata"), "metadata")
        expand = _expand_paths(p)

        refund = {
            "id": _new_id("re_"),
            "object": "refund",
            "amount": amount,
            "balance_transaction": _new_id("txn_"),
            "charge": charge["id"],
            "created": _now(),
            "currency": charge["currency"],
            "destination_details": {"card": {"type": "refund"}, "type": "card"},
            "metadata": metadata,
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "receipt_number": None,
            "source_transfer_reversal": None,
            "status": "succeeded",
            "transfer_reversal": None,
        }
        self.refunds[refund["id"]] = refund
        previous = {"amount_refunded": charge["amount_refunded"]}
        charge["amount_refunded"] += amount
        if charge["amount_refunded"] == charge["amount"]:
            previous["refunded"] = charge["refunded"]
            charge["refunded"] = True
        self._emit(
            "charge.refunded", charge, call=call, previous_attributes=previous, background=True
        )
        return self._expanded(refund, expand)

    def _retrieve_refund(self, call: _Call, refund_id: str) -> dict[str, Any]:
        refund = self._get(self.refunds, "refund", refund_id, "id")
        return self._expanded(refund, _expand_paths(call.params))

    def _retrieve_payment_intent(self, call: _Call, intent_id: str) -> dict[str, Any]:
        intent = self._get(self.payment_intents, "payment_intent", intent_id, "intent")
        return self._expanded(intent, _expand_paths(call.params))

    def _retrieve_charge(self, call: _Call, charge_id: str) -> dict[str, Any]:
        charge = self._get(self.charges, "charge", charge_id, "charge")
        return self._expanded(charge, _expand_paths(call.params))

    def _retrieve_event(self, call: _Call, event_id: str) -> dict[str, Any]:
        events = {e["id"]: e for e in self.events}
        return copy.deepcopy(self._get(events, "event", event_id, "id"))

    # --- the hosted payment page ------------------------------------------------------

    async def _checkout_page(self, request: web.Request) -> web.Response:
        session = self.sessions.get(request.match_info["session_id"])
        if session is None:
            return web.Response(status=404, text="Unknown Checkout Session")
        self._lapse_if_due(session)
        if session["status"] != "open":
            return web.Response(text=f"This Checkout Session is {session['status']}.")
        items = self._session_extras[session["id"]]["line_items"]
        rows = "".join(
            f"<li>{html.escape(i['description'])} × {i['quantity']}: "
            f"{_euros(i['amount_total'])}</li>"
            for i in items
        )
        cancel = session["cancel_url"]
        page = (
            "<!doctype html><title>Stripe stand-in checkout</title>"
            f"<h1>Pay {_euros(session['amount_total'])}</h1><ul>{rows}</ul>"
            '<form method="post"><button>Pay</button></form>'
            + (f'<a href="{html.escape(cancel)}">Cancel</a>' if cancel else "")
        )
        return web.Response(text=page, content_type="text/html")

    async def _checkout_submit(self, request: web.Request) -> web.Response:
        session_id = request.match_info["session_id"]
        if session_id not in self.sessions:
            return web.Response(status=404, text="Unknown Checkout Session")
        try:
            await self.pay(session_id)
        except ValueError as err:
            return web.Response(status=409, text=str(err))
        # Stripe fills the {CHECKOUT_SESSION_ID} template in success_url on redirect.
        target = self.sessions[session_id]["success_url"].replace(
            "{CHECKOUT_SESSION_ID}", session_id
        )
        raise web.HTTPSeeOther(target)

    # --- test-only steps: the customer's and Stripe's side ----------------------------

    async def pay(self, session_id: str, *, async_payment: bool = False) -> dict[str, Any]:
        """Complete an open session as a paying customer; returns checkout.session.completed.

        With `async_payment` (e.g. SEPA debit) the session completes unpaid and the outcome
        comes later through `settle_async`.
        """
        session = self.sessions.get(session_id)
        if session is None:
            raise ValueError(f"no such Checkout Session {session_id}")
        self._lapse_if_due(session)
        if session["status"] != "open":
            raise ValueError(f"Checkout Session {session_id} is {session['status']}, not open")
        now = _now()
        extras = self._session_extras[session_id]
        method_type = "sepa_debit" if async_payment else "card"
        intent_id, charge_id = _new_id("pi_"), _new_id("ch_")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": session["amount_total"],
            "amount_capturable": 0,
            "amount_received": 0 if async_payment else session["amount_total"],
            "canceled_at": None,
            "capture_method": "automatic",
            "client_secret": f"{intent_id}_secret_{_new_id('', 25)}",
            "created": now,
            "currency": session["currency"],
            "customer": None,
            "description": extras["payment_intent_description"],
            "last_payment_error": None,
            "latest_charge": charge_id,
            "livemode": False,
            "metadata": dict(extras["payment_intent_metadata"]),
            "payment_method": _new_id("pm_"),
            "payment_method_types": [method_type],
            "status": "processing" if async_payment else "succeeded",
        }
        if method_type == "card":
            details: dict[str, Any] = {
                "type": "card",
                "card": {
                    "brand": "visa",
                    "country": "FR",
                    "exp_month": 12,
                    "exp_year": 2034,
                    "funding": "credit",
                    "last4": "4242",
                },
            }
        else:
            details = {"type": "sepa_debit", "sepa_debit": {"country": "FR", "last4": "3000"}}
        email = session["customer_email"] or "payer@example.com"
        charge = {
            "id": charge_id,
            "object": "charge",
            "amount": session["amount_total"],
            "amount_captured": session["amount_total"],
            "amount_refunded": 0,
            "balance_transaction": _new_id("txn_"),
            "billing_details": {
                "address": None,
                "email": email,
                "name": "Test Payer",
                "phone": None,
            },
            "captured": True,
            "created": now,
            "currency": session["currency"],
            "customer": None,
            "description": intent["description"],
            "disputed": False,
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            # A charge made by a PaymentIntent carries the intent's metadata.
            "metadata": dict(intent["metadata"]),
            "outcome": {
                "network_status": "approved_by_network",
                "reason": None,
                "risk_level": "normal",
                "seller_message": "Payment complete.",
                "type": "authorized",
            },
            "paid": not async_payment,
            "payment_intent": intent_id,
            "payment_method": intent["payment_method"],
            "payment_method_details": details,
            "receipt_url": f"{self.base_url}/receipts/{charge_id}",
            "refunded": False,
            "status": "pending" if async_payment else "succeeded",
        }
        self.payment_intents[intent_id] = intent
        self.charges[charge_id] = charge
        session.update(
            status="complete",
            payment_status="unpaid" if async_payment else "paid",
            payment_intent=intent_id,
            payment_method_types=[method_type],
            url=None,
            customer_details={
                "address": None,
                "email": email,
                "name": "Test Payer",
                "phone": None,
                "tax_exempt": "none",
                "tax_ids": [],
            },
        )
        return await self._emit_now("checkout.session.completed", session)

    async def settle_async(self, session_id: str, succeeded: bool) -> dict[str, Any]:
        """Resolve a delayed payment made with `pay(..., async_payment=True)`."""
        session = self.sessions.get(session_id)
        if session is None or session["status"] != "complete" or not session["payment_intent"]:
            raise ValueError(f"Checkout Session {session_id} has no payment to settle")
        intent = self.payment_intents[session["payment_intent"]]
        if intent["status"] != "processing":
            raise ValueError(f"PaymentIntent {intent['id']} is {intent['status']}, not processing")
        charge = self.charges[intent["latest_charge"]]
        if succeeded:
            intent.update(status="succeeded", amount_received=intent["amount"])
            charge.update(status="succeeded", paid=True)
            session["payment_status"] = "paid"
            kind = "checkout.session.async_payment_succeeded"
        else:
            intent.update(
                status="requires_payment_method",
                last_payment_error={
                    "code": "insufficient_funds",
                    "type": "card_error",
                    "message": "The account has insufficient funds.",
                },
            )
            charge.update(
                status="failed",
                paid=False,
                failure_code="insufficient_funds",
                failure_message="The account has insufficient funds.",
            )
            kind = "checkout.session.async_payment_failed"
        return await self._emit_now(kind, session)

    async def expire(self, session_id: str) -> dict[str, Any]:
        """Let an open session lapse, as Stripe does at expires_at."""
        session = self.sessions.get(session_id)
        if session is None or session["status"] != "open":
            raise ValueError(f"Checkout Session {session_id} is not open")
        self._mark_expired(session)
        return await self._emit_now("checkout.session.expired", session)

    # --- events and webhook delivery --------------------------------------------------

    def _make_event(
        self,
        kind: str,
        obj: dict[str, Any],
        call: _Call | None,
        previous_attributes: dict[str, Any] | None,
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous_attributes is not None:
            data["previous_attributes"] = previous_attributes
        event = {
            "id": _new_id("evt_"),
            "object": "event",
            "api_version": self.api_version,
            "created": _now(),
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            # Events caused by the customer (not an API call) have null request fields.
            "request": {
                "id": call.request_id if call else None,
                "idempotency_key": call.idempotency_key if call else None,
            },
            "type": kind,
        }
        self.events.append(event)
        self._payloads[event["id"]] = _dumps(event)
        return event

    def _emit(
        self,
        kind: str,
        obj: dict[str, Any],
        *,
        call: _Call | None = None,
        previous_attributes: dict[str, Any] | None = None,
        background: bool,
    ) -> dict[str, Any]:
        event = self._make_event(kind, obj, call, previous_attributes)
        if not self.auto_deliver or self.webhook_url is None:
            self.pending_events.append(event)
        elif background:
            # Stripe sends webhooks after answering the API call that caused them.
            task = asyncio.get_running_loop().create_task(self._deliver_with_retries(event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return event

    async def _emit_now(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        event = self._emit(kind, obj, background=False)
        if self.auto_deliver and self.webhook_url is not None:
            await self._deliver_with_retries(event)
        return event

    async def drain(self) -> None:
        """Wait until webhook deliveries started by API calls (refunds, expire) are done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver_with_retries(self, event: dict[str, Any]) -> None:
        # Stripe retries a delivery until the endpoint answers 2xx (over days; here, briefly).
        for attempt, delay in enumerate((*self.webhook_retry_delays, None), start=1):
            status = await self._post_event(event, attempt)
            if status is not None and 200 <= status < 300:
                return
            if delay is None:
                return
            await asyncio.sleep(delay)

    async def _post_event(
        self,
        event: dict[str, Any],
        attempt: int,
        *,
        signature: str | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> int | None:
        if self.webhook_url is None:
            raise RuntimeError("webhook_url is not set")
        assert self._http is not None, "StripeStandIn is not started"
        payload = self._payloads.get(event["id"]) or _dumps(event)
        if signature is None:
            signature = stripe.WebhookSignature.generate_signature_header(
                payload, secret or self.webhook_secret, timestamp=timestamp or _now()
            )
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature,
            "User-Agent": WEBHOOK_USER_AGENT,
            "Accept": "*/*; q=0.5, application/xml",
            "Cache-Control": "no-cache",
        }
        self.pending_events = [e for e in self.pending_events if e["id"] != event["id"]]
        try:
            async with self._http.post(
                self.webhook_url,
                data=payload.encode("utf-8"),
                headers=headers,
                # Stripe treats a redirect as a failed delivery rather than following it.
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as response:
                await response.read()
                status: int | None = response.status
                error = None
        except (aiohttp.ClientError, TimeoutError) as err:
            status, error = None, f"{type(err).__name__}: {err}"
        self.deliveries.append(Delivery(event["id"], event["type"], attempt, status, error))
        return status

    async def deliver_pending(self) -> list[int]:
        """Post every queued event once, oldest first; returns the statuses."""
        statuses = []
        for event in list(self.pending_events):
            statuses += await self.deliver(event)
        return statuses

    async def deliver(
        self,
        event: dict[str, Any],
        *,
        times: int = 1,
        signature: str | None = None,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> list[int]:
        """Post `event` to webhook_url `times` times, without retries; returns the statuses.

        `signature` replaces the Stripe-Signature header verbatim; `secret` and `timestamp`
        sign with another secret or time. Connection failures are reported as status 0.
        """
        attempts = sum(1 for d in self.deliveries if d.event_id == event["id"])
        statuses = []
        for n in range(times):
            status = await self._post_event(
                event,
                attempts + n + 1,
                signature=signature,
                secret=secret,
                timestamp=timestamp,
            )
            statuses.append(status or 0)
        return statuses


def _mask_key(key: str) -> str:
    match = re.match(r"^([a-z]+_(?:test|live)_)(.*)$", key)
    prefix, rest = (match.group(1), match.group(2)) if match else ("", key)
    return prefix + "*" * max(len(rest) - 4, 0) + rest[-4:]
