"""Pledging: why a pledge is refused, the options and links offered, a contributor's lines."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.domain.catalogue import TierView
from bot.domain.core import FundingModel, PledgeStatus


class Reason(enum.StrEnum):
    NOT_LIVE = "not_live"
    TOO_LOW = "too_low"
    TOO_HIGH = "too_high"
    BELOW_TIER = "below_tier"
    SOLD_OUT = "sold_out"
    UNKNOWN_TIER = "unknown_tier"
    NOT_CONFIGURED = "not_configured"
    CHECKOUT_OPEN = "checkout_open"  # another checkout of the user's is still being opened
    CANCELLED = "cancelled"  # the user cancelled this pledge since its summary was shown


@dataclass(frozen=True)
class PledgeOptions:
    project_id: int
    title: str
    funding_model: FundingModel
    tiers: list[tuple[int, TierView]]  # (tier id, tier), available ones only


@dataclass(frozen=True)
class CheckoutLink:
    pledge_id: int
    url: str
    amount_cents: int
    expires_at: datetime


class SoldOutChoice(enum.StrEnum):
    """What a contributor whose reward sold out before their payment landed prefers."""

    KEEP_AS_GIFT = "gift"
    REFUND = "refund"


@dataclass(frozen=True)
class PledgeLine:
    pledge_id: int
    project_id: int
    title: str
    amount_cents: int
    tier_title: str | None
    status: PledgeStatus
    created_at: datetime
    checkout_url: str | None  # while its payment page can be used
    tier_id: int | None = None
    reached_stripe: bool = True  # False: Stripe never opened a payment page for it
