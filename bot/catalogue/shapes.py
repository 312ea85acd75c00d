"""What a catalogue list statement looks like, and the WHERE and ORDER BY that follow from it.

A shape is everything about a list statement but the values bound when it runs (the time, the
category and département chosen, the page): `pages.py` builds and compiles each shape once.
The conditions and orders here are tuned to the indexes of `bot/storage/models.py`; the
comments say which plan each one steers towards.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, Float, bindparam, case, cast

from bot.domain import Order, ProjectStatus
from bot.search.sqlite_fts import matching_ids, unindexed
from bot.storage.models import Project
from bot.storage.sql import table_of

_projects = table_of(Project).c


@dataclass(frozen=True)
class Shape:
    """What a catalogue statement looks like, apart from the values bound when it runs (the
    time, the category and département chosen, the page): statements of one shape are built
    and compiled once (`pages.count_statement`, `pages.page_statement`)."""

    order: Order
    category: bool
    departement: bool
    terms: tuple[str, ...]
    full_text: bool  # SQLite's full-text index for the terms
    deep: bool = False  # a page far down the list (`queries._DEEP_OFFSET`)
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


def conditions(shape: Shape, *, paging: bool) -> list[ColumnElement[bool]]:
    """The filter's conditions, for a count or (`paging`) for a page in the filter's order.

    `unindexed` columns steer SQLite's planner (it keeps no statistics: the app never runs
    ANALYZE); on PostgreSQL they are plain columns."""
    now = bindparam("now", type_=_projects.ends_at.type)
    if shape.full_text:
        # The full-text match is by far the most selective condition: SQLite starts from
        # the matching ids and checks status and ends_at on those rows only. Left indexable,
        # they would make it walk every live project and probe the matches instead.
        status, ends_at = unindexed(_projects.status), unindexed(_projects.ends_at)
        where = [status == ProjectStatus.LIVE, ends_at > now]
    elif paging and shape.order in _WALK_SORT_INDEX:
        # Nearly every live project ends in the future, so the range on ends_at selects
        # them all; SQLite would still take it on ix_projects_status_ends_at and then sort
        # every live project. As `+ends_at` it walks the sort's own index instead
        # (ix_projects_status_starts_at_ends_at, ..._contributors_ends_at), checks ends_at
        # from the index entry and stops after one page. (A count keeps the range.)
        where = [_projects.status == ProjectStatus.LIVE, unindexed(_projects.ends_at) > now]
    else:
        where = [_projects.status == ProjectStatus.LIVE, _projects.ends_at > now]
    if shape.category:
        where.append(_projects.category == bindparam("category"))
    if shape.departement:
        where.append(_projects.departement == bindparam("departement"))
    if shape.order == Order.ALMOST_FUNDED:
        where.append(_projects.raised_cents < _projects.goal_cents)
    if shape.full_text:
        # SQLite's FTS5 index (bot/search/sqlite_fts.py): the same word-prefix
        # matches as the LIKE below, without reading every live project's text.
        where.append(_projects.id.in_(matching_ids(shape.terms)))
    else:
        # search_text is padded with spaces: "% term%" matches whole words and their
        # beginnings. On PostgreSQL a pg_trgm GIN index on search_text serves these
        # conditions (migration 0015, bot/search/indexes.py).
        where.extend(_projects.search_text.like(f"% {term}%") for term in shape.terms)
    return where


# Orders whose page is found faster by walking their sort index than by the ends_at range.
_WALK_SORT_INDEX = frozenset({Order.NEWEST, Order.MOST_BACKED})


def ordering(shape: Shape) -> list[Any]:
    """The ORDER BY of a page, before its tie-breaker (the project id)."""
    order_by: list[Any] = []
    if shape.terms:
        # Projects whose title holds more of the words come first.
        hits = [case((_projects.search_title.like(f"% {t}%"), 1), else_=0) for t in shape.terms]
        order_by.append(reduce(operator.add, hits).desc())
    if shape.order == Order.NEWEST:
        order_by.append(_projects.starts_at.desc())
    elif shape.order == Order.ALMOST_FUNDED:
        order_by.append((cast(_projects.raised_cents, Float) / _projects.goal_cents).desc())
    elif shape.order == Order.MOST_BACKED:
        order_by.append(_projects.contributors_count.desc())
    else:
        order_by.append(_projects.ends_at)
    return order_by
