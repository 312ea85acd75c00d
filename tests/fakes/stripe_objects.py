"""The JSON objects the Stripe stand-in serves, shaped and keyed in the order Stripe sends them.

Checkout Sessions, PaymentIntents, Charges, Refunds, Events, list pages and expansion, plus
the ids and timestamps they carry.
"""

from __future__ import annotations

import copy
import json
import secrets
import string
import time
from dataclasses import dataclass
from typing import Any

from . import stripe_validation as check
from .stripe_validation import LineItemParams, StripeError

_ALNUM = string.ascii_letters + string.digits

Store = dict[str, dict[str, Any]]


@dataclass
class ApiCall:
    """One API request as the endpoints see it; the events it causes point back to it."""

    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    request_id: str


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


def now() -> int:
    return int(time.time())


def euros(cents: int) -> str:
    return f"€{cents / 100:.2f}"


def dumps(obj: Any) -> str:
    # Stripe serves (and signs) pretty-printed JSON with two-space indents.
    return json.dumps(obj, indent=2, ensure_ascii=False)


def line_item(currency: str, item: LineItemParams) -> dict[str, Any]:
    amount = item.unit_amount * item.quantity
    return {
        "id": new_id("li_"),
        "object": "item",
        "amount_subtotal": amount,
        "amount_total": amount,
        "currency": currency,
        "description": item.name,
        "quantity": item.quantity,
        "unit_amount": item.unit_amount,
    }


def checkout_session(
    base_url: str,
    *,
    created: int,
    expires_at: int,
    mode: str,
    currency: str,
    amount: int,
    success_url: str | None,
    cancel_url: str | None,
    client_reference_id: str | None,
    customer_email: str | None,
    locale: str | None,
    metadata: dict[str, str],
) -> dict[str, Any]:
    """An open, unpaid session whose payment page is served under `base_url`."""
    session_id = new_id("cs_test_a1", 56)  # real test-mode session ids are 66 characters
    return {
        "id": session_id,
        "object": "checkout.session",
        "after_expiration": None,
        "allow_promotion_codes": None,
        "amount_subtotal": amount,
        "amount_total": amount,
        "automatic_tax": {"enabled": False, "liability": None, "status": None},
        "billing_address_collection": None,
        "cancel_url": cancel_url,
        "client_reference_id": client_reference_id,
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": created,
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
        "customer_email": customer_email,
        "expires_at": expires_at,
        "invoice": None,
        "livemode": False,
        "locale": locale,
        "metadata": metadata,
        "mode": mode,
        "name_collection": None,
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
        "url": f"{base_url}/c/pay/{session_id}",
    }


def payer(session: dict[str, Any]) -> dict[str, Any]:
    """Who pays a session: the test customer, under the session's email if it set one."""
    email = session["customer_email"] or "payer@example.com"
    return {"address": None, "email": email, "name": "Test Payer", "phone": None}


def payment(
    session: dict[str, Any],
    *,
    description: str | None,
    metadata: dict[str, str],
    async_payment: bool,
    base_url: str,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The PaymentIntent and Charge that paying `session` creates, by card or SEPA debit."""
    created = now()
    method_type = "sepa_debit" if async_payment else "card"
    intent_id, charge_id = new_id("pi_"), new_id("ch_")
    intent = {
        "id": intent_id,
        "object": "payment_intent",
        "amount": session["amount_total"],
        "amount_capturable": 0,
        "amount_received": 0 if async_payment else session["amount_total"],
        "canceled_at": None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{new_id('', 25)}",
        "created": created,
        "currency": session["currency"],
        "customer": None,
        "description": description,
        "last_payment_error": None,
        "latest_charge": charge_id,
        "livemode": False,
        "metadata": dict(metadata),
        "payment_method": new_id("pm_"),
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
    charge = {
        "id": charge_id,
        "object": "charge",
        "amount": session["amount_total"],
        "amount_captured": session["amount_total"],
        "amount_refunded": 0,
        "balance_transaction": new_id("txn_"),
        "billing_details": payer(session),
        "captured": True,
        "created": created,
        "currency": session["currency"],
        "customer": None,
        "description": description,
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
        "receipt_url": f"{base_url}/receipts/{charge_id}",
        "refunded": False,
        "status": "pending" if async_payment else "succeeded",
    }
    return intent, charge


def refund(
    charge: dict[str, Any], amount: int, reason: str | None, metadata: dict[str, str]
) -> dict[str, Any]:
    return {
        "id": new_id("re_"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": new_id("txn_"),
        "charge": charge["id"],
        "created": now(),
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


def event(
    kind: str,
    obj: dict[str, Any],
    api_version: str,
    call: ApiCall | None,
    previous_attributes: dict[str, Any] | None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"object": copy.deepcopy(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": new_id("evt_"),
        "object": "event",
        "api_version": api_version,
        "created": now(),
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


def expanded(obj: dict[str, Any], paths: list[str], stores: dict[str, Store]) -> dict[str, Any]:
    """A copy of `obj` with the ids at `paths` replaced by their objects.

    `stores` are looked up by id prefix ("pi_", ...); paths into a list page start with "data".
    """
    result = copy.deepcopy(obj)
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
                    raise StripeError(
                        400,
                        f"This property cannot be expanded ({'.'.join(parts[: depth + 1])}).",
                        param=f"expand[{index}]",
                    )
                node = value
    return result


def list_page(objects: list[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
    """One page of a list endpoint, honouring `limit` and `starting_after`."""
    limit = check.integer(params, "limit", "limit", minimum=1, maximum=100) or 10
    # Newest first; within one second, the later-created object comes first.
    newest_first = sorted(reversed(objects), key=lambda o: o["created"], reverse=True)
    after = check.string(params, "starting_after", "starting_after")
    if after:
        ids = [o["id"] for o in newest_first]
        if after not in ids:
            raise check.no_such("object", after, "starting_after")
        newest_first = newest_first[ids.index(after) + 1 :]
    page = newest_first[:limit]
    return {
        "object": "list",
        "data": [copy.deepcopy(o) for o in page],
        "has_more": len(newest_first) > limit,
        "url": url,
    }
