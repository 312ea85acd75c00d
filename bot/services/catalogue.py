"""The catalogue as contributors see it: pages of live projects, search, and project cards."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.db import Sessions
from bot.models import (
    Category,
    Departement,
    FundingModel,
    Project,
    ProjectStatus,
    RewardTier,
    User,
    units_left,
    utcnow,
)
from bot.repositories.common import AnyRow
from bot.repositories.projects import (
    PUBLIC_STATUSES,
    LiveFilter,
    Order,
    ProjectRepository,
    TierRow,
)
from bot.repositories.users import UserRepository
from bot.search import MAX_QUERY_LENGTH, search_terms

PAGE_SIZE = 5
MAX_PAGE = 9999
NEWS_SHOWN = 5
INLINE_RESULTS = 50  # Telegram's maximum per answer
SEARCH_MODE = "search"


@dataclass(frozen=True)
class ListView:
    """One page of the catalogue: filters, order, page and (by its hash) the search typed."""

    category: Category | None = None
    departement: Departement | None = None
    sort: Order = Order.ENDING_SOON
    page: int = 0
    query_hash: str | None = None


@dataclass(frozen=True)
class ProjectSummary:
    id: int
    title: str
    commune: str | None
    departement: Departement | None
    category: Category | None
    status: ProjectStatus
    raised_cents: int
    goal_cents: int
    contributors_count: int
    ends_at: datetime | None
    photo_file_id: str | None

    @property
    def ratio(self) -> float:
        return self.raised_cents / self.goal_cents if self.goal_cents else 0.0


@dataclass(frozen=True)
class CataloguePage:
    view: ListView
    items: list[ProjectSummary]
    total: int
    query: str | None = None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PAGE_SIZE))


@dataclass(frozen=True)
class TierView:
    title: str
    description: str
    min_amount_cents: int
    remaining: int | None  # None: unlimited
    estimated_delivery: date | None


@dataclass(frozen=True)
class ProjectCard:
    summary: ProjectSummary
    owner_id: int
    summary_text: str
    description: str
    funding_model: FundingModel
    tiers: list[TierView] = field(default_factory=list)
    following: bool = False
    news_count: int = 0


@dataclass(frozen=True)
class NewsItem:
    text: str
    created_at: datetime
    photo_file_id: str | None


class StaleList(Exception):
    """The buttons refer to a search the user has since replaced."""


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:6]


class CatalogueService:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def browse(
        self, user_id: int, view: ListView, *, input_mode: str | None = None
    ) -> CataloguePage:
        """A page of live projects; the user's free text becomes a search from now on.

        `input_mode` is the user's as read at the start of the update (`Profile.input_mode`):
        the mode is written only when it changes (the first page of a browse), so that turning
        pages does not queue for SQLite's write lock.
        """
        async with self._sessions.autocommit() as connection:
            users = UserRepository(connection)
            query = await users.catalogue_query(user_id) if view.query_hash else None
            if view.query_hash and (query is None or query_hash(query) != view.query_hash):
                raise StaleList
            page = await _page(ProjectRepository(connection), view, query)
            if input_mode != SEARCH_MODE:
                await users.change(user_id, input_mode=SEARCH_MODE)
        return page

    async def search(self, user_id: int, text: str, view: ListView) -> CataloguePage:
        """Search the live projects for `text`, keeping the filters and order of `view`."""
        query = " ".join(text.split())[:MAX_QUERY_LENGTH]
        async with self._sessions.autocommit() as connection:
            await UserRepository(connection).change(
                user_id, catalogue_query=query, input_mode=SEARCH_MODE
            )
            view = ListView(view.category, view.departement, view.sort, 0, query_hash(query))
            return await _page(ProjectRepository(connection), view, query)

    async def card(self, project_id: int, viewer_id: int) -> ProjectCard | None:
        """A project's card, or None when it does not exist or is not public (owners see theirs)."""
        async with self._sessions.autocommit() as connection:
            found = await ProjectRepository(connection).for_card(project_id, viewer_id)
        if found is None or not _visible(found.project, viewer_id):
            return None
        return card_of(
            found.project,
            [tier_view(tier) for tier in found.tiers],
            following=bool(found.project.following),
            news_count=int(found.project.news_count or 0),
        )

    async def inline(self, text: str) -> list[ProjectSummary]:
        """Projects for inline mode: matches of `text`, or those ending soonest."""
        live = LiveFilter(now=utcnow(), terms=search_terms(text))
        async with self._sessions.autocommit() as connection:
            rows = await ProjectRepository(connection).live_page(live, 0, INLINE_RESULTS)
        return [summary_of(row) for row in rows]

    async def news(self, project_id: int) -> list[NewsItem]:
        async with self._sessions.autocommit() as connection:
            posts = await ProjectRepository(connection).news(project_id, NEWS_SHOWN)
        return [NewsItem(p.text, p.published_at, p.photo_file_id) for p in posts]

    async def set_home(self, user_id: int, departement: Departement) -> None:
        async with self._sessions.autocommit() as connection:
            await UserRepository(connection).change(user_id, home_departement=departement)

    async def home_of(self, user_id: int) -> Departement | None:
        async with self._sessions() as session:
            user = await session.get(User, user_id)
            return user.home_departement if user else None


async def _page(projects: ProjectRepository, view: ListView, query: str | None) -> CataloguePage:
    live = LiveFilter(
        now=utcnow(),
        category=view.category,
        departement=view.departement,
        terms=search_terms(query) if query else (),
        order=view.sort,
    )
    rows, total = await projects.live_page_and_total(live, view.page * PAGE_SIZE, PAGE_SIZE)
    last_page = max(0, math.ceil(total / PAGE_SIZE) - 1)
    if view.page > last_page:
        # A page that is gone (the list shrank since its buttons were sent): show the last one.
        view = dataclasses.replace(view, page=last_page)
        rows, total = await projects.live_page_and_total(live, last_page * PAGE_SIZE, PAGE_SIZE)
    return CataloguePage(view, [summary_of(row) for row in rows], total, query)


def tier_view(tier: RewardTier | TierRow) -> TierView:
    """What a card or the pledge screen shows of a tier."""
    return TierView(
        tier.title,
        tier.description,
        tier.min_amount_cents,
        units_left(tier.quantity_limit, tier.claimed_count, tier.reserved_count),
        tier.estimated_delivery,
    )


def _visible(project: AnyRow, viewer_id: int) -> bool:
    return project.status in PUBLIC_STATUSES or project.owner_id == viewer_id


def summary_of(project: Project | AnyRow) -> ProjectSummary:
    """A list line's fields, from a Project or a row of `SUMMARY_COLUMNS`."""
    return ProjectSummary(
        id=project.id,
        title=project.title,
        commune=project.commune,
        departement=project.departement,
        category=project.category,
        status=project.status,
        raised_cents=project.raised_cents,
        goal_cents=project.goal_cents,
        contributors_count=project.contributors_count,
        ends_at=project.ends_at,
        photo_file_id=project.photo_file_id,
    )


def card_of(
    project: Project | AnyRow,
    tiers: list[TierView],
    *,
    following: bool = False,
    news_count: int = 0,
) -> ProjectCard:
    """A card, from a Project or a row of `CARD_COLUMNS`."""
    return ProjectCard(
        summary=summary_of(project),
        owner_id=project.owner_id,
        summary_text=project.summary,
        description=project.description,
        funding_model=project.funding_model,
        tiers=tiers,
        following=following,
        news_count=news_count,
    )


def launch_preview(project: Project) -> ProjectCard:
    """The card of a project not yet live, as it will look on the day it goes live."""
    card = card_of(project, [tier_view(tier) for tier in project.reward_tiers])
    days = timedelta(days=project.duration_days or 30)
    live = dataclasses.replace(card.summary, status=ProjectStatus.LIVE, ends_at=utcnow() + days)
    return dataclasses.replace(card, summary=live)
