"""`kengo-bot run`: migrate, start the HTTP server and the bot, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from contextlib import AsyncExitStack, suppress
from typing import Any

from aiohttp import web
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.context import RUNTIME_KEY, KengoContext, Runtime, Services
from bot.i18n.translator import Catalogs
from bot.notifications.workers import OutboxWorker
from bot.payments.gateway import StripeGateway
from bot.storage.engine import create_engine, create_session_factory, upgrade_schema
from bot.telegram.client import make_bot
from bot.telegram.commands import keep_publishing_default_commands
from bot.telegram.intake import PerUserUpdateProcessor
from bot.telegram.takeover import keep_taking_over
from bot.telegram.update_types import allowed_updates
from bot.web import create_web_app
from handlers import register

log = logging.getLogger(__name__)


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run the bot until `stop` is set (or SIGINT / SIGTERM arrives)."""
    stop = stop or _stop_on_signals()
    async with AsyncExitStack() as resources:
        engine = create_engine(settings.database_url)
        resources.push_async_callback(engine.dispose)
        await upgrade_schema(engine)
        gateway = _stripe(settings)
        if gateway is not None:
            resources.push_async_callback(gateway.close)
        sessions = create_session_factory(engine)
        runtime = Runtime(
            settings=settings,
            engine=engine,
            catalogs=Catalogs.load(default=settings.default_locale),
            services=Services.create(sessions, settings, gateway),
        )
        application = build_application(settings, runtime)
        runner = web.AppRunner(create_web_app(runtime, application), handle_signals=False)
        await runner.setup()
        resources.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, settings.http_host, settings.http_port).start()
        log.info("HTTP server on %s:%s", settings.http_host, settings.http_port)
        # When Telegram refuses the token, the application shuts down nothing it has not
        # finished starting, so the bot's HTTP sessions stay open: close them here. After a
        # normal stop this finds them closed already.
        resources.push_async_callback(application.bot.shutdown)
        async with application:
            menus = asyncio.create_task(
                keep_publishing_default_commands(application.bot, runtime.catalogs, stop),
                name="menus",
            )
            # Before receiving: updates a dead worker left may queue before the new ones.
            inbox = asyncio.create_task(_keep_inbox(runtime, application, stop), name="inbox")
            await _start_receiving(application, settings)
            outbox = OutboxWorker(
                settings,
                engine,
                sessions,
                runtime.catalogs,
                runtime.metrics,
                cards=runtime.services.catalogue,
            )
            runtime.metrics.follow_sender(lambda: outbox.is_leader)
            await outbox.start()
            sweeping = asyncio.create_task(_sweep_regularly(runtime, stop), name="campaigns")
            await stop.wait()
            log.info("stopping")
            await _stop_receiving(application)
            if settings.webhook_mode:
                await runtime.services.webhook_updates.release()
            await asyncio.gather(outbox.stop(), sweeping, menus, inbox, return_exceptions=True)


async def _keep_inbox(
    runtime: Runtime, application: Application[Any, Any, Any, Any, Any, Any], stop: asyncio.Event
) -> None:
    """Webhook mode: take over the updates a dead worker had accepted (polling: Telegram
    keeps unconfirmed updates itself)."""
    if runtime.settings.webhook_mode:
        await keep_taking_over(runtime.services.webhook_updates, application, stop)


async def _sweep_regularly(runtime: Runtime, stop: asyncio.Event) -> None:
    """Close overdue campaigns now (also after downtime), then at every interval; forget old
    webhook update ids."""
    services = runtime.services
    while not stop.is_set():
        try:
            await services.campaigns.run_once()
            await services.webhook_updates.forget_old()
        except Exception:
            log.exception("campaign sweep failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), runtime.settings.campaign_check_seconds)


def _stripe(settings: Settings) -> StripeGateway | None:
    if settings.stripe_secret_key is None:
        log.warning("STRIPE_SECRET_KEY is not set: pledging is closed")
        return None
    return StripeGateway(settings.stripe_secret_key.get_secret_value(), settings.stripe_api_base)


async def _start_receiving(
    application: Application[Any, Any, Any, Any, Any, Any], settings: Settings
) -> None:
    await application.start()
    # Only what the handlers take: Telegram then spares us the rest (and drops it).
    wanted = allowed_updates(application.handlers)
    webhook_url, secret = settings.telegram_webhook_url, settings.telegram_webhook_secret
    if webhook_url is not None and secret is not None:
        await application.bot.set_webhook(
            webhook_url, secret_token=secret.get_secret_value(), allowed_updates=wanted
        )
        log.info("webhook mode: Telegram posts updates to %s", webhook_url)
    elif application.updater is not None:
        await application.updater.start_polling(allowed_updates=wanted)
        log.info("polling mode: @%s is listening", application.bot.username)


async def _stop_receiving(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Stop taking updates first, then let the handlers in progress finish (Application.stop).
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()


def _inbox_marks(settings: Settings, runtime: Runtime) -> Callable[[int], None] | None:
    # Webhook updates are kept until handled; polling needs nothing: Telegram keeps them.
    return runtime.services.webhook_updates.finished if settings.webhook_mode else None


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):  # not available on Windows event loops
            loop.add_signal_handler(signum, stop.set)
    return stop


def build_application(
    settings: Settings, runtime: Runtime
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The PTB application, pointed at `TELEGRAM_API_URL`; polling only when no webhook is set."""
    bot = make_bot(settings, rate_limited=True)
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=KengoContext))
        # Different users are served concurrently (each update opens its own session).
        .concurrent_updates(PerUserUpdateProcessor(64, finished=_inbox_marks(settings, runtime)))
    )
    if settings.webhook_mode:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data[RUNTIME_KEY] = runtime
    register(application)
    return application
