"""What the bot tells people without being asked, queued as outbox rows (one per recipient).

Rows are written in the transaction of the event behind them, so a notification exists exactly
when its event happened; the outbox sender delivers them later, in each recipient's language.
The `dedupe_key` makes queueing the same notification twice impossible.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any


class Kind(enum.StrEnum):
    PLEDGE_THANKS = "pledge_thanks"
    OWNER_NEW_PLEDGE = "owner_new_pledge"
    MILESTONE = "milestone"
    CAMPAIGN_OUTCOME = "campaign_outcome"
    REFUNDED = "refunded"
    REMINDER = "reminder"
    NEWS = "news"
    TIER_MESSAGE = "tier_message"  # an owner's message to the contributors of one reward
    MODERATION = "moderation"  # to an owner: their project approved, to change, or refused
    PLEDGE_ANOMALY = "pledge_anomaly"  # Stripe charged something else: a moderator checks
    REWARD_SOLD_OUT = "reward_sold_out"  # paid after the reward sold out: gift or refund?
    MODERATOR_ANOMALY = "moderator_anomaly"  # to each moderator: a pledge in anomaly
    LAUNCH_ALERT = "launch_alert"  # a new live project matches an alert the recipient set


# What "couper les nouvelles" silences: news about projects one follows. The "48 h left"
# reminders have their own switch, independent of this one (the settings screen shows one line
# per switch). Messages about one's own money (thanks, refunds) and one's own project always go
# through. Launch alerts are news too: one switch silences them with the rest.
MUTABLE = frozenset({Kind.MILESTONE, Kind.NEWS, Kind.LAUNCH_ALERT})


def is_muted(
    kind: str, payload: dict[str, Any], *, news_muted: bool, reminders_muted: bool
) -> bool:
    """Whether the recipient's settings silence this notification."""
    if kind == Kind.REMINDER:
        return reminders_muted
    if not news_muted:
        return False
    return kind in MUTABLE or (kind == Kind.CAMPAIGN_OUTCOME and payload.get("role") == "follower")


def row(
    user_id: int, kind: Kind, dedupe_key: str, project_id: int | None, **payload: Any
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "kind": kind.value,
        "dedupe_key": dedupe_key[:128],
        "project_id": project_id,
        "payload": payload,
    }


def for_each(
    user_ids: Iterable[int], kind: Kind, key: str, project_id: int | None, **payload: Any
) -> list[dict[str, Any]]:
    """The same notification for several recipients (`key` is completed with each user id)."""
    return [row(user, kind, f"{key}:user:{user}", project_id, **payload) for user in user_ids]
