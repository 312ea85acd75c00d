"""Queries on projects. Repositories never commit: the calling service owns the transaction."""

from __future__ import annotations

import enum
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.models import Category, Departement, Follow, NewsPost, Project, ProjectStatus

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


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count_live(self, now: datetime) -> int:
        return await self.count(LiveFilter(now))

    async def count(self, live: LiveFilter) -> int:
        statement = select(func.count(Project.id)).where(*_conditions(live))
        return int(await self.session.scalar(statement) or 0)

    async def live_page(self, live: LiveFilter, offset: int, limit: int) -> Sequence[Project]:
        statement: Select[Any] = select(Project).where(*_conditions(live))
        statement = statement.order_by(*_ordering(live), Project.id).offset(offset).limit(limit)
        return (await self.session.scalars(statement)).all()

    async def with_tiers(self, project_id: int) -> Project | None:
        statement = (
            select(Project)
            .where(Project.id == project_id)
            .options(selectinload(Project.reward_tiers))
        )
        return await self.session.scalar(statement)

    async def is_followed(self, project_id: int, user_id: int) -> bool:
        follow = await self.session.get(Follow, (user_id, project_id))
        return follow is not None

    async def news(self, project_id: int, limit: int) -> Sequence[NewsPost]:
        statement = (
            select(NewsPost)
            .where(NewsPost.project_id == project_id, NewsPost.published_at.is_not(None))
            .order_by(NewsPost.published_at.desc(), NewsPost.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(statement)).all()

    async def count_news(self, project_id: int) -> int:
        statement = select(func.count(NewsPost.id)).where(
            NewsPost.project_id == project_id, NewsPost.published_at.is_not(None)
        )
        return int(await self.session.scalar(statement) or 0)


def _conditions(live: LiveFilter) -> list[ColumnElement[bool]]:
    conditions = [Project.status == ProjectStatus.LIVE, Project.ends_at > live.now]
    if live.category is not None:
        conditions.append(Project.category == live.category)
    if live.departement is not None:
        conditions.append(Project.departement == live.departement)
    if live.order == Order.ALMOST_FUNDED:
        conditions.append(Project.raised_cents < Project.goal_cents)
    # search_text is padded with spaces: "% term%" matches whole words and their beginnings.
    conditions.extend(Project.search_text.like(f"% {term}%") for term in live.terms)
    return conditions


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
