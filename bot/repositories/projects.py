"""Queries on projects. Repositories never commit: the calling service owns the transaction."""

from __future__ import annotations

import enum
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, Float, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.models import Category, Departement, Follow, NewsPost, Project, ProjectStatus
from bot.repositories.sqlite_extras import matching_ids, unindexed

PUBLIC_STATUSES = (ProjectStatus.LIVE, ProjectStatus.SUCCEEDED, ProjectStatus.FAILED)


class Order(enum.StrEnum):
    """The catalogue's sort orders."""

    ENDING_SOON = "ending_soon"
    NEWEST = "newest"
    ALMOST_FUNDED = "almost_funded"
    MOST_BACKED = "most_backed"


@dataclass(frozen=True)
class LiveFilter:
    now: datetime
    category: Category | None = None
    departement: Departement | None = None
    terms: Sequence[str] = ()
    order: Order = Order.ENDING_SOON


@dataclass(frozen=True)
class ProjectForCard:
    project: Project
    following: bool
    news_count: int


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_live(self, now: datetime) -> int:
        return await self.count(LiveFilter(now))

    async def count(self, live: LiveFilter) -> int:
        statement = select(func.count(Project.id)).where(*self._conditions(live))
        return int(await self.session.scalar(statement) or 0)

    async def live_page(self, live: LiveFilter, offset: int, limit: int) -> Sequence[Project]:
        conditions = self._conditions(live, paging=True)
        ordering = [*_ordering(live), Project.id]
        if live.order != Order.ALMOST_FUNDED and not live.terms:
            # An index gives these orders: the page's rows are the first ones it leads to.
            statement = select(Project).where(*conditions).order_by(*ordering)
            return (await self.session.scalars(statement.offset(offset).limit(limit))).all()
        # Funding ratio and title hits are computed: every match is sorted before the LIMIT.
        # Sort ids only (for "almost funded", straight from a covering index), then load the
        # page's projects, rather than carry every matching project through the sort.
        page = select(Project.id).where(*conditions).order_by(*ordering)
        ids = (await self.session.scalars(page.offset(offset).limit(limit))).all()
        if not ids:
            return []
        loaded = await self.session.scalars(select(Project).where(Project.id.in_(ids)))
        by_id = {project.id: project for project in loaded}
        return [by_id[project_id] for project_id in ids]

    async def for_card(self, project_id: int, viewer_id: int) -> ProjectForCard | None:
        """A project with its tiers, whether `viewer_id` follows it and its published news count:
        two statements (the project with the two figures, then its tiers)."""
        following = (
            select(Follow.project_id)
            .where(Follow.project_id == Project.id, Follow.user_id == viewer_id)
            .exists()
        )
        news_count = (
            select(func.count(NewsPost.id))
            .where(NewsPost.project_id == Project.id, NewsPost.published_at.is_not(None))
            .scalar_subquery()
        )
        statement = (
            select(Project, following, news_count)
            .where(Project.id == project_id)
            .options(selectinload(Project.reward_tiers))
        )
        row = (await self.session.execute(statement)).one_or_none()
        return ProjectForCard(row[0], bool(row[1]), int(row[2] or 0)) if row else None

    async def news(self, project_id: int, limit: int) -> Sequence[NewsPost]:
        statement = (
            select(NewsPost)
            .where(NewsPost.project_id == project_id, NewsPost.published_at.is_not(None))
            .order_by(NewsPost.published_at.desc(), NewsPost.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    def _conditions(self, live: LiveFilter, paging: bool = False) -> list[ColumnElement[bool]]:
        """The filter's conditions, for a count or (`paging`) for a page in the filter's order.

        `unindexed` columns steer SQLite's planner (it keeps no statistics: the app never runs
        ANALYZE); on PostgreSQL they are plain columns."""
        full_text = bool(live.terms) and self.session.get_bind().dialect.name == "sqlite"
        if full_text:
            # The full-text match is by far the most selective condition: SQLite starts from
            # the matching ids and checks status and ends_at on those rows only. Left indexable,
            # they would make it walk every live project and probe the matches instead.
            status, ends_at = unindexed(Project.status), unindexed(Project.ends_at)
            conditions = [status == ProjectStatus.LIVE, ends_at > live.now]
        elif paging and live.order in _WALK_SORT_INDEX:
            # Nearly every live project ends in the future, so the range on ends_at selects
            # them all; SQLite would still take it on ix_projects_status_ends_at and then sort
            # every live project. As `+ends_at` it walks the sort's own index instead
            # (ix_projects_status_starts_at_ends_at, ..._contributors_ends_at), checks ends_at
            # from the index entry and stops after one page. (A count keeps the range.)
            ends_at = unindexed(Project.ends_at)
            conditions = [Project.status == ProjectStatus.LIVE, ends_at > live.now]
        else:
            conditions = [Project.status == ProjectStatus.LIVE, Project.ends_at > live.now]
        if live.category is not None:
            conditions.append(Project.category == live.category)
        if live.departement is not None:
            conditions.append(Project.departement == live.departement)
        if live.order == Order.ALMOST_FUNDED:
            conditions.append(Project.raised_cents < Project.goal_cents)
        if full_text:
            # SQLite's FTS5 index (bot/repositories/sqlite_extras.py): the same word-prefix
            # matches as the LIKE below, without reading every live project's text.
            conditions.append(Project.id.in_(matching_ids(live.terms)))
        else:
            # search_text is padded with spaces: "% term%" matches whole words and their
            # beginnings. PostgreSQL reads every live row for it; a pg_trgm GIN index on
            # search_text is the production next step.
            conditions.extend(Project.search_text.like(f"% {term}%") for term in live.terms)
        return conditions


# Orders whose page is found faster by walking their sort index than by the ends_at range.
_WALK_SORT_INDEX = frozenset({Order.NEWEST, Order.MOST_BACKED})


def _ordering(live: LiveFilter) -> list[Any]:
    ordering: list[Any] = []
    if live.terms:
        # Projects whose title holds more of the words come first.
        hits = [case((Project.search_title.like(f"% {t}%"), 1), else_=0) for t in live.terms]
        ordering.append(reduce(operator.add, hits).desc())
    if live.order == Order.NEWEST:
        ordering.append(Project.starts_at.desc())
    elif live.order == Order.ALMOST_FUNDED:
        ordering.append((cast(Project.raised_cents, Float) / Project.goal_cents).desc())
    elif live.order == Order.MOST_BACKED:
        ordering.append(Project.contributors_count.desc())
    else:
        ordering.append(Project.ends_at)
    return ordering
