"""Statements on projects shared by the catalogue, follow, sharing and live-count services.

They never commit: the calling service owns the transaction.

The catalogue's queries select table columns (Core), not ORM objects: they run for most updates,
and a page or a card needs no identity map or change tracking. Their rows are named like the
model's attributes (`row.title`, `row.ends_at`). The statements themselves are built elsewhere:
a list's in `pages.py` (once per shape, `shapes.py`), a card's in `card.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.catalogue.card import (
    CARD,
    SUPPORTERS,
    SUPPORTERS_SHOWN,
    TIER_COLUMNS,
    ProjectForCard,
    TierRow,
)
from bot.catalogue.pages import SUMMARIES, count_statement, page_statement
from bot.catalogue.shapes import Shape
from bot.domain import Category, Departement, Order, SupporterDisplay
from bot.storage.models import NewsPost
from bot.storage.sql import AnyRow, Database, dialect_name, table_of

_news = table_of(NewsPost).c
# From this many rows down the list, a page takes its ids first (`Shape.ids_first`). Read when
# a shape is made, not when its statement is built: a test lowers it to reach deep pages.
_DEEP_OFFSET = 100


@dataclass(frozen=True)
class LiveFilter:
    now: datetime
    category: Category | None = None
    departement: Departement | None = None
    terms: Sequence[str] = ()
    order: Order = Order.ENDING_SOON
    locale: str | None = None  # the reader's, for the titles (`bot.catalogue.texts`)


class ProjectQueries:
    def __init__(self, session: Database) -> None:
        self.session = session

    async def count_live(self, now: datetime) -> int:
        return await self.count(LiveFilter(now))

    async def count(self, live: LiveFilter) -> int:
        statement = count_statement(self._shape(live))
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
        statement = page_statement(shape, with_total)
        values = {**_values(live), "offset": offset, "limit": limit}
        rows = (await self.session.execute(statement, values)).all()
        total = rows[0].total if with_total and rows else None
        if not shape.ids_first or not rows:
            # An index gives these orders: the page's rows are the first ones it leads to.
            return rows, total
        # The page's ids came first (see `Shape.ids_first`): now load those projects.
        ids = [row.id for row in rows]
        loaded = await self.session.execute(SUMMARIES, {"ids": ids, "locale": live.locale})
        by_id = {row.id: row for row in loaded}
        return [by_id[project_id] for project_id in ids], total

    def _shape(self, live: LiveFilter, offset: int = 0) -> Shape:
        terms = tuple(live.terms)
        sqlite = dialect_name(self.session) == "sqlite"
        return Shape(
            live.order,
            live.category is not None,
            live.departement is not None,
            terms,
            full_text=bool(terms) and sqlite,
            deep=offset >= _DEEP_OFFSET,
            window_total=not sqlite,
        )

    async def for_card(
        self, project_id: int, viewer_id: int, locale: str | None = None
    ) -> ProjectForCard | None:
        """A project with whether `viewer_id` follows it, its published news count and its
        tiers: one statement. Its title and summary are those a reader of `locale` reads."""
        values = {"project_id": project_id, "viewer_id": viewer_id, "locale": locale}
        rows = (await self.session.execute(CARD, values)).all()
        if not rows:
            return None
        prefixed = [f"tier_{column.name}" for column in TIER_COLUMNS]
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
        rows = await self.session.execute(SUPPORTERS, {"project_id": project_id})
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


def _values(live: LiveFilter) -> dict[str, Any]:
    return {
        "now": live.now,
        "category": live.category,
        "departement": live.departement,
        "locale": live.locale,
    }
