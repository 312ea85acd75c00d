"""The database schema: what the whole product stores. Money is always integer cents."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

from bot.domain import (
    Category,
    Decision,
    DeliveryMode,
    Departement,
    FundingModel,
    MatchRule,
    OutboxStatus,
    PledgeStatus,
    ProjectStatus,
    SupporterDisplay,
    utcnow,
)
from bot.search.text import project_search_fields


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every engine (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(cls: type[enum.StrEnum]) -> Enum:
    # Stored as plain strings: new members need no ALTER TYPE on PostgreSQL nor a table rebuild
    # on SQLite.
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    # Deterministic constraint names so Alembic can alter them later (SQLite batch mode needs it).
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class User(Timestamped, Base):
    """A Telegram user who talked to the bot; the id is Telegram's user id (= private chat id)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8))
    # False until the user picks a language: the first-contact prompt depends on it.
    locale_chosen: Mapped[bool] = mapped_column(default=False)
    home_departement: Mapped[Departement | None] = mapped_column(_enum(Departement))
    # The deep-link payload of the user's very first /start: where they came from.
    arrival_payload: Mapped[str | None] = mapped_column(String(64))
    # What a free text from this user means right now ("search" while browsing), and the
    # catalogue search they typed last (list buttons refer to it by a hash).
    input_mode: Mapped[str | None] = mapped_column(String(24))
    catalogue_query: Mapped[str | None] = mapped_column(String(64))
    blocked: Mapped[bool] = mapped_column(default=False)
    blocked_at: Mapped[datetime | None]
    notifications_muted: Mapped[bool] = mapped_column(default=False)
    reminders_muted: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Project(Timestamped, Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("goal_cents > 0", name="goal_positive"),
        CheckConstraint("raised_cents >= 0", name="raised_not_negative"),
        # The catalogue's orders. "Ending soon" walks (status, ends_at), ties in id order. The
        # newest and most backed walk their sort index and check ends_at from the entry itself
        # (see bot/catalogue/shapes.py). "Almost funded" sorts the entries of a covering
        # index, never whole projects. Two end with the id: SQLite's indexes hold it anyway,
        # PostgreSQL's need it to count, skip a deep page's rows or sort from the index alone.
        # Search indexes are made by raw SQL, not here (bot/search/indexes.py).
        Index("ix_projects_status_ends_at", "status", "ends_at", "id"),
        Index("ix_projects_status_starts_at_ends_at", "status", "starts_at", "ends_at"),
        Index("ix_projects_status_contributors_ends_at", "status", "contributors_count", "ends_at"),
        Index(
            "ix_projects_status_ends_at_raised_goal",
            "status",
            "ends_at",
            "raised_cents",
            "goal_cents",
            "id",
        ),
        Index("ix_projects_status_category_ends_at", "status", "category", "ends_at"),
        Index("ix_projects_status_departement_ends_at", "status", "departement", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[ProjectStatus] = mapped_column(_enum(ProjectStatus), default=ProjectStatus.DRAFT)
    # Natural key of the projects loaded by `kengo-bot demo-data`: reloading stays idempotent.
    slug: Mapped[str | None] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(80), default="")
    summary: Mapped[str] = mapped_column(String(280), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    breton_connection: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[Category | None] = mapped_column(_enum(Category))
    departement: Mapped[Departement | None] = mapped_column(_enum(Departement))
    commune: Mapped[str | None] = mapped_column(String(80))
    # Accent-free, lower-case forms to search on portably (see bot/search/text.py): the title alone
    # (ranks first), and title + summary + the commune's French and Breton names.
    search_title: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    goal_cents: Mapped[int] = mapped_column(BigInteger, default=1)
    funding_model: Mapped[FundingModel] = mapped_column(
        _enum(FundingModel), default=FundingModel.ALL_OR_NOTHING
    )
    duration_days: Mapped[int | None]
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    # Cached from paid pledges, updated in the transaction that marks a pledge paid or refunded.
    raised_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    contributors_count: Mapped[int] = mapped_column(default=0)
    followers_count: Mapped[int] = mapped_column(default=0)
    # Highest goal percentage (50, 100) already announced to followers, so each is sent once.
    milestone_notified: Mapped[int] = mapped_column(default=0)
    # When the "last 48 hours" reminder was queued (once per campaign).
    reminded_at: Mapped[datetime | None]
    # Where the owner stopped in the submission wizard; None outside the wizard.
    wizard_step: Mapped[str | None] = mapped_column(String(32))
    # The reward being written in the wizard, field by field, until it is complete.
    wizard_tier: Mapped[dict[str, Any] | None]
    # The wizard's conversation: the ids of its live messages in the owner's chat, edited in
    # place rather than sent again ("preview"; "prompt", the question waiting for its answer),
    # "shown", what the preview shows (a digest of the answers), and "commune", a name the
    # gazetteer does not know, waiting for the owner to keep it.
    wizard_chat: Mapped[dict[str, Any] | None]
    submitted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    @property
    def wizard_preview_message_id(self) -> int | None:
        return (self.wizard_chat or {}).get("preview")

    @wizard_preview_message_id.setter
    def wizard_preview_message_id(self, value: int | None) -> None:
        self._set_wizard_chat("preview", value)

    @property
    def wizard_prompt_message_id(self) -> int | None:
        return (self.wizard_chat or {}).get("prompt")

    @wizard_prompt_message_id.setter
    def wizard_prompt_message_id(self, value: int | None) -> None:
        self._set_wizard_chat("prompt", value)

    @property
    def wizard_preview_shows(self) -> str | None:
        return (self.wizard_chat or {}).get("shown")

    @wizard_preview_shows.setter
    def wizard_preview_shows(self, value: str | None) -> None:
        self._set_wizard_chat("shown", value)

    @property
    def wizard_commune(self) -> str | None:
        return (self.wizard_chat or {}).get("commune")

    @wizard_commune.setter
    def wizard_commune(self, value: str | None) -> None:
        self._set_wizard_chat("commune", value)

    def _set_wizard_chat(self, key: str, value: object) -> None:
        # A new dict, so that the ORM sees the change (a JSON value mutated in place is not).
        chat = {k: v for k, v in (self.wizard_chat or {}).items() if k != key}
        if value is not None:
            chat[key] = value
        self.wizard_chat = chat or None

    reward_tiers: Mapped[list[RewardTier]] = relationship(
        back_populates="project", order_by="RewardTier.position", cascade="all, delete-orphan"
    )
    # The title and summary in the project's other language (`ProjectTranslation`). Loaded
    # only where asked for (the wizard, the demo data): readers get it through SQL.
    translation: Mapped[ProjectTranslation | None] = relationship(
        cascade="all, delete-orphan", lazy="raise", passive_deletes=True
    )


@event.listens_for(Project, "before_insert")
@event.listens_for(Project, "before_update")
def _index_for_search(_mapper: Mapper[Project], connection: Connection, project: Project) -> None:
    # Every path that writes a project (wizard, demo data, moderation) keeps search current,
    # its translation included (read here when not loaded: a payment does not load it).
    project.search_title, project.search_text = project_search_fields(
        project.title or "", project.summary or "", project.commune, project.departement,
        extra=_translated_texts(connection, project),
    )  # fmt: skip


def _translated_texts(connection: Connection, project: Project) -> tuple[str, ...]:
    if "translation" not in inspect(project).unloaded:
        loaded = project.translation
        return (loaded.title, loaded.summary) if loaded is not None else ()
    if project.id is None:
        return ()
    translations = ProjectTranslation.__table__.c
    found = connection.execute(
        select(translations.title, translations.summary).where(
            translations.project_id == project.id
        )
    ).first()
    return (found.title, found.summary) if found else ()


class RewardTier(Base):
    __tablename__ = "reward_tiers"
    __table_args__ = (
        CheckConstraint("min_amount_cents > 0", name="min_amount_positive"),
        CheckConstraint(
            "quantity_limit IS NULL OR claimed_count + reserved_count <= quantity_limit",
            name="not_oversold",
        ),
        Index("ix_reward_tiers_project_id_position", "project_id", "position"),  # a card's tiers
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    min_amount_cents: Mapped[int] = mapped_column(BigInteger)
    quantity_limit: Mapped[int | None]  # None: unlimited
    claimed_count: Mapped[int] = mapped_column(default=0)
    # Units held by open checkout sessions, released when a session expires or fails.
    reserved_count: Mapped[int] = mapped_column(default=0)
    estimated_delivery: Mapped[date | None] = mapped_column(Date)
    delivery_mode: Mapped[DeliveryMode] = mapped_column(
        _enum(DeliveryMode), default=DeliveryMode.IN_PERSON, server_default="in_person"
    )
    # ISO 3166 alpha-2 codes, comma-separated ("FR,BE"); only for a shipped reward.
    shipping_countries: Mapped[str | None] = mapped_column(String(64))

    project: Mapped[Project] = relationship(back_populates="reward_tiers")

    @property
    def units_left(self) -> int | None:
        """Units one can still pledge for; None when the tier is unlimited."""
        return units_left(self.quantity_limit, self.claimed_count, self.reserved_count)


def units_left(quantity_limit: int | None, claimed: int, reserved: int) -> int | None:
    """Units of a tier one can still pledge for; None when the tier is unlimited."""
    if quantity_limit is None:
        return None
    return max(0, quantity_limit - claimed - reserved)


class Pledge(Timestamped, Base):
    __tablename__ = "pledges"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        Index("ix_pledges_project_status", "project_id", "status"),
        # One open checkout per user, project and reward, even across workers (see below).
        UniqueConstraint("open_checkout_slot", name="uq_pledges_open_checkout_slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    reward_tier_id: Mapped[int | None] = mapped_column(ForeignKey("reward_tiers.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[PledgeStatus] = mapped_column(_enum(PledgeStatus), default=PledgeStatus.PENDING)
    # The share link that brought the contributor, if any (referral counts for owners).
    referral_code: Mapped[str | None] = mapped_column(String(64))
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # The payment page, kept so the user can be shown the button again while it is open.
    checkout_url: Mapped[str | None] = mapped_column(String(1024))
    checkout_expires_at: Mapped[datetime | None]
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255))
    paid_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    # Refunds of a failed campaign are retried until Stripe accepts them.
    refund_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    refund_retry_at: Mapped[datetime | None]
    # Random idempotency keys, made once and reused for every retry of the same request: keys
    # derived from the id would collide after a database restore or across two deployments.
    # The checkout key also travels in the session's metadata, which proves a session ours.
    checkout_key: Mapped[str | None] = mapped_column(String(64))
    # The product's name sent with that key, fixed when the key is made: a retry must send
    # the same parameters, even if the contributor changed language since (Stripe refuses a
    # key reused with other parameters).
    checkout_product: Mapped[str | None] = mapped_column(String(200))
    refund_key: Mapped[str | None] = mapped_column(String(64))
    # What Stripe says was charged and refunded for the pledge's own session; the project
    # counts charged - refunded (see bot/payments/ledger.py).
    amount_charged_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Why Stripe's record disagrees with the pledge (status ANOMALY), for a moderator.
    anomaly: Mapped[str | None] = mapped_column(String(64))
    # The reward sold out before the payment landed: the contributor is asked to keep the
    # pledge as a gift or be refunded.
    reward_sold_out: Mapped[bool] = mapped_column(default=False, server_default=false())
    # "user:project:tier" while the checkout is open, NULL after: a unique column that works
    # alike on both engines, where a partial index would need each one's dialect.
    open_checkout_slot: Mapped[str | None] = mapped_column(String(64))
    # What the contributor gave Stripe Checkout (from checkout.session.completed), to deliver
    # the reward and to thank them; blanked when they ask for their data to be erased.
    contact_email: Mapped[str | None] = mapped_column(String(320))
    contact_name: Mapped[str | None] = mapped_column(String(256))
    shipping_name: Mapped[str | None] = mapped_column(String(256))
    shipping_address: Mapped[dict[str, Any] | None]
    supporter_display: Mapped[SupporterDisplay] = mapped_column(
        _enum(SupporterDisplay), default=SupporterDisplay.ANONYMOUS, server_default="anonymous"
    )
    supporter_nickname: Mapped[str | None] = mapped_column(String(64))
    personal_data_erased_at: Mapped[datetime | None]


class Follow(Base):
    __tablename__ = "follows"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NewsPost(Base):
    __tablename__ = "news_posts"
    __table_args__ = (
        # A project's published news, newest first, and their count on its card.
        Index("ix_news_posts_project_id_published_at", "project_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # None while the owner looks at the preview; set once, when it is sent to followers.
    published_at: Mapped[datetime | None]
    recipients_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set: a message to the contributors of this reward only, never among the project's news.
    reward_tier_id: Mapped[int | None] = mapped_column(
        ForeignKey("reward_tiers.id", ondelete="CASCADE")
    )
    # The owner's message that shows delivery progress, edited as the outbox drains.
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    delivery_reported_at: Mapped[datetime | None]


class OutboxMessage(Base):
    """One notification for one recipient, written in the transaction of the event behind it."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"))
    news_post_id: Mapped[int | None] = mapped_column(
        ForeignKey("news_posts.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # e.g. "news:12:user:345": the same notification can never be queued twice.
    dedupe_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Lease for concurrent senders: a row claimed by a worker until this time.
    locked_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class TelegramUpdate(Base):
    """An update received by webhook: Telegram redelivers when our answer did not reach it, and
    with several workers the copy may reach another process; the primary key lets one win.

    Telegram never resends an update it got a 200 for, so the row is also the update's inbox:
    its JSON (`payload`) stays until its handlers have run (`handled_at`), leased to the worker
    handling it; a worker that dies leaves it for another once the lease lapses. A handled row
    keeps its id only, to recognise late copies."""

    __tablename__ = "telegram_updates"
    __table_args__ = (
        # Only the few updates not yet handled: what a worker looks at to take over a dead one's.
        Index(
            "ix_telegram_updates_unhandled",
            "update_id",
            sqlite_where=text("handled_at IS NULL"),
            postgresql_where=text("handled_at IS NULL"),
        ),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    payload: Mapped[str | None] = mapped_column(Text)
    locked_until: Mapped[datetime | None]
    # Times the update was taken over from a worker that did not finish it: a poison update
    # that kills every worker is given up after a few.
    takeovers: Mapped[int] = mapped_column(default=0, server_default="0")
    handled_at: Mapped[datetime | None]


class StripeEvent(Base):
    """A Stripe webhook event already received: the primary key makes replays harmless."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None]
    # What applying it did, or why it could not be applied ("applied", "unknown session"...).
    outcome: Mapped[str | None] = mapped_column(String(255))


class ReferralVisit(Base):
    """Someone opened a project through a share link: counted once per visitor and link."""

    __tablename__ = "referral_visits"
    __table_args__ = (
        UniqueConstraint("project_id", "referrer_id", "visitor_id", name="uq_referral_visit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # The user who shared the link (no foreign key: a link outlives its sharer's account).
    referrer_id: Mapped[int] = mapped_column(BigInteger)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModerationDecision(Base):
    __tablename__ = "moderation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    moderator_id: Mapped[int] = mapped_column(BigInteger)
    decision: Mapped[Decision] = mapped_column(_enum(Decision))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModerationSubmission(Base):
    """One submission of a project to the moderators: what was submitted (to show what a
    resubmission changed), who took it in hand, and when it was decided."""

    __tablename__ = "moderation_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    claimed_by: Mapped[int | None] = mapped_column(BigInteger)
    claimed_by_name: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]


class ModerationPanel(Base):
    """A message of a submission's panel in a moderator's chat or the moderation group."""

    __tablename__ = "moderation_panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_submissions.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    has_buttons: Mapped[bool] = mapped_column(default=False, server_default=false())
    is_caption: Mapped[bool] = mapped_column(default=False, server_default=false())


class ProjectTranslation(Base):
    """A project's title and summary in its other language, given by its owner.

    A project has at most one: its own columns hold the text in the language the owner wrote
    it in, this row the other one, so `locale` also says which language the original is in
    ("br" here: the original is French). A reader whose language is `locale` reads this row;
    any other reader the original. A Breton version exists whenever a row does.
    """

    __tablename__ = "project_translations"
    __table_args__ = (CheckConstraint("locale IN ('fr', 'br')", name="translation_locale"),)

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(String(280))


@event.listens_for(ProjectTranslation, "after_insert")
@event.listens_for(ProjectTranslation, "after_update")
def _index_translation(
    _mapper: Mapper[ProjectTranslation], connection: Connection, translation: ProjectTranslation
) -> None:
    # The project's row is written before its translation: index it again with the new text.
    _reindex(connection, translation.project_id, (translation.title, translation.summary))


@event.listens_for(ProjectTranslation, "after_delete")
def _unindex_translation(
    _mapper: Mapper[ProjectTranslation], connection: Connection, translation: ProjectTranslation
) -> None:
    _reindex(connection, translation.project_id, ())


def _reindex(connection: Connection, project_id: int, extra: tuple[str, ...]) -> None:
    projects = Project.__table__.c
    project = connection.execute(
        select(projects.title, projects.summary, projects.commune, projects.departement).where(
            projects.id == project_id
        )
    ).first()
    if project is None:  # the project itself is being deleted
        return
    search_title, search_text = project_search_fields(
        project.title or "", project.summary or "", project.commune, project.departement,
        extra=extra,
    )  # fmt: skip
    connection.execute(
        update(Project)
        .where(projects.id == project_id)
        .values(search_title=search_title, search_text=search_text)
    )


class LaunchAlert(Base):
    """Someone asked to be told when a project goes live that matches every filter set here
    (category, département, commune), or when an owner they backed launches a new one."""

    __tablename__ = "launch_alerts"
    __table_args__ = (UniqueConstraint("user_id", "target_key", name="uq_launch_alert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[Category | None] = mapped_column(_enum(Category))
    departement: Mapped[Departement | None] = mapped_column(_enum(Departement))
    commune: Mapped[str | None] = mapped_column(String(80))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # `AlertTarget.key`: the same target asked twice by one user is one alert.
    target_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConnectedChat(Base):
    """A Telegram group or channel where a project's card and live progress are posted.

    One project per chat: the chat id is unique, and a disconnected row is reused when the
    chat is connected again (to the same project or another one)."""

    __tablename__ = "connected_chats"
    __table_args__ = (UniqueConstraint("chat_id", name="uq_connected_chats_chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    chat_type: Mapped[str] = mapped_column(String(16))  # group, supergroup or channel
    title: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default="fr")  # of what is posted there
    cross_post_news: Mapped[bool] = mapped_column(default=True)
    pin_progress: Mapped[bool] = mapped_column(default=True)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # A digest of what the progress message shows: an unchanged edit is never sent.
    progress_shown: Mapped[str | None] = mapped_column(String(64))
    progress_checked_at: Mapped[datetime | None]
    progress_edited_at: Mapped[datetime | None]
    connected_by: Mapped[int] = mapped_column(BigInteger)
    connected_at: Mapped[datetime] = mapped_column(default=utcnow)
    disconnected_at: Mapped[datetime | None]


class ChatInvite(Base):
    """A one-time token an owner's "connect a group/channel" link carries to the chat."""

    __tablename__ = "chat_invites"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ChatPost(Base):
    """A message queued for a connected chat (a milestone, the outcome, a news post), sent by
    the notification sender at the chat's pace; the dedupe key makes a second copy impossible."""

    __tablename__ = "chat_posts"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_chat_posts_dedupe_key"),
        Index("ix_chat_posts_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connected_chat_id: Mapped[int] = mapped_column(
        ForeignKey("connected_chats.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # sent, failed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class ChatVisit(Base):
    """Someone opened a project through a connected chat's "Soutenir" button: like a share
    link's visit, counted once per visitor and chat, so pledges can be counted per chat."""

    __tablename__ = "chat_visits"
    __table_args__ = (UniqueConstraint("connected_chat_id", "visitor_id", name="uq_chat_visit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connected_chat_id: Mapped[int] = mapped_column(
        ForeignKey("connected_chats.id", ondelete="CASCADE")
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    visitor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerMatch(Base):
    """A partner's match on a live project (bot/matching/rules.py has its rules), attached
    by a moderator. Never paid through Stripe: recorded, and reported to the partner by CSV.

    A row starts as a moderator's draft (`confirmed_at` NULL) filled step by step; once
    confirmed it is in force until `ends_at`. At most one confirmed, not withdrawn match per
    project (a partial unique index). `matched_cents` is what its rule gives, recomputed with
    the project's totals after every change of money (`bot/payments/ledger.recount`)."""

    __tablename__ = "partner_matches"
    __table_args__ = (
        Index(
            "uq_partner_matches_one_active",
            "project_id",
            unique=True,
            sqlite_where=text("confirmed_at IS NOT NULL AND withdrawn_at IS NULL"),
            postgresql_where=text("confirmed_at IS NOT NULL AND withdrawn_at IS NULL"),
        ),
        CheckConstraint("matched_cents >= 0", name="matched_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    partner_name: Mapped[str | None] = mapped_column(String(80))
    rule: Mapped[MatchRule | None] = mapped_column(_enum(MatchRule))
    threshold_percent: Mapped[int | None]
    cap_cents: Mapped[int | None] = mapped_column(BigInteger)
    starts_at: Mapped[datetime | None]  # when it was confirmed: euro for euro counts from then
    ends_at: Mapped[datetime | None]
    matched_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    computed_at: Mapped[datetime | None]
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[int | None] = mapped_column(BigInteger)
