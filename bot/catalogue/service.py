"""The catalogue as contributors see it: pages of live projects, search, and project cards."""

from __future__ import annotations

import dataclasses
import hashlib
import math
from datetime import timedelta

from bot.catalogue.card import TierRow
from bot.catalogue.queries import LiveFilter, ProjectQueries
from bot.conversation.inputs import InputMode, Search, encode
from bot.domain import (
    PAGE_SIZE,
    PUBLIC_STATUSES,
    CataloguePage,
    DeliveryMode,
    Departement,
    ListView,
    NewsItem,
    ProjectCard,
    ProjectStatus,
    ProjectSummary,
    TierView,
    utcnow,
)
from bot.i18n.text import without_controls
from bot.matching.queries import shown_match
from bot.matching.rules import as_shown
from bot.search.countries import codes_of
from bot.search.nearby import Nearest, nearest_departement
from bot.search.text import MAX_QUERY_LENGTH, search_terms
from bot.storage.engine import Sessions
from bot.storage.models import Project, RewardTier, User, units_left
from bot.storage.sql import AnyRow
from bot.users.queries import UserQueries

NEWS_SHOWN = 5
INLINE_RESULTS = 50  # Telegram's maximum per answer


class StaleList(Exception):
    """The buttons refer to a search the user has since replaced."""


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()[:6]


class CatalogueService:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def browse(
        self,
        user_id: int,
        view: ListView,
        *,
        input_mode: InputMode | None = None,
        locale: str | None = None,
    ) -> CataloguePage:
        """A page of live projects, titled in the reader's `locale`; the user's free text
        becomes a search from now on.

        `input_mode` is the user's as read at the start of the update (`Profile.input_mode`,
        decoded): the mode is written only when it changes (the first page of a browse), so that
        turning pages does not queue for SQLite's write lock.
        """
        async with self._sessions.autocommit() as connection:
            users = UserQueries(connection)
            query = await users.catalogue_query(user_id) if view.query_hash else None
            if view.query_hash and (query is None or query_hash(query) != view.query_hash):
                raise StaleList
            page = await _page(ProjectQueries(connection), view, query, locale)
            if input_mode != Search.within(view):
                # Typed words will search within this list's filters and sort.
                await users.change(user_id, input_mode=encode(Search.within(view)))
        return page

    async def search(
        self, user_id: int, text: str, view: ListView, locale: str | None = None
    ) -> CataloguePage:
        """Search the live projects for `text`, keeping the filters and order of `view`."""
        query = " ".join(without_controls(text).split())[:MAX_QUERY_LENGTH]
        async with self._sessions.autocommit() as connection:
            await UserQueries(connection).change(
                user_id, catalogue_query=query, input_mode=encode(Search.within(view))
            )
            view = ListView(view.category, view.departement, view.sort, 0, query_hash(query))
            return await _page(ProjectQueries(connection), view, query, locale)

    async def card(
        self, project_id: int, viewer_id: int, locale: str | None = None
    ) -> ProjectCard | None:
        """A project's card in the reader's `locale`, or None when it does not exist or is not
        public (owners see theirs)."""
        async with self._sessions.autocommit() as connection:
            found = await ProjectQueries(connection).for_card(project_id, viewer_id, locale)
            match = await shown_match(connection, project_id) if found is not None else None
        if found is None or not _visible(found.project, viewer_id):
            return None
        card = card_of(
            found.project,
            [tier_view(tier) for tier in found.tiers],
            following=bool(found.project.following),
            news_count=int(found.project.news_count or 0),
            supporters=found.supporters,
        )
        if match is None:
            return card
        summary = card.summary
        shown = as_shown(match, summary.goal_cents, summary.contributed_cents, utcnow())
        return dataclasses.replace(card, match=shown)

    async def inline(self, text: str, locale: str | None = None) -> list[ProjectSummary]:
        """Projects for inline mode: matches of `text`, or those ending soonest."""
        live = LiveFilter(now=utcnow(), terms=search_terms(text), locale=locale)
        async with self._sessions.autocommit() as connection:
            rows = await ProjectQueries(connection).live_page(live, 0, INLINE_RESULTS)
        return [summary_of(row) for row in rows]

    async def news(self, project_id: int) -> list[NewsItem]:
        async with self._sessions.autocommit() as connection:
            posts = await ProjectQueries(connection).news(project_id, NEWS_SHOWN)
        return [NewsItem(p.text, p.published_at, p.photo_file_id, p.id) for p in posts]

    async def set_home(self, user_id: int, departement: Departement | None) -> None:
        """Remember the user's département for "près de chez moi" (None: forget it)."""
        async with self._sessions.autocommit() as connection:
            await UserQueries(connection).change(user_id, home_departement=departement)

    async def set_home_near(self, user_id: int, latitude: float, longitude: float) -> Nearest:
        """Remember the département nearest to a shared location as the user's."""
        nearest = nearest_departement(latitude, longitude)
        await self.set_home(user_id, Departement(nearest.departement))
        return nearest

    async def home_of(self, user_id: int) -> Departement | None:
        async with self._sessions() as session:
            user = await session.get(User, user_id)
            return user.home_departement if user else None


async def _page(
    projects: ProjectQueries, view: ListView, query: str | None, locale: str | None
) -> CataloguePage:
    live = LiveFilter(
        now=utcnow(),
        category=view.category,
        departement=view.departement,
        terms=search_terms(query) if query else (),
        order=view.sort,
        locale=locale,
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
        tier.delivery_mode or DeliveryMode.IN_PERSON,
        codes_of(tier.shipping_countries) if tier.delivery_mode is DeliveryMode.SHIPPED else (),
    )


def _visible(project: AnyRow, viewer_id: int) -> bool:
    return project.status in PUBLIC_STATUSES or project.owner_id == viewer_id


def summary_of(project: Project | AnyRow, matched_cents: int | None = None) -> ProjectSummary:
    """A list line's fields, from a Project or a row of `SUMMARY_COLUMNS`.

    A row of `SUMMARY_COLUMNS` carries what the project's partner match adds; a Project has no
    such attribute: its callers pass `matched_cents` (`partner_matches.matched_total`)."""
    if matched_cents is None:
        matched_cents = int(getattr(project, "matched_cents", 0) or 0)
    matched = matched_cents
    return ProjectSummary(
        id=project.id,
        title=project.title,
        commune=project.commune,
        departement=project.departement,
        category=project.category,
        status=project.status,
        raised_cents=(project.raised_cents or 0) + matched,  # how far, the match included
        goal_cents=project.goal_cents,
        contributors_count=project.contributors_count,
        ends_at=project.ends_at,
        photo_file_id=project.photo_file_id,
        # A row of `SUMMARY_COLUMNS` says it; a Project has no such attribute.
        in_breton=bool(getattr(project, "in_breton", False)),
        matched_cents=matched,
    )


def read_as(summary: ProjectSummary, title: str, in_breton: bool) -> ProjectSummary:
    """A summary loaded as a Project, titled as its reader reads it (`bot.catalogue.texts`:
    `title_for_reader` and `in_breton` selected beside the Project)."""
    return dataclasses.replace(summary, title=title, in_breton=bool(in_breton))


def card_of(
    project: Project | AnyRow,
    tiers: list[TierView],
    *,
    following: bool = False,
    news_count: int = 0,
    supporters: tuple[str, ...] = (),
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
        supporters=supporters,
    )


def launch_preview(project: Project) -> ProjectCard:
    """The card of a project not yet live, as it will look on the day it goes live."""
    card = card_of(project, [tier_view(tier) for tier in project.reward_tiers])
    days = timedelta(days=project.duration_days or 30)
    live = dataclasses.replace(card.summary, status=ProjectStatus.LIVE, ends_at=utcnow() + days)
    return dataclasses.replace(card, summary=live)
