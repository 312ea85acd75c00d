"""Partner matching: what a partner's match adds to a project, by its rule, in integer cents.

Pure arithmetic on `bot.domain` types, shared by the ledger (which stores the amount after
every change of money), the card (the call to action) and the partners' report.

- **Threshold** ("la Région complète le reste dès 80 %"): once the contributors' money paid
  before the match ends reaches the threshold, the partner completes the goal: it adds
  `goal − contributors`, never below zero (nothing once the goal is reached). Before that, it
  adds nothing. The threshold is `ceil(goal × percent / 100)` cents: rounding up, so that a
  project never "reaches 80 %" a cent short of it. Money given before the match was attached
  counts: the threshold is about how far the project got.
- **Euro for euro** ("double chaque euro jusqu'à 2 000 €"): the partner adds as much as the
  contributors paid while the match was in force (from when a moderator attached it to its
  end), at most its cap. Money given before the match is not matched (it was not given
  because of it), and after the end nothing more counts: the amount is frozen.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from bot.domain import MatchRule, PartnerMatch


@dataclass(frozen=True)
class Contributions:
    """The contributors' counted money (paid, less refunds), seen from one match."""

    total_cents: int  # all of it
    before_end_cents: int  # paid before the match ended
    during_cents: int  # paid while the match was in force (its start to its end)


def threshold_cents(goal_cents: int, percent: int) -> int:
    """The contributors' money that triggers a threshold match: percent of the goal, rounded
    up to the cent."""
    return -(-goal_cents * percent // 100)


def matched_cents(match: PartnerMatch, goal_cents: int, paid: Contributions) -> int:
    """What the partner adds by its rule, given what the contributors paid."""
    if match.rule is MatchRule.THRESHOLD:
        trigger = threshold_cents(goal_cents, match.threshold_percent or 0)
        if paid.before_end_cents < trigger:
            return 0
        return max(0, goal_cents - paid.total_cents)
    return max(0, min(paid.during_cents, match.cap_cents or 0))


def in_force(match: PartnerMatch, now: datetime) -> bool:
    return match.starts_at <= now < match.ends_at


def still_to_raise(match: PartnerMatch, goal_cents: int, raised_cents: int, now: datetime) -> int:
    """Threshold match in force: what contributors must still give for the partner to
    complete the rest ("Encore 1 200 €…"); 0 once reached, after the end, or for another rule."""
    if match.rule is not MatchRule.THRESHOLD or not in_force(match, now):
        return 0
    return max(0, threshold_cents(goal_cents, match.threshold_percent or 0) - raised_cents)


def cap_left(match: PartnerMatch, now: datetime) -> int:
    """Euro-for-euro match in force: what the partner may still add; 0 otherwise."""
    if match.rule is not MatchRule.EURO_FOR_EURO or not in_force(match, now):
        return 0
    return max(0, (match.cap_cents or 0) - match.matched_cents)


def as_shown(
    match: PartnerMatch, goal_cents: int, raised_cents: int, now: datetime
) -> PartnerMatch:
    """The match with what its call to action says now (`to_trigger_cents`, `cap_left_cents`)."""
    return dataclasses.replace(
        match,
        to_trigger_cents=still_to_raise(match, goal_cents, raised_cents, now),
        cap_left_cents=cap_left(match, now),
    )
