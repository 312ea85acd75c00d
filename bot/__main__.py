"""The `kengo-bot` command: `run`, `db upgrade`, `demo-data`, `payments reconcile`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from telegram.error import InvalidToken, NetworkError

from bot.config import (
    ConfigError,
    DatabaseSettings,
    Settings,
    load_database_settings,
    load_settings,
)
from bot.monitoring.logs import configure_logging

log = logging.getLogger("bot")

RECONCILE_DAYS = 30  # Stripe retries webhooks for three days; a month covers most outages


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kengo-bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="upgrade the database, then serve the bot (polling or webhook)")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply the database migrations and exit")
    commands.add_parser("demo-data", help="load the demo projects (idempotent)")
    payments = commands.add_parser("payments", help="the pledge ledger and Stripe")
    payment_commands = payments.add_subparsers(dest="payments_command", required=True)
    reconcile = payment_commands.add_parser(
        "reconcile", help="compare Stripe's sessions and refunds with the pledges, repair"
    )
    reconcile.add_argument(
        "--since", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
        help=f"first day to read from Stripe (default: {RECONCILE_DAYS} days ago)",
    )  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "db":
        return _db_upgrade()
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"kengo-bot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, _secrets(settings), settings.log_format)
    try:
        if not _database_reachable(settings):
            return 1
        if args.command == "run":
            from bot.server import serve

            _run_serving(serve(settings))
        elif args.command == "payments":
            return asyncio.run(_reconcile(settings, args.since))
        else:
            asyncio.run(_demo_data(settings))
    except InvalidToken:
        print(
            "kengo-bot: Telegram refused TELEGRAM_BOT_TOKEN (revoked or mistyped)", file=sys.stderr
        )
        return 2
    except NetworkError as error:
        print(f"kengo-bot: cannot reach the Telegram Bot API: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


def _run_serving(serving: Coroutine[Any, Any, None]) -> None:
    """Serve on uvloop's event loop where it is installed (not on Windows), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(serving)
    else:
        uvloop.run(serving)


def _secrets(settings: Settings) -> list[str]:
    secrets = [settings.telegram_bot_token, settings.telegram_webhook_secret]
    secrets += [settings.stripe_secret_key, settings.stripe_webhook_secret]
    return [secret.get_secret_value() for secret in secrets if secret is not None]


def _database_reachable(settings: DatabaseSettings) -> bool:
    """Wait (DATABASE_WAIT_SECONDS) for the database every command needs; one line if it
    never answers."""
    from bot.storage.reachability import DatabaseUnavailable, wait_for_database

    try:
        asyncio.run(wait_for_database(settings.database_url, settings.database_wait_seconds))
    except DatabaseUnavailable as error:
        print(f"kengo-bot: {error}", file=sys.stderr)
        return False
    return True


def _db_upgrade() -> int:
    """`db upgrade` reads the database settings only: a migration job (a one-shot container
    before the workers) needs no bot token."""
    try:
        settings = load_database_settings()
    except ConfigError as error:
        print(f"kengo-bot: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, [], settings.log_format)
    if not _database_reachable(settings):
        return 1
    asyncio.run(_upgrade(settings))
    return 0


async def _upgrade(settings: DatabaseSettings) -> None:
    from bot.storage.engine import create_engine, upgrade_schema

    engine = create_engine(settings.database_url)
    try:
        await upgrade_schema(engine)
    finally:
        await engine.dispose()
    log.info("database schema is up to date")


async def _demo_data(settings: Settings) -> None:
    from bot.demo import load_demo_data
    from bot.storage.engine import create_engine, create_session_factory, upgrade_schema

    engine = create_engine(settings.database_url)
    try:
        await upgrade_schema(engine)
        report = await load_demo_data(create_session_factory(engine))
    finally:
        await engine.dispose()
    print(
        f"demo data: {report.created} projects added, {report.already_present} already present, "
        f"{report.pledges} pledges added"
    )


async def _reconcile(settings: Settings, since: date | None) -> int:
    from bot.payments.gateway import PaymentUnavailable, StripeGateway
    from bot.payments.reconcile import Reconciler
    from bot.storage.engine import create_engine, create_session_factory, upgrade_schema

    if settings.stripe_secret_key is None:
        print("kengo-bot: STRIPE_SECRET_KEY is required to reconcile", file=sys.stderr)
        return 2
    start = since or (datetime.now(UTC) - timedelta(days=RECONCILE_DAYS)).date()
    engine = create_engine(settings.database_url)
    gateway = StripeGateway(settings.stripe_secret_key.get_secret_value(), settings.stripe_api_base)
    try:
        await upgrade_schema(engine)
        reconciler = Reconciler(
            create_session_factory(engine), gateway, moderators=settings.moderator_ids
        )
        report = await reconciler.since(datetime.combine(start, time.min, UTC))
    except PaymentUnavailable as error:
        print(f"kengo-bot: cannot read Stripe: {error}", file=sys.stderr)
        return 1
    finally:
        await gateway.close()
        await engine.dispose()
    print(f"payments reconcile since {start.isoformat()}:")
    print("\n".join(report.lines()))
    return 3 if report.needs_human else 0


if __name__ == "__main__":
    sys.exit(main())
