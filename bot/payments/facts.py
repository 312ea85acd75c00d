"""What Stripe says about one Checkout Session, read from its JSON without ever raising.

Webhook events, the API's answers and reconciliation all turn Stripe's objects into these
facts, and the ledger applies facts, never events: a stale event only repeats older facts, and
the ledger only moves forward, so every order of events ends in the same state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Ids of our own rows are int32 on PostgreSQL; a larger number cannot name one of them.
MAX_ROW_ID = 2**31 - 1
# Stripe caps an amount at 8 digits; anything larger is not an amount Stripe sent.
MAX_AMOUNT = 10**12

SESSION_EVENTS = frozenset({
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
})  # fmt: skip
REFUND_EVENTS = frozenset({"charge.refunded"})
PAYMENT_FAILED_STATUSES = frozenset({"requires_payment_method", "canceled"})


class Unreadable(ValueError):
    """Stripe's object lacks what the ledger needs, or holds it in an unexpected shape."""


@dataclass(frozen=True)
class SessionFacts:
    """A Checkout Session as Stripe holds it (or held it when an event was sent)."""

    session_id: str
    status: str  # open, complete or expired
    paid: bool  # the money was captured (payment_status == "paid")
    failed: bool  # a delayed payment (SEPA...) failed
    amount_cents: int | None
    currency: str | None
    payment_intent: str | None
    refunded_cents: int = 0  # of the session's charge, when it was read
    pledge_ref: int | None = None  # metadata.pledge_id, when it is a plausible row id
    checkout_key: str | None = None  # metadata.checkout_key: set only by the bot
    contact: Contact | None = None  # what the payer typed on Checkout, once complete


@dataclass(frozen=True)
class Contact:
    """Who paid, and where a shipped reward goes, as the completed session holds it."""

    email: str | None
    name: str | None
    shipping_name: str | None = None
    shipping_address: dict[str, str | None] | None = None  # line1, line2, postal_code, city…


@dataclass(frozen=True)
class ChargeFacts:
    """A charge's refunds, as a `charge.refunded` event tells them."""

    payment_intent: str
    amount_cents: int
    refunded_cents: int
    currency: str | None


def session_facts(data: dict[str, Any], *, failed: bool = False) -> SessionFacts:
    """Facts of a session object; its `payment_intent` may be an id or an expanded object."""
    session_id = _text(data, "id")
    if session_id is None or not session_id.startswith("cs_"):
        raise Unreadable("not a checkout session")
    status = _text(data, "status") or ""
    if status not in ("open", "complete", "expired"):
        raise Unreadable(f"unknown session status {status[:20]!r}")
    intent = data.get("payment_intent")
    refunded, intent_id = 0, None
    if isinstance(intent, dict):
        intent_id = _text(intent, "id")
        failed = failed or intent.get("status") in PAYMENT_FAILED_STATUSES
        charge = intent.get("latest_charge")
        if isinstance(charge, dict):
            refunded = _amount(charge, "amount_refunded") or 0
    elif isinstance(intent, str):
        intent_id = intent
    metadata = data.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    paid = data.get("payment_status") == "paid"
    return SessionFacts(
        session_id=session_id,
        status=status,
        paid=paid,
        failed=failed and not paid,
        amount_cents=_amount(data, "amount_total"),
        currency=_currency(data),
        payment_intent=intent_id,
        refunded_cents=refunded,
        pledge_ref=row_id(metadata.get("pledge_id")),
        checkout_key=_text(metadata, "checkout_key"),
        contact=_contact(data) if status == "complete" else None,
    )


ADDRESS_FIELDS = ("line1", "line2", "postal_code", "city", "state", "country")


def _contact(data: dict[str, Any]) -> Contact | None:
    """The payer's email and name, and the shipping details when the session asked for them.

    The name: `individual_name` is what `name_collection` asks for; `name` (the card holder's)
    stands in for sessions opened before it. Shipping details are under
    `collected_information` since API version 2025-03-31, at the top level before."""
    details = _dict(data, "customer_details")
    shipping = _dict(_dict(data, "collected_information"), "shipping_details") or _dict(
        data, "shipping_details"
    )
    address = _dict(shipping, "address")
    contact = Contact(
        email=_text(details, "email"),
        name=_text(details, "individual_name") or _text(details, "name"),
        shipping_name=_text(shipping, "name"),
        shipping_address={key: _text(address, key) for key in ADDRESS_FIELDS} if address else None,
    )
    return contact if contact != Contact(None, None) else None


def _dict(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def charge_facts(data: dict[str, Any]) -> ChargeFacts:
    intent = data.get("payment_intent")
    intent_id = intent if isinstance(intent, str) else None
    if isinstance(intent, dict):
        intent_id = _text(intent, "id")
    amount, refunded = _amount(data, "amount"), _amount(data, "amount_refunded")
    if intent_id is None or amount is None or refunded is None:
        raise Unreadable("charge without payment intent or amounts")
    return ChargeFacts(intent_id, amount, refunded, _currency(data))


def row_id(value: object) -> int | None:
    """A database id given as text by Stripe, or None when it cannot be one of ours."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
        return number if 0 < number <= MAX_ROW_ID else None
    return None


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and 0 < len(value) <= 255 else None


def _amount(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    # bool is an int in Python, and JSON's true is not an amount.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_AMOUNT:
        return value
    return None


def _currency(data: dict[str, Any]) -> str | None:
    value = _text(data, "currency")
    return value.lower() if value is not None and len(value) == 3 else None
