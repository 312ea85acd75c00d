"""Partner matches: the rules, a match in force, its report, a match being written."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.domain.core import ProjectStatus


class MatchRule(enum.StrEnum):
    """How a partner matches a project (`bot/matching/rules.py` has the arithmetic)."""

    THRESHOLD = "threshold"  # completes the goal once contributors reach a share of it
    EURO_FOR_EURO = "euro_for_euro"  # adds a euro for each euro given, up to a cap


@dataclass(frozen=True)
class PartnerMatch:
    """A partner's match on a project: recorded and reported to the partner, never paid
    through Stripe. `matched_cents` is what its rule gives as of the latest contribution."""

    match_id: int
    project_id: int
    partner: str
    rule: MatchRule
    threshold_percent: int | None  # THRESHOLD: 1 to 99
    cap_cents: int | None  # EURO_FOR_EURO: the most the partner adds
    starts_at: datetime
    ends_at: datetime
    matched_cents: int = 0
    # While it is in force (`bot/matching/rules.py`): what contributors must still give for
    # a threshold match to complete the rest, and what a euro-for-euro match may still add.
    to_trigger_cents: int = 0
    cap_left_cents: int = 0


@dataclass(frozen=True)
class MatchReport:
    """One line of the partners' CSV: a match and what it came to."""

    match: PartnerMatch
    title: str
    goal_cents: int
    contributors_cents: int  # the contributors' money counted for the project
    threshold_cents: int | None  # THRESHOLD: the contributors' money that triggers it
    status: ProjectStatus
    withdrawn_at: datetime | None
    computed_at: datetime | None


class MatchProblem(enum.StrEnum):
    """Why a step of attaching a partner match was refused."""

    GONE = "gone"  # the draft or the match is no more (confirmed, dropped, withdrawn)
    NOT_LIVE = "not_live"  # the project is not in campaign (any more)
    ALREADY_MATCHED = "already_matched"  # one match per project
    NAME_LENGTH = "name_length"
    NOT_A_PERCENT = "not_a_percent"
    PERCENT_RANGE = "percent_range"
    NOT_AN_AMOUNT = "not_an_amount"
    AMBIGUOUS_AMOUNT = "ambiguous_amount"
    CAP_RANGE = "cap_range"
    NOT_A_DATE = "not_a_date"
    DATE_RANGE = "date_range"


@dataclass(frozen=True)
class MatchDraft:
    """A partner match a moderator is filling in, step by step, on a live project."""

    draft_id: int
    project_id: int
    title: str
    goal_cents: int
    campaign_ends_at: datetime
    partner: str | None = None
    rule: MatchRule | None = None
    threshold_percent: int | None = None
    cap_cents: int | None = None
    ends_at: datetime | None = None
    # A threshold the contributors passed already: what the partner adds on confirmation.
    at_once_cents: int = 0
