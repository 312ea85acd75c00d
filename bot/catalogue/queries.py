"""Statements on projects shared by the catalogue, follow, sharing and live-count services.

They never commit: the calling service owns the transaction.

The catalogue's queries select table columns (Core), not ORM objects: they run for most updates,
and a page or a card needs no identity map or change tracking. Their rows are named like the
model's attributes (`row.title`, `row.ends_at`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Float, Select, bindparam, case, cast, func, select

from bot.domain import (
    Category,
    DeliveryMode,
    Departement,
    Order,
    PledgeStatus,
    ProjectStatus,
    SupporterDisplay,
)
from bot.search.sqlite_fts import matching_ids, unindexed
from bot.storage.models import Follow, NewsPost, Pledge, Project, RewardTier
from bot.storage.sql import AnyRow, Database, dialect_name, table_of

_projects = table_of(Project).c
_tiers = table_of(RewardTier).c
_news = table_of(NewsPost).c
_follows = table_of(Follow).c
_pledges = table_of(Pledge).c
# What a line of a list shows (bot.services.catalogue.ProjectSummary), and what a card adds.
SUMMARY_COLUMNS = (
    _projects.id, _projects.title, _projects.commune, _projects.departement, _projects.category,
    _projects.status, _projects.raised_cents, _projects.goal_cents, _projects.contributors_count,
    _projects.ends_at, _projects.photo_file_id,
)  # fmt: skip
CARD_COLUMNS = (
    *SUMMARY_COLUMNS, _projects.owner_id, _projects.summary, _projects.description,
    _projects.funding_model,
)  # fmt: skip
_TIER_COLUMNS = (
    _tiers.title, _tiers.description, _tiers.min_amount_cents, _tiers.quantity_limit,
    _tiers.claimed_count, _tiers.reserved_count, _tiers.estimated_delivery,
    _tiers.delivery_mode, _tiers.shipping_countries,
)  # fmt: skip
# A card in one statement, built once: the project, whether the viewer follows it, how many news
# it published, and its tiers (a row per tier, their columns prefixed `tier_`; one row with
# NULL tier columns when it has none).
_CARD = (
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
        *(column.label(f"tier_{column.name}") for column in _TIER_COLUMNS),
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
_SUPPORTERS = (
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
class LiveFilter:
    now: datetime
    category: Category | None = None
    departement: Departement | None = None
    terms: Sequence[str] = ()
    order: Order = Order.ENDING_SOON


@dataclass(frozen=True)
class ProjectForCard:
    project: AnyRow  # CARD_COLUMNS, `following` and `news_count`
    tiers: list[TierRow]
    supporters: tuple[str, ...] = ()  # the latest contributors shown by name, newest first


class ProjectQueries:
    def __init__(self, session: Database) -> None:
        self.session = session

    async def count_live(self, now: datetime) -> int:
        return await self.count(LiveFilter(now))

    async def count(self, live: LiveFilter) -> int:
        statement = _count_statement(self._shape(live))
        return int(await self.session.scalar(statement, _values(live)) or 0)

    async def live_page(self, live: LiveFilter, offset: int, limit: int) -> Sequence[AnyRow]:
        """A page of live projects in the filter's order: rows of `SUMMARY_COLUMNS`."""
        rows, _ = await self._page(live, offset, limit, with_total=False)
        return rows

    async def live_page_and_total(
        self, live: LiveFilter, offset: int, limit: int
    ) -> tuple[Sequence[AnyRow], int]:
        """A page (as `live_page`) and how many projects match in all, in one statement (the
        count is a subquery), or two when the page is empty."""
        rows, total = await self._page(live, offset, limit, with_total=True)
        return rows, total if total is not None else await self.count(live)

    async def _page(
        self, live: LiveFilter, offset: int, limit: int, *, with_total: bool
    ) -> tuple[Sequence[AnyRow], int | None]:
        shape = self._shape(live, offset)
        statement = _page_statement(shape, with_total)
        values = {**_values(live), "offset": offset, "limit": limit}
        rows = (await self.session.execute(statement, values)).all()
        total = rows[0].total if with_total and rows else None
        if not shape.ids_first or not rows:
            # An index gives these orders: the page's rows are the first ones it leads to.
            return rows, total
        # The page's ids came first (see `_Shape.ids_first`): now load those projects.
        ids = [row.id for row in rows]
        loaded = await self.session.execute(_SUMMARIES, {"ids": ids})
        by_id = {row.id: row for row in loaded}
        return [by_id[project_id] for project_id in ids], total

    def _shape(self, live: LiveFilter, offset: int = 0) -> _Shape:
        terms = tuple(live.terms)
        sqlite = dialect_name(self.session) == "sqlite"
        return _Shape(
            live.order,
            live.category is not None,
            live.departement is not None,
            terms,
            full_text=bool(terms) and sqlite,
            deep=offset >= _DEEP_OFFSET,
            window_total=not sqlite,
        )

    async def for_card(self, project_id: int, viewer_id: int) -> ProjectForCard | None:
        """A project with whether `viewer_id` follows it, its published news count and its
        tiers: one statement."""
        values = {"project_id": project_id, "viewer_id": viewer_id}
        rows = (await self.session.execute(_CARD, values)).all()
        if not rows:
            return None
        prefixed = [f"tier_{column.name}" for column in _TIER_COLUMNS]
        tiers = [
            TierRow(*(row._mapping[name] for name in prefixed))
            for row in rows
            if row.tier_id is not None
        ]
        supporters = await self._supporters(project_id) if rows[0].contributors_count else ()
        return ProjectForCard(rows[0], tiers, supporters)

    async def _supporters(self, project_id: int) -> tuple[str, ...]:
        """The names of the latest contributors who chose to be shown (by their latest paid
        pledge: one who went anonymous since is not named)."""
        rows = await self.session.execute(_SUPPORTERS, {"project_id": project_id})
        seen: set[int] = set()
        names: list[str] = []
        for row in rows:
            if row.user_id in seen:
                continue
            seen.add(row.user_id)
            if row.supporter_display != SupporterDisplay.ANONYMOUS and row.supporter_nickname:
                names.append(row.supporter_nickname)
                if len(names) == SUPPORTERS_SHOWN:
                    break
        return tuple(names)

    async def news(self, project_id: int, limit: int) -> Sequence[AnyRow]:
        """The project's latest published news, newest first."""
        statement = (
            select(_news.text, _news.published_at, _news.photo_file_id, _news.id)
            .where(
                _news.project_id == project_id,
                _news.published_at.is_not(None),
                _news.reward_tier_id.is_(None),
            )
            .order_by(_news.published_at.desc(), _news.id.desc())
            .limit(limit)
        )
        return (await self.session.execute(statement)).all()


@dataclass(frozen=True)
class _Shape:
    """What a catalogue statement looks like, apart from the values bound when it runs (the
    time, the category and département chosen, the page): statements of one shape are built
    and compiled once (`_count_statement`, `_page_statement`)."""

    order: Order
    category: bool
    departement: bool
    terms: tuple[str, ...]
    full_text: bool  # SQLite's full-text index for the terms
    deep: bool = False  # a page far down the list (`_DEEP_OFFSET`)
    # Count the matches of a sorted page with `count(*) OVER ()`: PostgreSQL counts them in the
    # scan that feeds the sort; SQLite would store and scan them once more (almost funded,
    # bench/browse_db.py: p95 6.4 ms with a count subquery, 12.8 ms with the window).
    window_total: bool = False

    @property
    def ids_first(self) -> bool:
        """Whether the page statement selects ids only, its projects loaded next by id.

        Funding ratio and title hits are computed: every match is sorted before the LIMIT, so
        sort ids only (for "almost funded", straight from a covering index) rather than carry
        every matching project through the sort. A deep page skips its OFFSET's rows: as ids,
        from the index alone, rather than as projects read one by one (PostgreSQL reads each
        skipped row from the table: 13 ms for the last of 10,000 live projects, 2 ms as ids).
        """
        return self.sorts_every_match or self.deep

    @property
    def sorts_every_match(self) -> bool:
        return self.order == Order.ALMOST_FUNDED or bool(self.terms)


def _values(live: LiveFilter) -> dict[str, Any]:
    return {"now": live.now, "category": live.category, "departement": live.departement}


# Shapes kept: 64 without search terms, the rest for the searches typed most recently.
_SHAPES_KEPT = 256
# From this many rows down the list, a page takes its ids first (`_Shape.ids_first`).
_DEEP_OFFSET = 100


@functools.lru_cache(maxsize=_SHAPES_KEPT)
def _count_statement(shape: _Shape) -> Select[int]:
    # count(*), not count(id): PostgreSQL then counts from the filter's index alone.
    statement = select(func.count()).select_from(table_of(Project))
    return statement.where(*_conditions(shape, paging=False))


@functools.lru_cache(maxsize=_SHAPES_KEPT)
def _page_statement(shape: _Shape, with_total: bool) -> Select[*tuple[Any, ...]]:
    """A page's rows (`SUMMARY_COLUMNS`), or only their ids (`_Shape.ids_first`); with
    `with_total`, each row also carries the number of matches (`total`), counted once."""
    columns: tuple[Any, ...] = (_projects.id,) if shape.ids_first else SUMMARY_COLUMNS
    if with_total and shape.sorts_every_match and shape.window_total:
        # Every match goes through the sort anyway: count them on the way, in the same scan.
        columns += (func.count().over().label("total"),)
    elif with_total:
        # The page's rows come first from an index: a count of its own, from the filter's index.
        columns += (_count_statement(shape).scalar_subquery().label("total"),)
    return (
        select(*columns)
        .where(*_conditions(shape, paging=True))
        .order_by(*_ordering(shape), _projects.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


_SUMMARIES = select(*SUMMARY_COLUMNS).where(_projects.id.in_(bindparam("ids", expanding=True)))


def _conditions(shape: _Shape, *, paging: bool) -> list[ColumnElement[bool]]:
    """The filter's conditions, for a count or (`paging`) for a page in the filter's order.

    `unindexed` columns steer SQLite's planner (it keeps no statistics: the app never runs
    ANALYZE); on PostgreSQL they are plain columns."""
    now = bindparam("now", type_=_projects.ends_at.type)
    if shape.full_text:
        # The full-text match is by far the most selective condition: SQLite starts from
        # the matching ids and checks status and ends_at on those rows only. Left indexable,
        # they would make it walk every live project and probe the matches instead.
        status, ends_at = unindexed(_projects.status), unindexed(_projects.ends_at)
        conditions = [status == ProjectStatus.LIVE, ends_at > now]
    elif paging and shape.order in _WALK_SORT_INDEX:
        # Nearly every live project ends in the future, so the range on ends_at selects
        # them all; SQLite would still take it on ix_projects_status_ends_at and then sort
        # every live project. As `+ends_at` it walks the sort's own index instead
        # (ix_projects_status_starts_at_ends_at, ..._contributors_ends_at), checks ends_at
        # from the index entry and stops after one page. (A count keeps the range.)
        conditions = [_projects.status == ProjectStatus.LIVE, unindexed(_projects.ends_at) > now]
    else:
        conditions = [_projects.status == ProjectStatus.LIVE, _projects.ends_at > now]
    if shape.category:
        conditions.append(_projects.category == bindparam("category"))
    if shape.departement:
        conditions.append(_projects.departement == bindparam("departement"))
    if shape.order == Order.ALMOST_FUNDED:
        conditions.append(_projects.raised_cents < _projects.goal_cents)
    if shape.full_text:
        # SQLite's FTS5 index (bot/search/sqlite_fts.py): the same word-prefix
        # matches as the LIKE below, without reading every live project's text.
        conditions.append(_projects.id.in_(matching_ids(shape.terms)))
    else:
        # search_text is padded with spaces: "% term%" matches whole words and their
        # beginnings. On PostgreSQL a pg_trgm GIN index on search_text serves these
        # conditions (migration 0015, bot/search/indexes.py).
        conditions.extend(_projects.search_text.like(f"% {term}%") for term in shape.terms)
    return conditions


# Orders whose page is found faster by walking their sort index than by the ends_at range.
_WALK_SORT_INDEX = frozenset({Order.NEWEST, Order.MOST_BACKED})


def _ordering(shape: _Shape) -> list[Any]:
    ordering: list[Any] = []
    if shape.terms:
        # Projects whose title holds more of the words come first.
        hits = [case((_projects.search_title.like(f"% {t}%"), 1), else_=0) for t in shape.terms]
        ordering.append(reduce(operator.add, hits).desc())
    if shape.order == Order.NEWEST:
        ordering.append(_projects.starts_at.desc())
    elif shape.order == Order.ALMOST_FUNDED:
        ordering.append((cast(_projects.raised_cents, Float) / _projects.goal_cents).desc())
    elif shape.order == Order.MOST_BACKED:
        ordering.append(_projects.contributors_count.desc())
    else:
        ordering.append(_projects.ends_at)
    return ordering
