"""Moderation: a submission under review, claims, changes since a request, panels, verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.catalogue import ProjectCard, ProjectText
from bot.domain.core import Decision, DeliveryMode, ProjectStatus


@dataclass(frozen=True)
class Review:
    """A project as moderators review it."""

    project_id: int
    status: ProjectStatus
    owner_name: str
    owner_username: str | None
    submitted_at: datetime | None
    breton_connection: str
    duration_days: int
    card: ProjectCard
    # What only moderators see: the owner's language, every reward as stored, the claim on it,
    # and for a project sent back with changes requested, the request and what changed since.
    owner_locale: str = ""
    rewards: tuple[RewardDetail, ...] = ()
    claim: Claim | None = None
    resubmission: Resubmission | None = None
    translation: ProjectText | None = None  # the title and summary in the other language


@dataclass(frozen=True)
class RewardDetail:
    """A reward as the owner wrote it, delivery included (moderators check what is promised)."""

    title: str
    description: str
    min_amount_cents: int
    quantity_limit: int | None
    estimated_delivery: date | None
    delivery_mode: DeliveryMode
    shipping_countries: str | None


@dataclass(frozen=True)
class Claim:
    """A moderator reviewing a submission, so that others leave it to them."""

    moderator_id: int
    name: str
    since: datetime


@dataclass(frozen=True)
class FieldChange:
    """One reviewable field changed since the previous submission (values as snapshotted)."""

    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Resubmission:
    """A project submitted again after changes were requested."""

    reason: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PanelMessage:
    """One message of a moderation panel, edited once the submission is decided."""

    chat_id: int
    message_id: int
    has_buttons: bool
    is_caption: bool


@dataclass(frozen=True)
class Anomaly:
    """A pledge Stripe charged differently (amount or currency), as moderators are shown it."""

    pledge_id: int
    project_id: int
    title: str
    expected_cents: int  # what the pledge asked for, in euro cents
    charged_cents: int  # what Stripe charged, in the minor unit of `currency`
    currency: str
    reason: str  # "amount" or "currency"


@dataclass(frozen=True)
class Verdict:
    decided: bool  # False: the project was no longer waiting (another moderator was first)
    decision: Decision | None  # what was decided, now or earlier
    moderator_name: str | None
    title: str
    ends_at: datetime | None = None
    decided_at: datetime | None = None
    # The panels shown for the submission, to be closed (set when this press decided it).
    panels: tuple[PanelMessage, ...] = ()
