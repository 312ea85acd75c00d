"""The product's enums and value types: what every layer may import, and imports nothing of ours.

Views, the callback and input codecs, and services all speak these types; the database stores
the enums as strings (`bot.storage.models`). Money is always integer cents.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    LIVE = "live"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Category(enum.StrEnum):
    CULTURE = "culture"
    INNOVATION = "innovation"
    SOLIDARITY = "solidarity"
    HERITAGE = "heritage"
    ENVIRONMENT = "environment"
    SPORT = "sport"
    BRETON_LANGUAGE = "breton_language"


class Departement(enum.StrEnum):
    """The five départements of historic Brittany, by their INSEE numbers."""

    COTES_DARMOR = "22"
    FINISTERE = "29"
    ILLE_ET_VILAINE = "35"
    LOIRE_ATLANTIQUE = "44"
    MORBIHAN = "56"


class FundingModel(enum.StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    KEEP_IT_ALL = "keep_it_all"


class DeliveryMode(enum.StrEnum):
    """How a reward reaches its contributor."""

    SHIPPED = "shipped"  # by post: Checkout collects a shipping address
    IN_PERSON = "in_person"  # handed over or picked up
    NOTHING = "none"  # nothing to deliver (a thank-you, a name on a wall…)


class SupporterDisplay(enum.StrEnum):
    """How a contributor chose to appear among a project's supporters."""

    NAME = "name"
    NICKNAME = "nickname"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class SupporterChoice:
    """How a pledge's contributor appears on the project's card, and the name shown: their
    Telegram first name (NAME) or a nickname, as it was when they pledged; None if anonymous."""

    display: SupporterDisplay = SupporterDisplay.ANONYMOUS
    name: str | None = None


class PledgeStatus(enum.StrEnum):
    # The summary was shown, not yet confirmed: no reward unit held, no Stripe session.
    DRAFT = "draft"
    PENDING = "pending"  # checkout session open, nothing paid yet
    PROCESSING = "processing"  # paid by a delayed method (e.g. SEPA), awaiting settlement
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUND_PENDING = "refund_pending"
    REFUNDED = "refunded"
    # Stripe's record of the payment disagrees with the pledge (amount, currency): never
    # counted, kept for a moderator to settle.
    ANOMALY = "anomaly"
    CANCELLED = "cancelled"  # by the user before paying; its Stripe session, if any, expired


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"  # the recipient blocked the bot
    FAILED = "failed"  # gave up after the retry cap
    SKIPPED = "skipped"  # the recipient muted notifications


PUBLIC_STATUSES = (ProjectStatus.LIVE, ProjectStatus.SUCCEEDED, ProjectStatus.FAILED)


class Order(enum.StrEnum):
    """The catalogue's sort orders."""

    ENDING_SOON = "ending_soon"
    NEWEST = "newest"
    ALMOST_FUNDED = "almost_funded"
    MOST_BACKED = "most_backed"


PAGE_SIZE = 5


MAX_PAGE = 9999


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


class Reason(enum.StrEnum):
    NOT_LIVE = "not_live"
    TOO_LOW = "too_low"
    TOO_HIGH = "too_high"
    BELOW_TIER = "below_tier"
    SOLD_OUT = "sold_out"
    UNKNOWN_TIER = "unknown_tier"
    NOT_CONFIGURED = "not_configured"
    CHECKOUT_OPEN = "checkout_open"  # another checkout of the user's is still being opened
    CANCELLED = "cancelled"  # the user cancelled this pledge since its summary was shown


@dataclass(frozen=True)
class PledgeOptions:
    project_id: int
    title: str
    funding_model: FundingModel
    tiers: list[tuple[int, TierView]]  # (tier id, tier), available ones only


@dataclass(frozen=True)
class CheckoutLink:
    pledge_id: int
    url: str
    amount_cents: int
    expires_at: datetime


class SoldOutChoice(enum.StrEnum):
    """What a contributor whose reward sold out before their payment landed prefers."""

    KEEP_AS_GIFT = "gift"
    REFUND = "refund"


@dataclass(frozen=True)
class PledgeLine:
    pledge_id: int
    project_id: int
    title: str
    amount_cents: int
    tier_title: str | None
    status: PledgeStatus
    created_at: datetime
    checkout_url: str | None  # while its payment page can be used
    tier_id: int | None = None
    reached_stripe: bool = True  # False: Stripe never opened a payment page for it


@dataclass(frozen=True)
class ProjectText:
    """A project's title and summary in one language (its translation, bot/catalogue/texts.py)."""

    locale: str
    title: str
    summary: str


@dataclass(frozen=True)
class Review:
    """A project as moderators review it."""

    project_id: int
    status: ProjectStatus
    owner_name: str
    owner_username: str | None
    submitted_at: datetime | None
    breton_connection: str
    duration_days: int
    card: ProjectCard
    # What only moderators see: the owner's language, every reward as stored, the claim on it,
    # and for a project sent back with changes requested, the request and what changed since.
    owner_locale: str = ""
    rewards: tuple[RewardDetail, ...] = ()
    claim: Claim | None = None
    resubmission: Resubmission | None = None
    translation: ProjectText | None = None  # the title and summary in the other language


@dataclass(frozen=True)
class RewardDetail:
    """A reward as the owner wrote it, delivery included (moderators check what is promised)."""

    title: str
    description: str
    min_amount_cents: int
    quantity_limit: int | None
    estimated_delivery: date | None
    delivery_mode: DeliveryMode
    shipping_countries: str | None


@dataclass(frozen=True)
class Claim:
    """A moderator reviewing a submission, so that others leave it to them."""

    moderator_id: int
    name: str
    since: datetime


@dataclass(frozen=True)
class FieldChange:
    """One reviewable field changed since the previous submission (values as snapshotted)."""

    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Resubmission:
    """A project submitted again after changes were requested."""

    reason: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PanelMessage:
    """One message of a moderation panel, edited once the submission is decided."""

    chat_id: int
    message_id: int
    has_buttons: bool
    is_caption: bool


@dataclass(frozen=True)
class Anomaly:
    """A pledge Stripe charged differently (amount or currency), as moderators are shown it."""

    pledge_id: int
    project_id: int
    title: str
    expected_cents: int  # what the pledge asked for, in euro cents
    charged_cents: int  # what Stripe charged, in the minor unit of `currency`
    currency: str
    reason: str  # "amount" or "currency"


@dataclass(frozen=True)
class Verdict:
    decided: bool  # False: the project was no longer waiting (another moderator was first)
    decision: Decision | None  # what was decided, now or earlier
    moderator_name: str | None
    title: str
    ends_at: datetime | None = None
    decided_at: datetime | None = None
    # The panels shown for the submission, to be closed (set when this press decided it).
    panels: tuple[PanelMessage, ...] = ()


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


@dataclass(frozen=True)
class AlertTarget:
    """What a launch alert watches: catalogue filters (a new project must match every one set:
    "Culture in Finistère" is culture projects of Finistère), or the next project of an owner."""

    category: Category | None = None
    departement: Departement | None = None
    commune: str | None = None  # the official French name, as projects store it
    owner_id: int | None = None
    owner_name: str = ""  # how the bot names the owner (their first name), for the owner kind

    @property
    def key(self) -> str:
        """One alert per user and key: the same target asked twice is one alert."""
        if self.owner_id is not None:
            return f"owner:{self.owner_id}"
        parts = (self.category or "-", self.departement or "-", self.commune or "-")
        return "place:" + "|".join(parts)

    @property
    def empty(self) -> bool:
        return self.owner_id is None and not (self.category or self.departement or self.commune)


@dataclass(frozen=True)
class LaunchAlert:
    id: int
    target: AlertTarget


@dataclass(frozen=True)
class AlertPage:
    """A page of a user's launch alerts in /settings."""

    alerts: list[LaunchAlert]
    page: int
    pages: int
    total: int
    first: int = 1  # the number of the page's first alert in the whole list


class ChatType(enum.StrEnum):
    """The kinds of Telegram chat a project can be connected to."""

    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


@dataclass(frozen=True)
class CommunityChat:
    """A group or channel connected to a project, with its settings."""

    id: int
    project_id: int
    chat_id: int
    chat_type: ChatType
    title: str
    language: str  # of everything the bot posts there
    cross_post_news: bool
    pin_progress: bool
    connected_by: int
    progress_message_id: int | None = None  # the live progress message, once posted


@dataclass(frozen=True)
class CommunityChats:
    """The owner's "Groupes et canaux" screen of one project."""

    project: ProjectSummary
    chats: list[CommunityChat]
    invite_token: str  # carried by the "connect" links to the chat


class ConnectRefusal(enum.StrEnum):
    NOT_ADMIN = "not_admin"  # who added the bot is not an administrator of the chat
    NOT_OWNER = "not_owner"  # nor the project's owner (a link passed on)
    NO_INVITE = "no_invite"  # unknown, used or expired link
    TAKEN = "taken"  # the chat already shows another project


@dataclass(frozen=True)
class ChatConnection:
    """What connecting a chat did: the chat and its project, or why it was refused."""

    chat: CommunityChat | None
    refusal: ConnectRefusal | None = None
    project_title: str = ""
    owner_locale: str = "fr"


@dataclass(frozen=True)
class ChatDisconnection:
    """A chat the bot can no longer post in, to tell its owner about."""

    chat: CommunityChat
    project_title: str
    owner_locale: str


class MatchRule(enum.StrEnum):
    """How a partner matches a project (`bot/matching/rules.py` has the arithmetic)."""

    THRESHOLD = "threshold"  # completes the goal once contributors reach a share of it
    EURO_FOR_EURO = "euro_for_euro"  # adds a euro for each euro given, up to a cap


@dataclass(frozen=True)
class PartnerMatch:
    """A partner's match on a project: recorded and reported to the partner, never paid
    through Stripe. `matched_cents` is what its rule gives as of the latest contribution."""

    match_id: int
    project_id: int
    partner: str
    rule: MatchRule
    threshold_percent: int | None  # THRESHOLD: 1 to 99
    cap_cents: int | None  # EURO_FOR_EURO: the most the partner adds
    starts_at: datetime
    ends_at: datetime
    matched_cents: int = 0
    # While it is in force (`bot/matching/rules.py`): what contributors must still give for
    # a threshold match to complete the rest, and what a euro-for-euro match may still add.
    to_trigger_cents: int = 0
    cap_left_cents: int = 0


@dataclass(frozen=True)
class MatchReport:
    """One line of the partners' CSV: a match and what it came to."""

    match: PartnerMatch
    title: str
    goal_cents: int
    contributors_cents: int  # the contributors' money counted for the project
    threshold_cents: int | None  # THRESHOLD: the contributors' money that triggers it
    status: ProjectStatus
    withdrawn_at: datetime | None
    computed_at: datetime | None


class MatchProblem(enum.StrEnum):
    """Why a step of attaching a partner match was refused."""

    GONE = "gone"  # the draft or the match is no more (confirmed, dropped, withdrawn)
    NOT_LIVE = "not_live"  # the project is not in campaign (any more)
    ALREADY_MATCHED = "already_matched"  # one match per project
    NAME_LENGTH = "name_length"
    NOT_A_PERCENT = "not_a_percent"
    PERCENT_RANGE = "percent_range"
    NOT_AN_AMOUNT = "not_an_amount"
    AMBIGUOUS_AMOUNT = "ambiguous_amount"
    CAP_RANGE = "cap_range"
    NOT_A_DATE = "not_a_date"
    DATE_RANGE = "date_range"


@dataclass(frozen=True)
class MatchDraft:
    """A partner match a moderator is filling in, step by step, on a live project."""

    draft_id: int
    project_id: int
    title: str
    goal_cents: int
    campaign_ends_at: datetime
    partner: str | None = None
    rule: MatchRule | None = None
    threshold_percent: int | None = None
    cap_cents: int | None = None
    ends_at: datetime | None = None
    # A threshold the contributors passed already: what the partner adds on confirmation.
    at_once_cents: int = 0
