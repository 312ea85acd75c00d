"""The Stripe stand-in's API endpoints, over the objects it stores.

Checkout Sessions, Refunds and the read-only lookups; :class:`tests.fakes.stripe_api.StripeStandIn`
serves them over HTTP.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from . import stripe_collection as collection
from . import stripe_objects as objects
from . import stripe_validation as check
from .stripe_objects import ApiCall, Store
from .stripe_validation import (
    CHECKOUT_LOCALES,
    MAX_CHARGE,
    MAX_EXPIRY_S,
    MIN_CHARGE_EUR,
    MIN_EXPIRY_S,
    REFUND_REASONS,
    StripeError,
)
from .stripe_webhooks import StripeWebhooks

Handler = Callable[..., dict[str, Any]]


class StripeEndpoints(StripeWebhooks):
    """The stored objects and the endpoints that create, change and read them."""

    def __init__(self) -> None:
        super().__init__()
        self.sessions: Store = {}
        self.payment_intents: Store = {}
        self.charges: Store = {}
        self.refunds: Store = {}
        self._session_extras: Store = {}
        self._port: int | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("POST", re.compile(r"/v1/checkout/sessions"), self._create_session),
            ("GET", re.compile(r"/v1/checkout/sessions"), self._list_sessions),
            ("GET", re.compile(r"/v1/checkout/sessions/([^/]+)"), self._retrieve_session),
            ("POST", re.compile(r"/v1/checkout/sessions/([^/]+)/expire"), self._expire_session),
            ("POST", re.compile(r"/v1/refunds"), self._create_refund),
            ("GET", re.compile(r"/v1/refunds"), self._list_refunds),
            ("GET", re.compile(r"/v1/refunds/([^/]+)"), self._retrieve_refund),
            ("GET", re.compile(r"/v1/payment_intents/([^/]+)"), self._retrieve_payment_intent),
            ("GET", re.compile(r"/v1/charges/([^/]+)"), self._retrieve_charge),
            ("GET", re.compile(r"/v1/events/([^/]+)"), self._retrieve_event),
        ]

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("StripeStandIn is not started")
        return f"http://127.0.0.1:{self._port}"

    def _route(self, call: ApiCall) -> tuple[Handler, tuple[str, ...]]:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(call.path)
            if match and method == call.method:
                return handler, match.groups()
        raise StripeError(
            404,
            f"Unrecognized request URL ({call.method}: {call.path}). Please see "
            "https://stripe.com/docs or we can help at https://support.stripe.com/.",
        )

    # --- stored objects ---------------------------------------------------------------

    @staticmethod
    def _get(
        store: Store, kind: str, object_id: str, param: str, *, status: int = 404
    ) -> dict[str, Any]:
        obj = store.get(object_id)
        if obj is None:
            raise check.no_such(kind, object_id, param, status=status)
        return obj

    def _session(self, session_id: str) -> dict[str, Any]:
        session = self._get(self.sessions, "checkout.session", session_id, "session")
        self._lapse_if_due(session)
        return session

    def _lapse_if_due(self, session: dict[str, Any]) -> None:
        # Stripe expires an open session by itself once expires_at has passed.
        if session["status"] == "open" and session["expires_at"] <= objects.now():
            self._mark_expired(session)
            self._emit("checkout.session.expired", session, background=True)

    @staticmethod
    def _mark_expired(session: dict[str, Any]) -> None:
        session["status"] = "expired"
        # Stripe only exposes the payment page URL while the session is open.
        session["url"] = None

    def _expanded(self, obj: dict[str, Any], paths: list[str]) -> dict[str, Any]:
        stores = {"pi_": self.payment_intents, "ch_": self.charges, "cs_": self.sessions}
        return objects.expanded(obj, paths, stores)

    # --- checkout sessions ------------------------------------------------------------

    def _create_session(self, call: ApiCall) -> dict[str, Any]:
        p = call.params
        check.known_only(p, check.SESSION_PARAMS)
        mode = check.string(p, "mode", "mode", required=True)
        if mode not in ("payment", "setup", "subscription"):
            raise StripeError(
                400,
                f"Invalid mode: must be one of payment, setup, or subscription (got {mode})",
                code="parameter_invalid_string",
                param="mode",
            )
        if mode != "payment":
            raise StripeError(400, "This stand-in only supports mode=payment.", param="mode")
        success_url = check.url(p, "success_url", required=True)
        cancel_url = check.url(p, "cancel_url", required=False)
        currency, items = check.line_items(p.get("line_items"))
        line_items = [objects.line_item(currency, item) for item in items]
        amount = sum(item["amount_total"] for item in line_items)
        if amount < MIN_CHARGE_EUR:
            raise StripeError(
                400,
                "The Checkout Session's total amount due must add up to at least "
                f"{objects.euros(MIN_CHARGE_EUR)} {currency}",
                code="amount_too_small",
            )
        if amount > MAX_CHARGE:
            raise StripeError(
                400,
                f"The Checkout Session's total amount due must be no more than "
                f"{objects.euros(MAX_CHARGE)} {currency}",
                code="amount_too_large",
            )
        now = objects.now()
        expires_at = check.integer(p, "expires_at", "expires_at")
        if expires_at is None:
            expires_at = now + MAX_EXPIRY_S
        elif expires_at < now + MIN_EXPIRY_S:
            raise StripeError(
                400,
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session "
                "creation.",
                param="expires_at",
            )
        elif expires_at > now + MAX_EXPIRY_S:
            raise StripeError(
                400,
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session "
                "creation.",
                param="expires_at",
            )
        locale = check.string(p, "locale", "locale")
        if locale is not None and locale not in CHECKOUT_LOCALES:
            raise StripeError(
                400,
                f"Invalid locale: must be one of {', '.join(sorted(CHECKOUT_LOCALES))}",
                code="parameter_invalid_string",
                param="locale",
            )
        email = check.string(p, "customer_email", "customer_email")
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise StripeError(
                400, f"Invalid email address: {email}", code="email_invalid", param="customer_email"
            )
        reference = check.string(p, "client_reference_id", "client_reference_id")
        if reference is not None and len(reference) > 200:
            raise StripeError(
                400,
                "client_reference_id must be at most 200 characters.",
                param="client_reference_id",
            )
        intent_data = check.nested(
            p.get("payment_intent_data") or {}, check.INTENT_DATA_PARAMS, "payment_intent_data"
        )
        intent_description = check.string(
            intent_data, "description", "payment_intent_data[description]"
        )
        intent_metadata = check.metadata(
            intent_data.get("metadata"), "payment_intent_data[metadata]"
        )
        metadata = check.metadata(p.get("metadata"), "metadata")
        shipping = collection.shipping_collection(p.get("shipping_address_collection"))
        names = collection.name_collection(p.get("name_collection"))
        expand = check.expand_paths(p)

        session = objects.checkout_session(
            self.base_url,
            created=now,
            expires_at=expires_at,
            mode=mode,
            currency=currency,
            amount=amount,
            success_url=success_url,
            cancel_url=cancel_url,
            client_reference_id=reference,
            customer_email=email,
            locale=locale,
            metadata=metadata,
        )
        session.update(shipping_address_collection=shipping, name_collection=names)
        self.sessions[session["id"]] = session
        self._session_extras[session["id"]] = {
            "line_items": line_items,
            "payment_intent_metadata": intent_metadata,
            "payment_intent_description": intent_description,
        }
        return self._expanded(session, expand)

    def _list_sessions(self, call: ApiCall) -> dict[str, Any]:
        p = call.params
        sessions = list(self.sessions.values())
        for session in sessions:
            self._lapse_if_due(session)
        for field in ("payment_intent", "status", "client_reference_id"):
            wanted = check.string(p, field, field)
            if wanted is not None:
                sessions = [s for s in sessions if s[field] == wanted]
        sessions = check.created_range(p, sessions)
        listing = objects.list_page(sessions, p, "/v1/checkout/sessions")
        return self._expanded(listing, check.expand_paths(p))

    def _list_refunds(self, call: ApiCall) -> dict[str, Any]:
        p = call.params
        refunds = list(self.refunds.values())
        for field in ("payment_intent", "charge"):
            wanted = check.string(p, field, field)
            if wanted is not None:
                refunds = [r for r in refunds if r[field] == wanted]
        refunds = check.created_range(p, refunds)
        listing = objects.list_page(refunds, p, "/v1/refunds")
        return self._expanded(listing, check.expand_paths(p))

    def _retrieve_session(self, call: ApiCall, session_id: str) -> dict[str, Any]:
        return self._expanded(self._session(session_id), check.expand_paths(call.params))

    def _expire_session(self, call: ApiCall, session_id: str) -> dict[str, Any]:
        session = self._session(session_id)
        if session["status"] != "open":
            raise StripeError(
                400,
                'Only Checkout Sessions with a status in ["open"] can be expired. This '
                f'Checkout Session has a status of "{session["status"]}".',
            )
        self._mark_expired(session)
        # Expiring through the API sends the same event as a lapse, tied to this request.
        self._emit("checkout.session.expired", session, call=call, background=True)
        return self._expanded(session, check.expand_paths(call.params))

    # --- refunds ----------------------------------------------------------------------

    def _create_refund(self, call: ApiCall) -> dict[str, Any]:
        p = call.params
        check.known_only(p, check.REFUND_PARAMS)
        charge = self._refundable_charge(
            check.string(p, "payment_intent", "payment_intent"),
            check.string(p, "charge", "charge"),
        )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining == 0:
            raise StripeError(
                400,
                f"Charge {charge['id']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = check.integer(p, "amount", "amount", minimum=1)
        if amount is None:
            amount = remaining
        elif amount > remaining:
            raise StripeError(
                400,
                f"Refund amount ({objects.euros(amount)}) is greater than unrefunded amount on "
                f"charge ({objects.euros(remaining)})",
                code="amount_too_large",
                param="amount",
            )
        reason = check.string(p, "reason", "reason")
        if reason is not None and reason not in REFUND_REASONS:
            raise StripeError(
                400,
                "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
                code="parameter_invalid_string",
                param="reason",
            )
        metadata = check.metadata(p.get("metadata"), "metadata")
        expand = check.expand_paths(p)

        refund = objects.refund(charge, amount, reason, metadata)
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

    def _refundable_charge(self, intent_id: str | None, charge_id: str | None) -> dict[str, Any]:
        """The succeeded charge a refund names, directly or through its PaymentIntent."""
        if intent_id is None and charge_id is None:
            raise StripeError(
                400,
                "One of the following params should be provided for this request: "
                "payment_intent or charge.",
                code="parameter_missing",
            )
        if intent_id is None:
            assert charge_id is not None
            charge = self._get(self.charges, "charge", charge_id, "charge", status=400)
            if charge["status"] != "succeeded":
                raise StripeError(
                    400,
                    f"Charge {charge_id} has not succeeded and cannot be refunded.",
                    param="charge",
                )
            return charge
        intent = self._get(
            self.payment_intents, "payment_intent", intent_id, "payment_intent", status=400
        )
        if charge_id is not None and charge_id != intent["latest_charge"]:
            raise StripeError(
                400,
                f"Charge {charge_id} does not belong to PaymentIntent {intent_id}.",
                param="charge",
            )
        latest = self.charges.get(intent["latest_charge"] or "")
        if latest is None or latest["status"] != "succeeded":
            raise StripeError(
                400,
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
                param="payment_intent",
            )
        return latest

    # --- read-only lookups ------------------------------------------------------------

    def _retrieve(
        self, call: ApiCall, store: Store, kind: str, object_id: str, param: str
    ) -> dict[str, Any]:
        return self._expanded(
            self._get(store, kind, object_id, param), check.expand_paths(call.params)
        )

    def _retrieve_refund(self, call: ApiCall, refund_id: str) -> dict[str, Any]:
        return self._retrieve(call, self.refunds, "refund", refund_id, "id")

    def _retrieve_payment_intent(self, call: ApiCall, intent_id: str) -> dict[str, Any]:
        return self._retrieve(call, self.payment_intents, "payment_intent", intent_id, "intent")

    def _retrieve_charge(self, call: ApiCall, charge_id: str) -> dict[str, Any]:
        return self._retrieve(call, self.charges, "charge", charge_id, "charge")

    def _retrieve_event(self, call: ApiCall, event_id: str) -> dict[str, Any]:
        events = {e["id"]: e for e in self.events}
        return copy.deepcopy(self._get(events, "event", event_id, "id"))
