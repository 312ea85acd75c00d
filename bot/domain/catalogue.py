"""What the catalogue shows: list views and pages, project summaries and cards, the people
reading them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.core import (
    PAGE_SIZE,
    Category,
    DeliveryMode,
    Departement,
    FundingModel,
    Order,
    ProjectStatus,
)
from bot.domain.matching import PartnerMatch


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
    # Of `raised_cents`, what a partner adds by the rule of its match (`PartnerMatch`), paid
    # outside Stripe; 0 when none. `raised_cents` is how far the project is, the match
    # included (`summary_of` adds it), so that every progress line counts it.
    matched_cents: int = 0
    in_breton: bool = False  # it can be read in Breton (bot/catalogue/texts.py)

    @property
    def contributed_cents(self) -> int:
        """The contributors' own money (the partner's share apart)."""
        return self.raised_cents - self.matched_cents

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
    delivery_mode: DeliveryMode = DeliveryMode.IN_PERSON
    shipping_countries: tuple[str, ...] = ()  # ISO codes ("EU" for the Union); shipped only


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
    # The latest contributors who chose to be shown, most recent first (names, at most three).
    supporters: tuple[str, ...] = ()
    match: PartnerMatch | None = None  # a partner's match in force (or ended, still counted)


@dataclass(frozen=True)
class NewsItem:
    text: str
    created_at: datetime
    photo_file_id: str | None
    post_id: int = 0  # 0: not known (then no way to read it whole)


@dataclass(frozen=True)
class Visitor:
    """What Telegram tells us about the person behind an update."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Profile:
    id: int
    first_name: str
    locale: str
    locale_chosen: bool
    is_new: bool = False
    input_mode: str | None = None


@dataclass(frozen=True)
class Preferences:
    locale: str
    notifications_muted: bool
    reminders_muted: bool


@dataclass(frozen=True)
class ProjectText:
    """A project's title and summary in one language (its translation, bot/catalogue/texts.py)."""

    locale: str
    title: str
    summary: str
