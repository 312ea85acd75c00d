"""The enums every capability shares (statuses, categories, départements, delivery, orders)
and the clock: the ground the other domain modules stand on."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    LIVE = "live"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Category(enum.StrEnum):
    CULTURE = "culture"
    INNOVATION = "innovation"
    SOLIDARITY = "solidarity"
    HERITAGE = "heritage"
    ENVIRONMENT = "environment"
    SPORT = "sport"
    BRETON_LANGUAGE = "breton_language"


class Departement(enum.StrEnum):
    """The five départements of historic Brittany, by their INSEE numbers."""

    COTES_DARMOR = "22"
    FINISTERE = "29"
    ILLE_ET_VILAINE = "35"
    LOIRE_ATLANTIQUE = "44"
    MORBIHAN = "56"


class FundingModel(enum.StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    KEEP_IT_ALL = "keep_it_all"


class DeliveryMode(enum.StrEnum):
    """How a reward reaches its contributor."""

    SHIPPED = "shipped"  # by post: Checkout collects a shipping address
    IN_PERSON = "in_person"  # handed over or picked up
    NOTHING = "none"  # nothing to deliver (a thank-you, a name on a wall…)


class SupporterDisplay(enum.StrEnum):
    """How a contributor chose to appear among a project's supporters."""

    NAME = "name"
    NICKNAME = "nickname"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class SupporterChoice:
    """How a pledge's contributor appears on the project's card, and the name shown: their
    Telegram first name (NAME) or a nickname, as it was when they pledged; None if anonymous."""

    display: SupporterDisplay = SupporterDisplay.ANONYMOUS
    name: str | None = None


class PledgeStatus(enum.StrEnum):
    # The summary was shown, not yet confirmed: no reward unit held, no Stripe session.
    DRAFT = "draft"
    PENDING = "pending"  # checkout session open, nothing paid yet
    PROCESSING = "processing"  # paid by a delayed method (e.g. SEPA), awaiting settlement
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    # Stripe's record of the payment disagrees with the pledge (amount, currency): never
    # counted, kept for a moderator to settle.
    ANOMALY = "anomaly"
    CANCELLED = "cancelled"  # by the user before paying; its Stripe session, if any, expired


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"  # the recipient blocked the bot
    FAILED = "failed"  # gave up after the retry cap
    SKIPPED = "skipped"  # the recipient muted notifications


PUBLIC_STATUSES = (ProjectStatus.LIVE, ProjectStatus.SUCCEEDED, ProjectStatus.FAILED)


class Order(enum.StrEnum):
    """The catalogue's sort orders."""

    ENDING_SOON = "ending_soon"
    NEWEST = "newest"
    ALMOST_FUNDED = "almost_funded"
    MOST_BACKED = "most_backed"


PAGE_SIZE = 5


MAX_PAGE = 9999
