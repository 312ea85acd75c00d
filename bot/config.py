"""Settings, read once from the environment (and an optional `.env` file) by the CLI."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Telegram tokens look like "123456789:AA...": a numeric bot id, a colon, then 30+ URL-safe chars.
# Checked up front so a typo fails with a clear message instead of an opaque 401 later.
_TOKEN_RE = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{20,}$")
# Telegram accepts 1-256 characters of A-Za-z0-9_- as a webhook secret token.
_WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

Locale = Literal["fr", "br"]
# The engines the bot runs on, through the asyncio drivers it ships with.
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_BACKEND_ALIASES = {"postgres": "postgresql"}  # the scheme some hosting providers hand out
_DATABASE_URL_SHAPES = "sqlite+aiosqlite:///path.db or postgresql+asyncpg://user:password@host/db"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Messages per second Telegram lets a bot broadcast for free; faster is a paid broadcast.
FREE_BROADCAST_RATE = 30


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it and fits on one line."""


class DatabaseSettings(BaseSettings):
    """What `kengo-bot db upgrade` reads: a migration job carries none of the bot's secrets."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///kengo.db"
    # At start, an unreachable database is tried again with backoff for this long (a database
    # container starting beside the bot), then the command stops with exit code 1.
    database_wait_seconds: float = Field(default=30.0, ge=0, le=3600)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        # Only the scheme is ever echoed: the URL may hold a password.
        try:
            scheme = make_url(value).drivername
        except ArgumentError:
            raise ValueError(f"is not a database URL: use {_DATABASE_URL_SHAPES}") from None
        if scheme in _ASYNC_DRIVERS.values():
            return value
        backend = _BACKEND_ALIASES.get(scheme.partition("+")[0], scheme.partition("+")[0])
        if backend in _ASYNC_DRIVERS:
            raise ValueError(
                f"needs the async driver: {_ASYNC_DRIVERS[backend]}://… instead of {scheme}://…"
            )
        raise ValueError(f"must be one of {_DATABASE_URL_SHAPES} (got {scheme}://…)")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)} (got {value!r})")
        return level


class Settings(DatabaseSettings):
    """Every operator setting of the bot; see the README for what each one does."""

    telegram_bot_token: SecretStr
    telegram_api_url: str = "https://api.telegram.org/bot"
    http_host: str = "0.0.0.0"  # noqa: S104 - the container must be reachable from outside
    http_port: int = Field(default=8080, ge=1, le=65535)
    webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str = "https://api.stripe.com"
    moderator_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    moderation_chat_id: int | None = None
    default_locale: Locale = "fr"
    # Pledges: the largest amount one may type, and how long a Checkout Session stays open
    # (Stripe accepts 30 minutes to 24 hours).
    pledge_max_eur: int = Field(default=10_000, ge=1, le=1_000_000)
    checkout_minutes: int = Field(default=60, ge=30, le=24 * 60)
    # How often overdue campaigns are closed and pending refunds retried.
    campaign_check_seconds: float = Field(default=60.0, gt=0)
    # A refund being sent is leased for this long: another worker leaves it alone meanwhile,
    # and picks it up after a crash once the lease is over.
    refund_lease_seconds: float = Field(default=300.0, ge=1, le=24 * 3600)
    # Webhook mode: an update being handled is leased to its worker for this long (renewed
    # every third of it). A worker that dies leaves its updates to the others, or to itself
    # restarted, once the lease lapses.
    inbox_lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    # Notification delivery: messages per second over all chats, for the whole deployment (one
    # worker sends at a time). Telegram allows about 30; above, up to 1,000 as paid broadcasts.
    outbox_rate: float = Field(default=25.0, gt=0, le=1000)
    # Notifications are sent with `allow_paid_broadcast`: Telegram charges Stars per message.
    paid_broadcast: bool = False
    # A claimed notification is leased for this long; after a crash it is sent again once the
    # lease is over. Sending starts within the first two thirds of it, so it must exceed a Bot
    # API call's time-outs by far (15 s or more in production).
    outbox_lease_seconds: float = Field(default=30.0, ge=1, le=3600)
    # How often the sender looks for new notifications when the outbox is empty, and for news
    # deliveries whose owner's progress message should change.
    outbox_poll_seconds: float = Field(default=1.0, ge=0.01, le=60)
    # Edits of an owner's "1 234 / 5 000 abonnés" message, at most one per this many seconds.
    news_progress_seconds: float = Field(default=3.0, ge=0, le=600)
    # Edits of the live progress message in a connected group or channel: at most one per
    # this many seconds per chat (pledges in between are shown together).
    chat_progress_seconds: float = Field(default=60.0, ge=0.1, le=3600)
    # Replies to users per second, over all chats, in each worker (python-telegram-bot's
    # limiter; 0 turns it off, e.g. to measure the bot itself).
    reply_rate: float = Field(default=30.0, ge=0, le=1000)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_RE.match(value.get_secret_value().strip()):
            raise ValueError("does not look like a bot token from @BotFather (123456:ABC...)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("moderator_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"-?\d+", part) for part in parts):
                raise ValueError("must be comma-separated Telegram user ids")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("webhook_url", "moderation_chat_id", "telegram_webhook_secret", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _https_base(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        secret = self.telegram_webhook_secret
        if secret is not None and not _WEBHOOK_SECRET_RE.match(secret.get_secret_value()):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ -")
        if self.webhook_url and secret is None:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        return self

    @model_validator(mode="after")
    def _fast_broadcasts_are_paid(self) -> Settings:
        if self.outbox_rate > FREE_BROADCAST_RATE and not self.paid_broadcast:
            raise ValueError(
                f"OUTBOX_RATE above {FREE_BROADCAST_RATE} messages/s needs PAID_BROADCAST=true "
                "(Telegram charges paid broadcasts in Stars)"
            )
        return self

    @property
    def webhook_mode(self) -> bool:
        return self.webhook_url is not None

    @property
    def telegram_webhook_url(self) -> str | None:
        return f"{self.webhook_url}/telegram" if self.webhook_url else None


_Read = TypeVar("_Read", bound=BaseSettings)


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the variable."""
    return _read(Settings, overrides)


def load_database_settings() -> DatabaseSettings:
    """Read only what reaching the database needs (`kengo-bot db upgrade`)."""
    return _read(DatabaseSettings, {})


def _read(kind: type[_Read], overrides: dict[str, Any]) -> _Read:
    try:
        return kind(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        name = "_".join(str(part) for part in first["loc"]).upper()
        if first["type"] == "missing":
            raise ConfigError(f"{name} is required (set it in the environment or .env)") from None
        message = str(first["msg"]).removeprefix("Value error, ")
        if not name:
            raise ConfigError(message) from None
        raise ConfigError(f"{name} {message}") from None
