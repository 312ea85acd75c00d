"""Settings: one clear line naming the variable when something is missing or wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings
from bot.notifications.sender import OutboxTimings
from bot.notifications.workers import timings_from

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "MODERATOR_IDS",
                 "OUTBOX_LEASE_SECONDS", "OUTBOX_POLL_SECONDS", "NEWS_PROGRESS_SECONDS",
                 "REFUND_LEASE_SECONDS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]  # no stray .env


def test_missing_token_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN is required"):
        load_settings()


@pytest.mark.parametrize(
    "token", ["", "abc", "123456:short", "not a token at all:xxxxxxxxxxxxxxxxxxxxxx"]
)
def test_malformed_token_names_the_variable(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN "):
        load_settings()


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.database_url == "sqlite+aiosqlite:///kengo.db"
    assert (settings.http_host, settings.http_port) == ("0.0.0.0", 8080)
    assert settings.stripe_api_base == "https://api.stripe.com"
    assert settings.default_locale == "fr"
    assert not settings.webhook_mode
    assert settings.moderator_ids == frozenset()


def test_moderator_ids_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("MODERATOR_IDS", " 11, 22,33 ")
    assert load_settings().moderator_ids == {11, 22, 33}
    monkeypatch.setenv("MODERATOR_IDS", "11,bob")
    with pytest.raises(ConfigError, match=r"^MODERATOR_IDS "):
        load_settings()


def test_webhook_mode_needs_a_valid_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_URL", "https://kengo.example/")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        load_settings()
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "has spaces!")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET must be"):
        load_settings()
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-token_OK")
    settings = load_settings()
    assert settings.webhook_mode
    assert settings.telegram_webhook_url == "https://kengo.example/telegram"


def test_secrets_do_not_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_verysecret")
    settings = load_settings()
    assert TOKEN not in repr(settings)
    assert "sk_test_verysecret" not in repr(settings)


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    from pathlib import Path

    Path(".env").write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nDEFAULT_LOCALE=br\n", encoding="utf-8")
    assert load_settings().default_locale == "br"


def test_waits_default_to_what_the_outbox_sender_does_without_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert settings.outbox_lease_seconds == 30
    assert settings.outbox_poll_seconds == 1
    assert settings.news_progress_seconds == 3
    assert settings.refund_lease_seconds == 300
    assert timings_from(settings) == OutboxTimings()
    monkeypatch.setenv("OUTBOX_LEASE_SECONDS", "2")
    monkeypatch.setenv("OUTBOX_POLL_SECONDS", "0.1")
    assert timings_from(load_settings()) == OutboxTimings(lease=timedelta(seconds=2), poll=0.1)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("OUTBOX_LEASE_SECONDS", "0.5"),
        ("OUTBOX_POLL_SECONDS", "0"),
        ("NEWS_PROGRESS_SECONDS", "-1"),
        ("REFUND_LEASE_SECONDS", "0"),
    ],
)
def test_a_wait_out_of_bounds_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=f"^{name} "):
        load_settings()


def test_more_than_30_notifications_a_second_must_be_paid_broadcasts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("PAID_BROADCAST", raising=False)
    monkeypatch.setenv("OUTBOX_RATE", "30")
    assert not load_settings().paid_broadcast
    monkeypatch.setenv("OUTBOX_RATE", "100")
    with pytest.raises(ConfigError, match=r"^OUTBOX_RATE above 30 messages/s needs PAID_"):
        load_settings()
    monkeypatch.setenv("PAID_BROADCAST", "true")
    assert load_settings().paid_broadcast


def test_the_readme_example_token_passes_the_token_check(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whoever pastes the quick start gets "Telegram refused the token", not a format error.
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (example,) = re.findall(r"TELEGRAM_BOT_TOKEN=(\S+)", quick_start)
    assert "your-token" in example  # obviously not a real one
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", example)
    assert load_settings().telegram_bot_token.get_secret_value() == example


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite+aiosqlite:///kengo.db", None),
        ("postgresql+asyncpg://kengo:hunter2@db:5432/kengo", None),
        ("kengo.db", "is not a database URL: use sqlite+aiosqlite:///"),
        ("sqlite:///kengo.db", "needs the async driver: sqlite+aiosqlite://… instead of sqlite://"),
        ("postgres://kengo:hunter2@db/kengo", "needs the async driver: postgresql+asyncpg://…"),
        ("postgresql+psycopg://kengo:hunter2@db/k", "needs the async driver: postgresql+asyncpg"),
        ("mysql+aiomysql://kengo:hunter2@db/kengo", "must be one of sqlite+aiosqlite:///"),
    ],
)
def test_database_url_needs_an_engine_and_driver_the_bot_runs_on(
    monkeypatch: pytest.MonkeyPatch, url: str, message: str | None
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", url)
    if message is None:
        assert load_settings().database_url == url
        return
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert str(raised.value).startswith(f"DATABASE_URL {message}")
    assert "hunter2" not in str(raised.value)


def test_log_level_is_a_level_name_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"
    monkeypatch.setenv("LOG_LEVEL", "verbose")
    with pytest.raises(ConfigError, match=r"^LOG_LEVEL must be one of DEBUG, INFO, WARNING, "):
        load_settings()


def test_the_database_is_awaited_for_30_seconds_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.delenv("DATABASE_WAIT_SECONDS", raising=False)
    assert load_settings().database_wait_seconds == 30
    monkeypatch.setenv("DATABASE_WAIT_SECONDS", "-1")
    with pytest.raises(ConfigError, match=r"^DATABASE_WAIT_SECONDS "):
        load_settings()
