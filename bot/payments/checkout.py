"""Opening a pledge's Checkout Session: one open checkout per user, project and reward, a
random idempotency key per pledge, and an expiry Stripe accepts even when the request is late.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.catalogue.texts import title_in
from bot.domain import CheckoutLink, DeliveryMode, PledgeStatus, utcnow
from bot.payments.gateway import CheckoutRequest
from bot.search.countries import codes_of, expand
from bot.storage.models import Pledge, Project, RewardTier, User

# Stripe refuses an `expires_at` under 30 minutes ahead, checked when the request arrives:
# after the network, the library's retries (same key, same parameters) and clock skew. The
# margin covers them, so CHECKOUT_MINUTES=30 works.
STRIPE_MIN_CHECKOUT = timedelta(minutes=30)
EXPIRY_MARGIN = timedelta(minutes=2)
# An open checkout this close to its end is not offered again: a new one is opened.
REUSE_AT_LEAST = timedelta(minutes=5)


def open_slot(user_id: int, project_id: int, tier_id: int | None) -> str:
    """The value of `Pledge.open_checkout_slot` while this checkout is open."""
    return f"{user_id}:{project_id}:{tier_id or 0}"


def new_key() -> str:
    return uuid.uuid4().hex


def checkout_expiry(now: datetime, checkout_time: timedelta) -> datetime:
    return now + max(checkout_time, STRIPE_MIN_CHECKOUT + EXPIRY_MARGIN)


@dataclass(frozen=True)
class OpenCheckout:
    """The pledge holding a user's slot, and what to do with it."""

    pledge_id: int
    amount_cents: int
    url: str | None
    expires_at: datetime | None
    session_id: str | None

    def link_for(self, amount_cents: int) -> CheckoutLink | None:
        """The link to offer again for this amount, unless it differs or is about to close."""
        if self.amount_cents != amount_cents or self.url is None or self.expires_at is None:
            return None
        if self.expires_at <= utcnow() + REUSE_AT_LEAST:
            return None
        return CheckoutLink(self.pledge_id, self.url, amount_cents, self.expires_at)


async def open_checkout(session: AsyncSession, slot: str) -> OpenCheckout | None:
    pledge = await session.scalar(
        select(Pledge).where(
            Pledge.open_checkout_slot == slot, Pledge.status == PledgeStatus.PENDING
        )
    )
    if pledge is None:
        return None
    return OpenCheckout(pledge.id, pledge.amount_cents, pledge.checkout_url,
                        pledge.checkout_expires_at, pledge.stripe_checkout_session_id)  # fmt: skip


async def product_name(session: AsyncSession, pledge: Pledge) -> str:
    """What the payment page sells: the project's title in the contributor's language (and
    the reward's). Fixed with the checkout key (`Pledge.checkout_product`)."""
    project = await session.get(Project, pledge.project_id)
    tier = await session.get(RewardTier, pledge.reward_tier_id) if pledge.reward_tier_id else None
    contributor = await session.get(User, pledge.user_id)
    locale = contributor.locale if contributor else None
    translated = await title_in(session, pledge.project_id, locale) if project else None
    title = translated or (project.title if project else "")
    return f"{title} — {tier.title}" if tier else title


async def checkout_request(
    session: AsyncSession, pledge: Pledge, return_url: str
) -> CheckoutRequest:
    """The request that opens this pledge's session; the same every time it is built, so a
    retry with the pledge's key gets the same session back from Stripe."""
    tier = await session.get(RewardTier, pledge.reward_tier_id) if pledge.reward_tier_id else None
    if pledge.checkout_key is None or pledge.checkout_expires_at is None:
        raise ValueError("pledge without checkout key")
    return CheckoutRequest(
        pledge_id=pledge.id, user_id=pledge.user_id, project_id=pledge.project_id,
        amount_cents=pledge.amount_cents,
        product_name=pledge.checkout_product or await product_name(session, pledge),
        success_url=return_url.format(outcome="paid", pledge=pledge.id),
        cancel_url=return_url.format(outcome="cancel", pledge=pledge.id),
        expires_at=pledge.checkout_expires_at, idempotency_key=pledge.checkout_key,
        shipping_countries=tuple(expand(codes_of(tier.shipping_countries)))
        if tier is not None and tier.delivery_mode is DeliveryMode.SHIPPED else (),
    )  # fmt: skip
