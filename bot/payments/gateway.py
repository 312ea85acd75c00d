"""Stripe, behind a small interface: Checkout Sessions for pledges, refunds for failed campaigns,
and reading back what Stripe holds (sessions, their payments and refunds) for the ledger.

Every call is asynchronous (the bot never blocks on Stripe). Every write carries a random
idempotency key stored with the pledge, so a retry can never create a second session or refund.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from stripe.params.checkout import SessionCreateParams

from bot.payments.facts import SessionFacts, Unreadable, session_facts

log = logging.getLogger(__name__)

CURRENCY = "eur"
# Stripe Checkout has no Breton: French is what Breton speakers read on the payment page.
CHECKOUT_LOCALE = "fr"


# Opening a checkout keeps the user waiting (and their other updates behind it): past this
# budget, retries included, the user is told and the reward unit released.
CHECKOUT_BUDGET_SECONDS = 10.0
# Reading Stripe back (webhooks, reconciliation) may wait a little longer, never minutes.
READ_TIMEOUT_SECONDS = 20.0
LIST_PAGE = 100
# The session's payment intent and its charge come with it: refunds are read from the charge.
_SESSION_EXPAND = ["payment_intent.latest_charge"]


class PaymentUnavailable(Exception):
    """Stripe could not be reached or refused the request; nothing was charged."""


class AlreadyRefunded(PaymentUnavailable):
    """Stripe says the charge is already fully refunded (by another path, e.g. the dashboard)."""


@dataclass(frozen=True)
class CheckoutRequest:
    pledge_id: int
    user_id: int
    project_id: int
    amount_cents: int
    product_name: str
    success_url: str
    cancel_url: str
    expires_at: datetime
    idempotency_key: str  # random, stored with the pledge; also proves the session ours
    # Where a shipped reward may go (ISO codes as Stripe takes them); empty: no address asked.
    shipping_countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class RefundDone:
    refund_id: str
    amount_cents: int


class StripeGateway:
    def __init__(
        self,
        secret_key: str,
        api_base: str,
        *,
        checkout_budget: float = CHECKOUT_BUDGET_SECONDS,
        read_timeout: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        # The library's own timeout is per try; the budgets below bound all tries together.
        self._http = stripe.HTTPXClient(timeout=read_timeout, allow_sync_methods=False)
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base},
            http_client=self._http,
            max_network_retries=2,
        )
        self._checkout_budget = checkout_budget
        self._read_timeout = read_timeout

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        """Open the pledge's session, or get it back when this key already opened it."""
        metadata = {
            "pledge_id": str(request.pledge_id),
            "project_id": str(request.project_id),
            "checkout_key": request.idempotency_key,
        }
        params: SessionCreateParams = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": CURRENCY,
                        "unit_amount": request.amount_cents,
                        "product_data": {"name": request.product_name[:250]},
                    },
                }
            ],
            "metadata": metadata,
            "client_reference_id": str(request.pledge_id),
            "payment_intent_data": {"metadata": metadata},
            "locale": CHECKOUT_LOCALE,
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": int(request.expires_at.timestamp()),
            # The contributor's name, to thank them and hand a reward over. The API version of
            # the installed library (2026-10-28) has `name_collection`, which asks the name
            # alone; `billing_address_collection="required"` would also ask a whole billing
            # address the bot has no use for. Checkout always asks the email
            # (`customer_details.email`) when no customer is given.
            "name_collection": {"individual": {"enabled": True, "optional": False}},
        }
        if request.shipping_countries:
            params["shipping_address_collection"] = {
                "allowed_countries": list(request.shipping_countries)
            }
        try:
            async with asyncio.timeout(self._checkout_budget):
                session = await self._client.v1.checkout.sessions.create_async(
                    params, options={"idempotency_key": request.idempotency_key}
                )
        except (stripe.StripeError, TimeoutError) as error:
            log.warning("Stripe refused a checkout for pledge %s: %s", request.pledge_id,
                        type(error).__name__)  # fmt: skip
            raise PaymentUnavailable(type(error).__name__) from error
        if not session.url:
            raise PaymentUnavailable("Stripe returned a session without a URL")
        expires = datetime.fromtimestamp(session.expires_at, UTC)
        return Checkout(session.id, session.url, expires)

    async def expire_checkout(self, session_id: str) -> bool:
        """Close an open session so it can no longer be paid; False when Stripe refused."""
        try:
            await self._client.v1.checkout.sessions.expire_async(session_id)
        except stripe.StripeError as error:
            log.info("could not expire checkout %s: %s", session_id, type(error).__name__)
            return False
        return True

    async def refund(self, pledge_id: int, payment_intent_id: str, key: str) -> RefundDone:
        """Refund what is left of a pledge's charge; the same key never refunds twice."""
        try:
            async with asyncio.timeout(self._read_timeout):
                refund = await self._client.v1.refunds.create_async(
                    {"payment_intent": payment_intent_id,
                     "metadata": {"pledge_id": str(pledge_id)}},
                    options={"idempotency_key": key},
                )  # fmt: skip
        except stripe.InvalidRequestError as error:
            if error.code == "charge_already_refunded":
                raise AlreadyRefunded(error.code) from error
            raise PaymentUnavailable(type(error).__name__) from error
        except (stripe.StripeError, TimeoutError) as error:
            raise PaymentUnavailable(type(error).__name__) from error
        return RefundDone(str(refund.id), int(refund.amount))

    async def session_facts(self, session_id: str) -> SessionFacts:
        """What Stripe holds now for one session: status, payment, refunds of its charge."""
        session = await self._read(
            self._client.v1.checkout.sessions.retrieve_async(
                session_id, {"expand": _SESSION_EXPAND}
            )
        )
        try:
            return session_facts(session.to_dict())
        except Unreadable as error:
            raise PaymentUnavailable(str(error)) from error

    async def session_of_payment(self, payment_intent_id: str) -> str | None:
        """The Checkout Session that created a payment intent, if one did."""
        page = await self._read(
            self._client.v1.checkout.sessions.list_async(
                {"payment_intent": payment_intent_id, "limit": 1}
            )
        )
        return str(page.data[0].id) if page.data else None

    async def sessions_since(self, since: datetime) -> AsyncIterator[dict[str, Any]]:
        """Every Checkout Session created since `since`, newest first, with its payment."""
        async for item in self._list("sessions", since):
            yield item

    async def refunds_since(self, since: datetime) -> AsyncIterator[dict[str, Any]]:
        async for item in self._list("refunds", since):
            yield item

    async def _list(self, what: str, since: datetime) -> AsyncIterator[dict[str, Any]]:
        after: str | None = None
        while True:
            params: dict[str, Any] = {"created": {"gte": int(since.timestamp())},
                                      "limit": LIST_PAGE}  # fmt: skip
            if after is not None:
                params["starting_after"] = after
            if what == "sessions":
                params["expand"] = [f"data.{path}" for path in _SESSION_EXPAND]
                call = self._client.v1.checkout.sessions.list_async(params)  # type: ignore[arg-type]
            else:
                call = self._client.v1.refunds.list_async(params)  # type: ignore[assignment,arg-type]
            page = await self._read(call)
            for item in page.data:
                yield item.to_dict()
            if not page.has_more or not page.data:
                return
            after = str(page.data[-1].id)

    async def _read(self, call: Any) -> Any:
        try:
            async with asyncio.timeout(self._read_timeout):
                return await call
        except (stripe.StripeError, TimeoutError) as error:
            raise PaymentUnavailable(type(error).__name__) from error

    async def close(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]
