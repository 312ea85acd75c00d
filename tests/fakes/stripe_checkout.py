"""The customer's and Stripe's side of Checkout for the Stripe stand-in.

The hosted payment page, and the test-only steps that pay, settle or let a session lapse,
each sending its webhook event.
"""

from __future__ import annotations

import html
from typing import Any

from aiohttp import web

from . import stripe_collection as collection
from . import stripe_objects as objects
from .stripe_endpoints import StripeEndpoints


class StripeCheckout(StripeEndpoints):
    """The hosted payment page, plus `pay`, `settle_async` and `expire` for tests."""

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
            f"{objects.euros(i['amount_total'])}</li>"
            for i in items
        )
        cancel = session["cancel_url"]
        page = (
            "<!doctype html><title>Stripe stand-in checkout</title>"
            f"<h1>Pay {objects.euros(session['amount_total'])}</h1><ul>{rows}</ul>"
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

    async def pay(
        self,
        session_id: str,
        *,
        async_payment: bool = False,
        email: str | None = None,
        name: str | None = None,
        address: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Complete an open session as a paying customer; returns checkout.session.completed.

        With `async_payment` (e.g. SEPA debit) the session completes unpaid and the outcome
        comes later through `settle_async`. `email`, `name` and the shipping `address` (keys of
        Stripe's address; a default one in the first allowed country) are what the customer
        types on the page; an address the session does not allow raises ValueError.
        """
        session = self.sessions.get(session_id)
        if session is None:
            raise ValueError(f"no such Checkout Session {session_id}")
        self._lapse_if_due(session)
        if session["status"] != "open":
            raise ValueError(f"Checkout Session {session_id} is {session['status']}, not open")
        details, collected = collection.customer_answers(
            session, email=email, name=name, address=address
        )
        extras = self._session_extras[session_id]
        intent, charge = objects.payment(
            session,
            description=extras["payment_intent_description"],
            metadata=extras["payment_intent_metadata"],
            async_payment=async_payment,
            base_url=self.base_url,
        )
        self.payment_intents[intent["id"]] = intent
        self.charges[charge["id"]] = charge
        session.update(
            status="complete",
            payment_status="unpaid" if async_payment else "paid",
            payment_intent=intent["id"],
            payment_method_types=list(intent["payment_method_types"]),
            url=None,
            customer_details=details,
            collected_information=collected,
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
