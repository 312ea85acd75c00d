"""The statements of a project's card: the project with its tiers, and its latest supporters.

Both are built once at import: a card's shape never varies, only its ids are bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from bot.catalogue.pages import SUMMARY_COLUMNS
from bot.catalogue.texts import summary_for_reader
from bot.domain import DeliveryMode, PledgeStatus
from bot.storage.models import Follow, NewsPost, Pledge, Project, RewardTier
from bot.storage.sql import AnyRow, table_of

_projects = table_of(Project).c
_tiers = table_of(RewardTier).c
_news = table_of(NewsPost).c
_follows = table_of(Follow).c
_pledges = table_of(Pledge).c
# What a card shows beyond a list's line.
CARD_COLUMNS = (
    *SUMMARY_COLUMNS, _projects.owner_id, summary_for_reader(), _projects.description,
    _projects.funding_model,
)  # fmt: skip
TIER_COLUMNS = (
    _tiers.title, _tiers.description, _tiers.min_amount_cents, _tiers.quantity_limit,
    _tiers.claimed_count, _tiers.reserved_count, _tiers.estimated_delivery,
    _tiers.delivery_mode, _tiers.shipping_countries,
)  # fmt: skip
# A card in one statement, built once: the project, whether the viewer follows it, how many news
# it published, and its tiers (a row per tier, their columns prefixed `tier_`; one row with
# NULL tier columns when it has none).
CARD = (
    select(
        *CARD_COLUMNS,
        select(_follows.project_id)
        .where(_follows.project_id == _projects.id, _follows.user_id == bindparam("viewer_id"))
        .exists()
        .label("following"),
        select(func.count(_news.id))
        .where(
            _news.project_id == _projects.id,
            _news.published_at.is_not(None),
            _news.reward_tier_id.is_(None),
        )
        .scalar_subquery()
        .label("news_count"),
        _tiers.id.label("tier_id"),
        *(column.label(f"tier_{column.name}") for column in TIER_COLUMNS),
    )
    .select_from(table_of(Project).outerjoin(table_of(RewardTier)))
    .where(_projects.id == bindparam("project_id"))
    .order_by(_tiers.position, _tiers.id)
)


# The latest paid pledges of a card's project: enough rows to find a few distinct contributors
# who chose to be shown, each by their latest choice. Latest by id, not paid_at: a pledge is
# paid within its checkout's hour, and SQLite then walks ix_pledges_project_status backwards
# (it ends with the rowid) and stops after these rows, where paid_at sorted every paid pledge
# of the project (bench/browse_db.py, 100 pledges a project: 0.74 ms p95).
SUPPORTERS_SHOWN = 3
_SUPPORTER_ROWS = 12
SUPPORTERS = (
    select(_pledges.user_id, _pledges.supporter_display, _pledges.supporter_nickname)
    .where(_pledges.project_id == bindparam("project_id"), _pledges.status == PledgeStatus.PAID)
    .order_by(_pledges.id.desc())
    .limit(_SUPPORTER_ROWS)
)


class TierRow(NamedTuple):
    """A reward tier's columns as a card shows them."""

    title: str
    description: str
    min_amount_cents: int
    quantity_limit: int | None
    claimed_count: int
    reserved_count: int
    estimated_delivery: date | None
    delivery_mode: DeliveryMode
    shipping_countries: str | None


@dataclass(frozen=True)
class ProjectForCard:
    project: AnyRow  # CARD_COLUMNS, `following` and `news_count`
    tiers: list[TierRow]
    supporters: tuple[str, ...] = ()  # the latest contributors shown by name, newest first
