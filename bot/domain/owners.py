"""What owners and contributors are shown of their own: dashboards, news deliveries, backers,
stored personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.catalogue import ProjectSummary
from bot.domain.core import DeliveryMode, SupporterDisplay
from bot.domain.matching import PartnerMatch


@dataclass(frozen=True)
class RecentPledge:
    amount_cents: int
    reward: str | None
    paid_at: datetime | None


@dataclass(frozen=True)
class LinkStats:
    sharer: str  # the first name of who shared the link
    visits: int
    pledges: int
    amount_cents: int


@dataclass(frozen=True)
class Dashboard:
    project: ProjectSummary
    followers: int
    latest: list[RecentPledge]
    links: list[LinkStats]
    match: PartnerMatch | None = None
    # Visits and pledges through each connected group or channel (`sharer`: its title).
    chats: list[LinkStats] = field(default_factory=list)


@dataclass(frozen=True)
class Publication:
    post_id: int
    recipients: int
    project_id: int = 0
    tier_id: int | None = None  # a message to the contributors of this reward
    reward: str | None = None  # that reward's title


@dataclass(frozen=True)
class Delivery:
    """Where a post's delivery stands, for the owner's progress message."""

    post_id: int
    owner_id: int
    chat_id: int | None
    message_id: int | None
    total: int
    sent: int
    blocked: int
    failed: int
    pending: int

    @property
    def done(self) -> bool:
        return self.pending == 0


@dataclass(frozen=True)
class Backer:
    """One paid pledge as its project's owner sees it, to deliver the reward."""

    pledge_id: int
    paid_at: datetime | None
    amount_cents: int
    reward: str | None  # None: a free gift
    delivery_mode: DeliveryMode | None  # None: a free gift, nothing to deliver
    name: str | None  # for delivery: the shipping name, else the name given at payment
    email: str | None
    address: dict[str, str] | None  # line1, line2, postal_code, city, state, country
    display: SupporterDisplay
    nickname: str | None
    erased: bool  # the contributor had their data erased after the campaign


@dataclass(frozen=True)
class BackerTier:
    tier_id: int
    title: str
    backers: int


@dataclass(frozen=True)
class BackerPage:
    project_id: int
    title: str
    tiers: list[BackerTier]
    tier_id: int | None  # the reward shown; None: every reward
    page: int
    pages: int
    total: int
    backers: list[Backer]
    writable: bool = False  # its contributors may be written to (live or succeeded)


@dataclass(frozen=True)
class StoredPledgeData:
    """What is kept about one of a contributor's pledges (for /mes_donnees)."""

    project_title: str
    amount_cents: int
    reward: str | None
    email: str | None
    name: str | None
    address: dict[str, str] | None
    nickname: str | None
    erasable: bool  # the campaign is over: nothing is left to deliver from it


@dataclass(frozen=True)
class MyData:
    first_name: str
    locale: str
    pledges: list[StoredPledgeData]
