"""Stripe, behind a small interface: Checkout Sessions for pledges, refunds for failed campaigns.

Every call is asynchronous (the bot never blocks on Stripe) and carries an idempotency key derived
from the pledge, so a retry after a timeout can never create a second session or refund.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import stripe
from stripe.params.checkout import SessionCreateParams

log = logging.getLogger(__name__)

CURRENCY = "eur"
# Stripe Checkout has no Breton: French is what Breton speakers read on the payment page.
CHECKOUT_LOCALE = "fr"


class PaymentUnavailable(Exception):
    """Stripe could not be reached or refused the request; nothing was charged."""


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


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str
    expires_at: datetime


class StripeGateway:
    def __init__(self, secret_key: str, api_base: str) -> None:
        self._http = stripe.HTTPXClient(allow_sync_methods=False)
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base},
            http_client=self._http,
            max_network_retries=2,
        )

    async def create_checkout(self, request: CheckoutRequest) -> Checkout:
        metadata = {"pledge_id": str(request.pledge_id), "project_id": str(request.project_id)}
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
        }
        try:
            session = await self._client.v1.checkout.sessions.create_async(
                params, options={"idempotency_key": f"pledge-{request.pledge_id}-checkout"}
            )
        except stripe.StripeError as error:
            log.warning("Stripe refused a checkout for pledge %s: %s", request.pledge_id,
                        type(error).__name__)  # fmt: skip
            raise PaymentUnavailable from error
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

    async def refund(self, pledge_id: int, payment_intent_id: str) -> str:
        """Refund a pledge in full; the same pledge is never refunded twice."""
        try:
            refund = await self._client.v1.refunds.create_async(
                {"payment_intent": payment_intent_id, "metadata": {"pledge_id": str(pledge_id)}},
                options={"idempotency_key": f"pledge-{pledge_id}-refund"},
            )
        except stripe.StripeError as error:
            raise PaymentUnavailable(type(error).__name__) from error
        return str(refund.id)

    async def close(self) -> None:
        await self._http.close_async()  # type: ignore[no-untyped-call]
